import DockerEngine
import Foundation
import SwtopStore
@testable import SwtopUI
import TermCanvas
import XCTest

/// The keys as a value every screen reads, and the mouse as the keys it stands for.
final class KeysAndMouseTests: XCTestCase {
    var snapshot = StoreSnapshot()

    override func setUpWithError() throws {
        snapshot = try RecordedSnapshot.make()
    }

    func testEveryActionNameIsUniqueOnItsScreenAndEveryKeyNameReadsBack() {
        for screen in ScreenName.allCases {
            let bindings = KeymapSet.defaults.bindings(screen)
            XCTAssertFalse(bindings.isEmpty, "\(screen)")
            let names = bindings.map(\.command.actionName)
            XCTAssertEqual(names.count, Set(names).count, "\(screen): \(names)")
            for key in bindings.flatMap(\.keys) {
                XCTAssertEqual(KeyName.parse(key.description), key, "\(key) as help prints it reads back")
            }
        }
        XCTAssertNil(KeymapSet.defaults.conflict(), "the defaults bind no key twice on a screen")
        for (name, key) in [("C-k", Key.ctrl("k")), ("^K", .ctrl("k")), ("ctrl+x", .ctrl("x")), ("PageDown", .pageDown),
                            ("escape", .escape), ("F12", .function(12)), ("space", .char(" ")), ("V", .char("V"))] {
            XCTAssertEqual(KeyName.parse(name), key, name)
        }
        for bad in ["", "Ctrl-1", "F0", "F64", "Hyper-x", "\t"] { XCTAssertNil(KeyName.parse(bad), bad) }
    }

    /// A rebinding reaches the reducer, the help and the hints; read-only refuses by the binding's flag.
    func testARebindingReachesTheReducerHelpAndHints() throws {
        var keys = KeymapSet.defaults
        try keys.rebind(.containers, action: "logs", keyNames: ["v"])
        try keys.rebind(.containers, action: "start-stop", keyNames: ["Ctrl-S"])
        var state = UIState(width: 120, height: 30)
        state.keys = keys
        state.selection[.containers] = .container(try XCTUnwrap(snapshot.containers.first { $0.name == "swtop-running" }).id)
        XCTAssertEqual(Reducer.reduce(state, .char("l"), snapshot).0.screens.count, 0, "l no longer opens logs")
        let (opened, effects) = Reducer.reduce(state, .char("v"), snapshot)
        XCTAssertEqual(opened.screens.first?.name, .logs)
        XCTAssertEqual(effects.count, 1)
        let hints = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines().last ?? ""
        XCTAssertTrue(hints.contains("v logs") && hints.contains("Ctrl-S start/stop"), hints)
        state.showHelp = true
        state.height = 60
        let help = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines().joined(separator: "\n")
        XCTAssertTrue(help.contains("│v ") && help.contains("logs of the container"), help)
        var readOnly = UIState(width: 120, height: 30, readOnly: true)
        readOnly.keys = keys
        let (refused, sent) = Reducer.reduce(readOnly, .ctrl("s"), snapshot)
        XCTAssertEqual(sent, [])
        XCTAssertEqual(refused.notice?.text, "read-only: Ctrl-S (start or stop) refused, nothing sent")
    }

    func click(_ x: Int, _ y: Int, _ state: UIState, double: Bool = false) -> (UIState, [Effect]) {
        Reducer.reduce(state, .mouse(MouseEvent(x: x, y: y, action: double ? .doubleClick(.left) : .press(.left))), snapshot)
    }

    func testAClickSelectsTheRowUnderItAndADoubleClickOpensIt() throws {
        let state = UIState(width: 120, height: 30)
        let lines = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines()
        // Title, column titles, then the rows: the third row is on line 4.
        let third = lines[4].split(separator: " ").first.map(String.init) ?? ""
        let (selected, _) = click(10, 4, state)
        let keys = try XCTUnwrap(selected.selection[.containers])
        let name = snapshot.containers.first { $0.id == keys.containerID }?.name
        XCTAssertEqual(name, third, lines[4])
        let (opened, effects) = click(10, 4, selected, double: true)
        XCTAssertTrue(opened.showDetails, "a double click does what Enter does")
        XCTAssertEqual(effects, [.inspect(keys.containerID!, engine: "")])
        XCTAssertEqual(click(10, 28, state).0.selection[.containers], nil, "below the rows: nothing")
    }

