import TermCanvas

/// The help screen, generated from the keymap: what is bound is what is listed.
enum HelpOverlay {
    static func draw(_ buffer: inout ScreenBuffer, keymap: [Binding], readOnly: Bool) {
        let rect = buffer.bounds.inset(by: buffer.width >= 40 && buffer.height >= 12 ? 1 : 0)
        buffer.fill(rect, style: .dialog)
        let inner = Box(title: " Keys (Esc or ? closes) ", style: .border).draw(into: &buffer, in: rect)
        guard inner.height > 0, inner.width > 0 else { return }
        // As many columns as it takes for every binding to show: a help screen that hides keys lies.
        let columns = max(1, (keymap.count + inner.height - 1) / inner.height)
        let columnWidth = inner.width / columns
        // Keys are never cut; descriptions get what is left of the column.
        let keyWidth = min(keymap.map { DisplayWidth.of($0.keyText) }.max() ?? 6, max(1, columnWidth - 1))
        for (index, binding) in keymap.enumerated() {
            let x = inner.x + (index / inner.height) * columnWidth
            let y = inner.y + index % inner.height
            var text = binding.description
            if binding.dangerous { text += " — asks first" }
            if binding.mutating && readOnly { text += " — refused: read-only" }
            buffer.put(binding.keyText, x: x, y: y, style: Style(.statusKey, bold: true), maxWidth: keyWidth)
            buffer.put(text, x: x + keyWidth + 1, y: y, style: binding.mutating && readOnly ? .dimmed : .dialog,
                       maxWidth: max(0, columnWidth - keyWidth - 2))
        }
    }
}
