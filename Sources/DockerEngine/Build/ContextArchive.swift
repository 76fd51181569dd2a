#if canImport(Glibc)
import Glibc
#endif

/// A build context as the engine takes it: a tar stream of a directory (POSIX ustar, PAX records for
/// names and link targets over 100 bytes and for numbers that do not fit), files sorted by name, what
/// `.dockerignore` excludes left out (the Dockerfile and `.dockerignore` are always sent, as the docker
/// CLI does). Regular files, directories (empty ones too), symbolic links and hard links (the second
/// name of an inode is a link to the first) keep their modes, owners and times; sockets, pipes and
/// devices are skipped.
public struct ContextArchive {
    public let root: String
    public let ignore: DockerIgnore
    /// Paths (relative) always sent.
    public let always: Set<String>

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `dockerfile` is relative to `root` (or absolute inside it).
    public init(root: String, dockerfile: String = "Dockerfile") throws {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
        var st = stat()
        guard stat(root, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw Failure(description: "the build context \(root) is not a directory")
        }
        let ignoreText = Self.readText(root + "/.dockerignore") ?? ""
        ignore = DockerIgnore(ignoreText)
        var file = dockerfile
        if file.hasPrefix(root + "/") { file = String(file.dropFirst(root.count + 1)) }
        always = [DockerIgnore.clean(file).joined(separator: "/"), ".dockerignore"]
    }

