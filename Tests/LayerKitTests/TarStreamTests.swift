import Foundation
@testable import LayerKit
import XCTest

final class TarStreamTests: XCTestCase {
    private func paths(_ members: [CollectedMember]) -> [String] { members.map(\.header.path) }

    func testUstarJoinsPrefixAndNameAndNormalisesThePath() throws {
        var tar = TarBuilder()
        let prefix = "usr/share/" + String(repeating: "d", count: 120) // beyond the 100-byte name field
        tar.raw(TarBuilder.header(name: "file.txt", size: 3, prefix: prefix))
        tar.raw(TarBuilder.padded(Array("abc".utf8)))
        tar.directory("./opt/app/")
        tar.file("/etc/hostname", "box\n")
        tar.directory("./")
        // Without the ustar magic the prefix field is not a prefix (pre-POSIX headers).
        var plain = TarBuilder.header(name: "old.txt", size: 0, ustar: false)
        plain[345] = UInt8(ascii: "x")
        tar.raw(Self.resum(plain))
        let members = try TarRead.members(tar.finished())
        XCTAssertEqual(paths(members), [prefix + "/file.txt", "opt/app", "etc/hostname", "", "old.txt"])
        XCTAssertEqual(members[0].data, Array("abc".utf8))
        XCTAssertEqual(members[0].header.size, 3)
        XCTAssertTrue(members[0].header.isRegular)
        XCTAssertTrue(members[1].header.isDirectory)
        XCTAssertEqual(members[1].header.mode, 0o755)
        XCTAssertEqual(members[2].data, Array("box\n".utf8))
    }

    func testHeaderFields() throws {
        var tar = TarBuilder()
        tar.file("bin/su", [1, 2], mode: 0o4755, uid: 1000, gid: 50)
        tar.symlink("bin/sh", to: "/bin/busybox")
        tar.hardlink("./bin/ash", to: "./bin/su")
        tar.raw(TarBuilder.header(name: "dev/null", type: UInt8(ascii: "3"), mode: 0o666, size: 0, devMajor: 1, devMinor: 3))
        let members = try TarRead.members(tar.finished())
        XCTAssertEqual(members.count, 4)
        let su = members[0].header
        XCTAssertEqual([su.mode, su.uid, su.gid], [0o4755, 1000, 50], "setuid kept, type bits dropped")
        XCTAssertEqual(su.size, 2)
        XCTAssertTrue(members[1].header.isSymlink)
        XCTAssertEqual(members[1].header.linkName, "/bin/busybox", "a symlink target stays as written")
        XCTAssertTrue(members[2].header.isHardlink)
        XCTAssertEqual(members[2].header.path, "bin/ash")
        XCTAssertEqual(members[2].header.linkName, "bin/su", "a hardlink target is a member path, normalised")
        XCTAssertEqual([members[3].header.devMajor, members[3].header.devMinor], [1, 3])
        XCTAssertFalse(members[3].header.isRegular || members[3].header.isDirectory)
    }

    func testPaxOverridesPathLinkpathSizeAndOwner() throws {
        let longPath = "opt/" + String(repeating: "n", count: 150) + "/é-ü.txt"
        let longTarget = "../" + String(repeating: "t", count: 140)
        var tar = TarBuilder()
        tar.pax([("path", longPath), ("mtime", "1700000000.5"), ("uid", "3000000"), ("gid", "3000001")])
        tar.file("short-name-ignored", "hello")
        tar.pax([("linkpath", longTarget)])
        tar.symlink("link", to: "short-target-ignored")
        // The header says 0 bytes; the pax size says 7 and 7 bytes follow.
        tar.pax([("size", "7")])
        tar.raw(TarBuilder.header(name: "sized", size: 0))
        tar.raw(TarBuilder.padded(Array("seven!!".utf8)))
        // Overrides apply to the next member only.
        tar.file("after", "x")
        let members = try TarRead.members(tar.finished())
        XCTAssertEqual(paths(members), [longPath, "link", "sized", "after"])
        XCTAssertEqual(members[0].data, Array("hello".utf8))
        XCTAssertEqual([members[0].header.uid, members[0].header.gid], [3_000_000, 3_000_001])
        XCTAssertEqual(members[1].header.linkName, longTarget)
        XCTAssertEqual(members[2].header.size, 7)
        XCTAssertEqual(members[2].data, Array("seven!!".utf8))
        XCTAssertEqual(members[3].header.uid, 0)
        XCTAssertEqual(members[3].header.size, 1)
        XCTAssertEqual(members[3].data, Array("x".utf8))
    }

