import Crypto
import Foundation
@testable import LayerKit

/// A tiny tar writer for tests: ustar headers with any field set by hand, pax and GNU long-name records,
/// base-256 sizes, and the end-of-archive blocks. Nothing here comes from LayerKit.
struct TarBuilder {
    private(set) var bytes: [UInt8] = []

    enum SizeEncoding { case octal, base256 }

    /// One 512-byte header. `size` is what the header says; `data` follows, padded to a block.
    static func header(name: String, type: UInt8 = UInt8(ascii: "0"), mode: UInt32 = 0o644, uid: UInt32 = 0,
                       gid: UInt32 = 0, size: Int64, link: String = "", prefix: String = "", ustar: Bool = true,
                       sizeEncoding: SizeEncoding = .octal, devMajor: UInt32 = 0, devMinor: UInt32 = 0) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ at: Int, _ length: Int) {
            let utf8 = Array(text.utf8)
            precondition(utf8.count <= length, "\(text) does not fit \(length) bytes")
            for (i, byte) in utf8.enumerated() { block[at + i] = byte }
        }
        func octal(_ value: UInt64, _ at: Int, _ length: Int) {
            // length-1 octal digits, then NUL (as Go's archive/tar writes them)
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: length - 1 - digits.count) + digits, at, length - 1)
        }
        put(name, 0, 100)
        octal(UInt64(mode), 100, 8)
        octal(UInt64(uid), 108, 8)
        octal(UInt64(gid), 116, 8)
        switch sizeEncoding {
        case .octal:
            octal(UInt64(size), 124, 12)
        case .base256:
            var value = UInt64(size)
            for i in stride(from: 11, through: 1, by: -1) {
                block[124 + i] = UInt8(value & 0xff)
                value >>= 8
            }
            block[124] = 0x80
        }
        octal(0o14_000_000_000, 136, 12) // mtime
        block[156] = type
        put(link, 157, 100)
        if ustar {
            put("ustar", 257, 6) // "ustar\0"
            put("00", 263, 2)
            put("root", 265, 32)
            put("root", 297, 32)
            octal(UInt64(devMajor), 329, 8)
            octal(UInt64(devMinor), 337, 8)
            put(prefix, 345, 155)
        }
        // checksum: the sum with the field as spaces, written as 6 octal digits, NUL, space
        for i in 148..<156 { block[i] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - digits.count) + digits, 148, 6)
        block[154] = 0
        block[155] = 0x20
        return block
    }

    static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    mutating func raw(_ block: [UInt8]) { bytes += block }

    mutating func file(_ name: String, _ content: String, mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0) {
        file(name, Array(content.utf8), mode: mode, uid: uid, gid: gid)
    }

    mutating func file(_ name: String, _ data: [UInt8], mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0,
                       type: UInt8 = UInt8(ascii: "0")) {
        bytes += Self.header(name: name, type: type, mode: mode, uid: uid, gid: gid, size: Int64(data.count))
        bytes += Self.padded(data)
    }

    mutating func directory(_ name: String, mode: UInt32 = 0o755, uid: UInt32 = 0, gid: UInt32 = 0) {
        bytes += Self.header(name: name.hasSuffix("/") ? name : name + "/", type: UInt8(ascii: "5"), mode: mode,
                             uid: uid, gid: gid, size: 0)
    }

    mutating func symlink(_ name: String, to target: String) {
        bytes += Self.header(name: name, type: UInt8(ascii: "2"), mode: 0o777, size: 0, link: target)
    }

    mutating func hardlink(_ name: String, to target: String, mode: UInt32 = 0o644) {
        bytes += Self.header(name: name, type: UInt8(ascii: "1"), mode: mode, size: 0, link: target)
    }

    /// `.wh.NAME` next to NAME, as Docker writes a deletion (an empty regular file, mode 0600).
    mutating func whiteout(_ path: String) {
        let (dir, name) = Self.split(path)
        file(dir + ".wh." + name, [UInt8](), mode: 0o600)
    }

    /// `.wh..wh..opq` inside `directory`.
    mutating func opaque(_ directory: String) {
        file((directory.hasSuffix("/") ? directory : directory + "/") + ".wh..wh..opq", [UInt8](), mode: 0o755)
    }

    /// A pax extended header ('x') carrying `records`, for the member that follows.
    mutating func pax(_ records: [(String, String)], type: UInt8 = UInt8(ascii: "x")) {
        var body: [UInt8] = []
        for (key, value) in records {
            let payload = " \(key)=\(value)\n"
            // LEN counts itself: find the fixed point.
            var length = payload.utf8.count + 1
            while String(length).count + payload.utf8.count != length { length = String(length).count + payload.utf8.count }
            body += Array("\(length)\(payload)".utf8)
        }
        bytes += Self.header(name: "PaxHeaders.0/member", type: type, size: Int64(body.count))
        bytes += Self.padded(body)
    }

    /// A GNU long name ('L') or long link ('K') record for the member that follows.
    mutating func gnuLong(_ kind: Character, _ value: String) {
        let body = Array(value.utf8) + [0]
        bytes += Self.header(name: "././@LongLink", type: kind.asciiValue!, size: Int64(body.count), ustar: true)
        bytes += Self.padded(body)
    }

    /// The two zero blocks that end an archive.
    mutating func end() { bytes += [UInt8](repeating: 0, count: 1024) }

    func finished() -> [UInt8] {
        var copy = self
        copy.end()
        return copy.bytes
    }

    private static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }
}

