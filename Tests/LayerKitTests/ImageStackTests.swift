@testable import LayerKit
import XCTest

/// Stacking by hand-made layers: each kind of change, written out.
final class ImageStackTests: XCTestCase {
    private func dir(_ path: String, mode: UInt32 = 0o755, uid: UInt32 = 0, opaque: Bool = false) -> FileRecord {
        FileRecord(path: path, kind: .directory, mode: mode, uid: uid, opaque: opaque)
    }

    private func file(_ path: String, _ content: String, mode: UInt32 = 0o644, uid: UInt32 = 0, gid: UInt32 = 0,
                      hashed: Bool = true) -> FileRecord {
        FileRecord(path: path, kind: .file, mode: mode, uid: uid, gid: gid, size: Int64(content.utf8.count),
                   hash: hashed && !content.isEmpty ? Digest.contentHash(content) : nil)
    }

    private func layer(_ records: FileRecord...) -> LayerFiles {
        LayerFiles(diffID: "sha256:\(records.count)", records: records, fullyHashed: true)
    }

    private func describe(_ changes: [LayerChange]) -> [String] {
        changes.map { "\($0.change.letter) \($0.record.kind.letter) \($0.record.path)" }
    }

    /// The final tree, as "path kind size" lines, depth first by name.
    private func listing(_ node: StackNode, _ prefix: String = "") -> [String] {
        var out: [String] = []
        for name in node.children.keys.sorted() {
            let child = node.children[name]!
            let path = prefix + "/" + name
            let kind = child.record.map { String($0.kind.letter) } ?? "?"
            out.append("\(kind) \(path) \(child.record?.size ?? 0) @\(child.layer)")
            out += listing(child, path)
        }
        return out
    }

    private var base: LayerFiles {
        layer(dir("/etc"), file("/etc/config", "mode=a\n"), file("/etc/same", "same\n"), file("/etc/mode", "#!/bin/sh\n"),
              file("/etc/owner", "o\n"), file("/etc/gone", "bye\n"),
              dir("/srv"), dir("/srv/www"), file("/srv/www/index.html", "<p>\n"), dir("/srv/www/img"), file("/srv/www/img/a.png", "PNG"),
              dir("/cache"), file("/cache/old", "stale\n"), dir("/cache/sub"), file("/cache/sub/deep", "deep\n"),
              dir("/data"), file("/data/f", "f\n"),
              FileRecord(path: "/current", kind: .symlink, mode: 0o777, link: "etc/config"),
              file("/blob", "blob\n"))
    }

