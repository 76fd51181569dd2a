import Foundation
import TestSupport
import XCTest

/// swtop run from an interactive shell in a real terminal: whatever way it stops or ends, the shell
/// gets its terminal back exactly as it was (`stty -g` equal, main screen, cursor shown).
final class TerminalRestoreEndToEndTests: XCTestCase {
    var panes: [TmuxSession] = []
    let folder = NSTemporaryDirectory() + "swtop-e2e-restore-\(UUID().uuidString.prefix(6))"

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for pane in panes { pane.kill() }
        panes.removeAll()
        try? FileManager.default.removeItem(atPath: folder)
    }

    func shellPane(term: String = "xterm-256color") throws -> TmuxSession {
        let pane = try TmuxSession.interactiveShell(term: term, savingModesTo: "\(folder)/before")
        panes.append(pane)
        return pane
    }

    /// With `reportExit`, the shell prints `SWTOP-EXIT=<status>` once swtop has ended.
    func startSwtop(_ pane: TmuxSession, _ engine: TestEngine, reportExit: Bool = false) throws {
        try pane.sendLiteral("\(Repo.swtopBinary) -H \(engine.host) --log-file \(folder)/swtop.log"
            + (reportExit ? "; echo SWTOP-EXIT=$?" : ""))
        try pane.send("Enter")
        try pane.waitFor(text: "swtop-logger")
        try pane.waitFor(format: "#{alternate_on}", toBe: "1")
    }

    /// The shell has the terminal again, as it had it before swtop started.
    func assertShellHasTheTerminal(_ pane: TmuxSession, _ what: String, token: String) throws {
        let state = try pane.shellTerminalState(modesFile: "\(folder)/before", token: token)
        XCTAssertTrue(state.mainScreen, "\(what): back on the main screen")
        XCTAssertTrue(state.cursorShown, "\(what): the cursor is shown")
        XCTAssertTrue(state.sameModes, "\(what): stty -g equal to before")
    }

    /// The Ctrl-Z race (the screen thread drew again after the stop was sent): 50 suspend / fg cycles,
    /// each checked from the shell; after each fg the dashboard takes keys in raw mode again.
    func testFiftySuspendAndContinueCyclesRestoreTheTerminal() throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        let pane = try shellPane()
        try startSwtop(pane, engine)
        for cycle in 1...50 {
            try pane.send("C-z")
            try assertShellHasTheTerminal(pane, "cycle \(cycle) after Ctrl-Z", token: "STTY-\(cycle)")
            try pane.sendLiteral("fg")
            try pane.send("Enter")
            try pane.waitFor(format: "#{pane_current_command}", toBe: "swtop")
            try pane.waitFor(format: "#{alternate_on}", toBe: "1")
            try pane.waitFor("cycle \(cycle): dashboard redrawn") { $0.contains("swtop-logger") && $0.contains("NAME") }
            // A key is read at once (raw mode): in cooked mode `?` would wait for Enter.
            try pane.send("?")
            try pane.waitFor(text: "Keys (Esc or ? closes)", seconds: 5)
            try pane.send("Escape")
            try pane.waitFor("cycle \(cycle): help closed", seconds: 5) { !$0.contains("Keys (Esc or ? closes)") }
        }
        try pane.send("q")
        try assertShellHasTheTerminal(pane, "after q", token: "STTY-END")
    }

    /// q, Ctrl-C, SIGTERM, SIGHUP and a crash signal, under xterm, screen and tmux-256color.
    func testEveryWayOutRestoresTheTerminalUnderEachTerminalType() throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        for term in ["xterm", "screen", "tmux-256color"] {
            let pane = try shellPane(term: term)
            for way in ["q", "C-c", "TERM", "HUP", "SEGV"] {
                try startSwtop(pane, engine, reportExit: true)
                if way == "q" || way == "C-c" {
                    try pane.send(way)
                } else {
                    let pid = try pane.format("#{pane_pid}")
                    try Shell.check(["pkill", "-\(way)", "-P", pid, "-x", "swtop"])
                }
                // A line of its own: the typed command line holds "SWTOP-EXIT=$?" too, and shows first.
                func isStatus(_ line: Substring) -> Bool { line.hasPrefix("SWTOP-EXIT=") && line.dropFirst(11).first?.isNumber == true }
                let screen = try pane.waitFor("swtop's exit status") { $0.split(separator: "\n").contains(where: isStatus) }
                let status = screen.split(separator: "\n").first(where: isStatus).map(String.init) ?? ""
                XCTAssertEqual(status, "SWTOP-EXIT=" + (way == "SEGV" ? "139" : "0"), "\(term), \(way): exit status")
                try assertShellHasTheTerminal(pane, "\(term), \(way)", token: "STTY-\(term)-\(way)")
                _ = try pane.shell("clear; echo CLEARED", until: "CLEARED")
            }
            pane.kill()
        }
    }

    /// A stop sent from outside (kill -TSTP) is taken like Ctrl-Z, and SIGCONT brings the dashboard back.
    func testStopSignalFromOutsideSuspendsCleanly() throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        let pane = try shellPane()
        try startSwtop(pane, engine)
        let pid = try pane.format("#{pane_pid}")
        try Shell.check(["pkill", "-TSTP", "-P", pid, "-x", "swtop"])
        try assertShellHasTheTerminal(pane, "after SIGTSTP", token: "STTY-TSTP")
        try pane.sendLiteral("fg")
        try pane.send("Enter")
        try pane.waitFor("dashboard back") { $0.contains("swtop-logger") && $0.contains("NAME") }
        try pane.send("q")
        try assertShellHasTheTerminal(pane, "after q", token: "STTY-END")
    }

    /// Started by a wrapper script in the same job (as `bash Scripts/run.sh` does), Ctrl-Z stops the
    /// whole job, so the shell gets the terminal back and `fg` resumes both.
    func testCtrlZUnderAWrapperScriptStopsTheWholeJob() throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        let pane = try shellPane()
        let script = "\(folder)/wrapper.sh"
        try "\(Repo.swtopBinary) -H \(engine.host) --log-file \(folder)/swtop.log\necho WRAPPER-DONE\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        try pane.sendLiteral("bash \(script)")
        try pane.send("Enter")
        try pane.waitFor(text: "swtop-logger")
        try pane.send("C-z")
        try assertShellHasTheTerminal(pane, "Ctrl-Z under a wrapper", token: "STTY-WRAPPED")
        XCTAssertTrue(try pane.capture().contains("Stopped"), "the shell reports the job stopped")
        try pane.sendLiteral("fg")
        try pane.send("Enter")
        try pane.waitFor("dashboard back") { $0.contains("swtop-logger") && $0.contains("NAME") }
        try pane.waitFor(format: "#{alternate_on}", toBe: "1")
        try pane.send("q")
        try pane.waitFor(text: "WRAPPER-DONE")
        try assertShellHasTheTerminal(pane, "after q", token: "STTY-END")
    }
}
