import XCTest
@testable import TermCanvas

/// Container output is hostile. Every case: what `sanitize` and `sanitizeKeepingSGR` (run texts joined) must
/// leave of it, exactly, and that neither lets through a C0/C1 control, DEL or a bidi control.
final class HostileCorpusTests: XCTestCase {
    private struct Case {
        var name: String
        var input: String
        var visible: String
    }

    private static let e = "\u{1b}"

    private static let corpus: [Case] = [
        // OSC: titles, clipboard, hyperlinks; every terminator.
        Case(name: "OSC 0 title, BEL", input: "a\(e)]0;pwned\u{7}b", visible: "ab"),
        Case(name: "OSC 2 title, ESC \\", input: "a\(e)]2;pwned\(e)\\b", visible: "ab"),
        Case(name: "OSC 0 title, C1 ST", input: "a\(e)]0;pwned\u{9c}b", visible: "ab"),
        Case(name: "C1 OSC, BEL", input: "a\u{9d}2;t\u{7}b", visible: "ab"),
        Case(name: "C1 OSC, C1 ST", input: "a\u{9d}0;t\u{9c}b", visible: "ab"),
        Case(name: "OSC 52 clipboard write", input: "x\(e)]52;c;cm0gLXJmIH4K\u{7}y", visible: "xy"),
        Case(name: "OSC 52 clipboard query", input: "\(e)]52;c;?\(e)\\z", visible: "z"),
        Case(name: "OSC 8 hyperlink keeps its text", input: "\(e)]8;;https://evil.example\(e)\\click\(e)]8;;\(e)\\",
             visible: "click"),
        Case(name: "OSC 4 palette change", input: "\(e)]4;1;rgb:ff/ff/ff\u{7}p", visible: "p"),
        Case(name: "OSC unterminated swallows the rest", input: "ok\(e)]0;never ends, hides this", visible: "ok"),
        Case(name: "OSC ended by CAN", input: "a\(e)]0;t\u{18}b", visible: "ab"),
        Case(name: "OSC ended by the next escape", input: "a\(e)]0;t\(e)[31mred", visible: "ared"),
        // CSI: cursor, erase, scroll region, modes, queries.
        Case(name: "CUP", input: "a\(e)[10;20Hb\(e)[Hc\(e)[5;5fd", visible: "abcd"),
        Case(name: "CUU CUD CUF CUB", input: "a\(e)[5Ab\(e)[2Bc\(e)[3Cd\(e)[4De", visible: "abcde"),
        Case(name: "CHA VPA CNL CPL", input: "\(e)[1Gw\(e)[3dx\(e)[2Ey\(e)[Fz", visible: "wxyz"),
        Case(name: "ED", input: "before\(e)[2Jafter\(e)[3J\(e)[J", visible: "beforeafter"),
        Case(name: "EL", input: "abc\(e)[Kdef\(e)[1K\(e)[2K", visible: "abcdef"),
        Case(name: "ICH DCH IL DL ECH", input: "a\(e)[5@b\(e)[3Pc\(e)[2Ld\(e)[M\(e)[9Xe", visible: "abcde"),
        Case(name: "DECSTBM scroll region", input: "\(e)[1;5rtext\(e)[r", visible: "text"),
        Case(name: "SU SD", input: "\(e)[5S\(e)[5Tq", visible: "q"),
        Case(name: "DECSET alternate screen", input: "\(e)[?1049htext\(e)[?1049l", visible: "text"),
        Case(name: "DECRST cursor hidden", input: "\(e)[?25lx\(e)[?25h", visible: "x"),
        Case(name: "mouse modes", input: "\(e)[?1000h\(e)[?1003h\(e)[?1006hm", visible: "m"),
        Case(name: "bracketed paste", input: "\(e)[?2004hp\(e)[201~", visible: "p"),
        Case(name: "DSR cursor position", input: "\(e)[6nq\(e)[5n", visible: "q"),
        Case(name: "DA primary/secondary/tertiary", input: "\(e)[c\(e)[>c\(e)[=c\(e)[0cz", visible: "z"),
        Case(name: "XTWINOPS title report and resize", input: "\(e)[21t\(e)[8;1;1tw", visible: "w"),
        Case(name: "DECSCUSR (intermediate space)", input: "\(e)[2 qcur", visible: "cur"),
        Case(name: "DECRQM (intermediate $)", input: "\(e)[?2026$pm", visible: "m"),
        Case(name: "modifyOtherKeys ends in m but is not SGR", input: "\(e)[>4;1mx", visible: "x"),
        Case(name: "C1 CSI", input: "\u{9b}2J\u{9b}31mred", visible: "red"),
        Case(name: "CSI unterminated at end", input: "end\(e)[12;", visible: "end"),
        Case(name: "C0 inside CSI does not end it", input: "\(e)[3\u{8}1mX", visible: "X"),
        Case(name: "CAN cancels CSI", input: "\(e)[31\u{18}mX", visible: "mX"),
        // Strings: DCS, APC, PM, SOS.
        Case(name: "DCS DECRQSS", input: "a\(e)P$qm\(e)\\b", visible: "ab"),
        Case(name: "DCS sixel", input: "a\(e)Pq#0;2;0;0;0#0~~@@vv$-\(e)\\b", visible: "ab"),
        Case(name: "DCS tmux passthrough", input: "a\(e)Ptmux;\(e)\(e)]0;t\u{7}\(e)\\b", visible: "ab"),
        Case(name: "C1 DCS", input: "a\u{90}1$r\u{9c}b", visible: "ab"),
        Case(name: "APC kitty graphics", input: "a\(e)_Gf=100;AAAA\(e)\\b", visible: "ab"),
        Case(name: "C1 APC", input: "a\u{9f}x\u{9c}b", visible: "ab"),
        Case(name: "PM", input: "a\(e)^private\(e)\\b", visible: "ab"),
        Case(name: "SOS", input: "a\(e)Xstart of string\(e)\\b", visible: "ab"),
        Case(name: "C1 SOS and PM", input: "a\u{98}s\u{9c}b\u{9e}p\u{9c}c", visible: "abc"),
        // Two-byte escapes.
        Case(name: "RIS", input: "a\(e)cb", visible: "ab"),
        Case(name: "DECSC DECRC", input: "a\(e)7b\(e)8c", visible: "abc"),
        Case(name: "charset switch keeps the text", input: "\(e)(0lqqk\(e)(B", visible: "lqqk"),
        Case(name: "DECALN", input: "x\(e)#8y", visible: "xy"),
        Case(name: "keypad modes, IND, NEL, RI, HTS", input: "\(e)=\(e)>\(e)D\(e)E\(e)M\(e)Hk", visible: "k"),
        Case(name: "ESC at end", input: "end\(e)", visible: "end"),
        Case(name: "screen title ESC k: only the escapes go", input: "a\(e)ktitle\(e)\\b", visible: "atitleb"),
        // C0, DEL, C1.
        Case(name: "bare CR cannot overwrite", input: "progress 10%\rprogress 20%", visible: "progress 10%progress 20%"),
        Case(name: "CR LF", input: "line\r\n", visible: "line"),
        Case(name: "backspace cannot overwrite", input: "abc\u{8}\u{8}XY", visible: "abcXY"),
        Case(name: "BEL", input: "ding\u{7}\u{7}", visible: "ding"),
        Case(name: "NUL", input: "a\u{0}b", visible: "ab"),
        Case(name: "VT FF", input: "a\u{b}b\u{c}c", visible: "abc"),
        Case(name: "SO SI", input: "a\u{e}b\u{f}c", visible: "abc"),
        Case(name: "DEL", input: "a\u{7f}b", visible: "ab"),
        Case(name: "C1 NEL IND RI", input: "a\u{85}b\u{84}c\u{8d}d\u{80}", visible: "abcd"),
        Case(name: "tabs expand to spaces", input: "a\tb\tc", visible: "a       b       c"),
        Case(name: "tab after escapes", input: "\(e)[31mab\(e)[0m\tc", visible: "ab      c"),
        Case(name: "tab after wide characters", input: "日本\tx", visible: "日本    x"),
        // Bidi.
        Case(name: "RLO filename spoof", input: "invoice\u{202E}fdp.exe", visible: "invoicefdp.exe"),
        Case(name: "embeddings and overrides", input: "\u{202A}a\u{202B}b\u{202C}c\u{202D}d", visible: "abcd"),
        Case(name: "isolates and marks", input: "\u{2067}a\u{2069}\u{200F}b\u{200E}\u{61C}c\u{2066}\u{2068}",
             visible: "abc"),
        // Invalid UTF-8, decoded by the caller as U+FFFD: a visible placeholder.
        Case(name: "invalid UTF-8", input: String(decoding: [0x61, 0xFF, 0x62, 0xC3, 0x63] as [UInt8], as: UTF8.self),
             visible: "a\u{FFFD}b\u{FFFD}c"),
        Case(name: "raw 8-bit CSI byte is not CSI", input: String(decoding: [0x9B, 0x32, 0x4A, 0x78] as [UInt8], as: UTF8.self),
             visible: "\u{FFFD}2Jx"),
        Case(name: "overlong ESC", input: String(decoding: [0xC0, 0x9B, 0x5B, 0x32, 0x4A] as [UInt8], as: UTF8.self),
             visible: "\u{FFFD}\u{FFFD}[2J"),
        // SGR, kept as style only.
        Case(name: "SGR huge parameter list", input: "\(e)[" + String(repeating: "1;", count: 10_000) + "31mX", visible: "X"),
        Case(name: "SGR huge number", input: "\(e)[99999999999999999999999mX", visible: "X"),
        Case(name: "SGR truecolor", input: "\(e)[38;2;255;0;0mR\(e)[0m", visible: "R"),
        Case(name: "SGR truecolor, colon form", input: "\(e)[38:2::255:0:0mR\(e)[m", visible: "R"),
        Case(name: "SGR 256", input: "\(e)[38;5;208mO\(e)[48;5;17mB", visible: "OB"),
        Case(name: "plain text", input: "nginx: ready (한국어) ✓ — done", visible: "nginx: ready (한국어) ✓ — done"),
    ]

