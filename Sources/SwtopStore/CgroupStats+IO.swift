#if canImport(Glibc)
import Glibc
#endif

/// The figures beside CPU and memory: pids, block I/O (cgroup files) and network (the net/dev of one of
/// the container's processes, which sees the container's network namespace). Same habits as the CPU and
/// memory reads: paths found once, every read through the caller's scratch buffer, a missing file nil.
extension CgroupStatsReader {
    public struct NetworkCounters: Sendable, Equatable {
        public var rx: UInt64
        public var tx: UInt64

        public init(rx: UInt64, tx: UInt64) {
            self.rx = rx
            self.tx = tx
        }
    }

    public struct BlockIOCounters: Sendable, Equatable {
        public var read: UInt64
        public var write: UInt64
        /// v1: the figures came from `blkio.io_service_bytes` (the throttle file listed no device).
        public var fromFallback = false

        public init(read: UInt64, write: UInt64, fromFallback: Bool = false) {
            self.read = read
            self.write = write
            self.fromFallback = fromFallback
        }
    }

    /// Processes and threads in the cgroup (`pids.current`); nil without the pids controller.
    public func pids(_ location: Location, scratch: inout [UInt8], slots: FileSlots? = nil) -> UInt64? {
        guard let file = location.pidsFile else { return nil }
        return Self.number(file, scratch: &scratch, slot: .pids, slots)
    }

    /// Bytes read and written, summed over devices: v2 `rbytes=`/`wbytes=` of `io.stat`; v1 the Read and
    /// Write lines of `blkio.throttle.io_service_bytes`, or of `blkio.io_service_bytes` when the throttle
    /// file lists no device and `tryFallback` (the fallback is rarely the one with figures: the caller
    /// asks for it now and then, or every time once it gave figures).
    public func blockIO(_ location: Location, scratch: inout [UInt8], tryFallback: Bool = true, slots: FileSlots? = nil) -> BlockIOCounters? {
        switch location.version {
        case .v2:
            guard let file = location.ioFile, let count = Self.load(file, into: &scratch, slot: .io, slots) else { return nil }
            return Self.ioStat(scratch, count)
        case .v1:
            var throttle: BlockIOCounters?
            if let file = location.ioFile, let count = Self.load(file, into: &scratch, slot: .io, slots) {
                let (counters, devices) = Self.blkio(scratch, count)
                if devices { return counters }
                throttle = counters
            }
            if tryFallback || throttle == nil, let file = location.ioFallbackFile, let count = Self.load(file, into: &scratch) {
                let (counters, devices) = Self.blkio(scratch, count)
                if devices || throttle == nil { return BlockIOCounters(read: counters.read, write: counters.write, fromFallback: true) }
            }
            return throttle
        }
    }

    /// `PROC/PID/net/dev` of the container's first process (from `cgroup.procs`, else `pid`, the
    /// container's State.Pid); nil when it has none or it shares this machine's network namespace
    /// (`--network host`: the figures would be the host's).
    public func networkFile(_ location: Location, pid: Int32? = nil, scratch: inout [UInt8]) -> String? {
        var first: UInt64?
        if let count = Self.load(location.procsFile, into: &scratch) { first = Self.parseNumber(scratch, 0, count) }
        guard let found = first.map(Int32.init(truncatingIfNeeded:)) ?? pid, found > 0 else { return nil }
        let base = "\(procRoot)/\(found)"
        if let mine = Self.link("\(procRoot)/self/ns/net", scratch: &scratch),
           let theirs = Self.link(base + "/ns/net", scratch: &scratch), mine == theirs {
            return nil
        }
        return base + "/net/dev"
    }

    /// Received and sent bytes over every interface but `lo`; nil when the file cannot be read (the
    /// process is gone).
    public func network(_ file: String, scratch: inout [UInt8], slots: FileSlots? = nil) -> NetworkCounters? {
        guard let count = Self.load(file, into: &scratch, slot: .net, slots) else { return nil }
        return Self.netDev(scratch, count)
    }

