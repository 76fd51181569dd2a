/// A centred framed box with a title, wrapped message lines and a row of key hints, e.g. a confirmation.
public struct Dialog: Sendable {
    public var title: String
    public var message: [String]
    public var buttons: [KeyHint]
    public var style: Style
    public var keyStyle: Style
    /// Widest the box grows before the message wraps.
    public var maxWidth: Int

    public init(title: String, message: [String], buttons: [KeyHint] = [], style: Style = .dialog,
                keyStyle: Style = Style(.dialog, bold: true), maxWidth: Int = 64) {
        self.title = title
        self.message = message
        self.buttons = buttons
        self.style = style
        self.keyStyle = keyStyle
        self.maxWidth = maxWidth
    }

    private var buttonSegments: [Segment] {
        var segments: [Segment] = []
        for (i, hint) in buttons.enumerated() {
            if i > 0 { segments.append(Segment("   ", style)) }
            segments.append(Segment("[" + TerminalSafe.sanitize(hint.key) + "]", keyStyle))
            segments.append(Segment(" " + TerminalSafe.sanitize(hint.label), style))
        }
        return segments
    }

    /// The rect the dialog occupies when centred in `bounds`.
    public func frame(in bounds: Rect) -> Rect {
        let buttonsWidth = buttonSegments.reduce(0) { $0 + $1.text.displayWidth }
        let messageWidth = message.map { TerminalSafe.sanitize($0).displayWidth }.max() ?? 0
        let titleWidth = TerminalSafe.sanitize(title).displayWidth + 6
        let inner = min(max(messageWidth, buttonsWidth, titleWidth - 4, 10), max(0, min(maxWidth, bounds.width) - 4))
        let lines = wrappedMessage(width: inner).count
        let height = lines + 4 + (buttons.isEmpty ? 0 : 1)
        return bounds.centered(width: inner + 4, height: height)
    }

    private func wrappedMessage(width: Int) -> [String] {
        message.flatMap { TextBlock.wrap(TerminalSafe.sanitize($0), width: width) }
    }

    /// Draws the dialog centred in `bounds` and returns its frame.
    @discardableResult
    public func draw(into buffer: inout ScreenBuffer, in bounds: Rect) -> Rect {
        let frame = frame(in: bounds)
        guard frame.width >= 4, frame.height >= 3 else { return frame }
        buffer.fill(frame, style: style)
        let inside = Box(title: title, style: style, titleStyle: style.bolded).draw(into: &buffer, in: frame)
        let content = inside.inset(top: 1, left: 1, right: 1)
        let lines = wrappedMessage(width: content.width)
        let messageRows = max(0, content.height - (buttons.isEmpty ? 0 : 2))
        for (i, line) in lines.prefix(messageRows).enumerated() {
            buffer.put(line, x: content.x, y: content.y + i, style: style, maxWidth: content.width)
        }
        if !buttons.isEmpty, content.height >= 1 {
            let segments = buttonSegments
            let width = segments.reduce(0) { $0 + $1.text.displayWidth }
            let x = content.x + max(0, (content.width - width) / 2)
            buffer.put(segments, x: x, y: inside.maxY - 1, maxWidth: content.maxX - x)
        }
        return frame
    }
}
