import DockerEngine
import SwtopStore
import TermCanvas

/// A column of the containers list; its raw value is its name in the config (`[ui] columns`).
public enum ContainerColumn: String, CaseIterable, Sendable, Hashable {
    case name, image, state, status, cpu, mem, net, io, pids, ports

    /// swtop's choice when the config names none: CPU and memory always; PIDS from 160 columns, NET and
    /// BLOCK I/O from 180, PORTS from 100; in `docker stats`' order. Below those widths the names and
    /// images keep the room they had before these columns came (at 120 and 140 columns the new columns
    /// cut a 23-character name: the end-to-end tests caught it).
    public static func automatic(width: Int) -> [ContainerColumn] {
        var columns: [ContainerColumn] = [.name, .image, .state, .status, .cpu, .mem]
        if width >= netAndIOWidth { columns += [.net, .io] }
        if width >= pidsWidth { columns.append(.pids) }
        if width >= 100 { columns.append(.ports) }
        return columns
    }

    public static let pidsWidth = 160
    public static let netAndIOWidth = 180

    var table: Table.Column {
        switch self {
        case .name: return .init("NAME", width: .flex(min: 12, weight: 2))
        case .image: return .init("IMAGE", width: .flex(min: 8, weight: 2))
        // "restarting…" (a restart under way) is the longest state text.
        case .state: return .init("STATE", width: .fixed(11))
        case .status: return .init("STATUS", width: .flex(min: 10, weight: 2))
        case .cpu: return .init("CPU%", width: .fixed(6), alignment: .right)
        case .mem: return .init("MEM / LIMIT", width: .fixed(15), alignment: .right)
        // Two compact counts of at most 4 characters each ("999K/1.2M"); one more column for the sort marker.
        case .net: return .init("NET RX/TX", width: .fixed(10), alignment: .right)
        case .io: return .init("BLOCK I/O", width: .fixed(10), alignment: .right)
        case .pids: return .init("PIDS", width: .fixed(5), alignment: .right)
        case .ports: return .init("PORTS", width: .flex(min: 8, weight: 2))
        }
    }

    /// A resource figure, dimmed on a container that is not running.
    var isFigure: Bool {
        switch self {
        case .cpu, .mem, .net, .io, .pids: return true
        case .name, .image, .state, .status, .ports: return false
        }
    }

    /// The column a sort key's marker goes on (STATUS sorts by creation).
    static func of(_ key: SortColumn.Key) -> ContainerColumn? {
        switch key {
        case .name: return .name
        case .image: return .image
        case .state: return .state
        case .created: return .status
        case .cpu: return .cpu
        case .memory: return .mem
        case .net: return .net
        case .io: return .io
        case .pids: return .pids
        default: return nil
        }
    }
}

/// Counts in at most four characters, decimal units as `docker stats` (1.2K is 1200 bytes): `648`,
/// `1.2K`, `12K`, `999K`, `1.0M`.
public enum CompactBytes {
    public static func text(_ value: UInt64) -> String {
        guard value >= 1000 else { return String(value) }
        let units: [Character] = ["K", "M", "G", "T", "P", "E"]
        var scaled = Double(value) / 1000
        var unit = 0
        // 999.95K rounds to "1000K": move up a unit first.
        while scaled >= 999.5, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        let digits = scaled < 9.95 ? FixedPoint.text(scaled, decimals: 1) : FixedPoint.text(scaled, decimals: 0)
        return digits + String(units[unit])
    }

    /// `1.2M/648`, `-` when unknown.
    public static func pair(_ counters: ContainerStats.ByteCounters?) -> String {
        guard let counters else { return "-" }
        return text(counters.incoming) + "/" + text(counters.outgoing)
    }

    /// `1.2 kB/s`, docker's decimal units, for rates.
    public static func rate(_ bytesPerSecond: Double) -> String {
        ByteCount.text(Int64(max(0, bytesPerSecond).rounded())) + "/s"
    }
}