    func testEachKindOfChange() {
        let upper = layer(
            FileRecord(path: "/etc/gone", kind: .whiteout),                 // delete a file
            FileRecord(path: "/srv/www", kind: .whiteout),                  // delete a directory and its subtree
            FileRecord(path: "/nothing/here", kind: .whiteout),             // delete what never was: nothing
            dir("/etc"),                                                    // written again identically
            file("/etc/config", "mode=b\n"),                                // same size, other content
            file("/etc/same", "same\n"),                                    // same size, same content
            file("/etc/mode", "#!/bin/sh\n", mode: 0o755),                  // chmod
            file("/etc/owner", "o\n", uid: 1000, gid: 1000),                // chown
            dir("/cache", opaque: true),                                    // opaque: the lower contents go
            file("/cache/new", "new\n"),
            file("/data", "now a file\n"),                                  // type change dir → file
            FileRecord(path: "/current", kind: .symlink, mode: 0o777, link: "etc/same"), // retarget
            FileRecord(path: "/blob-link", kind: .hardlink, mode: 0o644, link: "/blob"), // a new hardlink
            FileRecord(path: "/blob", kind: .hardlink, mode: 0o644, link: "/blob-link"), // a file becomes a hardlink
            file("/new/deep/file", "added\n"))                              // added, under new implicit dirs
        let changes = ImageStack.changes(of: [base, upper])
        XCTAssertEqual(changes[0].count, base.records.count)
        XCTAssertTrue(changes[0].allSatisfy { $0.change == .added })
        XCTAssertEqual(describe(changes[1]), [
            "D - /etc/gone",
            "D d /srv/www", "D d /srv/www/img", "D - /srv/www/img/a.png", "D - /srv/www/index.html",
            "D - /cache/old", "D d /cache/sub", "D - /cache/sub/deep",
            "  d /etc",
            "M - /etc/config",
            "  - /etc/same",
            "M - /etc/mode",
            "M - /etc/owner",
            "  d /cache",
            "A - /cache/new",
            "D - /data/f", "M - /data",
            "M l /current",
            "A h /blob-link",
            "M h /blob",
            "A - /new/deep/file",
        ])
        // A removal carries the entry as it was.
        XCTAssertEqual(changes[1][0].record, file("/etc/gone", "bye\n"))

        let tree = ImageStack.tree(of: [base, upper], upTo: 1)
        XCTAssertEqual(listing(tree), [
            "h /blob 0 @1", "h /blob-link 0 @1",
            "d /cache 0 @1", "- /cache/new 4 @1",
            "l /current 0 @1",
            "- /data 11 @1",
            "d /etc 0 @1", "- /etc/config 7 @1", "- /etc/mode 10 @1", "- /etc/owner 2 @1", "- /etc/same 5 @1",
            "? /new 0 @1", "? /new/deep 0 @1", "- /new/deep/file 6 @1",
            "d /srv 0 @0",
        ])
        XCTAssertEqual(tree.totalSize, 4 + 11 + 7 + 10 + 2 + 5 + 6)
        // The image below the upper layer is still whole.
        XCTAssertEqual(ImageStack.tree(of: [base, upper], upTo: 0).totalSize, base.contentSize - 10)
    }

    func testTypeChangeFileToDirectoryAndBack() {
        let one = layer(file("/x", "file\n"))
        let two = layer(dir("/x"), file("/x/inner", "in\n"))
        let three = layer(FileRecord(path: "/x", kind: .symlink, mode: 0o777, link: "/elsewhere"))
        let changes = ImageStack.changes(of: [one, two, three])
        XCTAssertEqual(describe(changes[1]), ["M d /x", "A - /x/inner"])
        XCTAssertEqual(describe(changes[2]), ["D - /x/inner", "M l /x"])
    }

    /// A whiteout and a new entry of the same path in one layer: deleted, then added anew.
    func testDeleteAndReAddInOneLayer() {
        let one = layer(dir("/d"), file("/d/a", "a\n"), file("/d/b", "b\n"))
        let two = layer(FileRecord(path: "/d", kind: .whiteout), dir("/d"), file("/d/b", "b\n"))
        XCTAssertEqual(describe(ImageStack.changes(of: [one, two])[1]), ["D d /d", "D - /d/a", "D - /d/b", "A d /d", "A - /d/b"])
    }

    /// An opaque directory whose marker came without an entry of its own (the record the layer builder
    /// adds at the end), and one over nothing at all.
    func testOpaqueDirectoryWithoutLowerEntryAndOverNothing() {
        let one = layer(dir("/a"), dir("/a/b"), file("/a/b/old", "old\n"), file("/a/keep", "k\n"))
        let two = layer(file("/a/b/new", "new\n"), dir("/a/b", opaque: true), dir("/fresh", opaque: true))
        let changes = ImageStack.changes(of: [one, two])
        XCTAssertEqual(describe(changes[1]), ["D - /a/b/old", "A - /a/b/new", "  d /a/b", "A d /fresh"])
        XCTAssertEqual(listing(ImageStack.tree(of: [one, two], upTo: 1)),
                       ["d /a 0 @0", "d /a/b 0 @1", "- /a/b/new 4 @1", "- /a/keep 2 @0", "d /fresh 0 @1"])
    }

