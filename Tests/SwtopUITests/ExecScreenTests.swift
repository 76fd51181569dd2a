import DockerEngine
import Foundation
import SwtopStore
import SwtopUI
import TermCanvas
import XCTest

/// `e`, `E`, `a`, `x` and `T` from the dashboard, without an engine: what the reducer asks the app to do,
/// the prompt and its history, --read-only, the run pane's lines and the processes view as drawn.
final class ExecScreenTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func dashboard(_ snapshot: StoreSnapshot, select name: String = "swtop-running", readOnly: Bool = false) throws -> (UIState, Target) {
        var state = UIState(width: 120, height: 30, readOnly: readOnly)
        let item = try XCTUnwrap(snapshot.containers.first { $0.name == name })
        state.selection[.containers] = .container(item.id)
        return (state, Target(id: item.id, name: item.name))
    }

    func press(_ keys: [Key], _ state: UIState, _ snapshot: StoreSnapshot, effects: inout [Effect]) -> UIState {
        var state = state
        for key in keys {
            let (next, more) = Reducer.reduce(state, key, snapshot)
            state = next
            effects += more
        }
        return state
    }

    func type(_ text: String) -> [Key] { text.map { Key.char($0) } }

    func draw(_ state: UIState, _ snapshot: StoreSnapshot = StoreSnapshot()) -> [String] {
        Renderer.render(snapshot, state, now: now).buffer.plainLines()
    }

    func runScreen(_ state: UIState) -> RunScreen? {
        if let screen = state.top(RunScreen.self) { return screen }
        return nil
    }

    // MARK: - Starting from the dashboard

    func testEOnARunningContainerHandsOverAShell() throws {
        let snapshot = try RecordedSnapshot.make()
        let (state, target) = try dashboard(snapshot)
        let (next, effects) = Reducer.reduce(state, .char("e"), snapshot)
        XCTAssertEqual(effects, [.handOver(HandOverRequest(target: target, kind: .exec(command: nil, user: nil)))])
        XCTAssertTrue(next.screens.isEmpty)
        XCTAssertNil(next.prompt)
        XCTAssertNil(next.notice)
        XCTAssertEqual(next.selection, state.selection, "the dashboard is left as it was, to come back to")
    }

    func testAAttachesToTheSelectedContainer() throws {
        let snapshot = try RecordedSnapshot.make()
        let (state, target) = try dashboard(snapshot, select: "swtop-tty")
        let (_, effects) = Reducer.reduce(state, .char("a"), snapshot)
        XCTAssertEqual(effects, [.handOver(HandOverRequest(target: target, kind: .attach))])
    }

    func testMarkedRowsDoNotWidenExecToSeveralContainers() throws {
        let snapshot = try RecordedSnapshot.make()
        var (state, target) = try dashboard(snapshot)
        state.marked = Set(snapshot.containers.filter { $0.name == "swtop-web" || $0.name == "swtop-logger" }.map(\.id))
        let (_, effects) = Reducer.reduce(state, .char("e"), snapshot)
        XCTAssertEqual(effects, [.handOver(HandOverRequest(target: target, kind: .exec(command: nil, user: nil)))],
                       "the selected row, one container at a time")
    }

    func testEAsksForACommandAndAUserAndKeepsThemInTheHistory() throws {
        let snapshot = try RecordedSnapshot.make()
        var (state, target) = try dashboard(snapshot)
        var effects: [Effect] = []
        state = press([.char("E")], state, snapshot, effects: &effects)
        XCTAssertEqual(effects, [])
        var prompt = try XCTUnwrap(state.prompt)
        XCTAssertEqual(prompt.purpose, .exec)
        XCTAssertEqual(prompt.labels, ["command", "user"])
        XCTAssertEqual(prompt.values, ["", ""])
        XCTAssertTrue(draw(state, snapshot)[28].contains("exec in swtop-running · command: ▏  user: (the image's)"),
                      draw(state, snapshot)[28])
        state = press(type(#"sh -c "id; exit 4""#) + [.tab] + type("nobody"), state, snapshot, effects: &effects)
        prompt = try XCTUnwrap(state.prompt)
        XCTAssertEqual(prompt.values, [#"sh -c "id; exit 4""#, "nobody"])
        XCTAssertEqual(prompt.field, 1)
        XCTAssertTrue(draw(state, snapshot)[28].contains(#"command: sh -c "id; exit 4"  user: nobody▏"#), draw(state, snapshot)[28])
        XCTAssertEqual(effects, [], "nothing happens while typing")
        state = press([.enter], state, snapshot, effects: &effects)
        XCTAssertEqual(effects, [.handOver(HandOverRequest(target: target, kind: .exec(command: ["/bin/sh", "-c", #"sh -c "id; exit 4""#], user: "nobody")))],
                       "the line goes to the container's shell whole")
        XCTAssertNil(state.prompt)
        XCTAssertEqual(state.promptHistory[.exec], [[#"sh -c "id; exit 4""#, "nobody"]])

        // A new prompt starts from the last entry; cleared, Up brings it back.
        effects = []
        state = press([.char("E")], state, snapshot, effects: &effects)
        XCTAssertEqual(state.prompt?.values, [#"sh -c "id; exit 4""#, "nobody"])
        state = press([.ctrl("u"), .tab, .ctrl("u")], state, snapshot, effects: &effects)
        XCTAssertEqual(state.prompt?.values, ["", ""])
        state = press([.up], state, snapshot, effects: &effects)
        XCTAssertEqual(state.prompt?.values, [#"sh -c "id; exit 4""#, "nobody"])
        state = press([.down], state, snapshot, effects: &effects)
        XCTAssertEqual(state.prompt?.values, ["", ""], "Down past the newest entry: an empty line")
        // A second command, no user: the image's.
        state = press([.tab] + type("  ls /  ") + [.enter], state, snapshot, effects: &effects)
        XCTAssertEqual(effects, [.handOver(HandOverRequest(target: target, kind: .exec(command: ["/bin/sh", "-c", "ls /"], user: nil)))])
        XCTAssertEqual(state.promptHistory[.exec], [[#"sh -c "id; exit 4""#, "nobody"], ["ls /", ""]], "kept trimmed, oldest first")
        effects = []
        state = press([.char("E"), .up, .up], state, snapshot, effects: &effects)
        XCTAssertEqual(state.prompt?.values, [#"sh -c "id; exit 4""#, "nobody"])
        state = press([.up], state, snapshot, effects: &effects)
        XCTAssertEqual(state.prompt?.values, [#"sh -c "id; exit 4""#, "nobody"], "the oldest entry stays")
        state = press([.enter], state, snapshot, effects: &effects)
        XCTAssertEqual(state.promptHistory[.exec], [["ls /", ""], [#"sh -c "id; exit 4""#, "nobody"]], "used again: moved last, not repeated")
        XCTAssertNil(state.promptHistory[.run], "each prompt has its own history")
    }

    func testAnEmptyEPromptOpensTheDefaultShell() throws {
        let snapshot = try RecordedSnapshot.make()
        let (state, target) = try dashboard(snapshot)
        var effects: [Effect] = []
        _ = press([.char("E"), .enter], state, snapshot, effects: &effects)
        XCTAssertEqual(effects, [.handOver(HandOverRequest(target: target, kind: .exec(command: nil, user: nil)))])
    }

    func testEscOnThePromptCancelsWithNoEffect() throws {
        let snapshot = try RecordedSnapshot.make()
        let (state, _) = try dashboard(snapshot)
        var effects: [Effect] = []
        for opener in ["E", "x"] {
            let next = press([.char(Character(opener))] + type("rm -rf /tmp/x") + [.escape], state, snapshot, effects: &effects)
            XCTAssertNil(next.prompt, opener)
            XCTAssertTrue(next.screens.isEmpty, opener)
            XCTAssertTrue(next.promptHistory.isEmpty, "\(opener): a cancelled line is not kept")
            XCTAssertNil(next.notice, opener)
            XCTAssertEqual(next.selection, state.selection, opener)
        }
        XCTAssertEqual(effects, [])
    }

    func testXRunsACommandIntoAPane() throws {
        let snapshot = try RecordedSnapshot.make()
        var (state, target) = try dashboard(snapshot)
        var effects: [Effect] = []
        state = press([.char("x")], state, snapshot, effects: &effects)
        XCTAssertEqual(state.prompt?.labels, ["command"])
        XCTAssertTrue(draw(state, snapshot)[28].contains("run in swtop-running · command: ▏"), draw(state, snapshot)[28])
        state = press(type("cat /etc/hostname") + [.enter], state, snapshot, effects: &effects)
        let request = RunRequest(target: target, commandLine: "cat /etc/hostname")
        XCTAssertEqual(effects, [.openSession(SessionID(1), .run(request))])
        var fresh = RunScreen(request: request)
        fresh.session = SessionID(1)
        XCTAssertEqual(state.screens, [.run(fresh)])
        XCTAssertNil(state.prompt)
        XCTAssertEqual(state.promptHistory[.run], [["cat /etc/hostname"]])
        XCTAssertTrue(draw(state)[0].contains("run in swtop-running · $ cat /etc/hostname"), draw(state)[0])
        // r runs it again, afresh.
        effects = []
        var screen = try XCTUnwrap(runScreen(state))
        screen.append(.stdout, Array("old\n".utf8))
        screen.finish(exitCode: 0, error: nil)
        state.screens = [.run(screen)]
        state = press([.char("r")], state, snapshot, effects: &effects)
        // A new session: the first one, held by no screen now, is closed by the registry.
        XCTAssertEqual(effects, [.openSession(SessionID(2), .run(request))])
        fresh.session = SessionID(2)
        XCTAssertEqual(runScreen(state), fresh)
        XCTAssertEqual(state.heldSessions, [SessionID(2)])
    }

    func testXWithNothingTypedSaysSo() throws {
        let snapshot = try RecordedSnapshot.make()
        let (state, _) = try dashboard(snapshot)
        var effects: [Effect] = []
        let next = press([.char("x"), .char(" "), .enter], state, snapshot, effects: &effects)
        XCTAssertEqual(effects, [])
        XCTAssertTrue(next.screens.isEmpty)
        XCTAssertEqual(next.notice, ActionResult(text: "x: no command given", isError: true))
    }

    func testReadOnlyRefusesEEaxButKeepsT() throws {
        let snapshot = try RecordedSnapshot.make()
        let (state, target) = try dashboard(snapshot, readOnly: true)
        for key in ["e", "E", "a", "x"] {
            let (next, effects) = Reducer.reduce(state, .char(Character(key)), snapshot)
            XCTAssertEqual(effects, [], key)
            XCTAssertNil(next.prompt, key)
            XCTAssertTrue(next.screens.isEmpty, key)
            let notice = try XCTUnwrap(next.notice, key)
            XCTAssertTrue(notice.isError, key)
            XCTAssertTrue(notice.text.hasPrefix("read-only: \(key) ("), notice.text)
            XCTAssertTrue(notice.text.hasSuffix("refused, nothing sent"), notice.text)
            XCTAssertTrue(draw(next, snapshot).contains { $0.hasPrefix("read-only: \(key) (") }, key)
        }
        let (next, effects) = Reducer.reduce(state, .char("T"), snapshot)
        XCTAssertEqual(effects, [.openSession(SessionID(1), .processes(target))])
        var processes = ProcessScreen(target: target)
        processes.session = SessionID(1)
        XCTAssertEqual(next.screens, [.processes(processes)])
        XCTAssertNil(next.notice)
        // The run pane's r is refused too, should one be open.
        var run = state
        run.screens = [.run(RunScreen(request: RunRequest(target: target, commandLine: "date")))]
        let (again, more) = Reducer.reduce(run, .char("r"), snapshot)
        XCTAssertEqual(more, [])
        XCTAssertEqual(again.notice?.text.hasPrefix("read-only:"), true)
        // And the hints leave them out.
        let hints = draw(state, snapshot)[29]
        XCTAssertFalse(hints.contains("shell"), hints)
        XCTAssertFalse(hints.contains("run"), hints)
        XCTAssertTrue(hints.contains("top"), hints)
    }

    func testAComposeGroupRowIsNotOneContainer() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30)
        state.selection[.containers] = .composeGroup("demo")
        for key in ["e", "E", "a", "x", "T"] {
            let (next, effects) = Reducer.reduce(state, .char(Character(key)), snapshot)
            XCTAssertEqual(effects, [], key)
            XCTAssertNil(next.prompt, key)
            XCTAssertTrue(next.screens.isEmpty, key)
            XCTAssertEqual(next.notice, ActionResult(text: "select one container (a compose group has several)", isError: true), key)
        }
        let (next, effects) = Reducer.reduce(UIState(width: 120, height: 30), .char("e"), StoreSnapshot())
        XCTAssertEqual(effects, [])
        XCTAssertEqual(next.notice, ActionResult(text: "no container selected", isError: true))
    }

    func testTheKeysActOnContainersOnly() throws {
        let snapshot = try RecordedSnapshot.make()
        var (state, _) = try dashboard(snapshot)
        state.view = .images
        for key in ["e", "x", "T"] {
            let (next, effects) = Reducer.reduce(state, .char(Character(key)), snapshot)
            XCTAssertEqual(effects, [], key)
            XCTAssertTrue(next.notice?.text.contains("acts on containers") == true, "\(key): \(String(describing: next.notice))")
        }
    }

    func testEscOnTheRunAndProcessesScreensGivesTheDashboardBackUnchanged() throws {
        let snapshot = try RecordedSnapshot.make()
        var (state, _) = try dashboard(snapshot)
        state.filter[.containers] = "swtop"
        state.sort[.containers] = SortOrder(column: 2, reversed: true)
        state.scroll[.containers] = 2  // as far as these rows scroll with the detail pane open
        state.showDetails = true
        let before = state
        for open in [[Key.char("x")] + type("ps") + [.enter], [Key.char("T")]] {
            for back in [Key.escape, .char("q")] {
                var effects: [Effect] = []
                var next = press(open, before, snapshot, effects: &effects)
                XCTAssertEqual(next.screens.count, 1)
                XCTAssertEqual(next.heldSessions.count, 1)
                next = press([.char("j"), .char("G")], next, snapshot, effects: &effects)
                effects = []
                next = press([back], next, snapshot, effects: &effects)
                XCTAssertEqual(effects, [], "\(back)")
                XCTAssertTrue(next.screens.isEmpty)
                XCTAssertEqual(next.heldSessions, [], "the pane's session is let go: the registry closes it")
                XCTAssertEqual(next.selection, before.selection)
                XCTAssertEqual(next.filter, before.filter)
                XCTAssertEqual(next.view, before.view)
                XCTAssertEqual(next.sort, before.sort)
                XCTAssertEqual(next.scroll, before.scroll)
                XCTAssertEqual(next.showDetails, before.showDetails)
                XCTAssertEqual(next.marked, before.marked)
            }
        }
    }

    // MARK: - The run pane's lines

    func pane() -> RunScreen {
        RunScreen(request: RunRequest(target: Target(id: "c1", name: "web"), commandLine: "sh -c 'exit 5'"))
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func testBytesCutAcrossCallsMakeWholeLines() {
        var screen = pane()
        screen.append(.stdout, bytes("hel"))
        XCTAssertEqual(screen.lines, [])
        screen.append(.stdout, bytes("lo\nwor"))
        XCTAssertEqual(screen.lines, [RunLine(stream: .stdout, text: "hello")])
        screen.append(.stdout, bytes("ld\n"))
        XCTAssertEqual(screen.lines.map(\.text), ["hello", "world"])
        // A character cut in the middle of its UTF-8 bytes.
        let smile = bytes("é😀\n")
        for byte in smile { screen.append(.stdout, [byte]) }
        XCTAssertEqual(screen.lines.last?.text, "é😀")
        screen.append(.stdout, bytes("\n\n"))
        XCTAssertEqual(screen.lines.suffix(2).map(\.text), ["", ""], "empty lines are lines")
    }

    func testCRLFIsStripped() {
        var screen = pane()
        screen.append(.stdout, bytes("a\r\nb\r"))
        screen.append(.stdout, bytes("\nc\rd\n"))
        XCTAssertEqual(screen.lines.map(\.text), ["a", "b", "c\rd"], "only the \\r ending a line goes")
    }

    func testStdoutAndStderrAreKeptApart() {
        var screen = pane()
        screen.append(.stdout, bytes("o1 "))
        screen.append(.stderr, bytes("e1 "))
        screen.append(.stderr, bytes("e2\n"))
        screen.append(.stdout, bytes("o2\n"))
        XCTAssertEqual(screen.lines, [RunLine(stream: .stderr, text: "e1 e2"), RunLine(stream: .stdout, text: "o1 o2")])
    }

    func testFinishFlushesThePartialLines() {
        var screen = pane()
        screen.append(.stdout, bytes("done\nno newline"))
        screen.append(.stderr, bytes("warn"))
        XCTAssertFalse(screen.finished)
        screen.finish(exitCode: 5, error: nil)
        XCTAssertEqual(screen.lines, [RunLine(stream: .stdout, text: "done"), RunLine(stream: .stdout, text: "no newline"),
                                      RunLine(stream: .stderr, text: "warn")])
        XCTAssertTrue(screen.finished)
        XCTAssertEqual(screen.exitCode, 5)
        XCTAssertTrue(screen.output.partial.values.allSatisfy(\.isEmpty))
        var failed = pane()
        failed.finish(exitCode: nil, error: "No such container: c1")
        XCTAssertTrue(failed.finished)
        XCTAssertEqual(failed.lines, [])
    }

    func testTheLineCapDropsTheOldestAndCountsThem() {
        var screen = pane()
        let text = (0..<(RunScreen.maxLines + 5)).map { "line \($0)\n" }.joined()
        screen.append(.stdout, bytes(text))
        XCTAssertEqual(screen.lines.count, RunScreen.maxLines)
        XCTAssertEqual(screen.dropped, 5)
        XCTAssertEqual(screen.lines.first?.text, "line 5")
        XCTAssertEqual(screen.lines.last?.text, "line \(RunScreen.maxLines + 4)")
        screen.append(.stderr, bytes("one more\n"))
        screen.finish(exitCode: 0, error: nil)
        XCTAssertEqual(screen.dropped, 6)
        XCTAssertEqual(screen.lines.count, RunScreen.maxLines)
        var state = UIState(width: 80, height: 12)
        state.screens = [.run(screen)]
        XCTAssertTrue(draw(state)[10].contains("✓ exit code 0 · 10000 lines (oldest dropped)"), draw(state)[10])
    }

    func testAVeryLongLineIsCut() {
        var screen = pane()
        screen.append(.stdout, Array(repeating: UInt8(ascii: "a"), count: 20_000) + [10])
        XCTAssertEqual(screen.lines.map(\.text.count), [16_384, 20_000 - 16_384])
    }

    // MARK: - Drawn

    /// The command's colours are kept (SGR, as in the log view); other escapes never reach the terminal.
    func testTheRunPaneKeepsTheCommandsColours() {
        var screen = pane()
        screen.append(.stdout, bytes("\u{1B}[31mred\u{1B}[0m plain \u{1B}]0;title\u{07}end\n"))
        screen.append(.stderr, bytes("\u{1B}[32mgreen err\u{1B}[0m rest\n"))
        screen.finish(exitCode: 0, error: nil)
        var state = UIState(width: 80, height: 12)
        state.screens = [.run(screen)]
        let buffer = Renderer.render(StoreSnapshot(), state, now: now).buffer
        let lines = buffer.plainLines()
        XCTAssertEqual(lines[1], " red plain end")
        XCTAssertEqual(lines[2], "┃green err rest")
        XCTAssertEqual(buffer[1, 1].style.foreground, 1, "red kept")
        XCTAssertNil(buffer[5, 1].style.foreground, "reset after red")
        XCTAssertEqual(buffer[1, 2].style.foreground, 2, "green kept on stderr")
        XCTAssertEqual(buffer[11, 2].style.role, .error, "stderr without a colour of its own stays red")
    }

    func testTheRunPaneMarksStderrAndShowsTheExitCode() {
        var screen = pane()
        var state = UIState(width: 80, height: 12)
        state.screens = [.run(screen)]
        var lines = draw(state)
        XCTAssertTrue(lines[0].contains("swtop · run in web · $ sh -c 'exit 5'"), lines[0])
        XCTAssertEqual(lines[1], " running…")
        XCTAssertEqual(lines[10], "running… (0 lines so far)")
        screen.append(.stdout, bytes("hello\n"))
        screen.append(.stderr, bytes("boom\n"))
        screen.append(.stdout, bytes("bye"))
        screen.finish(exitCode: 5, error: nil)
        state.screens = [.run(screen)]
        lines = draw(state)
        XCTAssertEqual(Array(lines[1...3]), [" hello", "┃boom", " bye"])
        XCTAssertEqual(lines[10], "✗ exit code 5 · 3 lines")
        XCTAssertTrue(lines[11].hasSuffix("┃ stderr"), lines[11])
        XCTAssertTrue(lines[11].contains("back"), lines[11])
        var ok = pane()
        ok.finish(exitCode: 0, error: nil)
        state.screens = [.run(ok)]
        XCTAssertEqual(draw(state)[1], " (no output)")
        XCTAssertEqual(draw(state)[10], "✓ exit code 0 · 0 lines")
        var failed = pane()
        failed.finish(exitCode: nil, error: "Container c1 is not running")
        state.screens = [.run(failed)]
        XCTAssertEqual(draw(state)[10], "✗ Container c1 is not running")
    }

    func testTheRunPaneFollowsAndScrolls() throws {
        var screen = pane()
        screen.append(.stdout, bytes((1...30).map { "l\($0)\n" }.joined()))
        var state = UIState(width: 80, height: 12)
        state.screens = [.run(screen)]
        XCTAssertEqual(draw(state)[9], " l30", "the newest line in view")
        var effects: [Effect] = []
        state = press([.char("g")], state, StoreSnapshot(), effects: &effects)
        XCTAssertEqual(draw(state)[1], " l1")
        XCTAssertEqual(runScreen(state)?.follow, false)
        state = press([.char("j")], state, StoreSnapshot(), effects: &effects)
        XCTAssertEqual(draw(state)[1], " l2")
        state = press([.char("G")], state, StoreSnapshot(), effects: &effects)
        XCTAssertEqual(runScreen(state)?.follow, true)
        XCTAssertEqual(draw(state)[9], " l30")
        XCTAssertEqual(effects, [])
    }

    static let psList = ProcessList(Titles: ["PID", "USER", "%CPU", "%MEM", "RSS", "ELAPSED", "COMMAND"], Processes: [
        ["4242", "root", "0.0", "0.1", "2048", "01:02", "sh -c sleep 3600 & wait"],
        ["4301", "nobody", "12.5", "3.0", "1572864", "00:05", "sleep 3600"],
    ])

    func testTheProcessesViewShowsTheTitlesAndHumanRSS() {
        let target = Target(id: "c1", name: "web")
        var screen = ProcessScreen(target: target)
        var state = UIState(width: 100, height: 12)
        state.screens = [.processes(screen)]
        var lines = draw(state)
        XCTAssertEqual(lines[0], " swtop · processes of web · every 2 s")
        XCTAssertEqual(lines[1], " asking the engine…")
        screen.list = Self.psList
        state.screens = [.processes(screen)]
        lines = draw(state)
        XCTAssertEqual(lines[0], " swtop · processes of web · 2 processes · every 2 s")
        let header = lines[1].split(separator: " ").map(String.init)
        XCTAssertEqual(header, ["PID", "USER", "%CPU", "%MEM", "RSS", "ELAPSED", "COMMAND"])
        XCTAssertTrue(lines[2].contains("4242") && lines[2].contains("root") && lines[2].contains("2.1 MB")
                          && lines[2].hasSuffix("sh -c sleep 3600 & wait"), lines[2])
        XCTAssertTrue(lines[3].contains("4301") && lines[3].contains("1.6 GB") && lines[3].hasSuffix("sleep 3600"), lines[3])
        XCTAssertFalse(lines[2].contains("2048"), "RSS in KiB is shown in human units: \(lines[2])")
        XCTAssertEqual(lines[10], "PIDs as the host numbers them, as docker top shows them")
        // A failed refresh keeps the last list and says so.
        screen.error = "Container c1 is not running"
        state.screens = [.processes(screen)]
        lines = draw(state)
        XCTAssertEqual(lines[10], "✗ Container c1 is not running (showing the last list)")
        XCTAssertTrue(lines[2].contains("4242"))
        var failed = ProcessScreen(target: target)
        failed.error = "no such container"
        state.screens = [.processes(failed)]
        XCTAssertEqual(draw(state)[1], " ✗ no such container")
    }

    func testTheProcessesCursorStaysOnTheList() {
        var screen = ProcessScreen(target: Target(id: "c1", name: "web"))
        screen.list = Self.psList
        var state = UIState(width: 100, height: 12)
        state.screens = [.processes(screen)]
        var effects: [Effect] = []
        state = press([.char("j"), .char("j"), .char("j")], state, StoreSnapshot(), effects: &effects)
        guard let moved = state.top(ProcessScreen.self) else { return XCTFail("no processes screen") }
        XCTAssertEqual(moved.cursor, 1)
        state = press([.char("g")], state, StoreSnapshot(), effects: &effects)
        guard let top = state.top(ProcessScreen.self) else { return XCTFail("no processes screen") }
        XCTAssertEqual(top.cursor, 0)
        XCTAssertEqual(effects, [])
    }

    // MARK: - Hostile output

    static let hostile = "before\u{1b}[2Jafter\n" + "\u{1b}]52;c;aGVsbG8=\u{07}clip\n" + "\u{9b}31mred\u{85}next\u{1b}[0m\n"
        + "bell\u{07}\u{08}\u{7f}tab\there\n"

    func assertNoControls(_ lines: [String], file: StaticString = #filePath, line: UInt = #line) {
        for text in lines {
            for scalar in text.unicodeScalars {
                let v = scalar.value
                XCTAssertFalse(v < 0x20 || (0x7f...0x9f).contains(v), "control U+\(String(v, radix: 16)) in \(text.debugDescription)",
                               file: file, line: line)
            }
        }
    }

    func testHostileBytesInTheOutputNeverReachTheScreenAsControls() {
        var screen = RunScreen(request: RunRequest(target: Target(id: "c1", name: "web"), commandLine: "printf '\u{1b}[2J'"))
        screen.append(.stdout, bytes(Self.hostile))
        screen.append(.stderr, bytes(Self.hostile))
        screen.append(.stdout, [0x9b, 0x32, 0x4a, 0x0a, 0xc2, 0x9b, 0x0a])  // a raw C1 byte (not UTF-8), and C1 CSI in UTF-8
        screen.finish(exitCode: nil, error: "broken \u{1b}[31m\u{9b}message")
        var state = UIState(width: 80, height: 20)
        state.screens = [.run(screen)]
        let lines = draw(state)
        assertNoControls(lines)
        XCTAssertFalse(lines.joined().contains("52;c;"), "the OSC 52 payload is not shown as text")
        XCTAssertEqual(lines[1], " beforeafter")
        XCTAssertEqual(lines[2], " clip")
        XCTAssertTrue(lines[3].hasPrefix(" ") && lines[3].contains("red") && lines[3].contains("next"), lines[3])
        XCTAssertTrue(lines[5].hasPrefix("┃beforeafter"), lines[5])

        var processes = ProcessScreen(target: Target(id: "c1", name: "web"))
        processes.list = ProcessList(Titles: ["PID", "USER\u{1b}[2J", "COMMAND"],
                                     Processes: [["1", "root", "sh -c \u{1b}]52;c;aGVsbG8=\u{07}\u{9b}2J\u{1b}[2Jx"]])
        state.screens = [.processes(processes)]
        let table = draw(state)
        assertNoControls(table)
        XCTAssertFalse(table.joined().contains("52;c;"))
        XCTAssertTrue(table[2].hasSuffix("sh -c x"), table[2])
    }

    // MARK: - ShellWords

    func testShellWords() {
        XCTAssertEqual(ShellWords.split(#"sh -c "id; exit 4""#), ["sh", "-c", "id; exit 4"])
        XCTAssertEqual(ShellWords.split("  ls   -l\t/tmp  "), ["ls", "-l", "/tmp"])
        XCTAssertEqual(ShellWords.split(#"'a b' "c d""#), ["a b", "c d"])
        XCTAssertEqual(ShellWords.split(#"a\ b c"#), ["a b", "c"])
        XCTAssertEqual(ShellWords.split(#"echo '' """#), ["echo", "", ""], "empty quotes are empty words")
        XCTAssertEqual(ShellWords.split(""), [])
        XCTAssertEqual(ShellWords.split("   "), [])
        XCTAssertEqual(ShellWords.split(#"a'b c'd"#), ["ab cd"], "quotes join with what touches them")
        XCTAssertEqual(ShellWords.split(#"'it'\''s'"#), ["it's"])
        XCTAssertEqual(ShellWords.split(#""say \"hi\"""#), [#"say "hi""#])
        XCTAssertEqual(ShellWords.split(#"'no \escape'"#), [#"no \escape"#], "single quotes keep backslashes")
        XCTAssertEqual(ShellWords.split(#"echo "it's""#), ["echo", "it's"])
        XCTAssertEqual(ShellWords.split(#"sh -c 'echo "$HOME"'"#), ["sh", "-c", #"echo "$HOME""#])
        XCTAssertEqual(ShellWords.split("'unterminated word"), ["unterminated word"], "lenient: an open quote runs to the end")
        XCTAssertEqual(ShellWords.split("😀 é"), ["😀", "é"])
    }
}
