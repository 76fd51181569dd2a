// A push parser for tar streams (POSIX ustar, pax extended headers, GNU long names), fed chunk by chunk
// as bytes arrive from the engine or a gzip decoder: nothing but the current header and a long name is
// ever held, so an archive of any size streams through in constant memory.

/// One member of a tar stream, as its header (and any pax or GNU long-name record before it) says.
public struct TarHeader: Sendable, Equatable {
    /// The member's path as written, with a leading `./` or `/` and a trailing `/` removed ("" is the root).
    public var path: String
    public var typeflag: UInt8
    /// Permission bits (setuid, setgid and sticky included), without the file type.
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    /// Bytes of data that follow the header (0 for links and directories).
    public var size: Int64
    /// A symlink's target as written; a hardlink's target member path (normalised like `path`).
    public var linkName: String
    public var devMajor: UInt32
    public var devMinor: UInt32

    public var isRegular: Bool { typeflag == UInt8(ascii: "0") || typeflag == 0 || typeflag == UInt8(ascii: "7") }
    public var isDirectory: Bool { typeflag == UInt8(ascii: "5") }
    public var isSymlink: Bool { typeflag == UInt8(ascii: "2") }
    public var isHardlink: Bool { typeflag == UInt8(ascii: "1") }
}

public enum TarError: Error, Equatable, CustomStringConvertible {
    case badChecksum(offset: Int64)
    case badNumber(field: String, offset: Int64)
    case truncated(offset: Int64)

    public var description: String {
        switch self {
        case let .badChecksum(offset): return "not a tar stream: header checksum wrong at byte \(offset)"
        case let .badNumber(field, offset): return "tar header at byte \(offset): unreadable \(field)"
        case let .truncated(offset): return "tar stream ends inside a member at byte \(offset)"
        }
    }
}

/// What a `TarStream` reports while bytes are pushed through it.
public protocol TarConsumer {
    mutating func member(_ header: TarHeader) throws
    /// A piece of the current member's data (regular files only), in order.
    mutating func data(_ bytes: UnsafeRawBufferPointer) throws
    /// The current member's data is complete.
    mutating func memberEnd() throws
}

public struct TarStream {
    private enum State {
        case header
        case data(remaining: Int64, padding: Int)
        case padding(Int)
        case extended(kind: UInt8, remaining: Int, padding: Int)
        case ended
    }

    private var state: State = .header
    private var block: [UInt8] = []
    private var extended: [UInt8] = []
    private var pending = PendingOverrides()
    private var zeroBlocks = 0
    /// Bytes consumed so far (for error messages and progress).
    public private(set) var offset: Int64 = 0
    public var isAtEnd: Bool { if case .ended = state { return true } else { return false } }

    private struct PendingOverrides {
        var path: String?
        var linkName: String?
        var size: Int64?
        var uid: UInt32?
        var gid: UInt32?
    }

    public init() { block.reserveCapacity(512) }

