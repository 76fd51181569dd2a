/// A scrolling table with a header row and one selectable row. A value: the caller keeps the
/// selection and scroll offset in its own state and stores back the offset `draw` returns.
public struct Table: Sendable {
    public enum ColumnWidth: Hashable, Sendable {
        /// Exactly this many columns.
        case fixed(Int)
        /// At least `min` columns, plus a share of the spare width proportional to `weight`.
        case flex(min: Int, weight: Int)
    }

    public struct Column: Hashable, Sendable {
        public var title: String
        public var width: ColumnWidth
        public var alignment: Alignment

        public init(_ title: String, width: ColumnWidth, alignment: Alignment = .left) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    public struct Row: Hashable, Sendable {
        public var cells: [String]
        public var style: Style
        /// Per-cell role override (ignored on the selected row, which is drawn in the selection role).
        public var cellRoles: [ColorRole?]
        public var isMarked: Bool

        public init(_ cells: [String], style: Style = .normal, cellRoles: [ColorRole?] = [], isMarked: Bool = false) {
            self.cells = cells
            self.style = style
            self.cellRoles = cellRoles
            self.isMarked = isMarked
        }
    }

    public var columns: [Column]
    public var rows: [Row]
    public var selectedIndex: Int?
    public var scrollOffset: Int
    public var showsHeader: Bool
    public var columnSpacing: Int
    /// Draws ▲/▼ at the right edge when rows are hidden above/below.
    public var showsScrollIndicators: Bool
    /// Drawn dimmed in the first body row when there are no rows.
    public var emptyMessage: String?
    /// A two-column gutter at the left with ✓ on marked rows (so a mark reads without colour, and
    /// differs from a bold group header under NO_COLOR). Drawn only while some row is marked.
    public var showsMarks = false

    public init(columns: [Column], rows: [Row], selectedIndex: Int? = nil, scrollOffset: Int = 0,
                showsHeader: Bool = true, columnSpacing: Int = 1, showsScrollIndicators: Bool = false,
                emptyMessage: String? = nil) {
        self.columns = columns
        self.rows = rows
        self.selectedIndex = selectedIndex
        self.scrollOffset = scrollOffset
        self.showsHeader = showsHeader
        self.columnSpacing = columnSpacing
        self.showsScrollIndicators = showsScrollIndicators
        self.emptyMessage = emptyMessage
    }

    /// Body rows that fit in `rect`.
    public func visibleRowCount(in rect: Rect) -> Int { max(0, rect.height - (showsHeader ? 1 : 0)) }

    /// The scroll offset closest to `current` that keeps `selected` visible and wastes no rows at the end.
    public static func scrollOffset(selected: Int?, current: Int, visibleRows: Int, rowCount: Int) -> Int {
        guard visibleRows > 0, rowCount > 0 else { return 0 }
        var offset = min(max(current, 0), max(0, rowCount - visibleRows))
        if let selected, selected >= 0, selected < rowCount {
            if selected < offset { offset = selected }
            if selected >= offset + visibleRows { offset = selected - visibleRows + 1 }
        }
        return offset
    }

    /// Column widths for `totalWidth`: fixed columns first, flex columns their minimum plus a weighted
    /// share of what is left; columns that do not fit at the right get what remains, then 0.
    public func columnWidths(totalWidth: Int) -> [Int] {
        let spacing = max(0, columns.count - 1) * columnSpacing
        var widths = columns.map { column -> Int in
            switch column.width {
            case .fixed(let w): max(0, w)
            case .flex(let minimum, _): max(0, minimum)
            }
        }
        var spare = totalWidth - spacing - widths.reduce(0, +)
        if spare > 0 {
            let weights = columns.map { column -> Int in
                if case .flex(_, let weight) = column.width { return max(0, weight) }
                return 0
            }
            let totalWeight = weights.reduce(0, +)
            if totalWeight > 0 {
                var given = 0
                for i in widths.indices where weights[i] > 0 {
                    let share = spare * weights[i] / totalWeight
                    widths[i] += share
                    given += share
                }
                // Rounding leftovers go to the last flex column so the table fills the width exactly.
                if let last = weights.lastIndex(where: { $0 > 0 }) { widths[last] += spare - given }
                spare = 0
            }
        }
        var remaining = totalWidth
        for i in widths.indices {
            let take = min(widths[i], max(0, remaining))
            widths[i] = take
            remaining -= take + columnSpacing
        }
        return widths
    }

