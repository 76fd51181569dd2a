import SwtopStore
import TermCanvas

/// The mouse, as keys where a key does the same: the wheel is the screen's own down/up (three rows a
/// notch, over an overlay its scroll), a click on a list row selects it, a double click there does what
/// Enter does, a click on a tab shows that list. With `mouse = false` every report is dropped here (the
/// terminal is not asked for them then, but bytes can still arrive).
enum MouseInput {
    static let wheelRows = 3

    static func reduce(_ state: UIState, _ event: MouseEvent, _ snapshot: StoreSnapshot, _ models: SessionModels) -> (UIState, [Effect]) {
        guard state.mouse else { return (state, []) }
        func keys(_ key: Key, times: Int) -> (UIState, [Effect]) {
            var state = state
            var effects: [Effect] = []
            for _ in 0..<times {
                let (next, more) = Reducer.reduceKey(state, key, snapshot, models)
                state = next
                effects += more
            }
            return (state, effects)
        }
        switch event.action {
        case .scrollUp, .scrollDown:
            let command: Command = event.action == .scrollUp ? .moveUp : .moveDown
            let overlay = state.showHelp || state.showMessages
            let key = overlay ? (command == .moveUp ? Key.up : .down) : state.bindings.first { $0.command == command }?.keys.first
            guard let key else { return (state, []) }
            return keys(key, times: wheelRows)
        case .press(.left), .doubleClick(.left):
            guard !state.showHelp, !state.showMessages, state.prompt == nil, state.confirm == nil,
                  !state.editingFilter else { return (state, []) }
            guard let top = state.screens.last else { return click(state, event, snapshot) }
            // A screen's list: its own down/up keys to the row clicked, then Enter for a double click.
            let context = ScreenContext(snapshot, models: models)
            guard !top.base.isTyping, let (row, cursor) = top.base.clickTarget(y: event.y, state, context) else { return (state, []) }
            let command: Command = row > cursor ? .moveDown : .moveUp
            guard let key = state.bindings.first(where: { $0.command == command })?.keys.first else { return (state, []) }
            var (next, effects) = keys(key, times: abs(row - cursor))
            if case .doubleClick = event.action {
                let (opened, more) = Reducer.reduceKey(next, .enter, snapshot, models)
                next = opened
                effects += more
            }
            return (next, effects)
        default:
            return (state, [])
        }
    }

    /// A click on the dashboard: a tab on the title row, or a row of the list.
    static func click(_ state: UIState, _ event: MouseEvent, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        if event.y == 0 {
            guard let tab = TitleBar.tabs().first(where: { $0.columns.contains(event.x) }) else { return (state, []) }
            return Reducer.navigate(state, .showView(tab.view), snapshot)
        }
        // Title, the banner when an engine is away, the column titles; then the rows from the scroll offset.
        let firstRow = 1 + (Layout.hasBanner(snapshot) ? 1 : 0) + 1
        let keys = RowKeys.of(snapshot, state)
        let index = Layout.listTop(state, snapshot) + event.y - firstRow
        guard event.y >= firstRow, event.y < firstRow + Layout.pageSize(state), keys.indices.contains(index) else {
            return (state, [])
        }
        var effects: [Effect] = []
        if state.selection[state.view] != keys[index] {
            state.selection[state.view] = keys[index]
            // As moving there by keys: the detail pane follows the selected container.
            if state.showDetails, let id = keys[index].containerID {
                effects = [.inspect(id, engine: snapshot.containers.first { $0.id == id }?.engine ?? "")]
            }
        }
        if case .doubleClick = event.action {
            let (next, more) = Reducer.navigate(state, .details, snapshot)
            return (next, effects + more)
        }
        return (state, effects)
    }
}
