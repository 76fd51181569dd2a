import DockerEngine
import Foundation
import SwtopStore
import SwtopUI
import TermCanvas
import XCTest

/// The log view: opening and leaving it, following and pausing, search, filter, save, and what it draws.
final class LogScreenTests: XCTestCase {
    let sources = [LogSession.Source(id: String(repeating: "a", count: 64), name: "web")]
    let t0: Int64 = 1_795_983_303_000_000_000

    func entry(_ i: Int, _ text: String? = nil, kind: LogEntry.Kind = .stdout, source: UInt16 = 0, offset: Int64 = 0) -> LogEntry {
        LogEntry(kind: kind, source: source, time: LogTime(nanoseconds: t0 + Int64(i) * 1_000_000_000 + offset),
                 text: text ?? "line \(i)")
    }

    func model(_ count: Int, sources: [LogSession.Source]? = nil) -> LogModel {
        let model = LogModel(sources: sources ?? self.sources, maxLines: 100_000, maxBytes: 64 << 20)
        model.ingest(LogSession.News(entries: (1...count).map { entry($0) }, states: [.following]))
        return model
    }

    func logState(_ model: LogModel, width: Int = 80, height: Int = 24) -> UIState {
        var state = UIState(width: width, height: height)
        state.screens = [.logs(LogScreen(sources: model.sources, tail: 1000, session: .test))]
        return state
    }

    func screen(_ state: UIState) -> LogScreen {
        guard let screen = state.top(LogScreen.self) else { XCTFail("no log screen"); fatalError() }
        return screen
    }

    /// Reduces keys the way the screen loop does: indexes synced before each key.
    func press(_ keys: [Key], _ state: UIState, _ model: LogModel, effects: inout [Effect]) -> UIState {
        var state = state
        for key in keys {
            if let s = state.top(LogScreen.self) { model.sync(s) }
            let (next, more) = Reducer.reduce(state, key, StoreSnapshot(), models: .holding(model))
            state = next
            effects += more
        }
        return state
    }

