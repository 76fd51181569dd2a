import SwtopStore
import TermCanvas

/// Keys of the context picker (`C`).
enum ContextReducer {
    /// `C` on the dashboard: the picker opens empty; the app reads the contexts and fills it.
    static func open(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        var screen = ContextScreen()
        let id = state.newSession()
        screen.session = id
        state.screens.append(.contexts(screen))
        let watched = snapshot.members.isEmpty ? [snapshot.endpoint] : snapshot.members.map(\.endpoint)
        return (state, [.openSession(id, .contexts(watched: watched))])
    }

    static func reduce(_ state: UIState, _ screen: ContextScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let count = screen.entries?.count ?? 0
        let page = max(1, ContextView.rows(state) - 1)
        switch binding.command {
        case .contextsBack:
            state.screens.removeLast()
            return (state, [])
        case .contextChoose:
            let chosen = screen.chosen
            guard !chosen.isEmpty else {
                state.notice = ActionResult(text: "no context to choose yet", isError: false)
                return (state, [])
            }
            state.screens.removeLast()
            return (state, [.useContexts(chosen)])
        case .contextMark:
            if let entries = screen.entries, entries.indices.contains(screen.cursor) {
                let name = entries[screen.cursor].name
                if let at = screen.marked.firstIndex(of: name) { screen.marked.remove(at: at) } else { screen.marked.append(name) }
                screen.cursor += 1
            }
        case .moveDown, .moveUp, .pageDown, .pageUp, .top, .bottom:
            screen.cursor = ListCursor.moved(screen.cursor, binding.command, count: count, page: page)
        default: break
        }
        screen.cursor = min(max(0, screen.cursor), max(0, count - 1))
        state.screens[state.screens.count - 1] = .contexts(screen)
        return (state, [])
    }
}

extension ContextScreen: SessionScreen {
    public var screenName: ScreenName { .contexts }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        ContextReducer.reduce(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        ContextView.draw(&frame.buffer, state, self)
    }

    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        switch news {
        case let .contexts(entries, problem): load(entries, error: problem)
        case let .failed(message): error = message
        default: break
        }
    }

    public func clickTarget(y: Int, _ state: UIState, _ context: ScreenContext) -> (row: Int, cursor: Int)? {
        ListWindow.click(y: y, count: entries?.count ?? 0, cursor: cursor, scroll: scroll, visible: ContextView.rows(state))
    }
}

extension Screen {
    public static func contexts(_ screen: ContextScreen) -> Screen { Screen(screen) }
}
