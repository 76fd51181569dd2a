import Foundation
import SwtopStore
import SwtopUI
import TermCanvas
import XCTest

/// A screen defined here, outside SwtopUI, with nothing central told of it: the reducer and the renderer
/// reach it through the stack, and the overlays (help, a question) stand over it as over any screen.
private struct CounterScreen: StackScreen {
    var count = 0

    var screenName: ScreenName { .processes }

    func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        var state = state
        var screen = self
        switch key {
        case .char("+"):
            screen.count += 1
        case .char("d"):
            state.confirm = Confirmation(question: "Reset the counter at \(count)?", effects: [.redraw])
        case .escape:
            state.screens.removeLast()
            return (state, [])
        default:
            break
        }
        state.replaceTop(screen)
        return (state, [])
    }

    func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        frame.buffer.put("counted \(count) of \(context.snapshot.containers.count) containers", x: 0, y: 0, style: .normal,
                         maxWidth: frame.buffer.width)
    }
}

final class ScreenStackTests: XCTestCase {
    func render(_ state: UIState) -> [String] {
        Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0)).buffer.plainLines()
    }

    func press(_ keys: [Key], _ state: UIState) -> (UIState, [Effect]) {
        var state = state
        var effects: [Effect] = []
        for key in keys {
            let (next, more) = Reducer.reduce(state, key, StoreSnapshot())
            state = next
            effects += more
        }
        return (state, effects)
    }

    func testANewScreenTakesKeysAndDrawsThroughTheStackAlone() {
        var state = UIState(width: 60, height: 12)
        state.screens.append(Screen(CounterScreen()))
        XCTAssertEqual(state.screenName, .processes, "its keymap is the one it names")
        var (next, effects) = press([.char("+"), .char("+")], state)
        XCTAssertEqual(effects, [])
        XCTAssertEqual(next.top(CounterScreen.self)?.count, 2)
        XCTAssertTrue(render(next)[0].hasPrefix("counted 2 of 0 containers"), render(next)[0])
        // The help overlay over it lists its keymap's keys; Esc closes the help, not the screen.
        (next, _) = press([.char("?")], next)
        XCTAssertTrue(render(next).joined().contains("Keys (Esc or ? closes)"), render(next).joined(separator: "\n"))
        (next, _) = press([.escape], next)
        XCTAssertFalse(next.showHelp)
        XCTAssertEqual(next.top(CounterScreen.self)?.count, 2)
        (next, _) = press([.escape], next)
        XCTAssertTrue(next.screens.isEmpty)
    }

    func testTheOneConfirmationStandsOverAnyScreenAndTakesItsKeys() {
        var state = UIState(width: 60, height: 12)
        state.screens.append(Screen(CounterScreen(count: 5)))
        var (asking, effects) = press([.char("d")], state)
        XCTAssertEqual(effects, [])
        XCTAssertTrue(render(asking).joined().contains("Reset the counter at 5?"), render(asking).joined(separator: "\n"))
        // While it asks, the screen under it gets no key.
        (asking, effects) = press([.char("+")], asking)
        XCTAssertEqual(asking.top(CounterScreen.self)?.count, 5)
        XCTAssertNotNil(asking.confirm)
        let (no, noEffects) = press([.char("n")], asking)
        XCTAssertNil(no.confirm)
        XCTAssertEqual(noEffects, [])
        XCTAssertEqual(no.notice?.text, "cancelled: nothing sent")
        let (yes, yesEffects) = press([.char("y")], asking)
        XCTAssertNil(yes.confirm)
        XCTAssertEqual(yesEffects, [.redraw])
    }

    func testScreensCompareByTypeAndValue() {
        XCTAssertEqual(Screen(CounterScreen(count: 1)), Screen(CounterScreen(count: 1)))
        XCTAssertNotEqual(Screen(CounterScreen(count: 1)), Screen(CounterScreen(count: 2)))
        XCTAssertNotEqual(Screen(CounterScreen()), .contexts(ContextScreen()))
    }
}
