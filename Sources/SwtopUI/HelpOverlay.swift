import TermCanvas

/// The help screen, generated from the keymap: what is bound is what is listed.
enum HelpOverlay {
    static func draw(_ buffer: inout ScreenBuffer, keymap: [Binding], readOnly: Bool) {
        let rect = buffer.bounds.inset(by: buffer.width >= 40 && buffer.height >= 12 ? 1 : 0)
        buffer.fill(rect, style: .dialog)
        let inner = Box(title: " Keys (Esc or ? closes) ", style: .border).draw(into: &buffer, in: rect)
        let keyWidth = min(14, max(6, inner.width / 4))
        for (index, binding) in keymap.enumerated() where index < inner.height {
            var text = binding.description
            if binding.dangerous { text += " — asks first" }
            if binding.mutating && readOnly { text += " — refused: read-only" }
            buffer.put(binding.keyText, x: inner.x, y: inner.y + index, style: Style(.statusKey, bold: true), maxWidth: keyWidth)
            buffer.put(text, x: inner.x + keyWidth + 1, y: inner.y + index,
                       style: binding.mutating && readOnly ? .dimmed : .dialog, maxWidth: inner.width - keyWidth - 1)
        }
    }
}