/// Everything a TarStream reported, in order.
struct CollectedMember: Equatable {
    var header: TarHeader
    var data: [UInt8]
}

struct Collector: TarConsumer {
    var members: [CollectedMember] = []
    var ended = 0

    mutating func member(_ header: TarHeader) throws { members.append(CollectedMember(header: header, data: [])) }
    mutating func data(_ bytes: UnsafeRawBufferPointer) throws { members[members.count - 1].data += bytes }
    mutating func memberEnd() throws { ended += 1 }
}

enum TarRead {
    /// Parses `bytes` pushed in pieces of `chunk` bytes (nil: all at once).
    static func members(_ bytes: [UInt8], chunk: Int? = nil) throws -> [CollectedMember] {
        var stream = TarStream()
        var collector = Collector()
        try push(bytes, chunk: chunk) { try stream.push($0, into: &collector) }
        try stream.finish()
        precondition(collector.ended == collector.members.count)
        return collector.members
    }

    static func push(_ bytes: [UInt8], chunk: Int?, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { raw in
            let step = chunk ?? max(raw.count, 1)
            var at = 0
            while at < raw.count {
                let end = min(at + step, raw.count)
                try body(UnsafeRawBufferPointer(rebasing: raw[at..<end]))
                at = end
            }
        }
    }
}

enum Digest {
    static func sha256(_ bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// The first 128 bits of SHA-256, as LayerKit keeps a file's content hash.
    static func contentHash(_ text: String) -> ContentHash { contentHash(bytes: Array(text.utf8)) }

    static func contentHash(bytes: [UInt8]) -> ContentHash {
        let digest = Array(SHA256.hash(data: bytes))
        let high = digest[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = digest[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return ContentHash(high: high, low: low)
    }
}

/// gzip with stored (uncompressed) deflate blocks: a valid gzip stream made without zlib, so the
/// tests do not use the library under test to make their inputs.
enum StoredGzip {
    static func make(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]
        var at = 0
        repeat {
            let n = min(65_535, data.count - at)
            let last = at + n == data.count
            out.append(last ? 1 : 0)
            out += [UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
            out += data[at..<(at + n)]
            at += n
        } while at < data.count
        let crc = crc32(data)
        for value in [crc, UInt32(truncatingIfNeeded: data.count)] {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((value >> UInt32(shift)) & 0xff)) }
        }
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    /// A gzipped fixture, inflated (with LayerKit's own gunzip, which the archive tests check separately).
    static func gunzipped(_ name: String) throws -> [UInt8] {
        let gunzip = try GunzipStream()
        var out: [UInt8] = []
        try TarRead.push(try bytes(name), chunk: 4096) { piece in try gunzip.push(piece) { out += $0 } }
        return out
    }
}