    static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < 4 << 20 {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { bytes += buffer[0..<n] } else if n < 0, errno == EINTR { continue } else { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the archive in chunks of about `chunkSize` bytes to `sink`; returns the entries written.
    @discardableResult
    public func write(chunkSize: Int = 1 << 20, _ sink: ([UInt8]) throws -> Void) throws -> Int {
        try withoutActuallyEscaping(sink) { sink in
            var writer = TarWriter(chunkSize: chunkSize, sink: sink)
            try walk("", into: &writer)
            try writer.finish()
            return writer.entries
        }
    }

    private func walk(_ relative: String, into writer: inout TarWriter) throws {
        let dir = relative.isEmpty ? root : root + "/" + relative
        guard let handle = opendir(dir) else {
            throw Failure(description: "cannot read \(dir): \(String(cString: strerror(errno)))")
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        closedir(handle)
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let path = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard lstat(root + "/" + path, &st) == 0 else {
                throw Failure(description: "cannot read \(root)/\(path): \(String(cString: strerror(errno)))")
            }
            let isDir = (st.st_mode & S_IFMT) == S_IFDIR
            let excluded = !always.contains(path) && ignore.excludes(path)
            if excluded {
                // An excluded directory is still walked when a `!` rule may take something in it back.
                if isDir, ignore.mayReinclude(under: path) { try walk(path, into: &writer) }
                continue
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                try writer.add(path: path + "/", type: .directory, stat: st)
                try walk(path, into: &writer)
            case S_IFREG:
                try writer.addFile(path: path, at: root + "/" + path, stat: st)
            case S_IFLNK:
                var target = [CChar](repeating: 0, count: 4097)
                let n = readlink(root + "/" + path, &target, 4096)
                guard n >= 0 else { throw Failure(description: "cannot read the link \(path)") }
                let link = String(decoding: target[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                try writer.add(path: path, type: .symlink, stat: st, link: link)
            default:
                continue
            }
        }
    }
}

/// A POSIX tar writer (ustar headers, PAX extended headers when a value does not fit).
struct TarWriter {
    enum EntryType: UInt8 {
        case file = 0x30, hardLink = 0x31, symlink = 0x32, directory = 0x35, pax = 0x78
    }

    let chunkSize: Int
    let sink: ([UInt8]) throws -> Void
    var buffer: [UInt8] = []
    var entries = 0
    /// The first name each multiply-linked inode was written under.
    var inodes: [[UInt64]: String] = [:]

    init(chunkSize: Int, sink: @escaping ([UInt8]) throws -> Void) {
        self.chunkSize = chunkSize
        self.sink = sink
        buffer.reserveCapacity(chunkSize + 1024)
    }

    mutating func flushIfFull() throws {
        if buffer.count >= chunkSize {
            try sink(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    mutating func finish() throws {
        buffer += [UInt8](repeating: 0, count: 1024)
        try sink(buffer)
        buffer.removeAll()
    }

    mutating func add(path: String, type: EntryType, stat st: stat, link: String = "", size: Int64 = 0) throws {
        var pax: [(String, String)] = []
        let name = Array(path.utf8)
        let linkBytes = Array(link.utf8)
        var ustarName = name
        var prefix: [UInt8] = []
        if name.count > 100 {
            // ustar's prefix/name split at a slash; else a PAX path record.
            if let split = Self.split(name) {
                prefix = Array(name[..<split])
                ustarName = Array(name[(split + 1)...])
            } else {
                pax.append(("path", path))
                ustarName = Array(name.prefix(100))
            }
        }
        if linkBytes.count > 100 { pax.append(("linkpath", link)) }
        let uid = UInt64(st.st_uid), gid = UInt64(st.st_gid)
        if uid > 0o7777777 { pax.append(("uid", String(uid))) }
        if gid > 0o7777777 { pax.append(("gid", String(gid))) }
        if size > 0o77777777777 { pax.append(("size", String(size))) }
        if !pax.isEmpty {
            var records: [UInt8] = []
            for (key, value) in pax {
                let body = " \(key)=\(value)\n"
                var length = body.utf8.count + 1
                while String(length).utf8.count + body.utf8.count > length { length += 1 }
                records += Array((String(length) + body).utf8)
            }
            buffer += header(name: Array("PaxHeaders/\(path.suffix(80))".utf8.prefix(100)), prefix: [], mode: 0o644, uid: 0, gid: 0,
                             size: UInt64(records.count), mtime: 0, type: .pax, link: [])
            buffer += records
            pad(records.count)
        }
        buffer += header(name: ustarName, prefix: prefix, mode: UInt64(st.st_mode & 0o7777), uid: min(uid, 0o7777777),
                         gid: min(gid, 0o7777777), size: UInt64(min(size, 0o77777777777)), mtime: UInt64(max(0, st.st_mtim.tv_sec)),
                         type: type, link: Array(linkBytes.prefix(100)))
        entries += 1
        try flushIfFull()
    }

    mutating func addFile(path: String, at full: String, stat st: stat) throws {
        if st.st_nlink > 1 {
            let key = [UInt64(st.st_dev), UInt64(st.st_ino)]
            if let first = inodes[key] {
                try add(path: path, type: .hardLink, stat: st, link: first)
                return
            }
            inodes[key] = path
        }
        let size = Int64(st.st_size)
        try add(path: path, type: .file, stat: st, size: size)
        let fd = open(full, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ContextArchive.Failure(description: "cannot read \(full): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var left = size
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while left > 0 {
            let n = read(fd, &chunk, min(chunk.count, Int(left)))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw ContextArchive.Failure(description: "\(full) changed while it was read") }
            buffer += chunk[0..<n]
            left -= Int64(n)
            try flushIfFull()
        }
        pad(Int(size))
        try flushIfFull()
    }

    mutating func pad(_ count: Int) {
        let extra = count % 512
        if extra != 0 { buffer += [UInt8](repeating: 0, count: 512 - extra) }
    }

    /// Where a name over 100 bytes splits into a prefix (≤ 155) and a name (≤ 100) at a slash.
    static func split(_ name: [UInt8]) -> Int? {
        for index in stride(from: min(name.count - 1, 155), through: 1, by: -1) where name[index] == UInt8(ascii: "/") {
            if name.count - index - 1 <= 100, name.count - index - 1 > 0 { return index }
        }
        return nil
    }

    func header(name: [UInt8], prefix: [UInt8], mode: UInt64, uid: UInt64, gid: UInt64, size: UInt64, mtime: UInt64,
                type: EntryType, link: [UInt8]) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], _ offset: Int, _ width: Int) {
            for (i, byte) in bytes.prefix(width).enumerated() { block[offset + i] = byte }
        }
        func octal(_ value: UInt64, _ offset: Int, _ width: Int) {
            var digits = Array(String(value, radix: 8).utf8)
            while digits.count < width - 1 { digits.insert(UInt8(ascii: "0"), at: 0) }
            put(digits, offset, width - 1)
        }
        put(name, 0, 100)
        octal(mode, 100, 8)
        octal(uid, 108, 8)
        octal(gid, 116, 8)
        octal(size, 124, 12)
        octal(mtime, 136, 12)
        block[156] = type.rawValue
        put(link, 157, 100)
        put(Array("ustar\u{0}00".utf8), 257, 8)
        put(prefix, 345, 155)
        for i in 148..<156 { block[i] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + UInt64($1) }
        octal(sum, 148, 7)
        block[155] = UInt8(ascii: " ")
        return block
    }
}
