import DockerEngine
import Foundation
import SwtopStore
import SwtopUI
import TermCanvas
import XCTest

/// The `C` picker without an engine: what the reducer asks the app to do, marking and choosing, and the
/// screen as drawn (snapshot files).
final class ContextScreenTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let snapshot = StoreSnapshot()

    static let entries = [
        ContextEntry(name: "default", description: "Current DOCKER_HOST based configuration", endpoint: "unix:///var/run/docker.sock",
                     isCurrent: true, isWatched: true),
        ContextEntry(name: "build-farm", description: "the CI engines", endpoint: "ssh://ci@build.example"),
        ContextEntry(name: "prod", description: "production, careful", endpoint: "tcp://10.1.2.3:2376", tls: true),
        // A description with a terminal escape and a wide name: shown made safe, aligned by width.
        ContextEntry(name: "실험", description: "evil \u{1B}]0;pwned\u{07}title", endpoint: "tcp://127.0.0.1:12376", tls: true),
    ]

    func press(_ keys: [Key], _ state: UIState, effects: inout [Effect]) -> UIState {
        var state = state
        for key in keys {
            let (next, more) = Reducer.reduce(state, key, snapshot)
            state = next
            effects += more
        }
        return state
    }

    func picker(_ state: UIState) -> ContextScreen? {
        if let screen = state.top(ContextScreen.self) { return screen }
        return nil
    }

    /// The state after C and the app's answer.
    func opened(width: Int = 100, height: Int = 14) -> UIState {
        var effects: [Effect] = []
        var state = press([.char("C")], UIState(width: width, height: height), effects: &effects)
        XCTAssertEqual(effects, [.openSession(SessionID(1), .contexts(watched: [snapshot.endpoint]))])
        var screen = picker(state)!
        screen.load(Self.entries, error: nil)
        state.screens[state.screens.count - 1] = .contexts(screen)
        return state
    }

    func testCIsFreeOnTheDashboardAndOpensThePickerEmptyUntilTheAppAnswers() {
        XCTAssertEqual(KeymapSet.defaults.binding(for: .char("C"), on: .containers)?.command, .contexts)
        XCTAssertEqual(KeymapSet.defaults.bindings(.containers).filter { $0.keys.contains(.char("C")) }.count, 1, "C is bound once")
        var effects: [Effect] = []
        let state = press([.char("C")], UIState(width: 100, height: 14), effects: &effects)
        XCTAssertEqual(effects, [.openSession(SessionID(1), .contexts(watched: [snapshot.endpoint]))])
        var empty = ContextScreen()
        empty.session = SessionID(1)
        XCTAssertEqual(state.screens, [.contexts(empty)])
        XCTAssertEqual(state.heldSessions, [SessionID(1)])
        let lines = Renderer.render(snapshot, state, now: now).buffer.plainLines()
        XCTAssertEqual(lines[0], " swtop · docker contexts")
        XCTAssertEqual(lines[1], " reading the contexts…")
        // Enter before the list came chooses nothing.
        let (after, more) = Reducer.reduce(state, .enter, snapshot)
        XCTAssertEqual(more, [])
        XCTAssertEqual(after.notice?.text, "no context to choose yet")
    }

    func testTheCursorStartsOnTheWatchedContextAndEnterUsesTheOneUnderIt() {
        var state = opened()
        XCTAssertEqual(picker(state)?.cursor, 0)
        var effects: [Effect] = []
        state = press([.char("j"), .char("j")], state, effects: &effects)
        XCTAssertEqual(picker(state)?.cursor, 2)
        state = press([.enter], state, effects: &effects)
        XCTAssertEqual(effects, [.useContexts(["prod"])])
        XCTAssertEqual(state.screens, [], "Enter closes the picker")
    }

    func testSpaceMarksSeveralAndEnterUsesThemInListOrder() {
        var state = opened()
        var effects: [Effect] = []
        // Mark prod (row 2) then default (row 0): Space moves down after marking.
        state = press([.char("G"), .char("k"), .char(" "), .char("g"), .char(" ")], state, effects: &effects)
        XCTAssertEqual(picker(state)?.marked, ["prod", "default"])
        // Unmark and mark again.
        state = press([.char("k"), .char(" "), .char("k"), .char(" ")], state, effects: &effects)
        XCTAssertEqual(picker(state)?.marked, ["prod", "default"])
        state = press([.enter], state, effects: &effects)
        XCTAssertEqual(effects, [.useContexts(["default", "prod"])])
    }

    func testEscGoesBackWithoutChoosingAndHelpShowsThePickersKeys() {
        var state = opened()
        var effects: [Effect] = []
        state = press([.char("?")], state, effects: &effects)
        XCTAssertTrue(state.showHelp)
        let help = Renderer.render(snapshot, state, now: now).buffer.plainLines().joined(separator: "\n")
        XCTAssertTrue(help.contains("mark / unmark the context"), help)
        state = press([.escape], state, effects: &effects)
        XCTAssertFalse(state.showHelp)
        XCTAssertNotNil(picker(state), "Esc closed the help, not the picker")
        state = press([.escape], state, effects: &effects)
        XCTAssertEqual(state.screens, [])
        XCTAssertEqual(effects, [])
        XCTAssertEqual(Reducer.reduce(opened(), .ctrl("c"), snapshot).1, [.quit])
    }

    func testAnErrorReadingTheContextsIsShown() {
        var state = opened()
        var screen = picker(state)!
        screen.load([Self.entries[0]], error: "skipped 1: /x/meta.json: not a context's meta.json")
        state.screens = [.contexts(screen)]
        let lines = Renderer.render(snapshot, state, now: now).buffer.plainLines()
        XCTAssertTrue(lines[12].hasPrefix("✗ skipped 1: /x/meta.json"), lines[12])
    }

    func testSnapshots() {
        var state = opened(width: 100, height: 14)
        var effects: [Effect] = []
        state = press([.char("j"), .char(" ")], state, effects: &effects)
        let buffer = Renderer.render(snapshot, state, now: now).buffer
        XCTAssertFalse(buffer.plainLines().joined().contains("\u{1B}"), "no escape byte reaches a cell")
        Snapshots.assert(buffer, "contexts-100x14")
        Snapshots.assert(Renderer.render(snapshot, opened(width: 80, height: 24), now: now).buffer, "contexts-80x24")
        Snapshots.assert(Renderer.render(snapshot, opened(width: 40, height: 8), now: now).buffer, "contexts-40x8")
    }

    /// A click on a context's row puts the cursor there (the third row of the list is under y = 4).
    func testAClickSelectsTheContextUnderIt() {
        var effects: [Effect] = []
        let state = opened()
        let clicked = press([.mouse(MouseEvent(x: 10, y: 4, action: .press(.left)))], state, effects: &effects)
        XCTAssertEqual(picker(clicked)?.cursor, 2)
        let line = Renderer.render(snapshot, clicked, now: Date(timeIntervalSince1970: 0)).buffer.plainLines()[4]
        XCTAssertTrue(line.contains("prod"), line)
        let back = press([.mouse(MouseEvent(x: 10, y: 2, action: .press(.left)))], clicked, effects: &effects)
        XCTAssertEqual(picker(back)?.cursor, 0)
        let below = press([.mouse(MouseEvent(x: 10, y: 11, action: .press(.left)))], clicked, effects: &effects)
        XCTAssertEqual(picker(below)?.cursor, 2, "below the last row: nothing")
        XCTAssertEqual(effects, [])
    }
}
