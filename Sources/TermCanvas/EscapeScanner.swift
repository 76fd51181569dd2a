/// Walks a string the way a terminal's parser would, so that whatever a terminal would treat as a
/// control function is recognised and removed, and only text that would print is passed on.
enum EscapeScanner {
    private static let esc: UInt32 = 0x1B
    private static let bel: UInt32 = 0x07
    private static let c1CSI: UInt32 = 0x9B
    private static let c1ST: UInt32 = 0x9C
    /// C1 introducers of strings that run to ST: DCS, SOS, OSC, PM, APC.
    private static let c1Strings: Set<UInt32> = [0x90, 0x98, 0x9D, 0x9E, 0x9F]
    /// Final bytes after ESC that open such strings: P (DCS), X (SOS), ] (OSC), ^ (PM), _ (APC).
    private static let escStrings: Set<UInt32> = [0x50, 0x58, 0x5D, 0x5E, 0x5F]

    static func scan(_ s: String, keepNewlines: Bool,
                     text: (Unicode.Scalar) -> Void, sgr: ([Int]) -> Void) {
        let scalars = Array(s.unicodeScalars)
        var i = 0
        var column = 0
        while i < scalars.count {
            let v = scalars[i].value
            if v == esc {
                i = skipEscape(scalars, from: i + 1, sgr: sgr)
                continue
            }
            if v == c1CSI {
                i = skipCSI(scalars, from: i + 1, sgr: sgr)
                continue
            }
            if c1Strings.contains(v) {
                i = skipString(scalars, from: i + 1)
                continue
            }
            i += 1
            if v == 0x09 {
                let spaces = 8 - column % 8
                for _ in 0..<spaces { text(" ") }
                column += spaces
            } else if v == 0x0A && keepNewlines {
                text("\n")
                column = 0
            } else if v < 0x20 || (0x7F...0x9F).contains(v) || TerminalSafe.isBidiControl(v) {
                continue
            } else {
                text(scalars[i - 1])
                column += DisplayWidth.of(scalars[i - 1])
            }
        }
    }

    /// After ESC: CSI, a string, or ESC intermediates* final. Returns the index after the sequence.
    private static func skipEscape(_ scalars: [Unicode.Scalar], from start: Int, sgr: ([Int]) -> Void) -> Int {
        guard start < scalars.count else { return start }
        let v = scalars[start].value
        if v == 0x5B { return skipCSI(scalars, from: start + 1, sgr: sgr) }
        if escStrings.contains(v) { return skipString(scalars, from: start + 1) }
        var i = start
        while i < scalars.count, (0x20...0x2F).contains(scalars[i].value) { i += 1 }
        if i < scalars.count, (0x30...0x7E).contains(scalars[i].value) { return i + 1 }
        // Not a valid sequence: drop the ESC (and any intermediates) and let the rest print.
        return i
    }

    /// CSI parameters, intermediates, final byte. As in a terminal, C0 controls inside the sequence do not
    /// end it (a terminal executes them; here they are dropped) and DEL is ignored; CAN/SUB cancel it; ESC
    /// ends it and starts a new sequence. Any other scalar aborts the sequence without being consumed.
    private static func skipCSI(_ scalars: [Unicode.Scalar], from start: Int, sgr: ([Int]) -> Void) -> Int {
        var i = start
        var plainParameters = true
        var sawIntermediate = false
        while i < scalars.count {
            let v = scalars[i].value
            switch v {
            case 0x30...0x3F:
                if sawIntermediate || v > 0x3B { plainParameters = false }
                i += 1
            case 0x20...0x2F:
                sawIntermediate = true
                i += 1
            case 0x40...0x7E:
                if v == 0x6D && plainParameters && !sawIntermediate {
                    sgr(parseParameters(scalars[start..<i]))
                }
                return i + 1
            case 0x18, 0x1A:
                return i + 1
            case esc:
                return i
            case 0x00...0x1F, 0x7F:
                i += 1
            default:
                return i
            }
        }
        return i
    }

    /// OSC/DCS/SOS/PM/APC body up to BEL, ST (ESC \ or C1 ST), or CAN/SUB. An unterminated string
    /// swallows the rest, as it would in the terminal.
    private static func skipString(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < scalars.count {
            let v = scalars[i].value
            if v == bel || v == c1ST || v == 0x18 || v == 0x1A { return i + 1 }
            if v == esc {
                // ESC \ ends the string; any other ESC ends it too and starts a new sequence.
                if i + 1 < scalars.count, scalars[i + 1].value == 0x5C { return i + 2 }
                return i
            }
            i += 1
        }
        return i
    }

    /// At most this many SGR parameters are kept from one sequence; the rest are ignored, as terminals do
    /// (xterm keeps 30), so a hostile line cannot make a huge parameter array.
    static let maxParameters = 32

    /// SGR parameters, `;`-separated. A `:`-separated group (ISO 8613-6 sub-parameters) is flattened to the
    /// `;` form SGRStyle reads: `38:5:n` and `38:2:r:g:b` as they are, `38:2:cs:r:g:b` without its colour
    /// space id (an incomplete colour group is dropped), `4:0` as 24 (no underline), `4:n` as 4, any other
    /// group as its first number. C0 controls and DEL among the bytes are ignored.
    static func parseParameters(_ bytes: ArraySlice<Unicode.Scalar>) -> [Int] {
        guard !bytes.isEmpty else { return [] }
        var params: [Int] = []
        var group: [Int] = []
        var current = 0
        func endGroup() {
            group.append(current)
            current = 0
            if group.count == 1 {
                params.append(group[0])
            } else if group[0] == 38 || group[0] == 48 {
                switch (group[1], group.count) {
                case (5, 3...): params.append(contentsOf: group[0...2])
                case (2, 5): params.append(contentsOf: group)
                case (2, 6...): params.append(contentsOf: [group[0], 2] + group[3...5])
                default: break  // incomplete: dropped whole, so it cannot take the next parameters as its own
                }
            } else if group[0] == 4 {
                params.append(group[1] == 0 ? 24 : 4)
            } else {
                params.append(group[0])
            }
            group.removeAll(keepingCapacity: true)
        }
        for scalar in bytes {
            let v = scalar.value
            if v == 0x3B {
                endGroup()
                if params.count >= maxParameters { return Array(params.prefix(maxParameters)) }
            } else if v == 0x3A {
                if group.count < 8 { group.append(current) }
                current = 0
            } else if (0x30...0x39).contains(v) {
                current = min(current * 10 + Int(v - 0x30), 100_000)
            }
        }
        endGroup()
        return Array(params.prefix(maxParameters))
    }
}
