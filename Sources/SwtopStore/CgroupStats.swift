import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

    /// Where one container's files are; found once per container, then reused every tick.
    public struct Location: Sendable, Equatable {
        var cpuDir: String
        var memoryDir: String
    }

    public func locate(containerID id: String) -> Location? {
        switch version {
        case .v1:
            let cpuBase = ["cpuacct", "cpu,cpuacct", "cpuacct,cpu"].map { "\(root)/\($0)" }
                .first { FileManager.default.fileExists(atPath: $0) }
            guard let cpuBase, let cpu = firstExisting(cpuBase, id), let memory = firstExisting("\(root)/memory", id) else { return nil }
            return Location(cpuDir: cpu, memoryDir: memory)
        case .v2:
            guard let dir = firstExisting(root, id) else { return nil }
            return Location(cpuDir: dir, memoryDir: dir)
        }
    }

    /// nil when the files are gone (the container stopped, or moved cgroup).
    public func read(_ location: Location) -> Reading? {
        switch version {
        case .v1:
            guard let cpu = Self.number(location.cpuDir + "/cpuacct.usage"),
                  let usage = Self.number(location.memoryDir + "/memory.usage_in_bytes") else { return nil }
            let inactive = Self.keyed(location.memoryDir + "/memory.stat", only: "total_inactive_file") ?? 0
            let limit = Self.number(location.memoryDir + "/memory.limit_in_bytes")
            return Reading(cpuNanoseconds: cpu, memoryUsed: inactive < usage ? usage - inactive : usage,
                           memoryLimit: limit.flatMap { $0 >= (1 << 62) ? nil : $0 })
        case .v2:
            guard let usec = Self.keyed(location.cpuDir + "/cpu.stat", only: "usage_usec"),
                  let usage = Self.number(location.memoryDir + "/memory.current") else { return nil }
            let inactive = Self.keyed(location.memoryDir + "/memory.stat", only: "inactive_file") ?? 0
            return Reading(cpuNanoseconds: usec * 1000, memoryUsed: inactive < usage ? usage - inactive : usage,
                           memoryLimit: Self.number(location.memoryDir + "/memory.max"))
        }
    }

    private func firstExisting(_ base: String, _ id: String) -> String? {
        for sub in Self.candidates(id) {
            let path = "\(base)/\(sub)"
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return nil
    }

    /// A small file's bytes with plain open/read: this runs for every container every second.
    static func bytes(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            result.append(contentsOf: chunk[0..<n])
            if result.count > 1 << 20 { break }
        }
        return result
    }

    /// A file holding one number ("max" reads as nil).
    static func number(_ path: String) -> UInt64? {
        guard let data = bytes(path) else { return nil }
        return parseNumber(data[...])
    }

    static func parseNumber(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        var seen = false
        for byte in digits {
            if byte >= 0x30 && byte <= 0x39 {
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(UInt64(byte - 0x30))
                if o1 || o2 { return nil }
                value = sum
                seen = true
            } else if byte == 0x0A || byte == 0x20 {
                break
            } else {
                return nil
            }
        }
        return seen ? value : nil
    }

    /// One key of a `key value` file (memory.stat, cpu.stat).
    static func keyed(_ path: String, only key: String) -> UInt64? {
        guard let data = bytes(path) else { return nil }
        let wanted = Array(key.utf8) + [0x20]
        var lineStart = 0
        while lineStart < data.count {
            let lineEnd = data[lineStart...].firstIndex(of: 0x0A) ?? data.count
            if lineEnd - lineStart > wanted.count, Array(data[lineStart..<lineStart + wanted.count]) == wanted {
                return parseNumber(data[(lineStart + wanted.count)..<lineEnd])
            }
            lineStart = lineEnd + 1
        }
        return nil
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
