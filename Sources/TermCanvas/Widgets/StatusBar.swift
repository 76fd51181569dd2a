/// A key and what it does, shown in status bars and dialogs ("q Quit").
public struct KeyHint: Hashable, Sendable {
    public var key: String
    public var label: String

    public init(_ key: String, _ label: String) {
        self.key = key
        self.label = label
    }
}

/// One row: left text, then key hints, and right-aligned text. The right text wins space first,
/// then the left text; hints that do not fit whole are left out.
public struct StatusBar: Sendable {
    public var left: String
    public var right: String
    public var hints: [KeyHint]
    public var style: Style
    public var keyStyle: Style

    public init(left: String = "", right: String = "", hints: [KeyHint] = [],
                style: Style = .statusBar, keyStyle: Style = .statusKey) {
        self.left = left
        self.right = right
        self.hints = hints
        self.style = style
        self.keyStyle = keyStyle
    }

    public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
        guard !rect.isEmpty else { return }
        let row = rect.row(0)
        buffer.fill(row, style: style)
        let rightText = DisplayWidth.truncate(TerminalSafe.sanitize(right), toColumns: row.width)
        let rightWidth = rightText.displayWidth
        buffer.put(rightText, x: row.maxX - rightWidth, y: row.y, style: style)
        let leftLimit = row.width - rightWidth - (rightWidth > 0 ? 1 : 0)
        guard leftLimit > 0 else { return }
        var x = row.x
        let leftText = TerminalSafe.sanitize(left)
        if !leftText.isEmpty {
            x += buffer.put(DisplayWidth.truncate(leftText, toColumns: leftLimit), x: x, y: row.y, style: style)
            x += 1
        }
        for hint in hints {
            let key = TerminalSafe.sanitize(hint.key), label = TerminalSafe.sanitize(hint.label)
            let needed = key.displayWidth + (label.isEmpty ? 0 : 1 + label.displayWidth)
            guard x - row.x + needed <= leftLimit else { break }
            x += buffer.put(key, x: x, y: row.y, style: keyStyle)
            if !label.isEmpty { x += buffer.put(" " + label, x: x, y: row.y, style: style) }
            x += 2
        }
    }
}
