import SwtopStore
import TermCanvas

/// `m`: charts of the selected container's (or the marked ones', side by side) CPU, memory, network and
/// block I/O over the samples the store keeps (`ContainerStats.historyLength`, one a tick), like ctop's
/// single view. No session and no engine request: the store already samples them; while the screen is
/// open its containers count as on screen, so they are read every tick.
public struct StatsScreen: Sendable, Equatable {
    /// Container ids, in the list's order.
    public var ids: [String]

    public init(ids: [String]) { self.ids = ids }
}

enum StatsReducer {
    static func open(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        var ids = ContainerRows.build(snapshot, state).compactMap(\.container?.id).filter { state.marked.contains($0) }
        if ids.isEmpty, let id = state.selection[.containers]?.containerID ?? ContainerRows.build(snapshot, state).lazy
            .compactMap(\.container?.id).first {
            ids = [id]
        }
        guard !ids.isEmpty else {
            state.notice = ActionResult(text: "no container to chart", isError: false)
            return (state, [])
        }
        state.screens.append(Screen(StatsScreen(ids: ids)))
        state.showHelp = false
        return (state, [])
    }

    static func reduce(_ state: UIState, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        if binding.command == .statsBack { state.screens.removeLast() }
        return (state, [])
    }
}

extension StatsScreen: StackScreen {
    public var screenName: ScreenName { .stats }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        StatsReducer.reduce(state, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        StatsView.draw(&frame.buffer, state, self, context.snapshot)
        frame.visibleContainerIDs = ids
        frame.showsFigures = true
    }
}

extension Keymap {
    /// The stats screen's keys.
    public static let stats: [Binding] = [
        Binding([.escape, .char("q"), .char("m")], .statsBack, "back to the dashboard", hint: "back"),
    ]
}