    /// The target of a symbolic link, as a number (an `ns` link reads `net:[4026531833]`); nil when it
    /// cannot be read (another user's process without privileges).
    static func link(_ path: String, scratch: inout [UInt8]) -> UInt64? {
        let n = scratch.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return readlink(path, base.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard n > 0 else { return nil }
        // A simple hash of the target is enough to compare two links.
        var hash: UInt64 = 14_695_981_039_346_656_037
        for i in 0..<n { hash = (hash ^ UInt64(scratch[i])) &* 1_099_511_628_211 }
        return hash
    }

    static let rbytesKey = Array("rbytes=".utf8)
    static let wbytesKey = Array("wbytes=".utf8)

    /// `8:0 rbytes=1 wbytes=2 rios=3 …`, one line a device.
    static func ioStat(_ data: [UInt8], _ count: Int) -> BlockIOCounters {
        var counters = BlockIOCounters(read: 0, write: 0)
        var i = 0
        while i < count {
            // At the start of a token.
            while i < count && (data[i] == 0x20 || data[i] == 0x0A) { i += 1 }
            let start = i
            while i < count && data[i] != 0x20 && data[i] != 0x0A { i += 1 }
            if has(data, start, i, rbytesKey) {
                counters.read &+= parseNumber(data, start + rbytesKey.count, i) ?? 0
            } else if has(data, start, i, wbytesKey) {
                counters.write &+= parseNumber(data, start + wbytesKey.count, i) ?? 0
            }
        }
        return counters
    }

    static let readOp = Array("Read".utf8)
    static let writeOp = Array("Write".utf8)

    /// `8:0 Read 4096` … `Total 4096`: Read and Write lines summed; `devices` when any device line was seen.
    static func blkio(_ data: [UInt8], _ count: Int) -> (BlockIOCounters, devices: Bool) {
        var counters = BlockIOCounters(read: 0, write: 0)
        var devices = false
        var lineStart = 0
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && data[lineEnd] != 0x0A { lineEnd += 1 }
            // Three fields: device, op, value.
            var fields: (Int, Int, Int, Int) = (0, 0, 0, 0)
            var seen = 0
            var i = lineStart
            while i < lineEnd && seen < 3 {
                while i < lineEnd && data[i] == 0x20 { i += 1 }
                let start = i
                while i < lineEnd && data[i] != 0x20 { i += 1 }
                guard i > start else { break }
                switch seen {
                case 0: fields.0 = start
                case 1: fields.1 = start; fields.2 = i
                default: fields.3 = start
                }
                seen += 1
            }
            if seen == 3 {
                devices = true
                if has(data, fields.1, fields.2, readOp) && fields.2 - fields.1 == readOp.count {
                    counters.read &+= parseNumber(data, fields.3, lineEnd) ?? 0
                } else if has(data, fields.1, fields.2, writeOp) && fields.2 - fields.1 == writeOp.count {
                    counters.write &+= parseNumber(data, fields.3, lineEnd) ?? 0
                }
            }
            lineStart = lineEnd + 1
        }
        return (counters, devices)
    }

    /// `/proc/PID/net/dev`: two header lines, then `  eth0: RXBYTES packets … (8 receive fields) TXBYTES …`.
    /// Read through a buffer pointer: a tick parses one of these per container on screen.
    static func netDev(_ data: [UInt8], _ count: Int) -> NetworkCounters {
        data.withUnsafeBufferPointer { bytes in
            var counters = NetworkCounters(rx: 0, tx: 0)
            let count = min(count, bytes.count)
            var lineStart = 0
            var line = 0
            while lineStart < count {
                var lineEnd = lineStart
                while lineEnd < count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
                defer { lineStart = lineEnd + 1; line += 1 }
                guard line >= 2 else { continue }
                var colon = lineStart
                while colon < lineEnd && bytes[colon] != 0x3A { colon += 1 }
                guard colon < lineEnd else { continue }
                var nameStart = lineStart
                while nameStart < colon && bytes[nameStart] == 0x20 { nameStart += 1 }
                if colon - nameStart == 2 && bytes[nameStart] == 0x6C && bytes[nameStart + 1] == 0x6F { continue }  // lo
                var field = 0
                var i = colon + 1
                while i < lineEnd && field <= 8 {
                    while i < lineEnd && bytes[i] == 0x20 { i += 1 }
                    var value: UInt64 = 0
                    var digits = false
                    while i < lineEnd && bytes[i] != 0x20 {
                        let digit = bytes[i] &- 0x30
                        if digit < 10 {
                            value = value &* 10 &+ UInt64(digit)
                            digits = true
                        }
                        i += 1
                    }
                    guard digits else { break }
                    if field == 0 { counters.rx &+= value }
                    if field == 8 { counters.tx &+= value }
                    field += 1
                }
            }
            return counters
        }
    }

    /// `data[start..<end]` starts with `prefix`.
    static func has(_ data: [UInt8], _ start: Int, _ end: Int, _ prefix: [UInt8]) -> Bool {
        guard end - start >= prefix.count else { return false }
        for k in 0..<prefix.count where data[start + k] != prefix[k] { return false }
        return true
    }
}
