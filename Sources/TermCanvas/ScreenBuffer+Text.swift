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
