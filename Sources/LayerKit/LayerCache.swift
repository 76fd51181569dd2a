// A per-layer cache on disk, keyed by diff id (so a base layer shared by many images is read once):
// `$XDG_CACHE_HOME/swtop/layers/<hex>.v1` (else `~/.cache/swtop/layers`), one compact binary file per
// layer, written to a temporary name and renamed into place. The folder is capped (256 MB unless told);
// the least recently used layers go first (a read touches the file's mtime).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

public struct LayerCache: Sendable {
    public let directory: String
    public let capBytes: Int64

    public init(directory: String, capBytes: Int64 = 256 << 20) {
        self.directory = directory
        self.capBytes = capBytes
    }

    /// The default place, from the environment; nil when neither XDG_CACHE_HOME nor HOME is set.
    public static func standard(capBytes: Int64 = 256 << 20) -> LayerCache? {
        if let xdg = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), !xdg.isEmpty {
            return LayerCache(directory: xdg + "/swtop/layers", capBytes: capBytes)
        }
        if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty {
            return LayerCache(directory: home + "/.cache/swtop/layers", capBytes: capBytes)
        }
        return nil
    }

    private static let magic: [UInt8] = Array("SWTL\u{1}".utf8)

    func file(for diffID: String) -> String {
        directory + "/" + (diffID.hasPrefix("sha256:") ? String(diffID.dropFirst(7)) : diffID) + ".v1"
    }

    /// The cached layer, or nil (absent, unreadable or from another format: all just a miss).
    public func load(_ diffID: String) -> LayerFiles? {
        let path = file(for: diffID)
        guard let bytes = Self.readAll(path) else { return nil }
        guard let layer = Self.decode(bytes, diffID: diffID) else { return nil }
        _ = utimensat(AT_FDCWD, path, nil, 0) // recently used
        return layer
    }

    /// Best effort: a cache that cannot be written is only slower.
    public func store(_ layer: LayerFiles) {
        guard Self.makeDirectories(directory) else { return }
        let bytes = Self.encode(layer)
        let path = file(for: layer.diffID)
        let temporary = path + ".tmp\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        var written = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return true
        }
        close(fd)
        guard ok, rename(temporary, path) == 0 else { unlink(temporary); return }
        trim()
    }

    /// Deletes the least recently used layers until the folder fits the cap.
    public func trim() {
        guard let dir = opendir(directory) else { return }
        var files: [(path: String, size: Int64, used: Int)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasSuffix(".v1") else { continue }
            var st = stat()
            let path = directory + "/" + name
            if stat(path, &st) == 0 { files.append((path, Int64(st.st_size), st.st_mtim.tv_sec)) }
        }
        closedir(dir)
        var total = files.reduce(0) { $0 + $1.size }
        for file in files.sorted(by: { $0.used < $1.used }) where total > capBytes {
            unlink(file.path)
            total -= file.size
        }
    }

    // MARK: format: magic, flags, count, then per record: kind, opaque, has-hash, mode, uid, gid, size,
    // [hash 16], path (u32 length + bytes), link (u32 length + bytes); little-endian.

    static func encode(_ layer: LayerFiles) -> [UInt8] {
        var out = magic
        out.append(layer.fullyHashed ? 1 : 0)
        put32(&out, UInt32(layer.records.count))
        for record in layer.records {
            out.append(record.kind.rawValue)
            out.append(record.opaque ? 1 : 0)
            out.append(record.hash == nil ? 0 : 1)
            put32(&out, record.mode)
            put32(&out, record.uid)
            put32(&out, record.gid)
            put64(&out, UInt64(bitPattern: record.size))
            if let hash = record.hash { put64(&out, hash.high); put64(&out, hash.low) }
            putString(&out, record.path)
            putString(&out, record.link)
        }
        return out
    }

    static func decode(_ bytes: [UInt8], diffID: String) -> LayerFiles? {
        var reader = Reader(bytes: bytes)
        guard reader.take(magic.count) == magic[...], let flags = reader.byte(), let count = reader.u32() else { return nil }
        var records: [FileRecord] = []
        // A record takes at least 31 bytes: a corrupt count must not reserve gigabytes.
        records.reserveCapacity(min(Int(count), bytes.count / 31))
        for _ in 0..<count {
            guard let kindByte = reader.byte(), let kind = EntryKind(rawValue: kindByte),
                  let opaque = reader.byte(), let hasHash = reader.byte(),
                  let mode = reader.u32(), let uid = reader.u32(), let gid = reader.u32(),
                  let size = reader.u64() else { return nil }
            var hash: ContentHash?
            if hasHash == 1 {
                guard let high = reader.u64(), let low = reader.u64() else { return nil }
                hash = ContentHash(high: high, low: low)
            }
            guard let path = reader.string(), let link = reader.string() else { return nil }
            records.append(FileRecord(path: path, kind: kind, mode: mode, uid: uid, gid: gid,
                                      size: Int64(bitPattern: size), link: link, hash: hash, opaque: opaque == 1))
        }
        guard reader.atEnd else { return nil }
        return LayerFiles(diffID: diffID, records: records, fullyHashed: flags & 1 == 1)
    }

    private static func put32(_ out: inout [UInt8], _ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func put64(_ out: inout [UInt8], _ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func putString(_ out: inout [UInt8], _ text: String) {
        put32(&out, UInt32(text.utf8.count))
        out.append(contentsOf: text.utf8)
    }

    private struct Reader {
        let bytes: [UInt8]
        var at = 0
        var atEnd: Bool { at == bytes.count }

        mutating func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard n >= 0, at + n <= bytes.count else { return nil }
            defer { at += n }
            return bytes[at..<(at + n)]
        }
        mutating func byte() -> UInt8? { take(1)?.first }
        mutating func u32() -> UInt32? {
            take(4).map { s in s.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        }
        mutating func u64() -> UInt64? {
            take(8).map { s in s.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }
        mutating func string() -> String? {
            guard let n = u32(), let s = take(Int(n)) else { return nil }
            return String(decoding: s, as: UTF8.self)
        }
    }

    /// A whole regular file (nil if unreadable or larger than `limit`).
    public static func readAll(_ path: String, limit: Int = 1 << 30) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_size <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            got += n
        }
        return got == bytes.count ? bytes : nil
    }

    /// Everything a file, device or pipe gives until its end (`/dev/null`, `<(…)` included), nil when it
    /// cannot be opened or gives more than `limit` bytes.
    public static func readStream(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<n])
            if bytes.count > limit { return nil }
        }
    }

    static func makeDirectories(_ path: String) -> Bool {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o755) != 0, errno != EEXIST { return false }
        }
        return true
    }
}
