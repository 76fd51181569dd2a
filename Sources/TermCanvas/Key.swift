/// Input as the UI reducer sees it, independent of the terminal library.
public enum Key: Hashable, Sendable {
    case char(Character)
    /// Ctrl plus a lowercase letter, e.g. `.ctrl("c")`.
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete, insert
    case function(Int)
    case resize(width: Int, height: Int)
    case mouse(MouseEvent)
}

public struct MouseEvent: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        case press(MouseButton)
        /// A second press on the same cell soon after the first (the first arrived as a press).
        case doubleClick(MouseButton)
        case release(MouseButton)
        case scrollUp, scrollDown
    }

    public enum MouseButton: Hashable, Sendable {
        case left, middle, right
    }

    public var x: Int
    public var y: Int
    public var action: Action

    public init(x: Int, y: Int, action: Action) {
        self.x = x
        self.y = y
        self.action = action
    }
}

extension Key: CustomStringConvertible {
    /// How help screens and status hints name the key: "q", "Ctrl-C", "↑", "PgDn", "F5", "Space".
    public var description: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-" + c.uppercased()
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .insert: "Ins"
        case .function(let n): "F\(n)"
        case .resize(let w, let h): "resize \(w)×\(h)"
        case .mouse(let event): "mouse \(event.action) at \(event.x),\(event.y)"
        }
    }
}
