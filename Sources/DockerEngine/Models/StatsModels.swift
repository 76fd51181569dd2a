// Wire models: the engine's JSON as sent, fields spelled exactly as the Engine API spells them (so no
// mapping can drift). All but the id are optional: engines of different ages omit different fields, and a
// missing one must never fail a list (lists are decoded element by element, see LossyArray).

/// One sample of `GET /containers/{id}/stats?stream=false&one-shot=true`.
public struct StatsSample: Decodable, Sendable, Hashable {
    public var read: String?
    public var cpu_stats: CPUStats?
    public var precpu_stats: CPUStats?
    public var memory_stats: MemoryStats?
    public var networks: [String: NetworkStats]?
    public var blkio_stats: BlkioStats?
    public var pids_stats: PidsStats?
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
}

public struct BlkioStats: Decodable, Sendable, Hashable {
    public var io_service_bytes_recursive: [BlkioEntry]?
}

public struct BlkioEntry: Decodable, Sendable, Hashable {
    public var op: String?
    public var value: UInt64?
}

public struct PidsStats: Decodable, Sendable, Hashable {
    public var current: UInt64?
}
