/// Consecutive cells of one row that differ from the previous frame, starting at column `x`.
public struct Run: Hashable, Sendable {
    public var y: Int
    public var x: Int
    public var cells: [Cell]

    public init(y: Int, x: Int, cells: [Cell]) {
        self.y = y
        self.x = x
        self.cells = cells
    }
}

extension ScreenBuffer {
    /// The runs of cells that differ from `old`; every row whole when `old` is nil or another size.
    /// A run never starts on the right half of a wide character nor ends on its left half, so the
    /// backend can always write whole characters.
    public func changes(from old: ScreenBuffer?) -> [Run] {
        guard let old, old.width == width, old.height == height else {
            return (0..<height).compactMap { row in
                width > 0 ? Run(y: row, x: 0, cells: Array(cells[(row * width)..<((row + 1) * width)])) : nil
            }
        }
        var runs: [Run] = []
        for row in 0..<height {
            let base = row * width
            var col = 0
            while col < width {
                guard cells[base + col] != old.cells[base + col] else {
                    col += 1
                    continue
                }
                var start = col
                if cells[base + start].width == 0, start > 0 { start -= 1 }
                var end = col + 1
                while end < width, cells[base + end] != old.cells[base + end] { end += 1 }
                if cells[base + end - 1].width == 2, end < width { end += 1 }
                if let last = runs.last, last.y == row, last.x + last.cells.count > start {
                    // Widening to a whole wide character overlapped the previous run: extend it instead.
                    let previousEnd = last.x + last.cells.count
                    runs[runs.count - 1].cells.append(contentsOf: cells[(base + max(previousEnd, start))..<(base + end)])
                } else {
                    runs.append(Run(y: row, x: start, cells: Array(cells[(base + start)..<(base + end)])))
                }
                col = end
            }
        }
        return runs
    }
}
