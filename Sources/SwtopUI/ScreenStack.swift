import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// What a screen is handed with a key or for a frame: the store's snapshot, the sessions' models (by
/// the session ids the screens hold) and, for a frame, the clock read for it.
public struct ScreenContext {
    public var snapshot: StoreSnapshot
    public var models: SessionModels
    public var now: Date

    public init(_ snapshot: StoreSnapshot, models: SessionModels = SessionModels(), now: Date = Date(timeIntervalSince1970: 0)) {
        self.snapshot = snapshot
        self.models = models
        self.now = now
    }
}

/// A screen over the dashboard: one type with its keys (the keymap `screenName` names, a value a config file
/// changes), its reduce and its render. The reducer and the renderer ask the top of the stack; nothing
/// central names a screen, so a new one is its own folder (the type, its reduce and its view) plus its
/// `ScreenName` and default keys. The overlays (help, messages, a question, a prompt) stand above
/// every screen and are handled before the top screen sees a key.
public protocol StackScreen: Sendable, Equatable {
    /// Whose keys it takes (`[keys.NAME]`, `swtop keys`).
    var screenName: ScreenName { get }
    /// A key for this screen, on top of the stack. The state's top entry is this screen as it was; the
    /// screen writes itself back (or pops itself) in the state it returns.
    func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect])
    /// Draws the whole terminal into `frame.buffer`.
    func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext)
    /// A line is being typed: every key goes to the screen as typed (no shared key, no refusal).
    var isTyping: Bool { get }
    /// For the mouse: the list row a click on terminal row `y` lands on, and the row the cursor is on
    /// (as drawn in this frame's size); nil where a click selects nothing. A click moves the cursor with
    /// the screen's own down/up keys, a double click then presses Enter.
    func clickTarget(y: Int, _ state: UIState, _ context: ScreenContext) -> (row: Int, cursor: Int)?
    /// The sessions this screen reads: news from them comes to `receive`; a session no screen holds is closed.
    var sessions: [SessionID] { get }
    /// News from one of `sessions`. A screen with a model in `models` changes it here, and only here.
    mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels)
    /// After a key or news changed the state, on the top screen: bring what the models keep for it (a log
    /// view's indexes over its search) up to date.
    func settle(_ models: SessionModels)
    /// After news, on the top screen: move on by itself (a build that succeeded opens its image's layers);
    /// nil stays.
    func followUp(_ state: UIState) -> (UIState, [Effect])?
}

extension StackScreen {
    public var isTyping: Bool { false }
    public func clickTarget(y: Int, _ state: UIState, _ context: ScreenContext) -> (row: Int, cursor: Int)? { nil }
    public var sessions: [SessionID] { [] }
    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {}
    public func settle(_ models: SessionModels) {}
    public func followUp(_ state: UIState) -> (UIState, [Effect])? { nil }
}

/// A screen that reads one session (or none yet): its `sessions` is that one.
public protocol SessionScreen: StackScreen {
    var session: SessionID? { get }
}

extension SessionScreen {
    public var sessions: [SessionID] { session.map { [$0] } ?? [] }
}

/// The rows of a list on screen: the first one shown keeps the cursor in view, nearest to where it was.
enum ListWindow {
    static func top(cursor: Int, scroll: Int, visible: Int) -> Int {
        var top = scroll
        if cursor < top { top = cursor }
        if cursor >= top + visible { top = cursor - visible + 1 }
        return max(0, top)
    }

    /// A click on a plain list drawn from row 2 (under the title and the column titles), `visible` rows
    /// tall, scrolled as `top(cursor:scroll:visible:)` scrolls it.
    static func click(y: Int, count: Int, cursor: Int, scroll: Int, visible: Int) -> (row: Int, cursor: Int)? {
        guard count > 0 else { return nil }
        let cursor = min(cursor, count - 1)
        let top = top(cursor: cursor, scroll: scroll, visible: visible)
        return row(at: y, firstY: 2, visible: visible, top: top, count: count).map { ($0, cursor) }
    }

    /// The row under `y` of a list whose first row is drawn at `firstY`, `visible` rows tall.
    static func row(at y: Int, firstY: Int, visible: Int, top: Int, count: Int) -> Int? {
        let row = top + y - firstY
        guard y >= firstY, y < firstY + visible, row < count else { return nil }
        return row
    }
}

/// An entry of the screen stack: any `StackScreen`.
public struct Screen: Sendable, Equatable {
    public let base: any StackScreen

    public init(_ base: some StackScreen) {
        self.base = base
    }

    public var name: ScreenName { base.screenName }

    /// The screen, if it is an `S`.
    public func screen<S: StackScreen>(_: S.Type) -> S? { base as? S }

    public static func == (lhs: Screen, rhs: Screen) -> Bool { lhs.base.isSame(as: rhs.base) }
}

extension StackScreen {
    fileprivate func isSame(as other: any StackScreen) -> Bool { (other as? Self) == self }
}

extension UIState {
    /// The top of the stack, if it is an `S`.
    public func top<S: StackScreen>(_: S.Type) -> S? { screens.last?.screen(S.self) }

    /// The topmost `S` on the stack and where it stands (a session's news goes to it).
    public func topmost<S: StackScreen>(_: S.Type) -> (index: Int, screen: S)? {
        guard let index = screens.lastIndex(where: { $0.base is S }), let screen = screens[index].screen(S.self) else { return nil }
        return (index, screen)
    }

    /// Whether an `S` is anywhere on the stack.
    public func isOpen<S: StackScreen>(_: S.Type) -> Bool { screens.contains { $0.base is S } }

    /// Writes the top screen back after its reduce changed it.
    public mutating func replaceTop(_ screen: some StackScreen) {
        guard !screens.isEmpty else { return }
        screens[screens.count - 1] = Screen(screen)
    }
}

/// What every full-screen view draws around its body: the title bar, and under the body a message
/// line (the notice of the last key, else the screen's error) and the key hints.
enum ScreenChrome {
    /// Draws the title bar; the body's and the status area's rectangles (`statusRows` rows at the bottom).
    static func frame(_ buffer: inout ScreenBuffer, title text: String, statusRows: Int = 2) -> (body: Rect, status: Rect) {
        let (title, rest) = buffer.bounds.splitTop(1)
        let (body, status) = rest.splitBottom(statusRows)
        buffer.fill(title, style: .statusBar)
        buffer.put(" swtop · " + text, x: title.x, y: title.y, style: Style(.title, bold: true), maxWidth: title.width)
        return (body, status)
    }

    /// The last key's notice, else `error` (made safe, in the error colour).
    static func message(_ buffer: inout ScreenBuffer, _ row: Rect, _ state: UIState, error: String? = nil) {
        if let notice = state.notice {
            buffer.put(notice.text, x: row.x, y: row.y, style: notice.isError ? Style(.error, bold: true) : .ok, maxWidth: row.width)
        } else if let error {
            buffer.put("✗ " + TerminalSafe.sanitize(error), x: row.x, y: row.y, style: Style(.error, bold: true), maxWidth: row.width)
        }
    }
}
