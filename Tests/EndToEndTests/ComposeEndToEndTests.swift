import Foundation
import TestSupport
import XCTest

/// Compose projects from swtop, in a real terminal, through the real Compose (trixie's 2.26 plugin,
/// SWTOP_COMPOSE) on each engine: what the screen says and what the engine then holds.
final class ComposeEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []
    var folders: [URL] = []
    let logDir = NSTemporaryDirectory() + "swtop-e2e-logs"

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
        for folder in folders { try? FileManager.default.removeItem(at: folder) }
    }

    func launch(_ engine: TestEngine, in directory: String) throws -> TmuxSession {
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        let command = "cd '\(directory)' && \(Repo.swtopBinary) -H \(engine.host) --log-file \(logDir)/\(name.filter(\.isLetter)).log"
        let session = try TmuxSession(command: command, width: 160, height: 40,
                                      environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        sessions.append(session)
        return session
    }

    /// Two services, one with a named volume, the other depending on it; each stops at once on SIGTERM.
    func makeProject() throws -> (folder: URL, name: String) {
        let name = Repo.uniqueName("swtopc").lowercased().filter { $0.isLetter || $0.isNumber }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-e2e-compose-\(UInt32.random(in: 0...UInt32.max))")
            .appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        folders.append(folder.deletingLastPathComponent())
        let loop = "trap 'exit 0' TERM; echo up; while true; do sleep 1; done"
        try """
        services:
          db:
            image: swtop/busybox:latest
            command: ["sh", "-c", "\(loop)"]
            volumes:
              - data:/data
          web:
            image: swtop/busybox:latest
            command: ["sh", "-c", "\(loop)"]
            depends_on:
              - db
        volumes:
          data:

        """.write(to: folder.appendingPathComponent("compose.yaml"), atomically: true, encoding: .utf8)
        return (folder, name)
    }

    func cleanUp(_ engine: TestEngine, _ project: String) {
        for id in (try? engine.docker("ps", "-aq", "--filter", "label=com.docker.compose.project=\(project)"))?.split(separator: "\n") ?? [] {
            _ = try? engine.dockerResult(["rm", "-f", String(id)])
        }
        _ = try? engine.dockerResult(["network", "rm", "\(project)_default"])
        _ = try? engine.dockerResult(["volume", "rm", "\(project)_data"])
    }

    func volume(_ engine: TestEngine, _ project: String) throws -> String {
        try engine.docker("volume", "inspect", "-f", "{{.Name}}", "\(project)_data").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func containers(_ engine: TestEngine, _ project: String) throws -> [String] {
        try engine.docker("ps", "--filter", "label=com.docker.compose.project=\(project)", "--format", "{{.Names}} {{.State}}")
            .split(separator: "\n").map(String.init).sorted()
    }

    /// Up from swtop in the project's folder, seen grouped, down (network gone, volume kept), up again;
    /// on each engine of the run (the second through its own -H).
    func testUpDownAndUpAgainFromSwtopOnEachEngine() throws {
        let engines = try TestEngine.all()
        XCTAssertGreaterThanOrEqual(engines.count, 2, "SWTOP_TEST_ENGINES names both engines")
        for engine in engines {
            let (folder, project) = try makeProject()
            defer { cleanUp(engine, project) }
            let pane = try launch(engine, in: folder.path)
            _ = try pane.waitFor(text: "Containers")
            // The list filtered to this project (no row yet): no other project (the seeded engines have
            // one) is under the cursor, so c takes the folder's.
            try pane.send("/")
            try pane.sendLiteral(project)
            try pane.send("Enter")
            try pane.send("c")
            _ = try pane.waitFor(text: "compose project \(project) on")
            _ = try pane.waitFor(text: "containers: no containers (down)")
            try pane.send("u")
            _ = try pane.waitFor(text: "✓ up done", seconds: 60)
            XCTAssertEqual(try containers(engine, project), ["\(project)-db-1 running", "\(project)-web-1 running"], engine.name)
            XCTAssertEqual(try volume(engine, project), "\(project)_data")
            // Grouped on the dashboard under the project's header.
            try pane.send("Escape")
            let list = try pane.waitFor("the project's header") { $0.contains("▾ \(project)") && $0.contains("2/2 running") }
            XCTAssertTrue(list.contains("\(project)-db-1") && list.contains("\(project)-web-1"), list)
            // Down from the header: containers and network gone, the named volume kept.
            try pane.send("c")
            _ = try pane.waitFor(text: "containers: \(project)-db-1 running")
            try pane.send("d")
            let down = try pane.waitFor(text: "✓ down done", seconds: 60)
            XCTAssertTrue(down.contains("Network \(project)_default  Removed"), down)
            XCTAssertEqual(try containers(engine, project), [])
            XCTAssertNotEqual(try engine.dockerResult(["network", "inspect", "\(project)_default"]).status, 0, "the network is gone")
            XCTAssertEqual(try volume(engine, project), "\(project)_data", "the volume stays")
            _ = try pane.waitFor(text: "containers: no containers (down)")
            // The screen keeps the project: up again.
            try pane.send("u")
            _ = try pane.waitFor(text: "✓ up done", seconds: 60)
            XCTAssertEqual(try containers(engine, project), ["\(project)-db-1 running", "\(project)-web-1 running"], engine.name)
            pane.kill()
        }
    }

    /// The files moved away: the screen says so, Compose's actions are refused, and down through the
    /// engine alone removes the containers and the network and keeps the volume.
    func testFilesNotHereDownThroughTheEngineAlone() throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        let (folder, project) = try makeProject()
        defer { cleanUp(engine, project) }
        let compose = try XCTUnwrap(ProcessInfo.processInfo.environment["SWTOP_COMPOSE"], "SWTOP_COMPOSE names the Compose plugin")
        let up = try Shell.run([compose, "--project-directory", folder.path, "up", "-d"],
                               environment: ["DOCKER_HOST": engine.host], timeout: 120)
        XCTAssertEqual(up.status, 0, up.stderr)
        let moved = folder.deletingLastPathComponent().appendingPathComponent("moved")
        try FileManager.default.moveItem(at: folder, to: moved)
        let pane = try launch(engine, in: moved.path)
        _ = try pane.waitFor(text: "▾ \(project)")
        try pane.send("/")
        try pane.sendLiteral(project)
        try pane.send("Enter")
        try pane.send("c")
        _ = try pane.waitFor(text: "✗ the compose files of \(project) are not on this machine: \(folder.path) does not exist here")
        try pane.send("u")
        _ = try pane.waitFor(text: "Compose cannot run \(project) from here (above) — s, S, x and d work through the engine alone")
        XCTAssertEqual(try containers(engine, project).count, 2, "nothing was sent")
        try pane.send("d")
        _ = try pane.waitFor(text: "remove its networks (volumes kept)? y/n")
        try pane.send("y")
        let done = try pane.waitFor(text: "✓ down without the files (engine) done", seconds: 60)
        XCTAssertTrue(done.contains("network \(project)_default: removed"), done)
        XCTAssertTrue(done.contains("volumes kept: \(project)_data"), done)
        XCTAssertEqual(try containers(engine, project), [])
        XCTAssertEqual(try engine.docker("ps", "-aq", "--filter", "label=com.docker.compose.project=\(project)"), "")
        XCTAssertNotEqual(try engine.dockerResult(["network", "inspect", "\(project)_default"]).status, 0)
        XCTAssertEqual(try volume(engine, project), "\(project)_data")
    }
}
