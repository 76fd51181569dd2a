import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

enum ContainerTable {
    static func columns(width: Int) -> [Table.Column] {
        var columns: [Table.Column] = [
            .init("NAME", width: .flex(min: 12, weight: 2)),
            .init("IMAGE", width: .flex(min: 8, weight: 2)),
            // "restarting…" (a restart under way) is the longest state text.
            .init("STATE", width: .fixed(11)),
            .init("STATUS", width: .flex(min: 10, weight: 2)),
            .init("CPU%", width: .fixed(6), alignment: .right),
            .init("MEM / LIMIT", width: .fixed(15), alignment: .right),
        ]
        if width >= 100 { columns.append(.init("PORTS", width: .flex(min: 8, weight: 2))) }
        return columns
    }

    /// Several engines, not grouped by engine: the ENGINE column, as wide as the longest name (4–16).
    static func engineColumn(_ snapshot: StoreSnapshot) -> Table.Column {
        let widest = snapshot.members.map { DisplayWidth.of($0.name) }.max() ?? 6
        return .init("ENGINE", width: .fixed(min(max(widest, 6), 16)))
    }

    /// `● 20.10 · 12/15 running`, `◌ connecting`, `✗ unreachable: reason`.
    static func engineState(_ status: EngineStatus) -> String {
        switch status.connection {
        case .connected:
            return "● " + (status.engineVersion.map { "\($0) · " } ?? "") + "\(status.running)/\(status.containers) running"
        case .connecting: return "◌ connecting to \(status.endpoint)"
        case let .unreachable(reason, _): return "✗ unreachable: \(reason)"
        }
    }

    static func draw(into buffer: ScreenBuffer, _ rect: Rect, _ snapshot: StoreSnapshot, _ state: UIState, now: Date) -> Frame {
        var buffer = buffer
        let rows = ContainerRows.build(snapshot, state)
        var columns = Layout.markSorted(columns(width: rect.width), .containers, state)
        let showEngine = snapshot.members.count > 1 && !state.groupByEngine
        if showEngine { columns.append(engineColumn(snapshot)) }
        let selected = rows.firstIndex { $0.key == state.selection[.containers] } ?? (rows.isEmpty ? nil : 0)
        // STATUS in the short form where the long one would be cut (▲/▼ may take a column).
        let statusWidth = Table(columns: columns, rows: []).columnWidths(totalWidth: rect.width - 1)[3]
        let tableRows = rows.map { row -> Table.Row in
            switch row {
            case let .engine(status, collapsed):
                let label = "\(collapsed ? "▸" : "▾") \(status.name)"
                var cells = [label, status.endpoint, "", engineState(status)]
                while cells.count < columns.count { cells.append("") }
                return Table.Row(cells, style: Style(status.isUnreachable ? .error : .title, bold: true))
            case let .group(name, engine, total, running, collapsed, depth):
                let label = String(repeating: "  ", count: depth) + "\(collapsed ? "▸" : "▾") \(name)"
                var cells = [label, "compose", "", "\(running)/\(total) running", "", "", ""].prefix(columns.count).map { $0 }
                if showEngine { cells[cells.count - 1] = engine }
                return Table.Row(cells, style: Style(.accent, bold: true))
            case let .container(item, depth):
                var row = containerRow(item, depth: depth, snapshot, state, columns: columns.count - (showEngine ? 1 : 0), now: now,
                                       statusWidth: statusWidth)
                if showEngine {
                    row.cells.append(item.engine)
                    row.cellRoles.append(.dim)
                }
                return row
            }
        }
        let empty: String
        if !snapshot.loaded {
            empty = "connecting to \(snapshot.endpoint)…"
        } else if !state.currentFilter.isEmpty {
            empty = "no container matches “\(state.currentFilter)” (Esc clears the filter)"
        } else {
            empty = state.showStopped ? "no containers" : "no running containers (H shows stopped ones)"
        }
        var table = Table(columns: columns, rows: tableRows, selectedIndex: selected,
                          scrollOffset: state.scroll[.containers] ?? 0, showsScrollIndicators: true, emptyMessage: empty)
        table.showsMarks = true
        let offset = table.draw(into: &buffer, in: rect)
        let visibleCount = table.visibleRowCount(in: rect)
        let visible = rows.dropFirst(offset).prefix(visibleCount).compactMap { $0.container?.id }
        return Frame(buffer: buffer, scrollOffset: offset, visibleContainerIDs: Array(visible))
    }

    static func containerRow(_ item: ContainerItem, depth: Int, _ snapshot: StoreSnapshot, _ state: UIState,
                             columns: Int, now: Date, statusWidth: Int = .max) -> Table.Row {
        let stats = snapshot.stats[item.id]
        let pending = snapshot.pending[item.id]
        let running = item.state == .running
        let cpu = running ? stats?.cpuPercent.map { FixedPoint.text($0, decimals: 1) } ?? "…" : "-"
        var memory = "-"
        if running || item.state == .paused, let used = stats?.memoryUsed {
            memory = ByteCount.binary(used) + (stats?.memoryLimit.map { " / " + ByteCount.binary($0) } ?? "")
        }
        let name = String(repeating: "  ", count: depth) + item.name
        let stateText = pending.map { $0.progressive + "…" } ?? item.state.rawValue
        let status = StatusText.of(item, snapshot.timing[item.id], now: now, fitting: statusWidth)
        var cells = [name, item.image, stateText, status, cpu, memory]
        if columns > 6 { cells.append(PortText.summary(item.ports, arrow: "→", showIP: false)) }
        var roles: [ColorRole?] = Array(repeating: nil, count: cells.count)
        roles[2] = pending != nil ? .warning : stateRole(item.state)
        if !running { roles[4] = .dim; roles[5] = .dim }
        return Table.Row(cells, cellRoles: roles, isMarked: state.marked.contains(item.id))
    }

    static func stateRole(_ state: ContainerRunState) -> ColorRole {
        switch state {
        case .running: return .running
        case .paused: return .paused
        case .created: return .created
        case .restarting: return .restarting
        case .exited, .dead, .removing, .unknown: return .exited
        }
    }
}
