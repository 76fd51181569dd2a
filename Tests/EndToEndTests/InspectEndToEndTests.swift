import Foundation
import TestSupport
import XCTest

/// The inspect view: the built binary in tmux against the private engines.
final class InspectEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
    }

    /// `i` on a container run with `-e DB_PASSWORD=hunter2`: the entry shows, its value does not until
    /// m on it; y then copies it (OSC 52, which this tmux takes into its paste buffer); Esc gives the
    /// dashboard back with the same row selected. Then `i` on an image, a volume and a network.
    func testIShowsTheDocumentWithTheSecretHiddenUntilRevealedOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let name = Repo.uniqueName("swtop-inspect")
            let run = try engine.dockerResult(["run", "-d", "--name", name, "-e", "DB_PASSWORD=hunter2", "-e", "PLAIN=visible",
                                               "swtop/busybox:latest", "sleep", "600"])
            XCTAssertEqual(run.status, 0, run.stderr)
            addTeardownBlock { _ = try? engine.dockerResult(["rm", "-f", name]) }
            let environment = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
            let pane = try TmuxSession(command: "\(Repo.swtopBinary) -H \(engine.host) --read-only", width: 120, height: 40,
                                       environment: environment)
            sessions.append(pane)
            try pane.tmux(["set-option", "-g", "set-clipboard", "on"])
            try pane.waitFor(text: name)
            try pane.send("/")
            try pane.sendLiteral(name)
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] only \(name)") { $0.contains(name) && !$0.contains("swtop-running ") }
            try pane.send("i")
            let opened = try pane.waitFor("[\(engine.name)] the inspect document") {
                $0.contains("inspect container \(name)") && $0.contains(#"Path: "sleep""#)
            }
            XCTAssertTrue(opened.contains("1 hidden value"), "[\(engine.name)] \(opened)")
            XCTAssertFalse(opened.contains("hunter2"), "[\(engine.name)] \(opened)")
            // Config.Env is further down: the search opens the way to it.
            try pane.send("/")
            try pane.sendLiteral("DB_PASS")
            try pane.send("Enter")
            let found = try pane.waitFor("[\(engine.name)] the search") { $0.contains("match 1/1 of “DB_PASS”") }
            XCTAssertTrue(found.contains("DB_PASSWORD=••••••"), "[\(engine.name)] \(found)")
            XCTAssertTrue(found.contains("PLAIN=visible"), "[\(engine.name)] \(found)")
            XCTAssertFalse(found.contains("hunter2"), "[\(engine.name)] \(found)")
            try pane.send("y")
            try pane.waitFor("[\(engine.name)] copy refused") { $0.contains("a hidden secret: reveal it first (m), then y") }
            XCTAssertFalse(try pane.capture().contains("hunter2"))
            try pane.send("m")
            try pane.waitFor("[\(engine.name)] revealed") { $0.contains("DB_PASSWORD=hunter2") }
            try pane.send("y")
            try pane.waitFor("[\(engine.name)] copied") { $0.contains("copied 7 bytes (OSC 52") }
            let deadline = Date().addingTimeInterval(5)
            var buffer = ""
            repeat {
                buffer = (try? pane.tmux(["show-buffer"])) ?? ""
                if buffer == "hunter2" { break }
                Thread.sleep(forTimeInterval: 0.05)
            } while Date() < deadline
            XCTAssertEqual(buffer, "hunter2", "[\(engine.name)] the clipboard escape reached tmux")
            try pane.send("Escape")
            try pane.waitFor("[\(engine.name)] search cleared") { !$0.contains("“DB_PASS”") && $0.contains("inspect container") }
            try pane.send("Escape")
            let back = try pane.waitFor("[\(engine.name)] the dashboard") { $0.contains("1 Containers") && !$0.contains("inspect container") }
            XCTAssertTrue(back.contains(name) && back.contains("filter: \(name)"), "[\(engine.name)] the filter kept: \(back)")
            // The other lists: their selected row's document.
            for (view, kind, key) in [("2", "image", "RepoTags"), ("3", "volume", "Mountpoint"), ("4", "network", "IPAM")] {
                try pane.send(view)
                try pane.waitFor("[\(engine.name)] view \(view)") { !$0.contains(name) }
                try pane.send("i")
                try pane.waitFor("[\(engine.name)] a \(kind) document") { $0.contains("inspect \(kind) ") && $0.contains(key) }
                try pane.send("q")
                try pane.waitFor("[\(engine.name)] back from the \(kind)") { !$0.contains("inspect \(kind) ") }
            }
            try pane.send("q")
            try pane.waitFor("[\(engine.name)] swtop exits 0") { $0.contains("[exit=0]") }
        }
    }
}
