// Wire models: the engine's JSON as sent, fields spelled exactly as the Engine API spells them (so no
// mapping can drift). All but the id are optional: engines of different ages omit different fields, and a
// missing one must never fail a list (lists are decoded element by element, see LossyArray).

/// One sample of `GET /containers/{id}/stats?stream=false&one-shot=true`.
///
/// The network, block I/O and pids parts are read leniently: a missing, null or oddly typed field is nil
/// (cgroup v2 engines send `null` lists, engines without a network namespace no `networks`), never an error
/// that would lose the CPU and memory figures of the same sample.
public struct StatsSample: Decodable, Sendable, Hashable {
    public var read: String?
    public var cpu_stats: CPUStats?
    public var precpu_stats: CPUStats?
    public var memory_stats: MemoryStats?
    public var networks: [String: NetworkStats]?
    public var blkio_stats: BlkioStats?
    public var pids_stats: PidsStats?

    enum CodingKeys: String, CodingKey {
        case read, cpu_stats, precpu_stats, memory_stats, networks, blkio_stats, pids_stats
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        read = c.lenient(String.self, forKey: .read)
        cpu_stats = try c.decodeIfPresent(CPUStats.self, forKey: .cpu_stats)
        precpu_stats = c.lenient(CPUStats.self, forKey: .precpu_stats)
        memory_stats = try c.decodeIfPresent(MemoryStats.self, forKey: .memory_stats)
        networks = c.lenient(LossyDictionary<NetworkStats>.self, forKey: .networks)?.elements
        blkio_stats = c.lenient(BlkioStats.self, forKey: .blkio_stats)
        pids_stats = c.lenient(PidsStats.self, forKey: .pids_stats)
    }

    /// Received and sent bytes summed over every interface, as `docker stats` shows NET I/O; nil when the
    /// sample has no `networks` (host or no network namespace).
    public var networkBytes: (rx: UInt64, tx: UInt64)? {
        guard let networks else { return nil }
        var rx: UInt64 = 0, tx: UInt64 = 0
        for (_, interface) in networks {
            rx &+= interface.rx_bytes ?? 0
            tx &+= interface.tx_bytes ?? 0
        }
        return (rx, tx)
    }

    /// Bytes read and written summed over devices (`Read`/`Write` on cgroup v1, `read`/`write` on v2), as
    /// `docker stats` shows BLOCK I/O; an empty or null list is 0 / 0, no `blkio_stats` at all is nil.
    public var blockIOBytes: (read: UInt64, write: UInt64)? {
        guard let blkio = blkio_stats else { return nil }
        var read: UInt64 = 0, write: UInt64 = 0
        for entry in blkio.io_service_bytes_recursive ?? [] {
            guard let value = entry.value, let op = entry.op else { continue }
            if op.caseInsensitiveEquals("read") { read &+= value } else if op.caseInsensitiveEquals("write") { write &+= value }
        }
        return (read, write)
    }

    /// Processes and threads in the container.
    public var pids: UInt64? { pids_stats?.current }
}

public struct CPUStats: Decodable, Sendable, Hashable {
    public var cpu_usage: CPUUsage?
    public var system_cpu_usage: UInt64?
    public var online_cpus: Int?
}

public struct CPUUsage: Decodable, Sendable, Hashable {
    public var total_usage: UInt64?
    public var percpu_usage: [UInt64]?
}

public struct MemoryStats: Decodable, Sendable, Hashable {
    public var usage: UInt64?
    public var limit: UInt64?
    public var stats: [String: UInt64]?
}

public struct NetworkStats: Decodable, Sendable, Hashable {
    public var rx_bytes: UInt64?
    public var tx_bytes: UInt64?

    enum CodingKeys: String, CodingKey { case rx_bytes, tx_bytes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rx_bytes = c.lenient(UInt64.self, forKey: .rx_bytes)
        tx_bytes = c.lenient(UInt64.self, forKey: .tx_bytes)
    }
}

public struct BlkioStats: Decodable, Sendable, Hashable {
    public var io_service_bytes_recursive: [BlkioEntry]?

    enum CodingKeys: String, CodingKey { case io_service_bytes_recursive }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        io_service_bytes_recursive = c.lenient(LossyArray<BlkioEntry>.self, forKey: .io_service_bytes_recursive)?.elements
    }
}

public struct BlkioEntry: Decodable, Sendable, Hashable {
    public var op: String?
    public var value: UInt64?

    enum CodingKeys: String, CodingKey { case op, value }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        op = c.lenient(String.self, forKey: .op)
        value = c.lenient(UInt64.self, forKey: .value)
    }
}

public struct PidsStats: Decodable, Sendable, Hashable {
    public var current: UInt64?

    enum CodingKeys: String, CodingKey { case current }

    public init(from decoder: Decoder) throws {
        current = try decoder.container(keyedBy: CodingKeys.self).lenient(UInt64.self, forKey: .current)
    }
}

/// A JSON object decoded value by value, keeping the values that decode.
struct LossyDictionary<Value: Decodable>: Decodable {
    var elements: [String: Value] = [:]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        for key in c.allKeys {
            if let value = c.lenient(Value.self, forKey: key) { elements[key.stringValue] = value }
        }
    }
}

fileprivate extension String {
    /// ASCII case-insensitive equality, without lowercasing (no allocation).
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in (x | 0x20) == (y | 0x20) }
    }
}
