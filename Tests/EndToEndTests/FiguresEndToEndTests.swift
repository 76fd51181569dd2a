import Foundation
import TestSupport
import XCTest

/// The figures ctop and docker stats show, on each engine, in a real terminal: the NET RX/TX, BLOCK I/O
/// and PIDS columns on a wide terminal (gone on a narrow one, chosen by the config), the detail pane's
/// log rows filling it, and the charts of `m`.
final class FiguresEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-e2e-figures-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
        try? FileManager.default.removeItem(at: folder)
    }

    func launch(_ engine: TestEngine, width: Int, height: Int, config: String? = nil) throws -> TmuxSession {
        var command = Repo.swtopBinary
        if let config {
            let path = folder.appendingPathComponent("config-\(sessions.count).toml").path
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            command += " --config '\(path)'"
        }
        let session = try TmuxSession(command: command + " -H \(engine.host)", width: width, height: height,
                                      environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        sessions.append(session)
        return session
    }

    func testColumnsDetailLogsAndChartsOnEachEngine() throws {
        for engine in try TestEngine.all() {
            let name = Repo.uniqueName("swtop-fig")
            // Three processes, sixty log lines, a few KiB written to its own layer.
            try engine.docker("run", "-d", "--name", name, "swtop/busybox:latest", "sh", "-c",
                              "for i in $(seq 1 60); do echo line-$i; done; dd if=/dev/zero of=/tmp/f bs=4k count=64 2>/dev/null; sync; sleep 600 & sleep 600 & wait")
            defer { _ = try? engine.dockerResult(["rm", "-f", name]) }
            let wide = try launch(engine, width: 200, height: 50)
            let row = try wide.waitFor("\(name)'s figures on \(engine.name)") { screen in
                screen.contains("NET RX/TX") && screen.contains("BLOCK I/O") && screen.contains("PIDS")
                    && screen.split(separator: "\n").contains { $0.contains(name) && $0.hasSuffix(" 3") || $0.contains(name) && $0.contains(" 3 ") }
            }
            XCTAssertTrue(row.contains(name), row)
            // The detail pane: its log rows fill what the fields and graphs leave (more than three).
            try wide.send("/")
            try wide.sendLiteral(name)
            try wide.send("Enter", "Enter")
            let pane = try wide.waitFor("the detail pane's log rows") { $0.contains("line-60") && $0.contains("line-55") }
            let shown = pane.split(separator: "\n").filter { $0.contains("line-") }.count
            XCTAssertGreaterThan(shown, 5, pane)
            XCTAssertTrue(pane.contains("Network") && pane.contains("Block I/O"), pane)
            // m: the charts.
            try wide.send("Escape", "m")
            let charts = try wide.waitFor(text: "swtop · stats")
            XCTAssertTrue(charts.contains(name) && charts.contains("CPU") && charts.contains("Memory") && charts.contains("Network"), charts)
            try wide.send("Escape")
            // Narrow: CPU and memory only.
            let narrow = try launch(engine, width: 100, height: 30)
            let small = try narrow.waitFor(text: name)
            XCTAssertTrue(small.contains("CPU%") && !small.contains("NET RX/TX") && !small.contains("PIDS"), small)
            // Chosen by the config, at any width.
            let chosen = try launch(engine, width: 100, height: 30, config: "[ui]\ncolumns = [\"name\", \"pids\", \"net\"]\n")
            let picked = try chosen.waitFor("the configured columns") { $0.contains("PIDS") && $0.contains("NET RX/TX") && $0.contains(name) }
            XCTAssertFalse(picked.contains("IMAGE"), picked)
            for session in sessions { session.kill() }
            sessions.removeAll()
        }
    }
}
