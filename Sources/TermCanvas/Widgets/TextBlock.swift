/// Lines of text drawn top-down in a rect, either clipped at the right edge or word-wrapped.
public struct TextBlock: Sendable {
    public var lines: [String]
    public var style: Style
    public var wraps: Bool
    /// Index of the first (display) line shown.
    public var scrollOffset: Int

    public init(lines: [String], style: Style = .normal, wraps: Bool = false, scrollOffset: Int = 0) {
        self.lines = lines
        self.style = style
        self.wraps = wraps
        self.scrollOffset = scrollOffset
    }

    /// The lines as they would be shown `width` columns wide (sanitised, wrapped when `wraps`).
    public func displayLines(width: Int) -> [String] {
        let clean = lines.map { TerminalSafe.sanitize($0) }
        guard wraps else { return clean }
        return clean.flatMap { Self.wrap($0, width: width) }
    }

    /// Draws from `scrollOffset` and returns how many display lines there are in total.
    @discardableResult
    public func draw(into buffer: inout ScreenBuffer, in rect: Rect) -> Int {
        guard !rect.isEmpty else { return 0 }
        let shown = displayLines(width: rect.width)
        let start = min(max(scrollOffset, 0), shown.count)
        for (i, line) in shown[start...].prefix(rect.height).enumerated() {
            buffer.put(line, x: rect.x, y: rect.y + i, style: style, maxWidth: rect.width)
        }
        return shown.count
    }

    /// Breaks `line` into pieces at most `width` columns wide, at spaces where possible; a word longer
    /// than the width is cut. An empty line stays one empty line.
    public static func wrap(_ line: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        if line.displayWidth <= width { return [line] }
        var result: [String] = []
        var current = ""
        var currentWidth = 0
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            var piece = String(word)
            var pieceWidth = piece.displayWidth
            let gap = current.isEmpty ? 0 : 1
            if currentWidth + gap + pieceWidth <= width {
                if gap == 1 { current.append(" ") }
                current += piece
                currentWidth += gap + pieceWidth
                continue
            }
            if !current.isEmpty { result.append(current) }
            while pieceWidth > width {
                var taken = ""
                var used = 0
                var index = piece.startIndex
                while index < piece.endIndex {
                    let w = DisplayWidth.of(piece[index])
                    if used + w > width, !taken.isEmpty { break }
                    taken.append(piece[index])
                    used += w
                    index = piece.index(after: index)
                }
                result.append(taken)
                piece = String(piece[index...])
                pieceWidth = piece.displayWidth
            }
            current = piece
            currentWidth = pieceWidth
        }
        if !current.isEmpty || result.isEmpty { result.append(current) }
        return result
    }
}
