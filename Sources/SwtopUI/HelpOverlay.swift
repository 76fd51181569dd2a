import TermCanvas

/// The help screen, generated from the keymap: what is bound is what is listed. Every binding gets a
/// whole line of its own (two columns when the terminal is wide enough for both to be read whole); when
/// they do not all fit, the list scrolls (j/k, PgUp/PgDn, g/G) and the last line says where it stands.
enum HelpOverlay {
    static func frame(width: Int, height: Int) -> Rect {
        Rect(x: 0, y: 0, width: width, height: height).inset(by: width >= 40 && height >= 12 ? 1 : 0)
    }

    static func text(_ binding: Binding, readOnly: Bool) -> String {
        var text = binding.description
        if binding.dangerous { text += " — asks first" }
        if binding.mutating && readOnly { text += " — refused: read-only" }
        return text
    }

    static func keyWidth(_ keymap: [Binding]) -> Int { keymap.map { DisplayWidth.of($0.keyText) }.max() ?? 6 }

    /// Inside the box: the lines for bindings (one is kept for the position line) and the columns: as
    /// many as the bindings need, but only as many as fit with every line whole.
    static func layout(_ keymap: [Binding], width: Int, height: Int) -> (rows: Int, columns: Int) {
        let box = frame(width: width, height: height)
        let innerWidth = max(0, box.width - 2), innerHeight = max(0, box.height - 2)
        let rows = max(1, innerHeight - 1)
        let line = keyWidth(keymap) + 3 + (keymap.map { DisplayWidth.of(text($0, readOnly: true)) }.max() ?? 0)
        let needed = max(1, (keymap.count + rows - 1) / rows)
        return (rows, max(1, min(needed, innerWidth / max(1, line))))
    }

    static func rowsShown(_ keymap: [Binding], width: Int, height: Int) -> Int {
        let (rows, columns) = layout(keymap, width: width, height: height)
        return rows * columns
    }

    static func maxScroll(_ keymap: [Binding], width: Int, height: Int) -> Int {
        max(0, keymap.count - rowsShown(keymap, width: width, height: height))
    }

    static func draw(_ buffer: inout ScreenBuffer, keymap: [Binding], readOnly: Bool, scroll: Int = 0) {
        let rect = frame(width: buffer.width, height: buffer.height)
        buffer.fill(rect, style: .dialog)
        let inner = Box(title: " Keys (Esc or ? closes) ", style: .border).draw(into: &buffer, in: rect)
        guard inner.height > 0, inner.width > 0 else { return }
        let (rows, columns) = layout(keymap, width: buffer.width, height: buffer.height)
        let shown = rows * columns
        let first = min(max(0, scroll), maxScroll(keymap, width: buffer.width, height: buffer.height))
        let width = inner.width / columns
        // Keys are never cut; descriptions get what is left of the line.
        let keyWidth = min(Self.keyWidth(keymap), max(1, width - 1))
        for (offset, binding) in keymap.dropFirst(first).prefix(shown).enumerated() {
            let x = inner.x + (offset / rows) * width
            let y = inner.y + offset % rows
            guard y < inner.maxY else { break }
            let text = Self.text(binding, readOnly: readOnly)
            buffer.put(binding.keyText, x: x, y: y, style: Style(.statusKey, bold: true), maxWidth: keyWidth)
            buffer.put(text, x: x + keyWidth + 1, y: y, style: binding.mutating && readOnly ? .dimmed : .dialog,
                       maxWidth: max(0, width - keyWidth - 2))
        }
        guard inner.height > 1 else { return }
        let last = min(keymap.count, first + shown)
        let position = keymap.count > shown
            ? "\(first + 1)–\(last) of \(keymap.count) · j/k PgUp/PgDn scroll"
            : "all \(keymap.count) keys"
        buffer.put(position, x: inner.x, y: inner.maxY - 1, style: .dimmed, maxWidth: inner.width)
    }
}
