import Foundation
@testable import LayerKit
import XCTest

/// A diff directory made here (the tests run as root, as the engines need): the records and their order
/// are those of the engine's tar writer, the order the export path sees.
final class OverlayReaderTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-overlay-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func make(_ relative: String, _ content: String, mode: Int = 0o644) throws {
        let path = root + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertEqual(chmod(path, mode_t(mode)), 0)
    }

    func testRecordsInTheTarWritersOrder() throws {
        try make("/opt/app/b.txt", "bee\n")
        try make("/opt/app/B-upper.txt", "upper\n")
        try make("/opt/app/a.txt", "alpha\n", mode: 0o755)
        try make("/opt/app/é.txt", "e\n")
        try make("/opt/app-other/x", "x")
        XCTAssertEqual(link(root + "/opt/app/a.txt", root + "/opt/app/a-link.txt"), 0) // sorts before a.txt
        XCTAssertEqual(symlink("b.txt", root + "/opt/app/current"), 0)
        XCTAssertEqual(mknod(root + "/opt/app/gone", S_IFCHR | 0o600, 0), 0) // overlay's whiteout
        XCTAssertEqual(mkfifo(root + "/opt/fifo", 0o644), 0)
        XCTAssertEqual(chmod(root + "/opt/fifo", 0o644), 0) // whatever the umask
        for dir in ["/opt", "/opt/app", "/opt/app-other"] { XCTAssertEqual(chmod(root + dir, 0o750), 0) }
        XCTAssertEqual(chown(root + "/opt/app/b.txt", 1000, 1001), 0)

        let layer = try OverlayReader.read(directory: root, diffID: "sha256:abc")
        XCTAssertEqual(layer.diffID, "sha256:abc")
        XCTAssertFalse(layer.fullyHashed)
        XCTAssertEqual(layer.records, [
            FileRecord(path: "/opt", kind: .directory, mode: 0o750),
            FileRecord(path: "/opt/app", kind: .directory, mode: 0o750),
            // bytewise: "B" < "a" < "b" < "c" < "g" < "é"; "a-link.txt" < "a.txt": the first name is the file
            FileRecord(path: "/opt/app/B-upper.txt", kind: .file, mode: 0o644, size: 6),
            FileRecord(path: "/opt/app/a-link.txt", kind: .file, mode: 0o755, size: 6),
            FileRecord(path: "/opt/app/a.txt", kind: .hardlink, mode: 0o755, link: "/opt/app/a-link.txt"),
            FileRecord(path: "/opt/app/b.txt", kind: .file, mode: 0o644, uid: 1000, gid: 1001, size: 4),
            FileRecord(path: "/opt/app/current", kind: .symlink, mode: 0o777, link: "b.txt"),
            FileRecord(path: "/opt/app/gone", kind: .whiteout),
            FileRecord(path: "/opt/app/é.txt", kind: .file, mode: 0o644, size: 2),
            FileRecord(path: "/opt/app-other", kind: .directory, mode: 0o750),
            FileRecord(path: "/opt/app-other/x", kind: .file, mode: 0o644, size: 1),
            FileRecord(path: "/opt/fifo", kind: .other, mode: 0o644),
        ])
        // What ImageLoader's hash lookup reads on demand.
        XCTAssertEqual(ContentHash.ofFile(at: root + "/opt/app/b.txt"), Digest.contentHash("bee\n"))
        XCTAssertNil(ContentHash.ofFile(at: root + "/opt/app/missing"))
    }

    func testUnreadableDirectoryIsAnError() {
        XCTAssertThrowsError(try OverlayReader.read(directory: root + "/absent", diffID: "x")) { error in
            XCTAssertEqual("\(error)", "cannot read \(root)/absent: No such file or directory")
        }
    }

    func testDiffDirectoriesLowestFirst() throws {
        for name in ["l1", "l2", "upper"] {
            try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
        }
        let data = ["LowerDir": "\(root)/l2:\(root)/l1", "UpperDir": "\(root)/upper", "WorkDir": "\(root)/work"]
        XCTAssertEqual(OverlayReader.diffDirectories(driver: "overlay2", data: data, layerCount: 3),
                       ["\(root)/l1", "\(root)/l2", "\(root)/upper"])
        XCTAssertNil(OverlayReader.diffDirectories(driver: "overlay2", data: data, layerCount: 2), "another image's layers")
        XCTAssertNil(OverlayReader.diffDirectories(driver: "btrfs", data: data, layerCount: 3))
        XCTAssertNil(OverlayReader.diffDirectories(driver: nil, data: [:], layerCount: 1))
        XCTAssertEqual(OverlayReader.diffDirectories(driver: "overlay2", data: ["UpperDir": "\(root)/upper"], layerCount: 1),
                       ["\(root)/upper"], "a one-layer image has no LowerDir")
        XCTAssertNil(OverlayReader.diffDirectories(driver: "overlay2", data: ["LowerDir": "\(root)/gone", "UpperDir": "\(root)/upper"],
                                                   layerCount: 2), "not readable here: a remote engine's paths")
    }
}
