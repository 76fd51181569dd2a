import DockerEngine
@testable import LayerKit
import XCTest

/// A container's read/write layer told by `/containers/{id}/changes` (no sizes, no types): what the
/// stack shows for it.
final class ChangesRecordsTests: XCTestCase {
    private let image = LayerFiles(diffID: "sha256:base", records: [
        FileRecord(path: "/etc", kind: .directory, mode: 0o755),
        FileRecord(path: "/etc/passwd", kind: .file, mode: 0o644, size: 40),
        FileRecord(path: "/etc/group", kind: .file, mode: 0o644, size: 20),
        FileRecord(path: "/bin", kind: .directory, mode: 0o755),
        FileRecord(path: "/bin/sh", kind: .symlink, mode: 0o777, link: "busybox"),
    ], fullyHashed: false)

    private func change(_ path: String, _ kind: Int) -> ContainerChange { ContainerChange(Path: path, Kind: kind) }

    /// podman lists an untouched /etc as changed with nothing under it: it stays the image's directory,
    /// and nothing below it is removed.
    func testAChangedPathWithoutChildrenKeepsTheImagesDirectoryType() {
        let records = ImageLoader.changesRecords([change("/etc", 0)], below: [image])
        XCTAssertEqual(records.map(\.kind), [.directory])
        let rw = LayerFiles(diffID: "container:x", records: records, fullyHashed: false)
        let changes = ImageStack.changes(of: [image, rw])
        XCTAssertFalse(changes[1].contains { $0.change == .removed }, "nothing under /etc removed: \(changes[1])")
        let tree = ImageStack.tree(of: [image, rw], upTo: 1)
        XCTAssertEqual(tree.children["etc"]?.record?.kind, .directory)
        XCTAssertEqual(tree.children["etc"]?.children.keys.sorted(), ["group", "passwd"])
    }

    /// Paths the image lacks: a parent of another change is a directory, the rest files; deletions are
    /// whiteouts; a changed symlink stays a symlink.
    func testNewPathsAndDeletions() {
        let records = ImageLoader.changesRecords([change("/data", 1), change("/data/x.log", 1), change("/etc/group", 2),
                                                  change("/bin/sh", 0)], below: [image])
        XCTAssertEqual(records.map { "\($0.path) \($0.kind)" },
                       ["/bin/sh symlink", "/data directory", "/data/x.log file", "/etc/group whiteout"])
    }
}
