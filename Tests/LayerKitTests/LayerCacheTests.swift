import Foundation
@testable import LayerKit
import XCTest

final class LayerCacheTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-layercache-\(UUID().uuidString)").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func id(_ n: Int) -> String { "sha256:" + String(repeating: String(n % 10), count: 64) }

    private var sampleLayer: LayerFiles {
        LayerFiles(diffID: id(1), records: [
            FileRecord(path: "/opt", kind: .directory, mode: 0o755),
            FileRecord(path: "/opt/app/cache", kind: .directory, mode: 0o750, uid: 33, gid: 33, opaque: true),
            FileRecord(path: "/opt/app/config.txt", kind: .file, mode: 0o644, size: 11, hash: Digest.contentHash("mode=alpha\n")),
            FileRecord(path: "/opt/app/unhashed", kind: .file, mode: 0o600, uid: 4_000_000_000, gid: 7, size: 1 << 40),
            FileRecord(path: "/opt/app/empty", kind: .file, mode: 0o644),
            FileRecord(path: "/opt/app/current", kind: .symlink, mode: 0o777, link: "notes.txt"),
            FileRecord(path: "/opt/app/data/a.txt", kind: .hardlink, mode: 0o644, link: "/opt/app/data/a-hardlink.txt"),
            FileRecord(path: "/opt/app/to-delete.txt", kind: .whiteout),
            FileRecord(path: "/dev/null", kind: .other, mode: 0o666),
            FileRecord(path: "/opt/ünïcødé ✓/名前", kind: .file, mode: 0o4755, size: 3, hash: ContentHash(high: .max, low: 0)),
        ], fullyHashed: false)
    }

    func testRoundTrip() throws {
        let cache = LayerCache(directory: directory + "/nested/layers")
        XCTAssertNil(cache.load(id(1)), "empty: a miss")
        cache.store(sampleLayer)
        XCTAssertEqual(cache.load(id(1)), sampleLayer, "hash present and absent, opaque, links, whiteout, unicode")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/nested/layers/" + String(repeating: "1", count: 64) + ".v1"))

        var hashed = sampleLayer
        hashed.diffID = id(2)
        hashed.fullyHashed = true
        hashed.records = []
        cache.store(hashed)
        XCTAssertEqual(cache.load(id(2)), hashed, "an empty layer, fully hashed")
        XCTAssertNil(cache.load(id(3)))
        // A second store of the same layer replaces the file.
        var changed = sampleLayer
        changed.records.removeLast()
        cache.store(changed)
        XCTAssertEqual(cache.load(id(1)), changed)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory + "/nested/layers").filter { !$0.hasSuffix(".v1") }
        XCTAssertEqual(leftovers, [], "no temporary files left")
    }

    func testCorruptFileIsAMiss() throws {
        let cache = LayerCache(directory: directory)
        cache.store(sampleLayer)
        let path = cache.file(for: id(1))
        let good = try Data(contentsOf: URL(fileURLWithPath: path))
        func write(_ bytes: Data) throws { try bytes.write(to: URL(fileURLWithPath: path)) }

        try write(good.prefix(good.count - 1))
        XCTAssertNil(cache.load(id(1)), "cut short")
        try write(good + Data([0]))
        XCTAssertNil(cache.load(id(1)), "trailing bytes")
        var wrongMagic = good
        wrongMagic[4] = 2 // format version
        try write(wrongMagic)
        XCTAssertNil(cache.load(id(1)), "another format version")
        var badKind = good
        badKind[10] = 99 // the first record's kind
        try write(badKind)
        XCTAssertNil(cache.load(id(1)), "an unknown entry kind")
        var hugeCount = good
        hugeCount.replaceSubrange(6..<10, with: [0xff, 0xff, 0xff, 0x7f])
        try write(hugeCount)
        XCTAssertNil(cache.load(id(1)), "a record count past the end")
        try write(Data())
        XCTAssertNil(cache.load(id(1)), "empty")
        try write(Data("not a cache file at all, but some text".utf8))
        XCTAssertNil(cache.load(id(1)))
        try write(good)
        XCTAssertEqual(cache.load(id(1)), sampleLayer, "the intact bytes still load")
    }

    func testTrimRemovesLeastRecentlyUsedPastTheCap() throws {
        func layer(_ n: Int) -> LayerFiles {
            LayerFiles(diffID: id(n), records: (0..<50).map { FileRecord(path: "/file-\($0)", kind: .file, mode: 0o644, size: 1) },
                       fullyHashed: true)
        }
        let size = Int64(LayerCache.encode(layer(0)).count)
        // Room for three files.
        let cache = LayerCache(directory: directory, capBytes: size * 3 + size / 2)
        for n in 1...3 { cache.store(layer(n)) }
        // Make their use times distinct (mtime has 1 s resolution in trim): 1 oldest, 3 newest.
        for n in 1...3 { try setUsed(cache.file(for: id(n)), secondsAgo: 100 - n * 10) }
        // Reading 1 makes it the most recently used.
        XCTAssertNotNil(cache.load(id(1)))
        cache.store(layer(4)) // four files: over the cap; the least recently used (2) goes
        XCTAssertEqual(stored(), [1, 3, 4].map(hex))
        XCTAssertNotNil(cache.load(id(3)))
        XCTAssertNil(cache.load(id(2)))

        // A smaller cap trims on the next store, oldest first.
        try setUsed(cache.file(for: id(1)), secondsAgo: 50)
        try setUsed(cache.file(for: id(3)), secondsAgo: 40)
        try setUsed(cache.file(for: id(4)), secondsAgo: 30)
        let small = LayerCache(directory: directory, capBytes: size * 2)
        small.store(layer(5))
        XCTAssertEqual(stored(), [4, 5].map(hex))
        // A cap smaller than one layer keeps nothing.
        LayerCache(directory: directory, capBytes: 10).trim()
        XCTAssertEqual(stored(), [])
    }

    private func hex(_ n: Int) -> String { String(repeating: String(n % 10), count: 64) + ".v1" }

    private func stored() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".v1") }.sorted()
    }

    private func setUsed(_ path: String, secondsAgo: Int) throws {
        let date = Date(timeIntervalSinceNow: -TimeInterval(secondsAgo))
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    func testStandardPlace() {
        XCTAssertEqual(LayerCache(directory: "/x").capBytes, 256 << 20)
        // The environment of the test run decides; either way the folder ends in swtop/layers.
        XCTAssertEqual(LayerCache.standard()?.directory.hasSuffix("/swtop/layers"), true)
    }

    func testAnUnwritableCacheIsOnlySlower() {
        let cache = LayerCache(directory: "/proc/swtop-cannot-be-here")
        cache.store(sampleLayer)
        XCTAssertNil(cache.load(id(1)))
    }
}
