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

/// What was typed at each one-line prompt this session, oldest first: ↑ and ↓ walk it while typing.
/// (E and x keep their two-field lines in `UIState.promptHistory`, walked the same way.)
public struct LineHistory: Sendable {
    public enum Line: Sendable, Hashable {
        case logSearch, logSave, layerFilter, inspectSearch
    }

    public private(set) var entries: [Line: [String]] = [:]
    /// Where ↑/↓ stand in the line's entries while one is being typed (nil: the line as typed).
    var walking: Int?
    public static let limit = 50

    public init() {}

    mutating func add(_ text: String, _ line: Line) {
        walking = nil
        guard !text.isEmpty else { return }
        var list = (entries[line] ?? []).filter { $0 != text }
        list.append(text)
        entries[line] = Array(list.suffix(Self.limit))
    }

    /// The entry ↑ (older) or ↓ (newer) leads to; past the newest, an empty line.
    mutating func step(_ line: Line, older: Bool) -> String? {
        let list = entries[line] ?? []
        guard !list.isEmpty else { return nil }
        let index = walking ?? list.count
        let next = older ? max(0, index - 1) : min(list.count, index + 1)
        walking = next
        return next < list.count ? list[next] : ""
    }
}

extension LineEditor {
    /// `apply` with the state's cursor, and for a line with a history: ↑/↓ walk it, Enter keeps the line.
    static func edit(_ key: Key, _ text: inout String, _ state: inout UIState, history line: LineHistory.Line? = nil,
                     accept: (Character, String) -> Bool = { _, _ in true }) -> Outcome {
        let outcome = apply(key, &text, &state.editCursor, accept: accept)
        guard let line else { return outcome }
        switch outcome {
        case .submit:
            state.lineHistory.add(text, line)
        case .cancel:
            state.lineHistory.walking = nil
        case .other where key == .up || key == .down:
            guard let entry = state.lineHistory.step(line, older: key == .up) else { return .other }
            text = entry
            state.editCursor = 0
            return .changed
        default:
            break
        }
        return outcome
    }
}
