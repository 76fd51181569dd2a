import Foundation
import TestSupport
import XCTest

/// The layer view and `swtop layers`: the built binary in tmux against the private engines, on the sample
/// image built from Resources/sample-image (one layer per kind of change).
final class LayersEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []
    let scratch = NSTemporaryDirectory() + "swtop-e2e-layers"

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
    }

    func launch(_ engine: TestEngine, _ arguments: String, width: Int = 140, height: Int = 40) throws -> TmuxSession {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let cache = scratch + "/cache-" + name.filter(\.isLetter) + "-" + engine.name
        try? FileManager.default.removeItem(atPath: cache)
        let environment = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "XDG_CACHE_HOME": cache]
        let command = "\(Repo.swtopBinary) -H \(engine.host) \(arguments)"
        let session = try TmuxSession(command: command, width: width, height: height, environment: environment)
        sessions.append(session)
        return session
    }

    /// A tree row's change letter and name, e.g. "A a-hardlink.txt", from the captured pane.
    func treeRows(_ screen: String) -> [String] {
        screen.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: #"[ AMD] [-dlhcw][-r][-w][-x][-r][-w][-x][-r][-w][-x] "#, options: .regularExpression)
            else { return nil }
            let letter = line[range].first!
            let words = line[range.upperBound...].split(separator: " ")
            guard let name = words.first(where: { $0.contains(".") || $0.hasSuffix("/") }) else { return nil }
            return "\(letter) \(name)"
        }
    }

    /// From the images view: Enter on the sample image, walk to the hardlink layer, see its added and
    /// modified files marked, then the whole image as it stands there.
    func testEnterOnAnImageWalksItsLayersOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let pane = try launch(engine, "")
            try pane.waitFor(text: "swtop-running")
            try pane.send("2")
            try pane.send("/")
            try pane.sendLiteral("swtop/layers")
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] only the sample image listed") { $0.contains("swtop/layers") && !$0.contains("swtop/busybox") }
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] the analysis") { $0.contains("efficiency 99.9985 % · wasted 234 B") }
            // Layer 8 made the hardlink: ] eight times from the base.
            for _ in 0..<8 { try pane.send("]") }
            let layer8 = try pane.waitFor("[\(engine.name)] layer 8") { $0.contains("Layer 8: its changes · 1 added, 1 modified, 0 removed") }
            XCTAssertEqual(treeRows(layer8).filter { $0.hasPrefix("A") || $0.hasPrefix("M") }, ["A a-hardlink.txt", "M a.txt"],
                           "[\(engine.name)] \(layer8)")
            XCTAssertTrue(layer8.contains("a.txt ⇒ /opt/app/data/a-hardlink.txt"), "[\(engine.name)] the hardlink's target")
            // Layer 6 replaced a directory: the old one's files removed, the new one's added.
            try pane.send("[")
            try pane.send("[")
            let layer6 = try pane.waitFor("[\(engine.name)] layer 6") { $0.contains("Layer 6: its changes · 2 added, 0 modified, 3 removed") }
            XCTAssertEqual(treeRows(layer6).filter { !$0.hasPrefix(" ") },
                           ["D v1/", "D one.txt", "D two.txt", "A v2/", "A fresh.txt"], "[\(engine.name)] \(layer6)")
            // The whole image at layer 6: everything else is there, unmarked; the removed files still shown.
            try pane.send("a")
            let whole = try pane.waitFor("[\(engine.name)] the whole image") { $0.contains("Image at layer 6") && $0.contains("bin/") }
            XCTAssertTrue(treeRows(whole).contains("  etc/"), "[\(engine.name)] \(whole)")
            try pane.send("c")
            let only = try pane.waitFor("[\(engine.name)] only changes") { $0.contains("(only this layer's changes)") && $0.contains("fresh.txt") }
            XCTAssertFalse(treeRows(only).contains("  etc/"), "[\(engine.name)] only what layer 6 changed: \(only)")
            try pane.send("Escape")
            try pane.waitFor("[\(engine.name)] back on the images view") { $0.contains("swtop/layers") && !$0.contains("Image at layer") }
            try pane.send("q")
            try pane.waitFor("[\(engine.name)] swtop exits 0") { $0.contains("[exit=0]") }
        }
    }

    /// `L` on a container: its image's layers with the container's read/write layer on top.
    func testLOnAContainerShowsItsReadWriteLayer() throws {
        for engine in try TestEngine.all() {
            let name = Repo.uniqueName("swtop-rw")
            let run = try engine.dockerResult(["run", "-d", "--name", name, "swtop/busybox:latest", "sh", "-c",
                                               "echo written-by-the-container > /tmp/made.txt; rm /etc/group; sleep 600"])
            XCTAssertEqual(run.status, 0, run.stderr)
            addTeardownBlock { _ = try? engine.dockerResult(["rm", "-f", name]) }
            let deadline = Date().addingTimeInterval(15)
            while (try? engine.dockerResult(["exec", name, "cat", "/tmp/made.txt"]).stdout.contains("written")) != true {
                guard Date() < deadline else { throw TestFailure("\(name) never wrote /tmp/made.txt") }
                Thread.sleep(forTimeInterval: 0.1)
            }
            let pane = try launch(engine, "")
            try pane.waitFor(text: name)
            try pane.send("/")
            try pane.sendLiteral(name)
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] only \(name)") { $0.contains(name) && !$0.contains("swtop-running ") }
            try pane.send("L")
            try pane.waitFor("[\(engine.name)] the container's layers") { $0.contains("container \(name)") && $0.contains("efficiency") }
            try pane.send("G")
            let rw = try pane.waitFor("[\(engine.name)] read/write layer") { $0.contains("Container read/write layer: its changes") }
            XCTAssertTrue(treeRows(rw).contains("A made.txt"), "[\(engine.name)] \(rw)")
            XCTAssertTrue(rw.contains("D -rw-r--r--") && rw.contains("group"), "[\(engine.name)] the deleted /etc/group: \(rw)")
            try pane.send("q")
            try pane.waitFor("[\(engine.name)] back") { $0.contains(name) && !$0.contains("read/write layer") }
            try pane.send("q")
            try pane.waitFor("[\(engine.name)] swtop exits 0") { $0.contains("[exit=0]") }
        }
    }

    /// `swtop layers IMAGE --tui` opens on the layer view; leaving it quits.
    func testLayersTUIOpensOnTheViewAndQuitsWithIt() throws {
        for engine in try TestEngine.all() {
            let pane = try launch(engine, "layers swtop/layers:latest --tui", width: 100, height: 30)
            try pane.waitFor("[\(engine.name)] analysis") { $0.contains("Inefficient files") && $0.contains("tool.sh") }
            try pane.send("Escape")
            try pane.waitFor("[\(engine.name)] swtop exits 0") { $0.contains("[exit=0]") }
        }
    }
}
