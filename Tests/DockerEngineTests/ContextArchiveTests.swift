@testable import DockerEngine
import Foundation
import XCTest

/// The build context's tar stream, read back by GNU tar: every name, type, mode, owner, time, link
/// and byte as on disk, and `.dockerignore`'s choices as the docker CLI makes them.
final class ContextArchiveTests: XCTestCase {
    func temporary(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-\(label)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func shell(_ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }

    func make(_ root: URL, _ path: String, _ text: String, mode: Int = 0o644) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
        chmod(url.path, mode_t(mode))
    }

    func testGNUTarReadsBackEveryEntryAsOnDisk() throws {
        let root = try temporary("context")
        let longDir = String(repeating: "d", count: 60) + "/" + String(repeating: "e", count: 60)
        let noSlash = String(repeating: "n", count: 130)
        try make(root, "Dockerfile", "FROM scratch\n")
        try make(root, "run.sh", "#!/bin/sh\necho hi\n", mode: 0o755)
        try make(root, "private.key", "k", mode: 0o600)
        try make(root, "\(longDir)/deep.txt", "deep")
        try make(root, noSlash, "no slash in 130 bytes")
        try make(root, "데이터/한글.txt", "korean")
        try make(root, "big.bin", String(repeating: "x", count: 700_000))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty/inner"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link").path, withDestinationPath: "run.sh")
        let farTarget = "/" + String(repeating: "t", count: 120) + "/target"
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("farlink").path, withDestinationPath: farTarget)
        XCTAssertEqual(link(root.appendingPathComponent("run.sh").path, root.appendingPathComponent("hard").path), 0)
        XCTAssertEqual(chown(root.appendingPathComponent("private.key").path, 1234, 5678), 0, "the tests run as root")
        var times = [timespec(tv_sec: 1_600_000_000, tv_nsec: 0), timespec(tv_sec: 1_600_000_000, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, root.appendingPathComponent("run.sh").path, &times, 0), 0)

        let archive = try temporary("archive").appendingPathComponent("context.tar")
        _ = FileManager.default.createFile(atPath: archive.path, contents: nil)
        let handle = try FileHandle(forWritingTo: archive)
        var chunks = 0
        let entries = try ContextArchive(root: root.path).write(chunkSize: 64 << 10) { bytes in
            chunks += 1
            try handle.write(contentsOf: bytes)
        }
        try handle.close()
        XCTAssertGreaterThan(chunks, 5, "a large file goes out in chunks, not whole")
        let out = try temporary("extracted")
        let (status, _, errors) = try shell(["tar", "-xpf", archive.path, "--same-owner", "--numeric-owner", "-C", out.path])
        XCTAssertEqual(status, 0, errors)
        XCTAssertEqual(errors, "", "GNU tar warns about nothing")
        let (_, listing, _) = try shell(["tar", "-tf", archive.path])
        let names = listing.split(separator: "\n").map(String.init)
        XCTAssertEqual(names.count, entries)
        XCTAssertTrue(names.contains("empty/inner/"), "empty directories too: \(names)")

        for path in ["Dockerfile", "run.sh", "private.key", "\(longDir)/deep.txt", noSlash, "데이터/한글.txt", "big.bin", "link", "farlink",
                     "hard", "empty/inner"] {
            var a = stat(), b = stat()
            XCTAssertEqual(lstat(root.appendingPathComponent(path).path, &a), 0, path)
            XCTAssertEqual(lstat(out.appendingPathComponent(path).path, &b), 0, "\(path) missing from the archive")
            XCTAssertEqual(a.st_mode, b.st_mode, "mode of \(path)")
            XCTAssertEqual(a.st_uid, b.st_uid, "owner of \(path)")
            XCTAssertEqual(a.st_gid, b.st_gid, "group of \(path)")
            XCTAssertEqual(a.st_size, b.st_size, "size of \(path)")
            if (a.st_mode & S_IFMT) == S_IFREG {
                XCTAssertEqual(FileManager.default.contents(atPath: root.appendingPathComponent(path).path),
                               FileManager.default.contents(atPath: out.appendingPathComponent(path).path), "content of \(path)")
                XCTAssertEqual(a.st_mtim.tv_sec, b.st_mtim.tv_sec, "time of \(path)")
            }
        }
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: out.appendingPathComponent("farlink").path), farTarget,
                       "a link target over 100 bytes (PAX linkpath)")
        var runStat = stat(), hardStat = stat()
        lstat(out.appendingPathComponent("run.sh").path, &runStat)
        lstat(out.appendingPathComponent("hard").path, &hardStat)
        XCTAssertEqual(runStat.st_ino, hardStat.st_ino, "a hard link stays one: GNU tar links the second name to the first")
    }

    func testDockerIgnoreLeavesOutWhatTheCLIWouldAndAlwaysSendsTheDockerfile() throws {
        let root = try temporary("ignored")
        try make(root, "Dockerfile", "FROM scratch\n")
        try make(root, ".dockerignore", """
        # comments and blank lines are skipped

        *.log
        secret
        !secret/keep.txt
        **/tmp
        /build/
        Dockerfile
        docs/[a-c]*.md
        """)
        for path in ["app.log", "src/app.log", "secret/key", "secret/keep.txt", "a/b/tmp/x", "tmp/y", "build/out", "main.c",
                     "docs/alpha.md", "docs/delta.md", "logs/x.txt"] {
            try make(root, path, path)
        }
        var names: [String] = []
        let archive = try temporary("ignored-tar").appendingPathComponent("c.tar")
        _ = FileManager.default.createFile(atPath: archive.path, contents: nil)
        let handle = try FileHandle(forWritingTo: archive)
        try ContextArchive(root: root.path).write { try handle.write(contentsOf: $0) }
        try handle.close()
        let (_, listing, _) = try shell(["tar", "-tf", archive.path])
        names = listing.split(separator: "\n").map(String.init).filter { !$0.hasSuffix("/") }
        // `*.log` is the root's only (no `**`); the Dockerfile is sent though a line names it.
        XCTAssertEqual(Set(names), ["Dockerfile", ".dockerignore", "secret/keep.txt", "main.c", "docs/delta.md", "logs/x.txt",
                                    "src/app.log"], "sent: \(names.sorted())")
    }

    func testPatternsMatchAsGoFilepathMatchWithDoubleStar() {
        let ignore = DockerIgnore("a/*/c\n**/*.o\n!keep/*.o\n[!x]y\nqu?te\n")
        XCTAssertTrue(ignore.excludes("a/b/c"))
        XCTAssertFalse(ignore.excludes("a/b/d/c"), "* stays in one element")
        XCTAssertTrue(ignore.excludes("x.o") && ignore.excludes("deep/down/x.o"))
        XCTAssertFalse(ignore.excludes("keep/x.o"), "! takes it back (the last match wins)")
        XCTAssertTrue(ignore.excludes("zy") && !ignore.excludes("xy"))
        XCTAssertTrue(ignore.excludes("quote") && !ignore.excludes("quoote"))
        XCTAssertTrue(ignore.excludes("a/b/c/inside"), "a match excludes what is under it")
        XCTAssertTrue(DockerIgnore("./x/../y").excludes("y"), "cleaned like the CLI cleans it")
    }
}
