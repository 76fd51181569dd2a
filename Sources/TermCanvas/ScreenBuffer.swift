/// A frame, drawn by views and shown by the backend. Row-major cells; writes keep wide characters
/// whole (never half a wide character on screen) and never store a control character.
public struct ScreenBuffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "cell (\(x), \(y)) outside \(width)×\(height)")
        return cells[y * width + x]
    }

    /// Draws `s` from column `x` of row `y` and returns the columns it advanced. Clips at the buffer's
    /// edges and after `maxWidth` columns; a wide character that does not fit whole becomes a space.
    /// Controls are not trusted to have been sanitised: tab becomes a space, other controls U+FFFD,
    /// and clusters of zero width (a lone combining mark) are dropped.
    @discardableResult
    public mutating func put(_ s: String, x: Int, y: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? Int.max)
        var col = x
        // Printable ASCII (most of a list: names, figures, states) is one column a byte: no grapheme
        // breaking, no width lookup.
        if DisplayWidth.isPrintableASCII(s) {
            for byte in s.utf8 {
                guard col < limit else { break }
                if col >= 0 { store(Cell(ascii: byte, style: style), x: col, y: y) }
                col += 1
            }
            return max(0, col - x)
        }
        for original in s {
            guard col < limit else { break }
            let ch = Self.printable(original)
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if col + w > limit {
                if col >= 0 { store(.blank(style), x: col, y: y) }
                col += 1
                break
            }
            if col < 0 {
                if col + w > 0 { store(.blank(style), x: 0, y: y) }
                col += w
                continue
            }
            store(Cell(character: ch, width: UInt8(w), style: style), x: col, y: y)
            if w == 2 { store(.continuation(style), x: col + 1, y: y) }
            col += w
        }
        return max(0, col - x)
    }

    /// Draws styled pieces one after another; returns the columns advanced in total.
    @discardableResult
    public mutating func put(_ segments: [Segment], x: Int, y: Int, maxWidth: Int? = nil) -> Int {
        var used = 0
        for segment in segments {
            let remaining = maxWidth.map { $0 - used }
            if let remaining, remaining <= 0 { break }
            used += put(segment.text, x: x + used, y: y, style: segment.style, maxWidth: remaining)
        }
        return used
    }

    /// Sets every cell of `rect` (clipped to the buffer) to `character` in `style`.
    public mutating func fill(_ rect: Rect, style: Style = .normal, character: Character = " ") {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let ch = Self.printable(character)
        let cell = DisplayWidth.of(ch) == 1 ? Cell(character: ch, width: 1, style: style) : .blank(style)
        for row in area.y..<area.maxY {
            for col in area.x..<area.maxX { store(cell, x: col, y: row) }
        }
    }

    /// Changes the style of every cell of `rect`, keeping the characters (e.g. to highlight a row).
    public mutating func applyStyle(_ style: Style, to rect: Rect) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for row in area.y..<area.maxY {
            for col in area.x..<area.maxX { cells[row * width + col].style = style }
        }
    }

    /// Writes one cell, blanking the other half of any wide character it splits.
    private mutating func store(_ cell: Cell, x: Int, y: Int) {
        let index = y * width + x
        let old = cells[index]
        if old.width == 0, x > 0, cells[index - 1].width == 2, !(cell.width == 0) {
            cells[index - 1] = .blank(cells[index - 1].style)
        }
        if old.width == 2, x + 1 < width, cells[index + 1].width == 0 {
            cells[index + 1] = .blank(cells[index + 1].style)
        }
        cells[index] = cell
    }

    static func printable(_ ch: Character) -> Character {
        if ch == "\t" { return " " }
        for scalar in ch.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || (0x7F...0x9F).contains(v) || TerminalSafe.isBidiControl(v) { return "\u{FFFD}" }
        }
        return ch
    }
}

/// A piece of text in one style, for drawing mixed-style lines with one call.
public struct Segment: Hashable, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .normal) {
        self.text = text
        self.style = style
    }
}
