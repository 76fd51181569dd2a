import SwtopStore
import TermCanvas

/// The one place a key becomes a binding of the screen that takes it. Here, once for every screen (the
/// reducer asks before the top screen or a list sees the key): `--read-only` refuses a binding marked
/// `mutating`, and the keys every screen shares (help, messages, quit, suspend, redraw) are done. A
/// screen's reducer sees only its own actions.
enum KeyDispatch {
    enum Outcome {
        /// The screen's own action.
        case act(Binding)
        /// Nothing is bound to the key here.
        case unbound
        /// Done here (refused, or a shared key); the state and effects to return.
        case done(UIState, [Effect])
    }

    static func resolve(_ key: Key, _ state: UIState) -> Outcome {
        guard let binding = state.keys.binding(for: key, on: state.screenName) else { return .unbound }
        var state = state
        if binding.mutating, state.readOnly {
            state.notice = ActionResult(text: "read-only: \(binding.keyText) (\(binding.description)) refused, nothing sent",
                                        isError: true)
            return .done(state, [])
        }
        switch binding.command {
        case .help: state.showHelp = true
        case .messages: state.showMessages = true
        case .quit: return .done(state, [.quit])
        case .suspend: return .done(state, [.suspend])
        case .redraw: return .done(state, [.redraw])
        default: return .act(binding)
        }
        return .done(state, [])
    }
}

extension KeyDispatch {
    /// The screen's own action for the key. The reducer has already done the shared keys and the
    /// refusals (`resolve`) before the top screen sees a key, unless the screen is typing a line.
    static func action(_ key: Key, _ state: UIState) -> Binding? {
        state.keys.binding(for: key, on: state.screenName)
    }
}
