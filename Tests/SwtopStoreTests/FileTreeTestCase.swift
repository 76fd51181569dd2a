import XCTest

/// A test with a temporary folder of its own (made before each test, removed after) and the file
/// operations that lay out a cgroup or /proc tree in it.
class FileTreeTestCase: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/swtop-tree-test.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        root = try XCTUnwrap(made.map { String(cString: $0) })
    }

    override func tearDownWithError() throws {
        if !root.isEmpty { _ = try? FileManager.default.removeItem(atPath: root) }
    }

    /// Writes `text` at `relative` under the root, making the folders on the way.
    func write(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: folder(of: path), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A symbolic link at `relative` (replacing what was there) to `target`.
    func link(_ relative: String, to target: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(atPath: folder(of: path), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: root + "/" + relative)
    }

    private func folder(of path: String) -> String {
        String(path[..<path.lastIndex(of: "/")!])
    }
}