    private static func forbidden(_ v: UInt32) -> Bool {
        v < 0x20 || (0x7F...0x9F).contains(v) || TerminalSafe.isBidiControl(v)
    }

    private func assertSafe(_ output: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        if let bad = output.unicodeScalars.first(where: { Self.forbidden($0.value) }) {
            XCTFail("\(message): forbidden U+\(String(bad.value, radix: 16, uppercase: true))", file: file, line: line)
        }
    }

    func testCorpusIsLargeAndNamed() {
        XCTAssertGreaterThanOrEqual(Self.corpus.count, 40)
        XCTAssertEqual(Set(Self.corpus.map(\.name)).count, Self.corpus.count, "names are unique")
    }

    func testCorpusSanitize() {
        for c in Self.corpus {
            let out = TerminalSafe.sanitize(c.input)
            assertSafe(out, c.name)
            XCTAssertEqual(out, c.visible, c.name)
        }
    }

    func testCorpusSanitizeKeepingSGR() {
        for c in Self.corpus {
            let runs = TerminalSafe.sanitizeKeepingSGR(c.input)
            let out = runs.map(\.text).joined()
            assertSafe(out, c.name)
            XCTAssertEqual(out, c.visible, c.name)
            XCTAssertFalse(runs.contains { $0.text.isEmpty }, "\(c.name): no empty runs")
            for (a, b) in zip(runs, runs.dropFirst()) {
                XCTAssertNotEqual(a.style, b.style, "\(c.name): neighbours of equal style are merged")
            }
        }
    }

