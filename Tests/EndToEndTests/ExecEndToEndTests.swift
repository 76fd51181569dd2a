import Foundation
import TestSupport
import XCTest

/// Exec, attach, run and processes: the built binary in tmux against the private engines, typing into
/// the container's shell as a user would, and asking the engine what it holds afterwards.
final class ExecEndToEndTests: XCTestCase {
    var panes: [TmuxSession] = []
    var containers: [(TestEngine, String)] = []
    let folder = NSTemporaryDirectory() + "swtop-e2e-exec-\(UUID().uuidString.prefix(6))"

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for pane in panes { pane.kill() }
        panes.removeAll()
        for (engine, name) in containers { _ = try? engine.dockerResult(["rm", "-f", name]) }
        containers.removeAll()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A running busybox container whose processes stay put (no `sleep 1` loop coming and going): two
    /// sleeps. Names short enough for the list's name column.
    func runContainer(_ engine: TestEngine, _ prefix: String, extra: [String] = []) throws -> String {
        let name = prefix.contains("-") ? prefix : Repo.uniqueName(prefix)
        containers.append((engine, name))
        _ = try Shell.check([Repo.dockerCLI, "-H", engine.host, "run", "-d", "--name", name] + extra
            + ["swtop/busybox:latest", "sh", "-c", "sleep 100000 & exec sleep 100001"])
        return name
    }

    /// An interactive bash in a pane, its terminal modes saved to compare with at the end.
    func shellPane(width: Int = 120, height: Int = 30) throws -> TmuxSession {
        let pane = try TmuxSession.interactiveShell(width: width, height: height, savingModesTo: "\(folder)/before")
        panes.append(pane)
        return pane
    }

    func startSwtop(_ pane: TmuxSession, _ engine: TestEngine, _ arguments: String = "", waitFor: String) throws {
        try pane.sendLiteral("\(Repo.swtopBinary) -H \(engine.host) --log-file \(folder)/swtop.log \(arguments); echo SWTOP-EXIT=$?")
        try pane.send("Enter")
        try pane.waitFor(text: waitFor)
        try pane.waitFor(format: "#{alternate_on}", toBe: "1")
    }

    /// The shell has its terminal back exactly as before (`stty -g` equal, main screen, cursor shown).
    func assertShellHasTheTerminal(_ pane: TmuxSession, _ what: String, token: String) throws {
        let state = try pane.shellTerminalState(modesFile: "\(folder)/before", token: token)
        XCTAssertTrue(state.mainScreen, "\(what): back on the main screen")
        XCTAssertTrue(state.cursorShown, "\(what): the cursor is shown")
        XCTAssertTrue(state.sameModes, "\(what): stty -g equal to before")
    }

    /// `/NAME` Enter in the dashboard, until only that container (no seeded one) is listed.
    func filterTo(_ pane: TmuxSession, _ text: String, _ what: String, clear: Bool = false) throws {
        try pane.send("/")
        if clear { try pane.send("C-u") }
        try pane.sendLiteral(text)
        try pane.send("Enter")
        try pane.waitFor(what) { $0.contains(text) && !$0.contains("swtop-logger") }
    }

