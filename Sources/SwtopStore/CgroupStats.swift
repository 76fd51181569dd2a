#if canImport(Glibc)
import Glibc
#endif

/// Reads a local container's CPU, memory, block I/O and pids from its cgroup files, and its network
/// counters from `/proc/PID/net/dev` of one of its processes: no engine request at all.
/// Works with cgroup v1 and v2, cgroupfs (`docker/<id>`) and systemd (`system.slice/docker-<id>.scope`)
/// layouts, and podman's; a container whose folder is not found is left to the API sampler.
///
/// Each figure has its own read (`cpu`, `usage`, `inactive`, `limit`) so the sampler reads only the files
/// a figure needs; every read goes through one caller-owned scratch buffer, so a tick allocates nothing
/// per file.
public struct CgroupStatsReader: Sendable {
    public enum Version: Sendable { case v1, v2 }

    public let root: String
    /// Where `PID/net/dev` is read (a test's fake tree).
    public let procRoot: String
    public let version: Version

    /// nil when this machine has no readable cgroup tree.
    public init?(root: String = "/sys/fs/cgroup", procRoot: String = "/proc") {
        self.root = root
        self.procRoot = procRoot
        if Self.exists(root + "/cgroup.controllers") {
            version = .v2
        } else if Self.exists(root + "/memory") {
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

    /// Sub-paths a container's cgroup may have below a controller root: Docker's (cgroupfs, systemd) and
    /// podman's (`libpod_parent/libpod-<id>` with cgroupfs, `machine.slice/libpod-<id>.scope` with systemd).
    static func candidates(_ id: String) -> [String] {
        ["docker/\(id)", "system.slice/docker-\(id).scope", "docker.slice/docker-\(id).scope",
         "libpod_parent/libpod-\(id)", "machine.slice/libpod-\(id).scope"]
    }

    /// Where one container's files are; found once per container, then reused every tick.
    public struct Location: Sendable, Equatable {
        public var version: Version
        public var cpuDir: String
        public var memoryDir: String
        let cpuFile: String
        let usageFile: String
        let statFile: String
        let limitFile: String
        /// nil when the controller is not mounted (v1) — the figure is then nil.
        let pidsFile: String?
        let ioFile: String?
        /// v1 only: `blkio.io_service_bytes`, read when the throttle file lists no device.
        let ioFallbackFile: String?
        /// The container's processes, one of which gives the network counters.
        let procsFile: String

        init(version: Version, cpuDir: String, memoryDir: String, pidsDir: String? = nil, blkioDir: String? = nil) {
            self.version = version
            self.cpuDir = cpuDir
            self.memoryDir = memoryDir
            procsFile = memoryDir + "/cgroup.procs"
            switch version {
            case .v1:
                cpuFile = cpuDir + "/cpuacct.usage"
                usageFile = memoryDir + "/memory.usage_in_bytes"
                statFile = memoryDir + "/memory.stat"
                limitFile = memoryDir + "/memory.limit_in_bytes"
                pidsFile = pidsDir.map { $0 + "/pids.current" }
                ioFile = blkioDir.map { $0 + "/blkio.throttle.io_service_bytes" }
                ioFallbackFile = blkioDir.map { $0 + "/blkio.io_service_bytes" }
            case .v2:
                cpuFile = cpuDir + "/cpu.stat"
                usageFile = memoryDir + "/memory.current"
                statFile = memoryDir + "/memory.stat"
                limitFile = memoryDir + "/memory.max"
                pidsFile = memoryDir + "/pids.current"
                ioFile = memoryDir + "/io.stat"
                ioFallbackFile = nil
            }
        }
    }

    public func locate(containerID id: String) -> Location? {
        switch version {
        case .v1:
            let cpuBase = ["cpuacct", "cpu,cpuacct", "cpuacct,cpu"].map { "\(root)/\($0)" }.first { Self.exists($0) }
            guard let cpuBase, let cpu = firstExisting(cpuBase, id), let memory = firstExisting("\(root)/memory", id) else { return nil }
            return Location(version: .v1, cpuDir: cpu, memoryDir: memory, pidsDir: firstExisting("\(root)/pids", id),
                            blkioDir: firstExisting("\(root)/blkio", id))
        case .v2:
            guard let dir = firstExisting(root, id) else { return nil }
            return Location(version: .v2, cpuDir: dir, memoryDir: dir)
        }
    }

    /// A buffer the reads share; its size bounds what a read sees of a file (memory.stat is ~1–2 KiB).
    public static func makeScratch() -> [UInt8] { [UInt8](repeating: 0, count: 16 * 1024) }

    /// Every figure at once. nil when the files are gone (the container stopped, or moved cgroup).
    public func read(_ location: Location) -> Reading? {
        var scratch = Self.makeScratch()
        return read(location, scratch: &scratch)
    }

    public func read(_ location: Location, scratch: inout [UInt8]) -> Reading? {
        guard let cpu = cpu(location, scratch: &scratch), let usage = usage(location, scratch: &scratch) else { return nil }
        let inactive = inactive(location, scratch: &scratch) ?? 0
        return Reading(cpuNanoseconds: cpu, memoryUsed: Self.used(usage: usage, inactive: inactive),
                       memoryLimit: limit(location, scratch: &scratch) ?? nil)
    }

    /// Cumulative CPU time in nanoseconds (v1 `cpuacct.usage`, v2 `usage_usec` of `cpu.stat`).
    public func cpu(_ location: Location, scratch: inout [UInt8], slots: FileSlots? = nil) -> UInt64? {
        switch location.version {
        case .v1: return Self.number(location.cpuFile, scratch: &scratch, slot: .cpu, slots)
        case .v2: return Self.keyed(location.cpuFile, Self.usageUsecKey, scratch: &scratch, slot: .cpu, slots).map { $0 &* 1000 }
        }
    }

    /// Memory charged to the cgroup, page cache included (v1 `memory.usage_in_bytes`, v2 `memory.current`).
    public func usage(_ location: Location, scratch: inout [UInt8], slots: FileSlots? = nil) -> UInt64? {
        Self.number(location.usageFile, scratch: &scratch, slot: .usage, slots)
    }

    /// The inactive file cache that `docker stats` subtracts (v1 `total_inactive_file`, v2 `inactive_file`).
    public func inactive(_ location: Location, scratch: inout [UInt8]) -> UInt64? {
        Self.keyed(location.statFile, location.version == .v1 ? Self.totalInactiveKey : Self.inactiveKey, scratch: &scratch)
    }

    /// nil when the file cannot be read; .some(nil) when unlimited (v2 "max", v1 the huge page-rounded maximum).
    public func limit(_ location: Location, scratch: inout [UInt8]) -> UInt64?? {
        guard let count = Self.load(location.limitFile, into: &scratch) else { return nil }
        guard let value = Self.parseNumber(scratch, 0, count) else { return .some(nil) }
        return .some(value >= (1 << 62) ? nil : value)
    }

    static func used(usage: UInt64, inactive: UInt64) -> UInt64 {
        inactive < usage ? usage - inactive : usage
    }

    private func firstExisting(_ base: String, _ id: String) -> String? {
        for sub in Self.candidates(id) {
            let path = "\(base)/\(sub)"
            if Self.exists(path) { return path }
        }
        return nil
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static let usageUsecKey = Array("usage_usec ".utf8)
    static let inactiveKey = Array("inactive_file ".utf8)
    static let totalInactiveKey = Array("total_inactive_file ".utf8)

    /// Reads a small file into `buffer`; returns the byte count, nil when it cannot be opened. With
    /// `slots`, the file stays open in its slot and is read again from offset 0 (cgroup and proc files
    /// are made afresh for every read from the start): no path lookup, no open and close a tick. A
    /// descriptor whose file went (the cgroup removed) fails; the path is then opened once more.
    static func load(_ path: String, into buffer: inout [UInt8], slot: FileSlots.Slot? = nil, _ slots: FileSlots? = nil) -> Int? {
        guard let slot, let slots else { return loadOnce(path, into: &buffer) }
        if let fd = slots.descriptor(slot, path) {
            if let count = pread(fd, into: &buffer) { return count }
            // The file went (the cgroup removed, and maybe made again by a restart).
            slots.reopened = true
        }
        slots.close(slot)
        guard let fd = slots.open(slot, path), let count = pread(fd, into: &buffer) else {
            slots.close(slot)
            return nil
        }
        return count
    }

    /// open, read, close.
    static func loadOnce(_ path: String, into buffer: inout [UInt8]) -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return pread(fd, into: &buffer)
    }

    /// The file from offset 0 into `buffer` (as much as fits); nil on a read error. A read that returns
    /// less than asked is the end: cgroup and proc files are seq files, whose one read gives everything
    /// that fits, and a pread past it makes the kernel generate the whole file again only to say 0 (it was
    /// half the kernel time of a tick: every file read twice). A regular file's short read is its end too.
    static func pread(_ fd: Int32, into buffer: inout [UInt8]) -> Int? {
        var total = 0
        let capacity = buffer.count
        let ok = buffer.withUnsafeMutableBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return false }
            while total < capacity {
                let n = Glibc.pread(fd, base + total, capacity - total, off_t(total))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                if n == 0 { break }
                total += n
                if n < capacity - (total - n) { break }
            }
            return true
        }
        return ok ? total : nil
    }