    func testCorpusKeepingNewlinesAllowsOnlyLF() {
        for c in Self.corpus {
            for out in [TerminalSafe.sanitize(c.input, keepNewlines: true),
                        TerminalSafe.sanitizeKeepingSGR(c.input, keepNewlines: true).map(\.text).joined()] {
                assertSafe(out.filter { $0 != "\n" }, c.name)
                XCTAssertEqual(out.filter { $0 != "\n" }, c.visible, c.name)
            }
        }
        XCTAssertEqual(TerminalSafe.sanitize("a\r\nb\u{b}c\u{c}d\u{85}e", keepNewlines: true), "a\nbcde")
    }

    func testCorpusStyles() {
        func style(_ input: String) -> [SGRStyle] { TerminalSafe.sanitizeKeepingSGR(input).map(\.style) }
        let e = Self.e
        XCTAssertEqual(style("\(e)[" + String(repeating: "1;", count: 10_000) + "31mX"), [SGRStyle(bold: true)],
                       "parameters past the cap are ignored")
        XCTAssertEqual(style("\(e)[99999999999999999999999mX"), [SGRStyle()])
        XCTAssertEqual(style("\(e)[38;2;255;0;0mR"), [SGRStyle(foreground: 196)])
        XCTAssertEqual(style("\(e)[38:2::255:0:0mR"), [SGRStyle(foreground: 196)], "ISO form with colour space id")
        XCTAssertEqual(style("\(e)[38:2:0:0:255mB"), [SGRStyle(foreground: 21)], "colon form without it")
        XCTAssertEqual(style("\(e)[38:5:208mO"), [SGRStyle(foreground: 208)])
        XCTAssertEqual(style("\(e)[38:2:1:2;1mX"), [SGRStyle(bold: true)], "an incomplete colour group takes nothing after it")
        XCTAssertEqual(style("\(e)[4:3mU\(e)[4:0mN"), [SGRStyle(underline: true), SGRStyle()], "underline styles")
        XCTAssertEqual(style("\(e)[38;5;208mO\(e)[48;5;17mB"),
                       [SGRStyle(foreground: 208), SGRStyle(foreground: 208, background: 17)])
        XCTAssertEqual(style("\(e)[3\u{8}1mX"), [SGRStyle(foreground: 1)], "BS inside CSI is executed, not an end")
        XCTAssertEqual(style("\(e)[?1;31mX"), [SGRStyle()], "private marker: not SGR")
        XCTAssertEqual(style("\(e)[1 mX"), [SGRStyle()], "intermediate byte: not SGR")
        XCTAssertEqual(style("\u{9b}1;4mX"), [SGRStyle(bold: true, underline: true)], "C1 CSI SGR applies")
    }

