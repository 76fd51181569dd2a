// The fast path: a local engine with overlay2 keeps each layer's diff directory on disk
// (`GraphDriver.Data.LowerDir`, uppermost first, then `UpperDir` for the top layer). Walking them with
// lstat gives every record but the content hashes, in the order the engine's tar writer uses (depth
// first, names sorted bytewise), with overlay's own whiteouts (a 0/0 character device) and opaque
// directories (xattr trusted.overlay.opaque=y). Contents are hashed later, only where a comparison
// needs it (same path, same size in two layers).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

public enum OverlayReader {
    /// Each layer's diff directory, lowest first, if the image's graph driver data names them all and
    /// they can be read here; nil otherwise (a remote engine, another driver, not root).
    public static func diffDirectories(driver: String?, data: [String: String], layerCount: Int) -> [String]? {
        guard isDiffDriver(driver), let upper = data["UpperDir"], layerCount > 0 else { return nil }
        var dirs: [String] = []
        if let lower = data["LowerDir"], !lower.isEmpty {
            dirs = lower.split(separator: ":").reversed().map(String.init)
        }
        dirs.append(upper)
        guard dirs.count == layerCount, dirs.allSatisfy({ access($0, R_OK | X_OK) == 0 }) else { return nil }
        return dirs
    }

    /// Drivers that keep one diff directory per layer: Docker's overlay2 and podman's overlay (the same
    /// layout, whiteouts and opaque marks). Docker's retired `overlay` kept whole copies, not diffs: its
    /// directories never number one per layer, which `diffDirectories` checks.
    public static func isDiffDriver(_ driver: String?) -> Bool { driver == "overlay2" || driver == "overlay" }

    /// The records of one diff directory.
    public static func read(directory: String, diffID: String) throws -> LayerFiles {
        var walker = Walker(root: directory)
        try walker.walk(relative: "")
        return LayerFiles(diffID: diffID, records: walker.records, fullyHashed: false)
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var code: Int32
        public var description: String { "cannot read \(path): \(String(cString: strerror(code)))" }
    }

    private struct Inode: Hashable { var device: UInt64; var inode: UInt64 }

    private struct Walker {
        let root: String
        var records: [FileRecord] = []
        var firstPathOfInode: [Inode: String] = [:]

        init(root: String) { self.root = root }

        mutating func walk(relative: String) throws {
            let dirPath = relative.isEmpty ? root : root + relative
            guard let dir = opendir(dirPath) else { throw ReadError(path: dirPath, code: errno) }
            var names: [[UInt8]] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    Array(raw.prefix { $0 != 0 })
                }
                if name == [0x2e] || name == [0x2e, 0x2e] { continue }
                names.append(name)
            }
            closedir(dir)
            names.sort { $0.lexicographicallyPrecedes($1) }
            for nameBytes in names {
                let name = String(decoding: nameBytes, as: UTF8.self)
                let path = relative + "/" + name
                let full = root + path
                var st = stat()
                guard lstat(full, &st) == 0 else { throw ReadError(path: full, code: errno) }
                let type = st.st_mode & S_IFMT
                let mode = UInt32(st.st_mode & 0o7777)
                var record = FileRecord(path: path, kind: .other, mode: mode, uid: st.st_uid, gid: st.st_gid)
                switch type {
                case S_IFDIR:
                    record.kind = .directory
                    record.opaque = Self.isOpaque(full)
                    records.append(record)
                    try walk(relative: path)
                    continue
                case S_IFREG:
                    if st.st_nlink > 1 {
                        let key = Inode(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
                        if let first = firstPathOfInode[key] {
                            record.kind = .hardlink
                            record.link = first
                            break
                        }
                        firstPathOfInode[key] = path
                    }
                    record.kind = .file
                    record.size = Int64(st.st_size)
                case S_IFLNK:
                    record.kind = .symlink
                    record.link = Self.readLink(full, size: Int(st.st_size))
                case S_IFCHR where st.st_rdev == 0:
                    record = FileRecord(path: path, kind: .whiteout)
                default:
                    record.kind = .other
                }
                records.append(record)
            }
        }

        static func isOpaque(_ path: String) -> Bool {
            var value: [UInt8] = [0, 0]
            let n = lgetxattr(path, "trusted.overlay.opaque", &value, 2)
            return n == 1 && value[0] == UInt8(ascii: "y")
        }

        static func readLink(_ path: String, size: Int) -> String {
            var buffer = [UInt8](repeating: 0, count: max(size, 255) + 1)
            let n = readlink(path, &buffer, buffer.count)
            guard n > 0 else { return "" }
            return String(decoding: buffer[0..<n], as: UTF8.self)
        }
    }
}

/// <sys/xattr.h> is not part of the Glibc module.
@_silgen_name("lgetxattr")
private func lgetxattr(_ path: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>,
                       _ value: UnsafeMutableRawPointer?, _ size: Int) -> Int
