import Foundation
import TestSupport
import XCTest

/// The log view and `swtop logs`: the built binary in tmux against the private engines.
final class LogsEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []
    let logDir = NSTemporaryDirectory() + "swtop-e2e-logs"

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
    }

    func launch(_ engine: TestEngine, _ extra: String = "", width: Int = 120, height: Int = 30,
                directory: String? = nil) throws -> TmuxSession {
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        let environment = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        var command = "\(Repo.swtopBinary) -H \(engine.host) --log-file \(logDir)/\(name.filter(\.isLetter)).log \(extra)"
        if let directory { command = "cd \(directory) && " + command }
        let session = try TmuxSession(command: command, width: width, height: height, environment: environment)
        sessions.append(session)
        return session
    }

    /// Filters the list down to `name` and opens its log.
    func openLog(_ pane: TmuxSession, _ name: String) throws {
        // The list is longer than the pane: filter first, then look.
        try pane.waitFor(text: "swtop-colors")
        try pane.send("/")
        try pane.sendLiteral(name)
        try pane.send("Enter")
        try pane.waitFor("only \(name) listed") { !$0.contains("swtop-running ") && $0.contains(name) }
        try pane.send("l")
        try pane.waitFor("log view of \(name)") { $0.contains("logs: \(name)") }
    }

    /// A container of the test's own running `script` in busybox's sh; removed afterwards.
    func container(_ engine: TestEngine, _ prefix: String, _ script: String, tty: Bool = false) throws -> (id: String, name: String) {
        let name = Repo.uniqueName(prefix)
        var args = ["run", "-d", "--name", name]
        if tty { args.append("-t") }
        let result = try engine.dockerResult(args + ["swtop/busybox:latest", "sh", "-c", script])
        guard result.status == 0 else { throw TestFailure("docker run: \(result.stderr)") }
        let id = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        addTeardownBlock { _ = try? engine.dockerResult(["rm", "-f", id]) }
        return (id, name)
    }

    /// SGR parameter groups in a captured line, e.g. ["31", "1;32", "38;5;208"].
    func sgrGroups(_ text: String) -> [String] {
        var groups: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "\u{1b}[") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(where: { $0.isLetter }) else { break }
            if rest[end] == "m" { groups.append(String(rest[..<end])) }
            rest = rest[end...]
        }
        return groups
    }

    // MARK: - Tests

    func testColouredLogShowsColoursOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let pane = try launch(engine)
            try openLog(pane, "swtop-colors")
            try pane.waitFor("a coloured line") { $0.contains("red green orange line") }
            let screen = try pane.capture(escapes: true)
            let line = try XCTUnwrap(screen.split(separator: "\n").last { $0.contains("orange") }.map(String.init))
            let params = sgrGroups(line).flatMap { $0.split(separator: ";").map(String.init) }
            XCTAssertTrue(params.contains("31") || sgrGroups(line).contains { $0.contains("38;5;1") },
                          "[\(engine.name)] red: \(sgrGroups(line))")
            XCTAssertTrue(sgrGroups(line).contains { $0.contains("38;5;208") }, "[\(engine.name)] orange (256): \(sgrGroups(line))")
            XCTAssertTrue(params.contains("1"), "[\(engine.name)] bold green: \(sgrGroups(line))")
            // stderr lines are marked.
            XCTAssertTrue(try pane.capture().contains("┃stderr line"), "[\(engine.name)] stderr marker")
            // A TTY container's raw stream: its lines, its colour, no stray CR.
            try pane.send("q")
            try pane.send("Escape")
            try openLog(pane, "swtop-tty")
            try pane.waitFor(text: "tty-2")
            let tty = try pane.capture(escapes: true)
            let green = try XCTUnwrap(tty.split(separator: "\n").first { $0.contains("green") }.map(String.init))
            XCTAssertTrue(sgrGroups(green).contains { $0.split(separator: ";").contains("32") || $0.contains("38;5;2") },
                          "[\(engine.name)] TTY colour: \(sgrGroups(green))")
            pane.kill()
        }
    }

    func testHostileSequencesNeverReachTheTerminal() throws {
        for engine in try TestEngine.all() {
            // Each line carries a title change, a clipboard write, a clear screen, cursor moves,
            // the alternate-screen switch and a hyperlink between the visible pieces A1…A6.
            let script = #"while :; do printf 'A1\033]0;pwned-title\007A2\033]52;c;aGFja2Vk\007A3\033[2JA4\033[10;10H\033[5AA5\033[?1049l\033]8;;http://x\033\\A6\033]2;pwned2\033\\\n'; sleep 0.5; done"#
            let (_, name) = try container(engine, "swtop-e2e-hostile", script)
            let pane = try launch(engine)
            try pane.tmux(["select-pane", "-t", pane.target, "-T", "e2e-title"])
            let before = try pane.format("#{pane_title}")
            try openLog(pane, name)
            let screen = try pane.waitFor("the visible text of a hostile line") { $0.contains("A1A2A3A4A5A6") }
            XCTAssertEqual(try pane.format("#{pane_title}"), before, "[\(engine.name)] the pane title changed")
            XCTAssertEqual(try pane.format("#{alternate_on}"), "1", "[\(engine.name)] swtop left the alternate screen")
            // A failed query is a failure (it once read as "no clipboard write").
            let buffers = try pane.tmux(["list-buffers"])
            XCTAssertFalse(buffers.contains("hacked"), "[\(engine.name)] OSC 52 reached the clipboard: \(buffers)")
            let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertTrue(rows.first?.contains("logs: \(name)") ?? false, "[\(engine.name)] title row overwritten:\n\(screen)")
            XCTAssertTrue(rows.contains { $0.hasPrefix("● following") }, "[\(engine.name)] status row overwritten:\n\(screen)")
            for row in rows where row.contains("A1") {
                XCTAssertEqual(row.trimmingCharacters(in: .whitespaces), "A1A2A3A4A5A6", "[\(engine.name)] \(row)")
            }
            pane.kill()
        }
    }

    func testSearchFindsALineAndNMovesToTheNext() throws {
        let engine = try XCTUnwrap(try TestEngine.all().last)
        // --read-only keeps logs: they change nothing.
        let pane = try launch(engine, "--read-only")
        try openLog(pane, "swtop-logger")
        try pane.waitFor(text: "out-3")
        try pane.send("/")
        try pane.sendLiteral("out")
        try pane.send("Enter")
        try pane.waitFor(text: "“out” 3 matches")
        try pane.send("N")
        try pane.waitFor(text: "“out” 3/3 matches")
        try pane.send("N")
        try pane.waitFor(text: "“out” 2/3 matches")
        try pane.send("n")
        var screen = try pane.waitFor(text: "“out” 3/3 matches")
        // The current match is highlighted (reverse/colour), the others too.
        let styled = try pane.capture(escapes: true)
        let out3 = try XCTUnwrap(styled.split(separator: "\n").first { $0.contains("-3") && !$0.contains("err") })
        XCTAssertFalse(sgrGroups(String(out3)).isEmpty, "out-3 not highlighted: \(out3)")
        XCTAssertTrue(screen.contains("‖ paused"), screen)
        try pane.send("F")
        screen = try pane.waitFor(text: "(filter)")
        XCTAssertFalse(screen.contains("err-1"), "filter shows only matches:\n\(screen)")
        XCTAssertTrue(screen.contains("out-1") && screen.contains("out-2"), screen)
        try pane.send("Escape")
        try pane.send("Escape")
        try pane.send("Escape")
        try pane.waitFor("back on the dashboard") { $0.contains("1 Containers") && $0.contains("READ-ONLY") }
    }

    func testRestartedContainerContinuesWithoutDuplicatesAndTheSavedFileEqualsDockerLogs() throws {
        for engine in try TestEngine.all() {
            let (id, name) = try container(engine, "swtop-e2e-restart",
                                           #"trap 'exit 0' TERM; i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.1; done"#)
            let directory = NSTemporaryDirectory() + "swtop-e2e-save-" + UUID().uuidString.prefix(8)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let pane = try launch(engine, directory: directory)
            try openLog(pane, name)
            try pane.waitFor(text: "tick 5")
            try engine.docker("restart", "-t", "1", id)
            try pane.waitFor("the restart separator", seconds: 20) { $0.contains("restarted") || $0.contains("started again") }
            try pane.waitFor("ticks after the restart", seconds: 20) { screen in
                let marker = screen.contains("started again") ? "started again" : "restarted"
                return (screen.components(separatedBy: marker).last ?? "").contains("tick 5")
            }
            try engine.docker("stop", "-t", "1", id)
            try pane.waitFor("stopped", seconds: 20) { $0.contains("stopped (exit") }
            try pane.send("s")
            try pane.waitFor(text: "save to: \(name).log")
            try pane.send("Enter")
            try pane.waitFor(text: "saved ")
            let saved = try String(contentsOfFile: directory + "/\(name).log", encoding: .utf8)
            let reference = try engine.docker("logs", id)
            XCTAssertEqual(saved, reference, "[\(engine.name)] saved file differs from docker logs")
            let ticks = saved.split(separator: "\n")
            XCTAssertGreaterThan(ticks.filter { $0 == "tick 1" }.count, 1, "[\(engine.name)] both runs are in the file")
            pane.kill()
        }
    }

    func testTwoContainersMergeInTimeOrderWithTheirNames() throws {
        let engine = try XCTUnwrap(try TestEngine.all().last)
        let (_, first) = try container(engine, "swtop-e2e-merge-a", #"i=0; while :; do i=$((i+1)); echo "alpha $i"; sleep 0.3; done"#)
        let (_, second) = try container(engine, "swtop-e2e-merge-b", #"i=0; while :; do i=$((i+1)); echo "beta $i"; sleep 0.3; done"#)
        let pane = try launch(engine, width: 160, height: 40)
        try pane.waitFor(text: "swtop-colors")
        for name in [first, second] {
            try pane.send("/")
            try pane.sendLiteral(name)
            try pane.send("Enter")
            try pane.waitFor("only \(name)") { !$0.contains("swtop-running ") && $0.contains(name) }
            try pane.send("Space")
            try pane.send("Escape")
        }
        try pane.waitFor(text: "2 marked")
        try pane.send("l")
        try pane.waitFor(text: "logs: 2 containers")
        try pane.waitFor(text: "beta 6")
        try pane.send("t")
        let screen = try pane.waitFor("times shown") { $0.contains(":") && $0.contains("alpha") }
        var times: [String] = []
        for row in screen.split(separator: "\n") where row.contains("alpha") || row.contains("beta") {
            let words = row.split(separator: " ")
            XCTAssertTrue(words[0] == first || words[0] == second, "line without its container's name: \(row)")
            XCTAssertEqual(row.contains("alpha"), words[0] == first, "wrong name on \(row)")
            times.append(String(words[1]))
        }
        XCTAssertGreaterThan(times.count, 10)
        XCTAssertEqual(times, times.sorted(), "lines are not in time order:\n\(screen)")
        XCTAssertTrue(screen.contains(first + " ") && screen.contains(second + " "))
    }

    func testDetailPaneShowsTheLastLinesLive() throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        let (_, name) = try container(engine, "swtop-e2e-detail", #"i=0; while :; do i=$((i+1)); echo "detail line $i"; sleep 0.3; done"#)
        let pane = try launch(engine, width: 120, height: 40)
        try pane.waitFor(text: "swtop-colors")
        try pane.send("/")
        try pane.sendLiteral(name)
        try pane.send("Enter")
        try pane.send("Enter")
        let first = try pane.waitFor("log lines in the detail pane") { $0.contains("Log ") && $0.contains("detail line") }
        let number = { (screen: String) -> Int in
            screen.split(separator: "\n").compactMap { row -> Int? in
                guard let r = row.range(of: "detail line ") else { return nil }
                return Int(row[r.upperBound...].prefix { $0.isNumber })
            }.max() ?? 0
        }
        let seen = number(first)
        try pane.waitFor("newer lines") { number($0) > seen + 2 }
    }

    func testLogsCommandPrintsSafeLinesAndRawBytes() throws {
        for engine in try TestEngine.all() {
            let script = #"printf 'one\033]0;pwned\007two\n'; printf 'err\033[2J\n' >&2; printf '\033[31mred\033[0m\n'; sleep 100000"#
            let (id, _) = try container(engine, "swtop-e2e-cli", script)
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, !(try engine.docker("logs", id)).contains("red") { Thread.sleep(forTimeInterval: 0.1) }
            let safe = try Shell.run([Repo.swtopBinary, "-H", engine.host, "logs", id])
            XCTAssertEqual(safe.status, 0)
            XCTAssertEqual(safe.stdout, "onetwo\nred\n", "[\(engine.name)] stdout, no escapes when not a terminal")
            XCTAssertEqual(safe.stderr, "err\n", "[\(engine.name)] stderr on stderr")
            let raw = try Shell.run([Repo.swtopBinary, "-H", engine.host, "logs", "--raw", id])
            let reference = try engine.dockerResult(["logs", id])
            XCTAssertEqual(raw.stdout, reference.stdout, "[\(engine.name)] --raw equals docker logs (stdout)")
            XCTAssertEqual(raw.stderr, reference.stderr, "[\(engine.name)] --raw equals docker logs (stderr)")
            // The engine keeps stdout and stderr in the order it read them from two pipes, so "err" may
            // be anywhere among the three lines; --tail 2 gives two of them, each with its timestamp.
            let tail = try Shell.run([Repo.swtopBinary, "-H", engine.host, "logs", "--tail", "2", "-t", id])
            let stamped = (tail.stdout + tail.stderr).split(separator: "\n")
            XCTAssertEqual(stamped.count, 2, "[\(engine.name)] \(stamped)")
            XCTAssertTrue(stamped.allSatisfy { $0.hasPrefix("20") && $0.contains("Z ") }, "[\(engine.name)] \(stamped)")
            XCTAssertTrue(Set(stamped.map { $0.split(separator: " ").last.map(String.init) ?? "" }).isSubset(of: ["onetwo", "red", "err"]))
            XCTAssertTrue(tail.stdout.hasSuffix(" red\n") || tail.stderr.hasSuffix(" err\n"), "[\(engine.name)] the last line is last")
            let missing = try Shell.run([Repo.swtopBinary, "-H", engine.host, "logs", "no-such-container-x"])
            XCTAssertEqual(missing.status, 1)
            XCTAssertTrue(missing.stderr.contains("No such container"), missing.stderr)
        }
    }
}
