import Foundation

/// Reads a local container's CPU and memory from its cgroup files: no engine request at all.
/// Works with cgroup v1 and v2, cgroupfs (`docker/<id>`) and systemd (`system.slice/docker-<id>.scope`)
/// layouts; a container whose folder is not found is left to the API sampler.
public struct CgroupStatsReader: Sendable {
    public enum Version: Sendable { case v1, v2 }

    public let root: String
    public let version: Version

    /// nil when this machine has no readable cgroup tree.
    public init?(root: String = "/sys/fs/cgroup") {
        self.root = root
        let fm = FileManager.default
        if fm.fileExists(atPath: root + "/cgroup.controllers") {
            version = .v2
        } else if fm.isReadableFile(atPath: root + "/memory") || fm.fileExists(atPath: root + "/memory") {
            version = .v1
        } else {
            return nil
        }
    }

    public struct Reading: Sendable, Equatable {
        /// Cumulative CPU time in nanoseconds.
        public var cpuNanoseconds: UInt64
        public var memoryUsed: UInt64
        /// nil when unlimited.
        public var memoryLimit: UInt64?
    }

    /// Sub-paths a container's cgroup may have below a controller root.
    static func candidates(_ id: String) -> [String] {
        ["docker/\(id)", "system.slice/docker-\(id).scope", "docker.slice/docker-\(id).scope"]
    }

    public func read(containerID id: String) -> Reading? {
        switch version {
        case .v1: return readV1(id)
        case .v2: return readV2(id)
        }
    }

    private func firstExisting(_ base: String, _ id: String) -> String? {
        for sub in Self.candidates(id) {
            let path = "\(base)/\(sub)"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    private func readV1(_ id: String) -> Reading? {
        let cpuBase = ["cpuacct", "cpu,cpuacct", "cpuacct,cpu"].map { "\(root)/\($0)" }
            .first { FileManager.default.fileExists(atPath: $0) }
        guard let cpuBase, let cpuDir = firstExisting(cpuBase, id),
              let memDir = firstExisting("\(root)/memory", id),
              let cpu = Self.number(cpuDir + "/cpuacct.usage"),
              let usage = Self.number(memDir + "/memory.usage_in_bytes") else { return nil }
        let stat = Self.keyed(memDir + "/memory.stat")
        let inactive = stat["total_inactive_file"] ?? 0
        let limit = Self.number(memDir + "/memory.limit_in_bytes")
        return Reading(cpuNanoseconds: cpu, memoryUsed: inactive < usage ? usage - inactive : usage,
                       memoryLimit: limit.flatMap { $0 >= (1 << 62) ? nil : $0 })
    }

    private func readV2(_ id: String) -> Reading? {
        guard let dir = firstExisting(root, id),
              let usec = Self.keyed(dir + "/cpu.stat")["usage_usec"],
              let usage = Self.number(dir + "/memory.current") else { return nil }
        let inactive = Self.keyed(dir + "/memory.stat")["inactive_file"] ?? 0
        return Reading(cpuNanoseconds: usec * 1000, memoryUsed: inactive < usage ? usage - inactive : usage,
                       memoryLimit: Self.number(dir + "/memory.max"))
    }

    static func text(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A file holding one number ("max" reads as nil).
    static func number(_ path: String) -> UInt64? {
        text(path).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// `key value` lines (memory.stat, cpu.stat).
    static func keyed(_ path: String) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for line in (text(path) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = UInt64(parts[1]) { result[String(parts[0])] = value }
        }
        return result
    }
}

/// Turns cumulative counters into rates. CPU % is of one core: 100 % = one core busy.
public enum StatsMath {
    /// From two cgroup readings `wallNanoseconds` apart.
    public static func cpuPercent(previous: UInt64, current: UInt64, wallNanoseconds: UInt64) -> Double? {
        guard current >= previous, wallNanoseconds > 0 else { return nil }
        return Double(current - previous) / Double(wallNanoseconds) * 100
    }

    /// From two API samples: Δ container usage / Δ host usage × online CPUs × 100.
    public static func cpuPercent(previousTotal: UInt64, previousSystem: UInt64, total: UInt64, system: UInt64,
                                  onlineCPUs: Int) -> Double? {
        guard total >= previousTotal, system > previousSystem, onlineCPUs > 0 else { return nil }
        return Double(total - previousTotal) / Double(system - previousSystem) * Double(onlineCPUs) * 100
    }

    /// Memory in use as `docker stats` counts it: usage minus the inactive page cache.
    public static func memoryUsed(usage: UInt64, stats: [String: UInt64]) -> UInt64 {
        let inactive = stats["total_inactive_file"] ?? stats["inactive_file"] ?? 0
        return inactive < usage ? usage - inactive : usage
    }
}
