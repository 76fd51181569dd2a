import TermCanvas

/// Key names as a config file spells them. Every name help prints (`Key.description`: "Ctrl-K", "↑",
/// "PgDn", "Space") is accepted, and the usual other spellings: "C-k", "^K", "ctrl+k", "Up", "PageDown",
/// "Escape", "Return". A single character is itself, case and all; a longer name ignores case.
public enum KeyName {
    public static func parse(_ text: String) -> Key? {
        if let arrow = arrows[text] { return arrow }
        if text.count == 1, let c = text.first {
            // A lone control character (a TAB typed into the file) is not a key name.
            return c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) ? .char(c) : nil
        }
        let lower = text.lowercased()
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            guard rest.count == 1, let c = rest.first, c.isASCII, c.isLetter else { return nil }
            return .ctrl(c)
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...63).contains(n) { return .function(n) }
        return named[lower]
    }

    /// As help prints the cursor keys.
    private static let arrows: [String: Key] = ["↑": .up, "↓": .down, "←": .left, "→": .right]

    private static let named: [String: Key] = [
        "space": .char(" "), "enter": .enter, "return": .enter, "esc": .escape, "escape": .escape,
        "tab": .tab, "shift-tab": .backTab, "backtab": .backTab, "s-tab": .backTab,
        "backspace": .backspace, "bs": .backspace, "del": .delete, "delete": .delete, "ins": .insert, "insert": .insert,
        "up": .up, "down": .down, "left": .left, "right": .right,
        "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown, "home": .home, "end": .end,
    ]
}