    func testEmptyFilesAndDirectoriesCompareByMetadataAlone() {
        let one = layer(file("/empty", ""), dir("/d", mode: 0o700))
        let two = layer(file("/empty", ""), dir("/d", mode: 0o755))
        XCTAssertEqual(describe(ImageStack.changes(of: [one, two])[1]), ["  - /empty", "M d /d"])
    }

    /// The overlay path: records carry no hashes; a comparison asks for them, layer by layer, and only
    /// where the metadata agree.
    func testLazyHashLookup() {
        let contents: [String: String] = [
            "0 /same": "same\n", "1 /same": "same\n",
            "0 /changed": "one\n", "1 /changed": "two\n",
            "0 /resized": "short\n", "1 /resized": "longer\n",
            "0 /unreadable": "x\n", // layer 1's copy cannot be read: not known to be the same
            "1 /later": "v1\n", "2 /later": "v2\n",
        ]
        var asked: [String] = []
        let lookup: HashLookup = { index, record in
            asked.append("\(index) \(record.path)")
            return contents["\(index) \(record.path)"].map(Digest.contentHash)
        }
        let one = LayerFiles(diffID: "0", records: ["/same", "/changed", "/resized", "/unreadable"].map { file($0, contents["0 \($0)"]!, hashed: false) },
                             fullyHashed: false)
        let two = LayerFiles(diffID: "1", records: [file("/same", "same\n", hashed: false), file("/changed", "two\n", hashed: false),
                                                    file("/resized", "longer\n", hashed: false), file("/unreadable", "x\n", hashed: false),
                                                    file("/later", "v1\n", hashed: false)],
                             fullyHashed: false)
        let three = LayerFiles(diffID: "2", records: [file("/later", "v2\n", hashed: false)], fullyHashed: false)
        let changes = ImageStack.changes(of: [one, two, three], lookup: lookup)
        XCTAssertEqual(describe(changes[1]), ["  - /same", "M - /changed", "M - /resized", "M - /unreadable", "A - /later"])
        XCTAssertEqual(describe(changes[2]), ["M - /later"])
        XCTAssertEqual(asked, ["0 /same", "1 /same", "0 /changed", "1 /changed", "0 /unreadable", "1 /unreadable",
                               "1 /later", "2 /later"],
                       "asked with the layer that holds each copy; never for a size change or an added file")
        // The hash found is kept on the record.
        XCTAssertEqual(changes[1][0].record.hash, Digest.contentHash("same\n"))

        // Records that carry hashes are not looked up.
        asked.removeAll()
        let hashedOne = LayerFiles(diffID: "0", records: [file("/same", "same\n")], fullyHashed: true)
        let hashedTwo = LayerFiles(diffID: "1", records: [file("/same", "same\n")], fullyHashed: true)
        XCTAssertEqual(describe(ImageStack.changes(of: [hashedOne, hashedTwo], lookup: lookup)[1]), ["  - /same"])
        XCTAssertEqual(asked, [])
    }

    func testWithoutAnyHashSameSizeRewriteIsModified() {
        let one = layer(file("/f", "aaaa", hashed: false))
        let two = layer(file("/f", "aaaa", hashed: false))
        XCTAssertEqual(describe(ImageStack.changes(of: [one, two])[1]), ["M - /f"],
                       "without hashes a rewrite cannot be known to be identical")
    }

    func testObserveSeesTheVictimBeforeItGoes() {
        var stack = ImageStack()
        stack.apply(base)
        var seen: [String] = []
        stack.apply(layer(FileRecord(path: "/srv/www", kind: .whiteout), FileRecord(path: "/ghost", kind: .whiteout))) { record, victim in
            seen.append("\(record.path) \(victim.map { "\($0.totalSize) \($0.isDirectory)" } ?? "nil")")
        }
        XCTAssertEqual(seen, ["/srv/www 7 true", "/ghost nil"])
        XCTAssertNil(stack.node(at: "/srv/www"))
        XCTAssertNotNil(stack.node(at: "/srv"))
        XCTAssertEqual(stack.layerCount, 2)
    }
}
