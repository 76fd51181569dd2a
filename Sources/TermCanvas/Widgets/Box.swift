/// A single-line frame (─│┌┐└┘) with an optional title in the top edge.
public struct Box: Sendable {
    public var title: String?
    public var style: Style
    public var titleStyle: Style

    public init(title: String? = nil, style: Style = .border, titleStyle: Style = .title) {
        self.title = title
        self.style = style
        self.titleStyle = titleStyle
    }

    /// Draws the frame on the edge of `rect` and returns the rect inside it.
    @discardableResult
    public func draw(into buffer: inout ScreenBuffer, in rect: Rect) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let horizontal = String(repeating: "─", count: rect.width - 2)
        buffer.put("┌" + horizontal + "┐", x: rect.x, y: rect.y, style: style)
        buffer.put("└" + horizontal + "┘", x: rect.x, y: rect.maxY - 1, style: style)
        for row in (rect.y + 1)..<(rect.maxY - 1) {
            buffer.put("│", x: rect.x, y: row, style: style)
            buffer.put("│", x: rect.maxX - 1, y: row, style: style)
        }
        if let title, rect.width > 6 {
            let text = DisplayWidth.truncate(TerminalSafe.sanitize(title), toColumns: rect.width - 6)
            if !text.isEmpty {
                buffer.put(" " + text + " ", x: rect.x + 2, y: rect.y, style: titleStyle)
            }
        }
        return rect.inset(by: 1)
    }
}