    func testMegabyteLineWithEscapes() {
        let e = Self.e
        let piece = "log line 0123456789 \(e)[1;31mERR\(e)[0m \(e)]0;t\u{7}\(e)[2K\r|\t"
        let visiblePiece = "log line 0123456789 ERR |       "  // 25 columns, tab to 32
        let count = 1_048_576 / piece.utf8.count + 1
        let input = String(repeating: piece, count: count)
        XCTAssertGreaterThan(input.utf8.count, 1_000_000)
        let expected = String(repeating: visiblePiece, count: count)
        XCTAssertEqual(TerminalSafe.sanitize(input), expected)
        let runs = TerminalSafe.sanitizeKeepingSGR(input)
        XCTAssertEqual(runs.map(\.text).joined(), expected)
        XCTAssertEqual(runs.count, 2 * count + 1)
        XCTAssertEqual(runs[1], StyledRun(text: "ERR", style: SGRStyle(foreground: 1, bold: true)))
    }

    func testMegabyteUnterminatedString() {
        let input = "start\u{1b}P" + String(repeating: "q#0;2;0;0;0~~~~", count: 70_000)
        XCTAssertEqual(TerminalSafe.sanitize(input), "start")
        XCTAssertEqual(TerminalSafe.sanitizeKeepingSGR(input), [StyledRun(text: "start", style: SGRStyle())])
    }