    public mutating func push<C: TarConsumer>(_ bytes: UnsafeRawBufferPointer, into consumer: inout C) throws {
        var index = 0
        let count = bytes.count
        while index < count {
            switch state {
            case .ended:
                offset += Int64(count - index)
                return
            case .header:
                let take = min(512 - block.count, count - index)
                block.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                index += take
                offset += Int64(take)
                if block.count == 512 {
                    try headerBlock(into: &consumer)
                    block.removeAll(keepingCapacity: true)
                }
            case let .data(remaining, padding):
                let take = Int(min(remaining, Int64(count - index)))
                if take > 0 {
                    try consumer.data(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                }
                index += take
                offset += Int64(take)
                let left = remaining - Int64(take)
                if left == 0 {
                    try consumer.memberEnd()
                    state = padding > 0 ? .padding(padding) : .header
                } else {
                    state = .data(remaining: left, padding: padding)
                }
            case let .padding(left):
                let take = min(left, count - index)
                index += take
                offset += Int64(take)
                state = left - take > 0 ? .padding(left - take) : .header
            case let .extended(kind, remaining, padding):
                let take = min(remaining, count - index)
                extended.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                index += take
                offset += Int64(take)
                if remaining - take == 0 {
                    finishExtended(kind)
                    state = padding > 0 ? .padding(padding) : .header
                } else {
                    state = .extended(kind: kind, remaining: remaining - take, padding: padding)
                }
            }
        }
    }

    /// The stream ended: fine after the end-of-archive blocks or between members (some writers omit the
    /// zero blocks), an error inside a member.
    public func finish() throws {
        switch state {
        case .header where block.isEmpty, .ended, .padding: return
        default: throw TarError.truncated(offset: offset)
        }
    }

    private mutating func headerBlock<C: TarConsumer>(into consumer: inout C) throws {
        if block.allSatisfy({ $0 == 0 }) {
            zeroBlocks += 1
            if zeroBlocks >= 2 { state = .ended }
            return
        }
        zeroBlocks = 0
        let headerOffset = offset - 512
        try block.withUnsafeBufferPointer { raw in
            let b = raw
            // Checksum: the sum of the header's bytes with the checksum field read as spaces.
            var sum = 0
            for i in 0..<512 { sum += (148..<156).contains(i) ? 32 : Int(b[i]) }
            guard let stored = Self.number(b, 148, 8), Int(stored) == sum else {
                throw TarError.badChecksum(offset: headerOffset)
            }
        }
        let typeflag = block[156]
        guard let size = Self.number(block, 124, 12), size >= 0 else {
            throw TarError.badNumber(field: "size", offset: headerOffset)
        }
        let padding = Int((512 - size % 512) % 512)
        switch typeflag {
        case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "L"), UInt8(ascii: "K"):
            guard size <= 1 << 20 else { throw TarError.badNumber(field: "extended header size", offset: headerOffset) }
            extended.removeAll(keepingCapacity: true)
            state = size > 0 ? .extended(kind: typeflag, remaining: Int(size), padding: padding)
                             : (padding > 0 ? .padding(padding) : .header)
            return
        default:
            break
        }
        var name = Self.string(block, 0, 100)
        if block[257..<262].elementsEqual("ustar".utf8) {
            let prefix = Self.string(block, 345, 155)
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        var header = TarHeader(
            path: Self.normalise(pending.path ?? name),
            typeflag: typeflag,
            mode: UInt32(truncatingIfNeeded: Self.number(block, 100, 8) ?? 0) & 0o7777,
            uid: pending.uid ?? UInt32(truncatingIfNeeded: Self.number(block, 108, 8) ?? 0),
            gid: pending.gid ?? UInt32(truncatingIfNeeded: Self.number(block, 116, 8) ?? 0),
            size: pending.size ?? size,
            linkName: pending.linkName ?? Self.string(block, 157, 100),
            devMajor: UInt32(truncatingIfNeeded: Self.number(block, 329, 8) ?? 0),
            devMinor: UInt32(truncatingIfNeeded: Self.number(block, 337, 8) ?? 0))
        if header.isHardlink { header.linkName = Self.normalise(header.linkName) }
        pending = PendingOverrides()
        try consumer.member(header)
        // Only regular files carry data (a hardlink or directory with a size field still has none in
        // practice, but honour the size so the stream stays aligned).
        let dataSize = header.size
        if dataSize > 0 {
            state = .data(remaining: dataSize, padding: Int((512 - dataSize % 512) % 512))
        } else {
            try consumer.memberEnd()
            state = .header
        }
    }

    private mutating func finishExtended(_ kind: UInt8) {
        switch kind {
        case UInt8(ascii: "L"):
            pending.path = Self.cString(extended)
        case UInt8(ascii: "K"):
            pending.linkName = Self.cString(extended)
        case UInt8(ascii: "x"):
            parsePax()
        default:
            break // global pax headers: nothing swtop uses
        }
    }

    /// pax records: "LEN key=value\n", LEN counting the whole record.
    private mutating func parsePax() {
        var i = 0
        let bytes = extended
        while i < bytes.count {
            var j = i
            var length = 0
            while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39 {
                length = length * 10 + Int(bytes[j] - 0x30)
                j += 1
            }
            guard length > 0, j < bytes.count, bytes[j] == 0x20, i + length <= bytes.count else { return }
            let record = bytes[(j + 1)..<(i + length - 1)] // without the trailing newline
            if let eq = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<eq], as: UTF8.self)
                let value = String(decoding: record[(eq + 1)...], as: UTF8.self)
                switch key {
                case "path": pending.path = value
                case "linkpath": pending.linkName = value
                case "size": pending.size = Int64(value)
                case "uid": pending.uid = UInt32(value)
                case "gid": pending.gid = UInt32(value)
                default: break
                }
            }
            i += length
        }
    }

    static func normalise(_ path: String) -> String {
        var s = Substring(path)
        while s.hasPrefix("./") { s = s.dropFirst(2) }
        while s.hasPrefix("/") { s = s.dropFirst() }
        while s.hasSuffix("/") { s = s.dropLast() }
        if s == "." { return "" }
        return String(s)
    }

    private static func cString(_ bytes: [UInt8]) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    private static func string<B: RandomAccessCollection>(_ b: B, _ at: Int, _ length: Int) -> String
    where B.Element == UInt8, B.Index == Int {
        var end = at
        while end < at + length, b[b.startIndex + end] != 0 { end += 1 }
        return String(decoding: b[(b.startIndex + at)..<(b.startIndex + end)], as: UTF8.self)
    }

    /// An octal field (spaces and NULs around it allowed), or GNU base-256 when the top bit is set.
    static func number<B: RandomAccessCollection>(_ b: B, _ at: Int, _ length: Int) -> Int64?
    where B.Element == UInt8, B.Index == Int {
        let start = b.startIndex + at
        if b[start] & 0x80 != 0 {
            var value: Int64 = Int64(b[start] & 0x7f)
            for i in 1..<length {
                guard value < (Int64.max >> 8) else { return nil }
                value = value << 8 | Int64(b[start + i])
            }
            return value
        }
        var value: Int64 = 0
        var seen = false
        for i in 0..<length {
            let c = b[start + i]
            if c == 0x20 || c == 0 {
                if seen { break } else { continue }
            }
            guard c >= 0x30, c <= 0x37 else { return nil }
            seen = true
            guard value < (Int64.max >> 3) else { return nil }
            value = value * 8 + Int64(c - 0x30)
        }
        return value
    }
}