    func testGlobalPaxHeaderIsNotAMember() throws {
        var tar = TarBuilder()
        tar.pax([("comment", "made by a test")], type: UInt8(ascii: "g"))
        tar.file("a", "1")
        XCTAssertEqual(paths(try TarRead.members(tar.finished())), ["a"])
    }

    func testGNULongNameAndLongLink() throws {
        let longName = "var/lib/" + String(repeating: "x", count: 200)
        let longLink = "/usr/lib/" + String(repeating: "y", count: 180)
        var tar = TarBuilder()
        tar.gnuLong("L", longName)
        tar.file("truncated-name", "data")
        tar.gnuLong("L", "./links/" + String(repeating: "z", count: 110))
        tar.gnuLong("K", longLink)
        tar.symlink("links/zzz", to: "truncated-link")
        tar.file("plain", "p")
        let members = try TarRead.members(tar.finished())
        XCTAssertEqual(paths(members), [longName, "links/" + String(repeating: "z", count: 110), "plain"])
        XCTAssertEqual(members[0].data, Array("data".utf8))
        XCTAssertEqual(members[1].header.linkName, longLink)
        XCTAssertEqual(members[2].header.linkName, "")
    }

    func testBase256Size() throws {
        let data = [UInt8]((0..<1300).map { UInt8($0 % 251) })
        var tar = TarBuilder()
        tar.raw(TarBuilder.header(name: "big", size: Int64(data.count), sizeEncoding: .base256))
        tar.raw(TarBuilder.padded(data))
        tar.file("next", "n")
        let members = try TarRead.members(tar.finished())
        XCTAssertEqual(paths(members), ["big", "next"])
        XCTAssertEqual(members[0].header.size, 1300)
        XCTAssertEqual(members[0].data, data)

        // A size past the octal field's 8 GiB limit: read exactly, and the stream is short of it.
        let huge: Int64 = 10 << 30
        var stream = TarStream()
        var collector = Collector()
        let header = TarBuilder.header(name: "disk.img", size: huge, sizeEncoding: .base256) + [UInt8](repeating: 7, count: 1000)
        try header.withUnsafeBytes { try stream.push($0, into: &collector) }
        XCTAssertEqual(collector.members.first?.header.size, huge)
        XCTAssertEqual(collector.members.first?.data.count, 1000)
        XCTAssertThrowsError(try stream.finish()) { error in
            XCTAssertEqual(error as? TarError, .truncated(offset: 1512))
        }
    }

    /// Every feature at once, pushed whole, a byte at a time, and in odd pieces: the same members.
    func testChunkedPushesGiveTheSameMembers() throws {
        var tar = TarBuilder()
        tar.directory("opt")
        tar.file("opt/a.txt", String(repeating: "a", count: 700))
        tar.pax([("path", "opt/" + String(repeating: "p", count: 130)), ("size", "513")])
        tar.raw(TarBuilder.header(name: "ignored", size: 0))
        tar.raw(TarBuilder.padded([UInt8](repeating: 9, count: 513)))
        tar.gnuLong("L", "opt/" + String(repeating: "g", count: 300))
        tar.file("ignored", "gnu")
        tar.raw(TarBuilder.header(name: "b256", size: 512, sizeEncoding: .base256))
        tar.raw([UInt8](repeating: 1, count: 512))
        tar.symlink("opt/current", to: "a.txt")
        tar.hardlink("opt/b.txt", to: "opt/a.txt")
        tar.file("opt/empty", "")
        let bytes = tar.finished() + [UInt8](repeating: 0, count: 2048) // trailing padding after the end blocks
        let whole = try TarRead.members(bytes)
        XCTAssertEqual(whole.count, 8)
        XCTAssertEqual(whole.map(\.data.count), [0, 700, 513, 3, 512, 0, 0, 0])
        XCTAssertEqual(try TarRead.members(bytes, chunk: 1), whole)
        for chunk in [7, 511, 512, 513, 1000] {
            XCTAssertEqual(try TarRead.members(bytes, chunk: chunk), whole, "chunk \(chunk)")
        }
        var stream = TarStream()
        var collector = Collector()
        try bytes.withUnsafeBytes { try stream.push($0, into: &collector) }
        XCTAssertTrue(stream.isAtEnd)
        XCTAssertEqual(stream.offset, Int64(bytes.count))
    }