    /// Deterministic, so a failure names a reproducible seed.
    private struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Bytes that start or steer sequences, so random strings hit the parser's corners often.
    private static let interestingBytes: [UInt8] = [
        0x1B, 0x1B, 0x5B, 0x5D, 0x50, 0x5F, 0x5E, 0x58, 0x5C, 0x07, 0x18, 0x1A, 0x0D, 0x0A, 0x09, 0x08, 0x7F,
        0x3B, 0x3A, 0x3F, 0x3E, 0x20, 0x24, 0x30, 0x31, 0x33, 0x38, 0x35, 0x32, 0x6D, 0x48, 0x4A,
        0xC2, 0xC2, 0x9B, 0x9C, 0x9D, 0x90, 0x85, 0xE2, 0x80, 0xAE, 0x81, 0xA6, 0xA9, 0xD8, 0x9C, 0xFF, 0xC0,
    ]

    func testRandomBytesNeverYieldForbiddenScalars() {
        var rng = SplitMix64(state: 0x5EED_2026)
        for round in 0..<4000 {
            let length = Int.random(in: 0...64, using: &rng)
            let bytes: [UInt8] = (0..<length).map { _ in
                Bool.random(using: &rng) ? Self.interestingBytes.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            let input = String(decoding: bytes, as: UTF8.self)
            let plain = TerminalSafe.sanitize(input)
            let runs = TerminalSafe.sanitizeKeepingSGR(input)
            let joined = runs.map(\.text).joined()
            assertSafe(plain, "round \(round) \(bytes)")
            assertSafe(joined, "round \(round) \(bytes)")
            XCTAssertEqual(plain, joined, "round \(round): both agree on the text")
            XCTAssertEqual(TerminalSafe.sanitize(plain), plain, "round \(round): sanitising is idempotent")
            let lines = TerminalSafe.sanitize(input, keepNewlines: true)
            assertSafe(lines.filter { $0 != "\n" }, "round \(round) keepNewlines")
        }
    }

    func testRandomScalarsNeverYieldForbiddenScalars() {
        var rng = SplitMix64(state: 0xC1C1_0B1D)
        let pool: [Unicode.Scalar] = (0x00...0x20).map { Unicode.Scalar(UInt8($0)) }
            + (0x7F...0x9F).map { Unicode.Scalar(UInt8($0)) }
            + ["[", "]", ";", ":", "m", "?", "\\", "P", "_", "^", "X", "3", "8", "5", "2", "a", "한", "\u{FFFD}",
               "\u{202E}", "\u{2066}", "\u{200F}", "\u{61C}", "\u{301}"]
        for round in 0..<3000 {
            var view = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...48, using: &rng) { view.append(pool.randomElement(using: &rng)!) }
            let input = String(view)
            assertSafe(TerminalSafe.sanitize(input), "round \(round)")
            assertSafe(TerminalSafe.sanitizeKeepingSGR(input).map(\.text).joined(), "round \(round)")
        }
    }

    func testPlainFastPathReturnsOneRun() {
        XCTAssertEqual(TerminalSafe.sanitizeKeepingSGR("plain text"), [StyledRun(text: "plain text", style: SGRStyle())])
        XCTAssertEqual(TerminalSafe.sanitizeKeepingSGR(""), [])
        XCTAssertTrue(TerminalSafe.isPlain("ascii, 한국어, ü, 日本"))
        XCTAssertFalse(TerminalSafe.isPlain("a\u{61C}b"), "ALM takes the slow path")
        XCTAssertFalse(TerminalSafe.isPlain("a\u{200F}b"))
    }
}
