import TermCanvas

/// The one line editor: every filter, search, prompt and the scale count type through it. The text
/// stays where each screen keeps it; the cursor is the state's `editCursor` (characters from the end,
/// so 0 is after the last one), since only one line is ever being typed.
///
/// Keys: characters insert at the cursor; Backspace deletes before it, Del under it (at the end, before
/// it); ←/→, Home/End, Ctrl-A/E, Ctrl-B/F move; Ctrl-U deletes to the start, Ctrl-K to the end, Ctrl-W
/// the word before the cursor; Enter submits, Esc cancels. Anything else is the caller's (Tab, ↑/↓
/// for history, Ctrl-R in the log search).
public enum LineEditor {
    public enum Outcome: Equatable, Sendable {
        case changed, moved, submit, cancel
        /// Not an editing key.
        case other
    }

    /// `accept` decides whether a typed character goes in (the scale prompt takes five digits).
    public static func apply(_ key: Key, _ text: inout String, _ fromEnd: inout Int,
                             accept: (Character, String) -> Bool = { _, _ in true }) -> Outcome {
        var chars = Array(text)
        var cursor = max(0, min(chars.count, chars.count - fromEnd))
        let outcome: Outcome
        switch key {
        case .enter: outcome = .submit
        case .escape: outcome = .cancel
        case let .char(c):
            guard accept(c, text) else { return .other }
            chars.insert(c, at: cursor)
            cursor += 1
            outcome = .changed
        case .backspace:
            guard cursor > 0 else { return .moved }
            chars.remove(at: cursor - 1)
            cursor -= 1
            outcome = .changed
        case .delete:
            if cursor < chars.count {
                chars.remove(at: cursor)
            } else if cursor > 0 {
                chars.removeLast()
                cursor -= 1
            }
            outcome = .changed
        case .left, .ctrl("b"): cursor = max(0, cursor - 1); outcome = .moved
        case .right, .ctrl("f"): cursor = min(chars.count, cursor + 1); outcome = .moved
        case .home, .ctrl("a"): cursor = 0; outcome = .moved
        case .end, .ctrl("e"): cursor = chars.count; outcome = .moved
        case .ctrl("u"):
            chars.removeFirst(cursor)
            cursor = 0
            outcome = .changed
        case .ctrl("k"):
            chars.removeLast(chars.count - cursor)
            outcome = .changed
        case .ctrl("w"):
            var start = cursor
            while start > 0, chars[start - 1] == " " { start -= 1 }
            while start > 0, chars[start - 1] != " " { start -= 1 }
            chars.removeSubrange(start..<cursor)
            cursor = start
            outcome = .changed
        default: return .other
        }
        text = String(chars)
        fromEnd = outcome == .submit || outcome == .cancel ? 0 : chars.count - cursor
        return outcome
    }

    /// The text with the cursor drawn in it (`▏`).
    public static func shown(_ text: String, _ fromEnd: Int) -> String {
        let cursor = max(0, text.count - max(0, fromEnd))
        return String(text.prefix(cursor)) + "▏" + String(text.dropFirst(cursor))
    }
}