    /// The list's first row shown is kept by the reducer; the renderer draws from it and writes nothing
    /// back; a click lands on the row drawn where it was pressed.
    func testScrolledPastAPageTheKeptFirstRowIsTheDrawnOneAndAClickFindsItsRow() throws {
        var state = UIState(width: 120, height: 7)  // three rows of the list on screen
        let count = RowKeys.of(snapshot, state).count
        XCTAssertGreaterThan(count, 4)
        for _ in 0..<4 { state = Reducer.reduce(state, .char("j"), snapshot).0 }
        XCTAssertEqual(state.scroll[.containers], 2, "the fifth row selected, at the bottom of three")
        let frame = Renderer.render(snapshot, state, now: RecordedSnapshot.now)
        XCTAssertEqual(frame.scrollOffset, 2)
        let lines = frame.buffer.plainLines()
        let drawn = lines[2].split(separator: " ").first.map(String.init) ?? ""
        let (clicked, _) = click(10, 2, state)
        let id = try XCTUnwrap(clicked.selection[.containers]?.containerID)
        XCTAssertEqual(snapshot.containers.first { $0.id == id }?.name, drawn, lines.joined(separator: "\n"))
        // The snapshot changes under it (rows filtered away): the kept row is clamped as drawn, and a click still lands.
        state.filter[.containers] = "swtop"
        let top = Layout.listTop(state, snapshot)
        XCTAssertEqual(Renderer.render(snapshot, state, now: RecordedSnapshot.now).scrollOffset, top)
    }

    func testAClickOnATabShowsThatList() {
        let state = UIState(width: 120, height: 30)
        let title = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines()[0]
        let column = DisplayWidth.of(String(title[..<title.range(of: "3 Volumes")!.lowerBound]))
        XCTAssertEqual(click(column, 0, state).0.view, .volumes)
        XCTAssertEqual(click(column, 0, state).0.screens.count, 0)
    }

    func testTheWheelScrollsTheScreensOwnWayAndNothingWithTheMouseOff() {
        let model = LogModel(sources: [LogSession.Source(id: "c1", name: "web")], maxLines: 1000, maxBytes: 1 << 20)
        model.ingest(LogSession.News(entries: (1...200).map {
            LogEntry(kind: .stdout, source: 0, time: LogTime(nanoseconds: Int64($0) * 1_000_000_000), text: "line \($0)")
        }, states: [.following]))
        var state = UIState(width: 80, height: 24)
        state.screens = [.logs(LogScreen(sources: model.sources, tail: 1000, session: .test))]
        func drawn(_ state: UIState) -> [String] {
            if let s = state.top(LogScreen.self) { model.sync(s) }
            return Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0), models: .holding(model)).buffer.plainLines()
        }
        func wheel(_ action: MouseEvent.Action, _ state: UIState) -> UIState {
            if let s = state.top(LogScreen.self) { model.sync(s) }
            return Reducer.reduce(state, .mouse(MouseEvent(x: 5, y: 5, action: action)), StoreSnapshot(), models: .holding(model)).0
        }
        XCTAssertTrue(drawn(state).contains { $0.hasSuffix("line 200") || $0.contains("line 200 ") || $0.contains("line 200") })
        let up = wheel(.scrollUp, state)
        guard let paused = up.top(LogScreen.self) else { return XCTFail("no log view") }
        XCTAssertFalse(paused.follow, "the wheel up pauses the follow, as k does")
        XCTAssertFalse(drawn(up).contains { $0.contains("line 200") }, "three lines up")
        XCTAssertTrue(drawn(up).contains { $0.contains("line 197") })
        var off = state
        off.mouse = false
        guard let still = wheel(.scrollUp, off).top(LogScreen.self) else { return XCTFail("no log view") }
        XCTAssertTrue(still.follow, "mouse = false: the wheel does nothing")
        var list = UIState(width: 120, height: 30)
        list.mouse = false
        XCTAssertNil(click(10, 4, list).0.selection[.containers], "mouse = false: a click selects nothing")
    }
}
