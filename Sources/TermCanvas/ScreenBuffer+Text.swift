extension ScreenBuffer {
    /// Each row's text, wide characters once, trailing spaces trimmed.
    public func plainLines() -> [String] {
        (0..<height).map { row in
            var line = ""
            for col in 0..<width {
                let cell = cells[row * width + col]
                if cell.width != 0 { line.append(cell.character) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// Text for snapshot tests: the plain lines, a line `--- roles`, then one line per row with one
    /// letter per column naming the cell's role (`ColorRole.snapshotLetter`, uppercase when bold).
    /// Every line ends with a newline.
    public func snapshot() -> String {
        var out = ""
        for line in plainLines() {
            out += line
            out += "\n"
        }
        out += "--- roles\n"
        for row in 0..<height {
            var line = ""
            line.reserveCapacity(width)
            for col in 0..<width {
                let style = cells[row * width + col].style
                let letter = style.role.snapshotLetter
                line.append(style.bold ? Character(letter.uppercased()) : letter)
            }
            out += line
            out += "\n"
        }
        return out
    }
}

extension ScreenBuffer {
    /// Colours for tests, apart from `snapshot()` (whose format does not change): one line per row listing
    /// the runs of cells that carry an explicit colour, as `first-last:fg/bg` (columns inclusive, colours as
    /// xterm-256 indices, `-` where the role's own colour shows), separated by spaces. A row without explicit
    /// colours is an empty line. Every line ends with a newline. E.g. `0-4:196/- 6-6:-/17`.
    public func colorSnapshot() -> String {
        func name(_ c: UInt8?) -> String { c.map { String($0) } ?? "-" }
        var out = ""
        for row in 0..<height {
            var pieces: [String] = []
            var col = 0
            while col < width {
                let style = cells[row * width + col].style
                var end = col
                while end + 1 < width {
                    let next = cells[row * width + end + 1].style
                    guard next.foreground == style.foreground, next.background == style.background else { break }
                    end += 1
                }
                if style.hasExplicitColor {
                    pieces.append("\(col)-\(end):\(name(style.foreground))/\(name(style.background))")
                }
                col = end + 1
            }
            out += pieces.joined(separator: " ")
            out += "\n"
        }
        return out
    }

    /// Each cell's explicit foreground in row `y` (nil where the role's colour shows).
    public func foregrounds(row y: Int) -> [UInt8?] {
        guard y >= 0, y < height else { return [] }
        return cells[(y * width)..<((y + 1) * width)].map(\.style.foreground)
    }

    /// Each cell's explicit background in row `y` (nil where the role's colour shows).
    public func backgrounds(row y: Int) -> [UInt8?] {
        guard y >= 0, y < height else { return [] }
        return cells[(y * width)..<((y + 1) * width)].map(\.style.background)
    }
}
