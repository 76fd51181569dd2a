import Foundation
import TestSupport
import XCTest

/// `[[commands]]` as a user has them: bound from the config, run on the selected row of a real engine,
/// in a pane and in the terminal; a value with shell syntax in it runs nothing.
final class CustomCommandsEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-e2e-cmds-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
        try? FileManager.default.removeItem(at: folder)
    }

    func launch(_ engine: TestEngine, config: String) throws -> TmuxSession {
        let path = folder.appendingPathComponent("config.toml").path
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let session = try TmuxSession(command: "cd '\(folder.path)' && \(Repo.swtopBinary) --config '\(path)' -H \(engine.host)", width: 160, height: 40,
                                      environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        sessions.append(session)
        return session
    }

    func testARowsHostileValuesArePassedAsTextInAPaneAndInTheTerminal() throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        let marker = folder.appendingPathComponent("pwned").path
        let hostile = "a; touch \(marker); $(touch \(marker)2)"
        let name = Repo.uniqueName("swtop-cmd")
        try engine.docker("run", "-d", "--name", name, "--label", "com.docker.compose.project=\(hostile)", "swtop/busybox:latest", "sleep", "600")
        defer { _ = try? engine.dockerResult(["rm", "-f", name]) }
        let pane = try launch(engine, config: """
        [[commands]]
        name = "show"
        key = "y"
        scopes = ["containers"]
        command = ["printf", "name=<%s> project=<%s> image=<%s>\\n", "{{.Name}}", "{{.Project}}", "{{.Image}}"]

        [[commands]]
        name = "inspect-here"
        key = "F6"
        scopes = ["containers"]
        run = "terminal"
        confirm = true
        command = ["sh", "-c", "echo \\"state of $1: $(docker inspect -f '{{.State.Status}}' \\"$2\\" 2>&1 || true)\\"", "_", "{{.Project}}", "{{.ID}}"]

        """)
        _ = try pane.waitFor(text: name)
        try pane.send("/")
        try pane.sendLiteral(name)
        try pane.send("Enter")
        // The hostile project's header first, then the container under it.
        _ = try pane.waitFor("the project's header") { $0.contains("▾ a; touch") }
        try pane.send("j")
        try pane.send("y")
        let shown = try pane.waitFor(text: "✓ exit code 0")
        XCTAssertTrue(shown.contains("name=<\(name)> project=<\(hostile)> image=<swtop/busybox:latest>"), shown)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker + "2"))
        try pane.send("Escape")
        _ = try pane.waitFor("the dashboard again") { !$0.contains("✓ exit code 0") }
        // In the terminal, after a question; DOCKER_HOST points at the row's engine.
        try pane.send("F6")
        _ = try pane.waitFor(text: "[y] yes")
        try pane.send("y")
        let ran = try pane.waitFor(text: "press a key to return to swtop")
        XCTAssertTrue(ran.contains("state of \(hostile): running"), ran)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
        try pane.send("q")
        _ = try pane.waitFor(text: "inspect-here: exited with code 0")
    }

    /// A command whose key hides a built-in binding stops swtop at start with the file's line.
    func testAKeyThatHidesABindingIsAnErrorAtStart() throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        let pane = try launch(engine, config: "[ui]\nmouse = true\n\n[[commands]]\nname = \"mine\"\nkey = \"l\"\nscopes = [\"containers\"]\ncommand = [\"true\"]\n")
        let screen = try pane.waitFor(text: "[exit=")
        XCTAssertTrue(screen.contains("config.toml:6: command mine: l is bound twice on containers: logs and custom:mine"), screen)
        XCTAssertFalse(screen.contains("[exit=0]"), screen)
    }
}