    /// A file holding one number ("max" reads as nil).
    static func number(_ path: String, scratch: inout [UInt8], slot: FileSlots.Slot? = nil, _ slots: FileSlots? = nil) -> UInt64? {
        guard let count = load(path, into: &scratch, slot: slot, slots) else { return nil }
        return parseNumber(scratch, 0, count)
    }

    /// The decimal number in `bytes[start..<end]`, up to a newline or space; nil if anything else is there.
    static func parseNumber(_ bytes: [UInt8], _ start: Int, _ end: Int) -> UInt64? {
        var value: UInt64 = 0
        var seen = false
        var i = start
        while i < end {
            let byte = bytes[i]
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
            i += 1
        }
        return seen ? value : nil
    }

    /// One key of a `key value` file (memory.stat, cpu.stat); `key` includes the trailing space.
    static func keyed(_ path: String, _ key: [UInt8], scratch: inout [UInt8], slot: FileSlots.Slot? = nil,
                      _ slots: FileSlots? = nil) -> UInt64? {
        guard let count = load(path, into: &scratch, slot: slot, slots) else { return nil }
        return keyedValue(scratch, count, key)
    }

    static func keyedValue(_ data: [UInt8], _ count: Int, _ key: [UInt8]) -> UInt64? {
        var lineStart = 0
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && data[lineEnd] != 0x0A { lineEnd += 1 }
            if lineEnd - lineStart > key.count {
                var matches = true
                for k in 0..<key.count where data[lineStart + k] != key[k] {
                    matches = false
                    break
                }
                if matches { return parseNumber(data, lineStart + key.count, lineEnd) }
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

    /// Bytes per second between two readings of cumulative counters; nil without both, or when a counter
    /// went back (the container restarted: its counters started again).
    public static func rates(previous: ContainerStats.ByteCounters?, current: ContainerStats.ByteCounters?,
                             wallNanoseconds: UInt64) -> ContainerStats.Rates? {
        guard let previous, let current, wallNanoseconds > 0,
              current.incoming >= previous.incoming, current.outgoing >= previous.outgoing else { return nil }
        let seconds = Double(wallNanoseconds) / 1e9
        return ContainerStats.Rates(Double(current.incoming - previous.incoming) / seconds,
                                    Double(current.outgoing - previous.outgoing) / seconds)
    }

    /// Monotonic nanoseconds (CLOCK_MONOTONIC), for CPU rates between two cgroup readings.
    public static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

/// The descriptors of the files a container's every tick reads (CPU, memory usage, pids, block I/O, its
/// network), kept open while its row is on screen: a read is then one pread, not a path walk, an open
/// and a close. Closed when dropped (the row left the screen, the container went). Owned by the
/// sampler, used on its task only.
public final class FileSlots: @unchecked Sendable {
    public enum Slot: Int, CaseIterable { case cpu, usage, pids, io, net }

    private var fds = [Int32](repeating: -1, count: Slot.allCases.count)
    /// A kept file failed and was opened again since the last `takeReopened()`: the container's cgroup
    /// was made again (a restart), so its processes — and the network file — are new.
    var reopened = false

    func takeReopened() -> Bool {
        defer { reopened = false }
        return reopened
    }
    private var paths = [String?](repeating: nil, count: Slot.allCases.count)

    public init() {}

    deinit {
        for fd in fds where fd >= 0 { Glibc.close(fd) }
    }

    /// The open descriptor of `slot` if it is `path`'s (another path's is closed first).
    func descriptor(_ slot: Slot, _ path: String) -> Int32? {
        let i = slot.rawValue
        guard fds[i] >= 0 else { return nil }
        if paths[i] == path { return fds[i] }
        close(slot)
        return nil
    }

    func open(_ slot: Slot, _ path: String) -> Int32? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        fds[slot.rawValue] = fd
        paths[slot.rawValue] = path
        return fd
    }

    func close(_ slot: Slot) {
        let i = slot.rawValue
        if fds[i] >= 0 { Glibc.close(fds[i]) }
        fds[i] = -1
        paths[i] = nil
    }

    /// Descriptors open now (for tests).
    public var openCount: Int { fds.filter { $0 >= 0 }.count }
}
