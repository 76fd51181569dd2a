// What one layer holds, read from either source (an overlay2 diff directory or a layer tar): one record
// per entry, in the order the engine's own tar writer would emit them (a depth-first walk, names sorted
// bytewise), so both sources give the same list.

public enum EntryKind: UInt8, Sendable, Codable, CaseIterable {
    case file = 0, directory, symlink, hardlink, other
    /// The layer deletes this path and everything under it (`.wh.NAME`, or a 0/0 character device).
    case whiteout

    public var jsonName: String {
        switch self {
        case .file: return "file"
        case .directory: return "dir"
        case .symlink: return "symlink"
        case .hardlink: return "hardlink"
        case .other: return "other"
        case .whiteout: return "whiteout"
        }
    }

    /// One letter for the tree's type column.
    public var letter: Character {
        switch self {
        case .file: return "-"
        case .directory: return "d"
        case .symlink: return "l"
        case .hardlink: return "h"
        case .other: return "c"
        case .whiteout: return "w"
        }
    }
}

/// The first 128 bits of a regular file's SHA-256: enough to tell contents apart, half the memory.
public struct ContentHash: Sendable, Hashable {
    public var high: UInt64
    public var low: UInt64
    public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }
}

public struct FileRecord: Sendable, Equatable {
    /// Absolute: "/opt/app/config.txt"; the root itself is never a record.
    public var path: String
    public var kind: EntryKind
    /// Permission bits (0o7777).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    /// Bytes of content: regular files only (0 for directories, links and whiteouts, as in the tar).
    public var size: Int64
    /// A symlink's target as stored; a hardlink's target, absolute.
    public var link: String
    /// Regular files with content, when it has been hashed (the export path hashes all, the overlay path
    /// only when a comparison needs it).
    public var hash: ContentHash?
    /// A directory this layer makes opaque: what the lower layers had under it is gone.
    public var opaque: Bool

    public init(path: String, kind: EntryKind, mode: UInt32 = 0, uid: UInt32 = 0, gid: UInt32 = 0, size: Int64 = 0,
                link: String = "", hash: ContentHash? = nil, opaque: Bool = false) {
        self.path = path; self.kind = kind; self.mode = mode; self.uid = uid; self.gid = gid; self.size = size
        self.link = link; self.hash = hash; self.opaque = opaque
    }

    public var name: Substring {
        guard let slash = path.lastIndex(of: "/") else { return Substring(path) }
        return path[path.index(after: slash)...]
    }

    /// The same entry as far as the file system shows it, content aside: type, mode, owner, size and link.
    public func sameMetadata(as other: FileRecord) -> Bool {
        kind == other.kind && mode == other.mode && uid == other.uid && gid == other.gid && size == other.size
            && link == other.link
    }

    /// `stat`-like octal mode string with the type bits, e.g. "100644", "40755", "120777".
    public var octalMode: String {
        let type: UInt32
        switch kind {
        case .file, .hardlink: type = 0o100000
        case .directory: type = 0o040000
        case .symlink: type = 0o120000
        case .other, .whiteout: type = 0o020000
        }
        return String(type | mode, radix: 8)
    }
}

/// One layer's own entries.
public struct LayerFiles: Sendable, Equatable {
    /// `sha256:…` of the uncompressed layer tar: the engine's `RootFS.Layers` entry.
    public var diffID: String
    public var records: [FileRecord]
    /// Every regular file with content carries its hash.
    public var fullyHashed: Bool

    public init(diffID: String, records: [FileRecord], fullyHashed: Bool) {
        self.diffID = diffID; self.records = records; self.fullyHashed = fullyHashed
    }

    /// Bytes of the layer as the engine counts them (`docker history`): regular files (a hardlinked
    /// content once) and symlink targets.
    public var contentSize: Int64 {
        records.reduce(0) { total, record in
            switch record.kind {
            case .file: return total + record.size
            case .symlink: return total + Int64(record.link.utf8.count)
            default: return total
            }
        }
    }
}

/// Turns tar members of one layer into records: whiteouts `.wh.NAME` become `.whiteout` records for NAME,
/// an opaque marker `.wh..wh..opq` marks its directory.
struct LayerRecordBuilder {
    private(set) var records: [FileRecord] = []
    private var index: [String: Int] = [:]
    private var opaqueWithoutEntry: [String] = []

    mutating func add(_ header: TarHeader, hash: ContentHash?) {
        guard !header.path.isEmpty else { return } // the root: never a record
        let path = "/" + header.path
        let slash = path.lastIndex(of: "/")!
        let parent = slash == path.startIndex ? "" : String(path[..<slash])
        let name = path[path.index(after: slash)...]
        if name == ".wh..wh..opq" {
            if let i = index[parent] { records[i].opaque = true } else { opaqueWithoutEntry.append(parent) }
            return
        }
        if name.hasPrefix(".wh.") {
            let target = parent + "/" + name.dropFirst(4)
            append(FileRecord(path: target, kind: .whiteout))
            return
        }
        let kind: EntryKind
        var link = ""
        var size: Int64 = 0
        if header.isRegular {
            kind = .file
            size = header.size
        } else if header.isDirectory {
            kind = .directory
        } else if header.isSymlink {
            kind = .symlink
            link = header.linkName
        } else if header.isHardlink {
            kind = .hardlink
            link = "/" + header.linkName
        } else {
            kind = .other
        }
        append(FileRecord(path: path, kind: kind, mode: header.mode, uid: header.uid, gid: header.gid, size: size,
                          link: link, hash: kind == .file && size > 0 ? hash : nil,
                          opaque: opaqueWithoutEntry.contains(path)))
    }

    private mutating func append(_ record: FileRecord) {
        if let existing = index[record.path] {
            records[existing] = record // a later member of the same path wins, as when extracting
        } else {
            index[record.path] = records.count
            records.append(record)
        }
    }

    /// An opaque marker whose directory had no entry of its own: the directory still is in the layer.
    mutating func finish() -> [FileRecord] {
        for path in opaqueWithoutEntry where index[path] == nil {
            append(FileRecord(path: path, kind: .directory, mode: 0o755, opaque: true))
        }
        return records
    }
}