    /// Draws the table in `rect` and returns the scroll offset it used (store it for the next frame).
    @discardableResult
    public func draw(into buffer: inout ScreenBuffer, in rect: Rect) -> Int {
        guard !rect.isEmpty else { return 0 }
        let visible = visibleRowCount(in: rect)
        // ▲/▼ get a column of their own, so they never cover a row's last character.
        let indicators = showsScrollIndicators && rows.count > visible && visible > 0 && rect.width > 1
        let gutter = showsMarks && rect.width > 4 && rows.contains(where: \.isMarked) ? 2 : 0
        let widths = columnWidths(totalWidth: rect.width - gutter - (indicators ? 1 : 0))
        let cellsX = rect.x + gutter
        var y = rect.y
        if showsHeader {
            buffer.fill(rect.row(0), style: .header)
            drawCells(columns.map(\.title), roles: [], widths: widths, y: y, x: cellsX, style: .header, into: &buffer)
            y += 1
        }
        let offset = Self.scrollOffset(selected: selectedIndex, current: scrollOffset,
                                       visibleRows: visible, rowCount: rows.count)
        // Each drawn row fills its own line in its style: only the lines below the last row are filled here
        // (a frame once filled every line twice, 10,000 cells of a 200-column list for nothing).
        let drawn = max(0, min(visible, rows.count - offset))
        if drawn < visible {
            buffer.fill(Rect(x: rect.x, y: y + drawn, width: rect.width, height: visible - drawn), style: .normal)
        }
        if rows.isEmpty, let emptyMessage, visible > 0 {
            buffer.put(emptyMessage, x: rect.x + 1, y: y, style: .dimmed, maxWidth: rect.width - 1)
        }
        for line in 0..<visible {
            let index = offset + line
            guard index < rows.count else { break }
            let row = rows[index]
            let selected = index == selectedIndex
            var style = row.style
            if selected {
                style = row.isMarked ? .selectedMarked : .selected
            } else if row.isMarked {
                style = style.with(role: .marked)
            }
            buffer.fill(Rect(x: rect.x, y: y + line, width: rect.width, height: 1), style: style)
            drawCells(row.cells, roles: selected ? [] : row.cellRoles, widths: widths, y: y + line,
                      x: cellsX, style: style, into: &buffer)
            if gutter > 0, row.isMarked { buffer.put("✓", x: rect.x, y: y + line, style: style.bolded, maxWidth: 1) }
        }
        if indicators {
            if offset > 0 { buffer.put("▲", x: rect.maxX - 1, y: y, style: .accent) }
            if offset + visible < rows.count { buffer.put("▼", x: rect.maxX - 1, y: y + visible - 1, style: .accent) }
        }
        return offset
    }

    private func drawCells(_ texts: [String], roles: [ColorRole?], widths: [Int], y: Int, x: Int,
                           style: Style, into buffer: inout ScreenBuffer) {
        var col = x
        for (i, column) in columns.enumerated() {
            let w = widths[i]
            guard w > 0 else { break }
            let text = i < texts.count ? TerminalSafe.sanitize(texts[i]) : ""
            var cellStyle = style
            if i < roles.count, let role = roles[i] { cellStyle = cellStyle.with(role: role) }
            buffer.put(DisplayWidth.fit(text, toColumns: w, alignment: column.alignment),
                       x: col, y: y, style: cellStyle, maxWidth: w)
            col += w + columnSpacing
        }
    }
}