    func testBadChecksumNamesTheHeaderOffset() throws {
        var tar = TarBuilder()
        tar.file("first", "1")       // header at 0, data block at 512
        tar.file("second", "2")      // header at 1024
        var bytes = tar.finished()
        bytes[1024 + 10] ^= 0x01    // a name byte: the stored checksum no longer matches
        XCTAssertThrowsError(try TarRead.members(bytes)) { error in
            XCTAssertEqual(error as? TarError, .badChecksum(offset: 1024))
        }
        XCTAssertThrowsError(try TarRead.members(bytes, chunk: 1)) { error in
            XCTAssertEqual(error as? TarError, .badChecksum(offset: 1024))
        }
        // Not a tar at all.
        XCTAssertThrowsError(try TarRead.members(Array(String(repeating: "{\"json\": true}", count: 40).utf8))) { error in
            XCTAssertEqual(error as? TarError, .badChecksum(offset: 0))
        }
    }

    func testTruncatedStreamThrowsOnFinish() throws {
        var tar = TarBuilder()
        tar.file("a", String(repeating: "a", count: 600))
        tar.file("b", "b")
        let bytes = tar.finished()
        // Inside a member's data.
        XCTAssertThrowsError(try TarRead.members(Array(bytes[0..<700]))) { error in
            XCTAssertEqual(error as? TarError, .truncated(offset: 700))
        }
        // Inside a header.
        XCTAssertThrowsError(try TarRead.members(Array(bytes[0..<(1536 + 100)]))) { error in
            XCTAssertEqual(error as? TarError, .truncated(offset: 1636))
        }
        // Inside a pax record.
        var pax = TarBuilder()
        pax.pax([("path", String(repeating: "p", count: 300))])
        XCTAssertThrowsError(try TarRead.members(Array(pax.bytes[0..<600])))
        // Between members without the end blocks: some writers stop there, and nothing is lost.
        XCTAssertEqual(paths(try TarRead.members(Array(bytes[0..<1536]))), ["a"])
        XCTAssertEqual(paths(try TarRead.members(Array(bytes[0..<2560]))), ["a", "b"])
        // In the padding after a member's data: complete as well.
        XCTAssertEqual(paths(try TarRead.members(Array(bytes[0..<1200]))), ["a"])
        XCTAssertEqual(paths(try TarRead.members(Array(bytes[0..<2100]))), ["a", "b"])
    }

    func testUnreadableSizeIsAnError() throws {
        var header = TarBuilder.header(name: "bad", size: 0)
        for i in 124..<136 { header[i] = UInt8(ascii: "9") }
        XCTAssertThrowsError(try TarRead.members(Self.resum(header) + [UInt8](repeating: 0, count: 1024))) { error in
            XCTAssertEqual(error as? TarError, .badNumber(field: "size", offset: 0))
        }
    }

    /// Rewrites a header's checksum after a test edited it.
    static func resum(_ block: [UInt8]) -> [UInt8] {
        var block = block
        for i in 148..<156 { block[i] = 0x20 }
        let digits = String(block.reduce(0) { $0 + Int($1) }, radix: 8)
        let field = Array((String(repeating: "0", count: 6 - digits.count) + digits).utf8) + [0, 0x20]
        for i in 0..<8 { block[148 + i] = field[i] }
        return block
    }
}