    func draw(_ state: UIState, _ model: LogModel) -> [String] {
        if let s = state.top(LogScreen.self) { model.sync(s) }
        return Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0), models: .holding(model)).buffer.plainLines()
    }

    func testLOpensTheSelectedContainersLogAndEscReturnsToTheDashboardAsItWas() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30)
        let running = try XCTUnwrap(snapshot.containers.first { $0.name == "swtop-running" })
        state.selection[.containers] = .container(running.id)
        state.filter[.containers] = "swtop"
        state.showDetails = true
        state.scroll[.containers] = 2
        let (opened, effects) = Reducer.reduce(state, .char("l"), snapshot)
        XCTAssertEqual(opened.screens.count, 1)
        XCTAssertEqual(effects, [.openSession(SessionID(1), .logs([LogSession.Source(id: running.id, name: "swtop-running")],
                                                                  LogSession.Options(tail: 1000)))])
        XCTAssertEqual(opened.heldSessions, [SessionID(1)])
        let (back, closing) = Reducer.reduce(opened, .escape, snapshot, models: .holding(model(3)))
        XCTAssertEqual(closing, [])
        XCTAssertEqual(back.heldSessions, [], "the lines are let go: the registry closes the session")
        XCTAssertTrue(back.screens.isEmpty)
        XCTAssertEqual(back.selection, state.selection)
        XCTAssertEqual(back.filter, state.filter)
        XCTAssertEqual(back.scroll, state.scroll)
        XCTAssertEqual(back.showDetails, state.showDetails)
        XCTAssertEqual(back.view, state.view)
    }

    func testMarkedRowsOpenOneMergedView() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30)
        let two = snapshot.containers.filter { $0.state == .running }.prefix(2)
        state.marked = Set(two.map(\.id))
        let (opened, effects) = Reducer.reduce(state, .char("l"), snapshot)
        guard case let .openSession(_, .logs(sources, _))? = effects.first else { return XCTFail("no log session: \(effects)") }
        XCTAssertEqual(Set(sources.map(\.id)), Set(two.map(\.id)))
        XCTAssertEqual(screen(opened).sources.count, 2)
    }

    /// A merged view is saved under the name its containers share (a compose project's), else their names.
    func testMergedLogSaveName() {
        XCTAssertEqual(LogScreen.mergedSaveName(["demo-web-1", "demo-db-1"]), "demo")
        XCTAssertEqual(LogScreen.mergedSaveName(["shop_api_1", "shop_worker_2", "shop_db_1"]), "shop")
        XCTAssertEqual(LogScreen.mergedSaveName(["web", "db"]), "web+db")
        XCTAssertEqual(LogScreen.mergedSaveName(["a", "b", "c", "d", "e"]), "a+b+c+2-more")
    }

    func testReadOnlyKeepsLogs() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30, readOnly: true)
        state.selection[.containers] = snapshot.containers.first.map { .container($0.id) }
        let (opened, effects) = Reducer.reduce(state, .char("l"), snapshot)
        XCTAssertEqual(opened.screens.count, 1)
        XCTAssertEqual(effects.count, 1)
    }

    func testFollowShowsTheNewestLinesAtTheBottom() {
        let model = model(100)
        let lines = draw(logState(model), model)
        XCTAssertEqual(lines[21], " line 100")
        XCTAssertEqual(lines[1], " line 80")
        XCTAssertTrue(lines[22].hasPrefix("● following"), lines[22])
    }

    func testScrollingUpPausesAndCountsWhatArrivesMeanwhile() {
        let model = model(100)
        var effects: [Effect] = []
        var state = press([.char("k")], logState(model), model, effects: &effects)
        XCTAssertFalse(screen(state).follow)
        XCTAssertEqual(screen(state).top, 79 - 1, "one line above the first line that was on screen (line 80 → line 79)")
        model.ingest(LogSession.News(entries: (101...105).map { entry($0) }, states: [.following]))
        var lines = draw(state, model)
        XCTAssertEqual(lines[1], " line 79")
        XCTAssertTrue(lines[22].hasPrefix("‖ paused — 5 new lines since (G follows)"), lines[22])
        state = press([.char("G")], state, model, effects: &effects)
        lines = draw(state, model)
        XCTAssertEqual(lines[21], " line 105")
        XCTAssertTrue(effects.isEmpty)
    }

    /// Wrapped lines take several rows: the pause starts from the line that was on top in this frame's size,
    /// computed by the reducer (the renderer writes nothing back).
    func testScrollingUpOverWrappedLinesStartsFromTheLineThatWasOnTop() {
        let model = LogModel(sources: sources, maxLines: 1000, maxBytes: 1 << 20)
        model.ingest(LogSession.News(entries: (1...50).map { entry($0, "line \($0) " + String(repeating: "x", count: 50)) },
                                     states: [.following]))
        var effects: [Effect] = []
        let state = press([.char("w")], logState(model, width: 40, height: 24), model, effects: &effects)
        XCTAssertTrue(screen(state).wrap)
        let before = draw(state, model)
        // The top row may be the wrapped tail of a line: that line is the one before the first whole one.
        guard let whole = (1...3).first(where: { before[$0].hasPrefix(" line ") }),
              let number = before[whole].split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            return XCTFail("no whole line near the top: \(before.prefix(4))")
        }
        let topLine = whole == 1 ? number : number - 1
        let paused = press([.char("k")], state, model, effects: &effects)
        let after = draw(paused, model)
        XCTAssertTrue(after[1].hasPrefix(" line \(topLine - 1) "), "\(before[1]) → \(after[1])")
    }

    func testAViewBehindAFloodSaysSo() {
        let model = model(10)
        model.ingest(LogSession.News(entries: [entry(11)], states: [.following], behind: true))
        let state = logState(model)
        model.sync(screen(state))
        let now = Date(timeIntervalSince1970: Double(t0 / 1_000_000_000) + 11 + 42)
        let lines = Renderer.render(StoreSnapshot(), state, now: now, models: .holding(model)).buffer.plainLines()
        XCTAssertTrue(lines[22].hasPrefix("● following, behind a flood: newest line shown is 42 s old"), lines[22])
        model.ingest(LogSession.News(entries: [entry(12)], states: [.following], behind: false))
        XCTAssertTrue(Renderer.render(StoreSnapshot(), state, now: now, models: .holding(model)).buffer.plainLines()[22].hasPrefix("● following "))
    }

    func testSearchHighlightsAndNMovesThroughTheMatches() {
        let model = model(100)
        var effects: [Effect] = []
        var state = press([.char("/"), .char("l"), .char("i"), .char("n"), .char("e"), .char(" "), .char("9"), .enter],
                          logState(model), model, effects: &effects)
        XCTAssertEqual(screen(state).query, "line 9")
        XCTAssertTrue(screen(state).follow, "searching does not stop the follow")
        var lines = draw(state, model)
        XCTAssertTrue(lines[22].contains("“line 9” 11 matches"), lines[22])
        // N from the bottom: the newest match (line 99), then line 98.
        state = press([.char("N")], state, model, effects: &effects)
        XCTAssertEqual(screen(state).currentMatch.map { model.buffer[$0].text }, "line 99")
        state = press([.char("N")], state, model, effects: &effects)
        XCTAssertEqual(screen(state).currentMatch.map { model.buffer[$0].text }, "line 98")
        state = press([.char("n")], state, model, effects: &effects)
        XCTAssertEqual(screen(state).currentMatch.map { model.buffer[$0].text }, "line 99")
        lines = draw(state, model)
        XCTAssertTrue(lines[22].contains("“line 9” 11/11 matches"), lines[22])
        // The match itself is drawn highlighted.
        let frame = Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0), models: .holding(model)).buffer
        let row = lines.firstIndex(of: " line 99")!
        XCTAssertEqual(frame[1, row].style.role, .selected)
        XCTAssertEqual(frame[1, row].character, "l")
    }

    func testRegexSearchAndFilterModeShowOnlyMatchingLines() {
        let model = model(100)
        var effects: [Effect] = []
        var state = press([.char("R"), .char("/")] + "line [0-9]?7$".map { Key.char($0) } + [.enter, .char("F")],
                          logState(model), model, effects: &effects)
        XCTAssertTrue(screen(state).filterMode)
        let shown = draw(state, model)[1...21].filter { !$0.isEmpty }
        XCTAssertEqual(shown, [" line 7", " line 17", " line 27", " line 37", " line 47", " line 57", " line 67",
                               " line 77", " line 87", " line 97"])
        state = press([.escape], state, model, effects: &effects)
        XCTAssertFalse(screen(state).filterMode)
        XCTAssertEqual(screen(state).query, "line [0-9]?7$")
        state = press([.escape], state, model, effects: &effects)
        XCTAssertEqual(screen(state).query, "")
        XCTAssertEqual(state.screens.count, 1, "Esc clears the filter, then the search, and only then leaves")
    }

    func testStreamTogglesHideStdoutOrStderr() {
        let model = LogModel(sources: sources, maxLines: 100, maxBytes: 1 << 20)
        model.ingest(LogSession.News(entries: [entry(1, "out one"), entry(2, "err one", kind: .stderr), entry(3, "out two")],
                                     states: [.following]))
        var effects: [Effect] = []
        var state = press([.char("E")], logState(model), model, effects: &effects)
        XCTAssertEqual(draw(state, model)[1...21].filter { !$0.isEmpty }, [" out one", " out two"])
        state = press([.char("E"), .char("O")], state, model, effects: &effects)
        XCTAssertEqual(draw(state, model)[1...21].filter { !$0.isEmpty }, ["┃err one"])
    }

    func testSaveAsksForAFileNameThenAsksTheAppToWrite() {
        let model = model(10)
        var effects: [Effect] = []
        var state = press([.char("s")], logState(model), model, effects: &effects)
        XCTAssertEqual(screen(state).prompt, .save("web.log", isDefault: true))
        XCTAssertTrue(draw(state, model)[22].hasPrefix("save to: web.log▏"))
        state = press([.enter], state, model, effects: &effects)
        XCTAssertEqual(effects, [.saveLogs(.test, path: "web.log", pickFreeName: true, timestamps: false)])
        effects = []
        state = press([.char("t"), .char("s"), .ctrl("u")] + "/tmp/x.log".map { Key.char($0) } + [.enter], state, model, effects: &effects)
        XCTAssertEqual(effects, [.saveLogs(.test, path: "/tmp/x.log", pickFreeName: false, timestamps: true)])
    }

    func testSinceChoiceReopensTheSession() {
        let model = model(10)
        var effects: [Effect] = []
        let state = press([.char("S"), .char("S")], logState(model), model, effects: &effects)
        XCTAssertEqual(screen(state).since, .hour)
        XCTAssertEqual(effects.count, 2)
        guard case let .openSession(id, .logs(_, options))? = effects.last else { return XCTFail("\(effects)") }
        XCTAssertNil(options.tail)
        XCTAssertEqual(options.sinceSecondsAgo, 3600)
        XCTAssertEqual(state.heldSessions, [id], "the view holds the new session only; the old one is closed")
    }

    func testHostileBytesNeverReachTheCells() {
        let model = LogModel(sources: sources, maxLines: 100, maxBytes: 1 << 20)
        let hostile = [
            "a\u{1B}]0;pwned\u{07}b", "c\u{1B}]52;c;aGk=\u{1B}\\d", "e\u{1B}[2Jf\u{1B}[10;10Hg", "h\u{9B}31mi\u{9D}title\u{9C}j",
            "k\rl\u{08}m\u{07}n\u{0}o", "p\u{1B}P1$qm\u{1B}\\q", "r\u{1B}_apc\u{1B}\\s\u{1B}^pm\u{1B}\\t", "\u{FFFD}u\u{202E}v",
        ]
        model.ingest(LogSession.News(entries: hostile.enumerated().map { entry($0.offset, $0.element) }, states: [.following]))
        let state = logState(model)
        model.sync(screen(state))
        let buffer = Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0), models: .holding(model)).buffer
        for cell in buffer.cells {
            for scalar in cell.character.unicodeScalars {
                XCTAssertFalse(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value),
                               "control U+\(String(scalar.value, radix: 16)) in a cell")
            }
        }
        let lines = buffer.plainLines()
        XCTAssertEqual(Array(lines[1...8]), [" ab", " cd", " efg", " hij", " klmno", " pq", " rst", " \u{FFFD}uv"])
    }

    func testSnapshotsOfTheLogView() {
        let merged = [LogSession.Source(id: "a", name: "web"), LogSession.Source(id: "b", name: "db")]
        let model = LogModel(sources: merged, maxLines: 100, maxBytes: 1 << 20)
        var entries: [LogEntry] = []
        for i in 1...30 {
            entries.append(entry(i, "\u{1B}[1;32mGET\u{1B}[0m /index.html \(i) 200", source: 0))
            if i % 3 == 0 { entries.append(entry(i, "slow query \(i) ms", kind: .stderr, source: 1, offset: 500)) }
        }
        entries.append(LogEntry(kind: .notice, source: 1, text: "■ db stopped (exit code 0) — its lines are kept; following resumes when it starts"))
        model.ingest(LogSession.News(entries: entries, states: [.following, .stopped(exitCode: 0)]))
        for (width, height) in [(80, 24), (200, 50)] {
            var state = logState(model, width: width, height: height)
            var s = screen(state)
            s.timestamps = true
            s.query = "query 2"
            state.screens = [.logs(s)]
            model.sync(s)
            let frame = Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0), models: .holding(model))
            Snapshots.assert(frame.buffer, "logs-merged-\(width)x\(height)")
        }
    }

    func testAHugeLineIsCutForTheScreenAndSaysHowMuchIsLeft() {
        let model = LogModel(sources: sources, maxLines: 100, maxBytes: 8 << 20)
        model.ingest(LogSession.News(entries: [entry(1, String(repeating: "z", count: 1 << 20))], states: [.following]))
        var state = logState(model)
        var s = screen(state)
        s.wrap = true
        state.screens = [.logs(s)]
        let lines = draw(state, model)
        let tail = (lines[19] + lines[20] + lines[21]).replacingOccurrences(of: " ", with: "")
        XCTAssertTrue(tail.hasSuffix("…+983040bytes(ssavesthewholeline)"), tail)
        XCTAssertTrue(lines[1].allSatisfy { $0 == "z" || $0 == " " })
    }

    /// The search and save prompts edit through the one line editor (cursor keys, Ctrl-W/K/A) and draw the
    /// cursor where it stands; ↑ brings back an earlier search.
    func testSearchAndSavePromptsEditAtTheCursorAndRememberSearches() {
        let model = model(20)
        var effects: [Effect] = []
        let editing: [Key] = [.char("a"), .char("b"), .char(" "), .char("c"), .char("d"), .ctrl("w"), .left, .left, .char("x"),
                              .ctrl("k"), .ctrl("a"), .char("z")]
        var state = press([.char("/")] + editing, logState(model), model, effects: &effects)
        XCTAssertEqual(screen(state).query, "zax")
        XCTAssertTrue(draw(state, model)[22].hasPrefix("/z▏ax"), draw(state, model)[22])
        state = press([.enter, .char("/"), .char("q"), .up], state, model, effects: &effects)
        XCTAssertEqual(screen(state).query, "zax", "↑ gives the last search back")
        state = press([.down, .enter], state, model, effects: &effects)
        XCTAssertEqual(screen(state).query, "", "↓ past the newest is an empty line")
        state = press([.char("s"), .ctrl("u")] + editing, state, model, effects: &effects)
        XCTAssertTrue(draw(state, model)[22].hasPrefix("save to: z▏ax"), draw(state, model)[22])
        _ = press([.enter], state, model, effects: &effects)
        XCTAssertEqual(effects, [.saveLogs(.test, path: "zax", pickFreeName: false, timestamps: screen(state).timestamps)])
    }
}