    /// The lines of the pane that are exactly `text` (a command's output, not the line that typed it).
    func hasLine(_ screen: String, _ text: String) -> Bool {
        screen.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == text }
    }

    func socketPath(_ engine: TestEngine) -> String {
        engine.host.hasPrefix("unix://") ? String(engine.host.dropFirst("unix://".count)) : engine.host
    }

    /// The engine's exec inspect documents of a container's exec instances, by `curl` on the socket.
    func execStates(_ engine: TestEngine, _ container: String) throws -> [(running: Bool, command: String)] {
        let ids = try engine.docker("inspect", "--format", "{{range .ExecIDs}}{{.}} {{end}}", container)
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        return try ids.map { id in
            let body = try Shell.check(["curl", "-sf", "--unix-socket", socketPath(engine), "http://docker/exec/\(id)/json"])
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let config = json["ProcessConfig"] as? [String: Any]
            let words = [config?["entrypoint"] as? String ?? ""] + (config?["arguments"] as? [String] ?? [])
            return (json["Running"] as? Bool ?? false, words.joined(separator: " "))
        }
    }

    /// `e`: a shell that answers, sees the pane's size and every resize, and `exit 3` brings the
    /// dashboard back with the code shown and the same row selected; a second shell left with
    /// Ctrl-P Ctrl-Q keeps running per the engine; the terminal is the shell's again at the end.
    func testShellAnswersFollowsResizesAndComesBackOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let prefix = Repo.uniqueName("xsh")
            let first = try runContainer(engine, prefix + "a")
            let second = try runContainer(engine, prefix + "b")
            let pane = try shellPane()
            try startSwtop(pane, engine, waitFor: first)
            try pane.send("/")
            try pane.sendLiteral(prefix)
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] both containers listed") { $0.contains(first) && $0.contains(second) && !$0.contains("swtop-logger") }
            try pane.send("j")  // the second row: the selection must come back to it, not to the first
            try pane.send("e")
            try pane.waitFor(text: "[swtop] shell in \(second)")
            try pane.waitFor(format: "#{alternate_on}", toBe: "0")
            try pane.sendLiteral("echo $((6*7))")
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] 42") { self.hasLine($0, "42") }
            try pane.sendLiteral("stty size")
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] stty size = 30 120") { self.hasLine($0, "30 120") }
            try pane.resize(width: 100, height: 24)
            try pane.sendLiteral("clear; stty size")
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] stty size after the resize") { self.hasLine($0, "24 100") }
            try pane.sendLiteral("exit 3")
            try pane.send("Enter")
            let back = try pane.waitFor("[\(engine.name)] the dashboard with the code") { $0.contains("exited with code 3") }
            XCTAssertTrue(back.contains(first) && back.contains(second), "[\(engine.name)] the filter kept: \(back)")
            XCTAssertEqual(try pane.format("#{alternate_on}"), "1")
            // Enter opens the details of the selected row: the second container, as before `e`.
            let id = String(try engine.docker("inspect", "--format", "{{.Id}}", second).prefix(12))
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] the details of the second container, still selected") { $0.contains("Id") && $0.contains(id) }
            try pane.send("Escape")

            // A second session, left with the detach keys: the shell goes on running.
            try pane.send("e")
            try pane.waitFor(text: "[swtop] shell in \(second)")
            try pane.sendLiteral("echo second-session")
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] second session answers") { self.hasLine($0, "second-session") }
            try pane.send("C-p")
            try pane.send("C-q")
            try pane.waitFor("[\(engine.name)] detached") { $0.contains("detached from shell in \(second)") }
            let states = try execStates(engine, second)
            // The engine lists an exec until it is gone: the first shell ended, the second runs on.
            XCTAssertEqual(states.filter(\.running).count, 1, "[\(engine.name)] one exec still running per the engine: \(states)")
            XCTAssertTrue(states.filter(\.running).allSatisfy { $0.command.hasPrefix("/bin/sh") }, "[\(engine.name)] the shell: \(states)")

            try pane.send("q")
            try pane.waitFor(text: "SWTOP-EXIT=0")
            try assertShellHasTheTerminal(pane, "[\(engine.name)] after exec sessions", token: "STTY-\(engine.name)")
        }
    }

    /// `a` on a container whose main process is an interactive shell: typing reaches it, the detach
    /// keys come back to the dashboard, and the container is still running.
    func testAttachReachesTheMainProcessAndDetachesOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let name = Repo.uniqueName("xatt")
            containers.append((engine, name))
            try engine.docker("run", "-dit", "--name", name, "swtop/busybox:latest", "sh")
            let pane = try shellPane()
            try startSwtop(pane, engine, waitFor: name)
            try filterTo(pane, name, "[\(engine.name)] only the container")
            try pane.send("a")
            try pane.waitFor(text: "[swtop] attach in \(name)")
            try pane.sendLiteral("echo attached-$((40+2))")
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] the main shell answers") { self.hasLine($0, "attached-42") }
            try pane.send("C-p")
            try pane.send("C-q")
            try pane.waitFor("[\(engine.name)] detached") { $0.contains("detached from attach in \(name)") }
            XCTAssertEqual(try engine.docker("inspect", "--format", "{{.State.Running}}", name).trimmingCharacters(in: .whitespacesAndNewlines),
                           "true", "[\(engine.name)] the container goes on")
            try pane.send("q")
            try pane.waitFor(text: "SWTOP-EXIT=0")
            try assertShellHasTheTerminal(pane, "[\(engine.name)] after attach", token: "STTY-A-\(engine.name)")
        }
    }

    /// `E` runs its line through the container's shell (`;` and `$((…))` work), and the output of a
    /// command that ends at once stays on the screen until a key is pressed.
    func testExecCommandLineRunsInAShellAndItsOutputWaitsForAKeyOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let name = try runContainer(engine, "xcmd")
            let pane = try shellPane()
            try startSwtop(pane, engine, waitFor: name)
            try filterTo(pane, name, "[\(engine.name)] only the container")
            try pane.send("E")
            try pane.waitFor(text: "command:")
            try pane.send("C-u")
            try pane.sendLiteral("id -u; echo done-$((6*7))")
            try pane.send("Enter")
            let shown = try pane.waitFor("[\(engine.name)] the output and the prompt to go back") {
                $0.contains("press a key to return to swtop")
            }
            XCTAssertTrue(hasLine(shown, "0") && hasLine(shown, "done-42"), "[\(engine.name)] both commands ran: \(shown)")
            XCTAssertTrue(shown.contains("exited with code 0"), "[\(engine.name)] the code: \(shown)")
            XCTAssertFalse(shown.contains("executable file not found"), "[\(engine.name)] not split on blanks: \(shown)")
            XCTAssertEqual(try pane.format("#{alternate_on}"), "0", "[\(engine.name)] still the output, not the dashboard")
            try pane.send("Space")
            try pane.waitFor("[\(engine.name)] the dashboard back") { $0.contains("NAME") && $0.contains(name) }
            XCTAssertEqual(try pane.format("#{alternate_on}"), "1")
            try pane.send("q")
            try pane.waitFor(text: "SWTOP-EXIT=0")
            try assertShellHasTheTerminal(pane, "[\(engine.name)] after E", token: "STTY-E-\(engine.name)")
        }
    }

    /// A container's command that prints `tick-N` every 0.3 s (no TTY: bare newlines).
    static let ticking = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.3; done"]

    /// `a` on a container running `ticking`: every tick line starts at column 0 (the terminal keeps its
    /// output processing), not where the previous line ended (a staircase); then the detach keys.
    func attachExpectingTicksAtColumnZero(_ pane: TmuxSession, _ name: String, _ label: String) throws {
        func ticks(_ screen: String) -> [Substring] {
            screen.split(separator: "\n").filter { $0.contains("tick-") && !$0.contains("[swtop]") }
        }
        try pane.send("a")
        try pane.waitFor(text: "[swtop] attach in \(name)")
        let screen = try pane.waitFor("\(label) four ticks") { ticks($0).count >= 4 }
        for line in ticks(screen) {
            XCTAssertTrue(line.hasPrefix("tick-"), "\(label) a tick line starts at column 0: '\(line)' in\n\(screen)")
        }
        try pane.send("C-p")
        try pane.send("C-q")
        try pane.waitFor("\(label) detached") { $0.contains("detached from attach in \(name)") }
    }

    func testAttachWithoutTTYStartsEveryLineAtColumnZeroOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let name = Repo.uniqueName("xnotty")
            containers.append((engine, name))
            try engine.docker(["run", "-d", "--name", name, "swtop/busybox:latest"] + Self.ticking)
            let pane = try shellPane()
            try startSwtop(pane, engine, waitFor: name)
            try filterTo(pane, name, "[\(engine.name)] only the container")
            try attachExpectingTicksAtColumnZero(pane, name, "[\(engine.name)]")
            try pane.send("q")
            try pane.waitFor(text: "SWTOP-EXIT=0")
            try assertShellHasTheTerminal(pane, "[\(engine.name)] after a non-TTY attach", token: "STTY-N-\(engine.name)")
        }
    }

    /// `x` shows a command's output (stdout, stderr marked) and exit code; `e` on a stopped container
    /// shows the engine's refusal and the dashboard stays.
    func testRunShowsOutputAndExitCodeAndStoppedContainerRefusesOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let name = try runContainer(engine, "xrun")
            let stopped = Repo.uniqueName("xstop")
            containers.append((engine, stopped))
            try engine.docker("create", "--name", stopped, "swtop/busybox:latest", "true")
            let hostname = try engine.docker("inspect", "--format", "{{.Config.Hostname}}", name).trimmingCharacters(in: .whitespacesAndNewlines)
            let pane = try shellPane()
            try startSwtop(pane, engine, waitFor: name)
            try filterTo(pane, name, "[\(engine.name)] only the container")
            try pane.send("x")
            try pane.waitFor(text: "command:")
            try pane.sendLiteral("cat /etc/hostname")
            try pane.send("Enter")
            let output = try pane.waitFor("[\(engine.name)] the hostname") { $0.contains("exit code 0") }
            XCTAssertTrue(hasLine(output, hostname), "[\(engine.name)] \(hostname) in \(output)")
            XCTAssertTrue(output.contains("$ cat /etc/hostname"), "[\(engine.name)] the command in the title")
            try pane.send("Escape")
            try pane.waitFor(text: name)
            try pane.send("x")
            try pane.waitFor(text: "command:")
            try pane.send("C-u")
            try pane.sendLiteral("ls /no-such-dir; exit 5")
            try pane.send("Enter")
            let failed = try pane.waitFor("[\(engine.name)] the failure") { $0.contains("✗ exit code 5") }
            XCTAssertTrue(failed.contains("┃ls: /no-such-dir: No such file or directory"), "[\(engine.name)] stderr marked: \(failed)")
            try pane.send("Escape")

            // A stopped container: the engine's message, and the dashboard as it was.
            try pane.send("/")
            try pane.send("C-u")
            try pane.sendLiteral(stopped)
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] the stopped one") { $0.contains(stopped) && !$0.contains(name) }
            try pane.send("e")
            let refused = try pane.waitFor("[\(engine.name)] the refusal") { $0.contains("is not running") }
            XCTAssertTrue(refused.contains("shell in \(stopped):"), "[\(engine.name)] \(refused)")
            XCTAssertTrue(refused.contains("NAME") && refused.contains(stopped), "[\(engine.name)] the dashboard intact")
            XCTAssertEqual(try pane.format("#{alternate_on}"), "1", "[\(engine.name)] curses never left")
            try pane.send("q")
            try pane.waitFor(text: "SWTOP-EXIT=0")
            try assertShellHasTheTerminal(pane, "[\(engine.name)] after x", token: "STTY-X-\(engine.name)")
        }
    }

    /// `T` lists the processes `docker top` lists (same PIDs and commands); `--read-only` refuses
    /// e, E, a and x with the refusal other actions use, and keeps T.
    func testProcessesMatchDockerTopAndReadOnlyRefusesExecOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let name = try runContainer(engine, "xtop")
            let top = try engine.docker("top", name).split(separator: "\n")
            let titles = top[0].split(separator: " ", omittingEmptySubsequences: true)
            let pidColumn = try XCTUnwrap(titles.firstIndex(of: "PID"))
            let expected = top.dropFirst().map { String($0.split(separator: " ", omittingEmptySubsequences: true)[pidColumn]) }
            XCTAssertEqual(expected.count, 2, "[\(engine.name)] the two sleeps: \(top)")
            let pane = try shellPane()
            try startSwtop(pane, engine, "--read-only", waitFor: name)
            try filterTo(pane, name, "[\(engine.name)] only the container")
            for key in ["e", "E", "a", "x"] {
                try pane.send(key)
                let screen = try pane.waitFor("[\(engine.name)] \(key) refused") { $0.contains("read-only: \(key) (") && $0.contains("refused, nothing sent") }
                XCTAssertFalse(screen.contains("command:"), "[\(engine.name)] no prompt for \(key)")
            }
            XCTAssertEqual(try engine.docker("inspect", "--format", "{{len .ExecIDs}}", name).trimmingCharacters(in: .whitespacesAndNewlines),
                           "0", "[\(engine.name)] nothing reached the engine")
            try pane.send("T")
            let listed = try pane.waitFor("[\(engine.name)] the processes") { $0.contains("2 processes") }
            let rows = listed.split(separator: "\n").filter { line in expected.contains { line.hasPrefix(" " + $0) || line.trimmingCharacters(in: .whitespaces).hasPrefix($0 + " ") } }
            XCTAssertEqual(rows.count, 2, "[\(engine.name)] every PID of docker top: \(expected) in \(listed)")
            XCTAssertTrue(listed.contains("sleep 100000") && listed.contains("sleep 100001"), "[\(engine.name)] the commands")
            XCTAssertTrue(listed.contains("PID") && listed.contains("USER") && listed.contains("%CPU") && listed.contains("RSS"),
                          "[\(engine.name)] the columns")
            try pane.send("Escape")
            try pane.waitFor(text: "NAME")
            try pane.send("q")
            try pane.waitFor(text: "SWTOP-EXIT=0")
        }
    }

    /// SIGTERM and SIGHUP while a shell session has the terminal, and the container dying under it:
    /// the terminal is the shell's (or the dashboard's) again, exactly as it was.
    func testQuitSignalOrADroppedSessionRestoresTheTerminal() throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        let name = try runContainer(engine, "xsig")
        let pane = try shellPane()
        for signal in ["TERM", "HUP"] {
            try startSwtop(pane, engine, waitFor: name)
            try filterTo(pane, name, "only the container")
            try pane.send("e")
            try pane.waitFor(text: "[swtop] shell in \(name)")
            try pane.sendLiteral("echo in-session")
            try pane.send("Enter")
            try pane.waitFor("the shell answers") { self.hasLine($0, "in-session") }
            _ = try Shell.run(["pkill", "-\(signal)", "-f", "--", "--log-file \(folder)/swtop.log"])
            try pane.waitFor(text: "SWTOP-EXIT=")
            try assertShellHasTheTerminal(pane, "SIG\(signal) during exec", token: "STTY-\(signal)")
            _ = try pane.shell("clear; echo CLEARED", until: "CLEARED")
        }
        // The container killed under the session: the stream ends, the dashboard comes back with a
        // message, keys work, and quitting leaves the terminal as it was.
        try startSwtop(pane, engine, waitFor: name)
        try filterTo(pane, name, "only the container")
        try pane.send("e")
        try pane.waitFor(text: "[swtop] shell in \(name)")
        try engine.docker("kill", name)
        let back = try pane.waitFor("the dashboard after the kill") { $0.contains("shell in \(name):") && $0.contains("NAME") }
        XCTAssertEqual(try pane.format("#{alternate_on}"), "1", "curses is back: \(back)")
        try pane.send("?")
        try pane.waitFor(text: "Keys (Esc or ? closes)")
        try pane.send("Escape")
        try pane.send("q")
        try pane.waitFor(text: "SWTOP-EXIT=0")
        try assertShellHasTheTerminal(pane, "after the container died mid-session", token: "STTY-KILLED")
    }

    /// `swtop exec` from a shell: the command's exit code, stdin piped through, stdout and stderr apart,
    /// 125 for what the engine refuses, and `-it` in a terminal gives the pane's size and restores it.
    func testExecCommandExitCodesStdinAndTerminalOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let name = try runContainer(engine, "xcli")
            func swtop(_ arguments: String) throws -> Shell.Result {
                try Shell.run(["bash", "-c", "\(Repo.swtopBinary) exec -H \(engine.host) \(arguments)"])
            }
            let three = try swtop("\(name) sh -c 'echo out; echo err >&2; exit 3'")
            XCTAssertEqual(three.status, 3, "[\(engine.name)]")
            XCTAssertEqual(three.stdout, "out\n", "[\(engine.name)] stdout")
            XCTAssertEqual(three.stderr, "err\n", "[\(engine.name)] stderr apart")
            let piped = try Shell.run(["bash", "-c", "echo hi | \(Repo.swtopBinary) exec -H \(engine.host) -i \(name) cat"])
            XCTAssertEqual(piped.status, 0, "[\(engine.name)] \(piped.stderr)")
            XCTAssertEqual(piped.stdout, "hi\n", "[\(engine.name)] stdin reached cat and its end ended it")
            let env = try swtop("-e GREETING=hello -w /etc -u nobody \(name) sh -c 'echo $GREETING $(pwd) $(id -un)'")
            XCTAssertEqual(env.stdout, "hello /etc nobody\n", "[\(engine.name)] -e, -w, -u")
            let missing = try swtop("\(name) no-such-command")
            XCTAssertTrue([126, 127].contains(missing.status), "[\(engine.name)] \(missing.status) \(missing.stdout) \(missing.stderr)")
            let gone = try swtop("no-such-container-\(UUID().uuidString.prefix(6)) true")
            XCTAssertEqual(gone.status, 125, "[\(engine.name)]")
            XCTAssertTrue(gone.stderr.contains("No such container"), "[\(engine.name)] \(gone.stderr)")
            let noTTY = try Shell.run(["bash", "-c", "\(Repo.swtopBinary) exec -H \(engine.host) -it \(name) sh < /dev/null"])
            XCTAssertEqual(noTTY.status, 125, "[\(engine.name)]")
            XCTAssertTrue(noTTY.stderr.contains("not a TTY"), "[\(engine.name)] \(noTTY.stderr)")

            let pane = try shellPane(width: 97, height: 23)
            try pane.sendLiteral("\(Repo.swtopBinary) exec -H \(engine.host) -it \(name) sh; echo CLI-EXIT=$?")
            try pane.send("Enter")
            try pane.waitFor(format: "#{pane_current_command}", toBe: "swtop")
            try pane.sendLiteral("stty size")
            try pane.send("Enter")
            try pane.waitFor("[\(engine.name)] stty size in swtop exec -it") { self.hasLine($0, "23 97") }
            try pane.sendLiteral("exit 4")
            try pane.send("Enter")
            try pane.waitFor(text: "CLI-EXIT=4")
            try assertShellHasTheTerminal(pane, "[\(engine.name)] after swtop exec -it", token: "STTY-CLI-\(engine.name)")
        }
    }
}
