import XCTest
@testable import TermCanvas

final class TerminalSafeTests: XCTestCase {
    func testPlainTextIsUntouched() {
        XCTAssertEqual(TerminalSafe.sanitize("nginx: ready (한국어) ✓"), "nginx: ready (한국어) ✓")
    }

    func testRemovesOSCTitleChange() {
        XCTAssertEqual(TerminalSafe.sanitize("\u{1b}]0;pwned\u{7}ok"), "ok")
        XCTAssertEqual(TerminalSafe.sanitize("a\u{1b}]2;title\u{1b}\\b"), "ab")
        XCTAssertEqual(TerminalSafe.sanitize("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b"), "alinkb")
    }

    func testRemovesCSI() {
        XCTAssertEqual(TerminalSafe.sanitize("\u{1b}[2J"), "")
        XCTAssertEqual(TerminalSafe.sanitize("x\u{1b}[2Jy\u{1b}[1;1Hz"), "xyz")
        XCTAssertEqual(TerminalSafe.sanitize("\u{1b}[31mred\u{1b}[0m"), "red")
        XCTAssertEqual(TerminalSafe.sanitize("\u{1b}[?1049h\u{1b}[?25l!"), "!")
        XCTAssertEqual(TerminalSafe.sanitize("\u{1b}[6n"), "", "device status report would make the terminal type a reply")
    }

    func testRemovesC1Controls() {
        XCTAssertEqual(TerminalSafe.sanitize("\u{9b}31mred"), "red", "8-bit CSI")
        XCTAssertEqual(TerminalSafe.sanitize("a\u{9d}0;t\u{9c}b"), "ab", "8-bit OSC ... ST")
        XCTAssertEqual(TerminalSafe.sanitize("a\u{85}b\u{80}c"), "abc")
    }

    func testRemovesDeviceControlAndPrivateStrings() {
        XCTAssertEqual(TerminalSafe.sanitize("a\u{1b}Pq#0;2;0;0;0\u{1b}\\b"), "ab", "DCS (sixel)")
        XCTAssertEqual(TerminalSafe.sanitize("a\u{1b}_Gf=100;AAAA\u{1b}\\b"), "ab", "APC (kitty graphics)")
        XCTAssertEqual(TerminalSafe.sanitize("a\u{1b}^secret\u{1b}\\b"), "ab", "PM")
        XCTAssertEqual(TerminalSafe.sanitize("a\u{1b}Xsos\u{1b}\\b"), "ab", "SOS")
    }

    func testRemovesTwoByteAndCharsetEscapes() {
        XCTAssertEqual(TerminalSafe.sanitize("a\u{1b}cb"), "ab", "RIS full reset")
        XCTAssertEqual(TerminalSafe.sanitize("a\u{1b}7\u{1b}8b"), "ab")
        XCTAssertEqual(TerminalSafe.sanitize("a\u{1b}(0qqq\u{1b}(Bb"), "aqqqb", "charset switch removed, text kept")
        XCTAssertEqual(TerminalSafe.sanitize("trailing\u{1b}"), "trailing")
    }

    func testRemovesOtherControls() {
        XCTAssertEqual(TerminalSafe.sanitize("a\rb"), "ab")
        XCTAssertEqual(TerminalSafe.sanitize("bell\u{7}"), "bell")
        XCTAssertEqual(TerminalSafe.sanitize("abc\u{8}\u{8}xy"), "abcxy", "backspace cannot overwrite")
        XCTAssertEqual(TerminalSafe.sanitize("del\u{7f}"), "del")
        XCTAssertEqual(TerminalSafe.sanitize("line1\nline2"), "line1line2")
        XCTAssertEqual(TerminalSafe.sanitize("line1\nline2", keepNewlines: true), "line1\nline2")
        XCTAssertEqual(TerminalSafe.sanitize("nul\u{0}x"), "nulx")
    }

    func testRemovesBidiOverrides() {
        XCTAssertEqual(TerminalSafe.sanitize("file\u{202E}gpj.exe"), "filegpj.exe")
        XCTAssertEqual(TerminalSafe.sanitize("\u{2066}a\u{2069}\u{202A}b\u{202C}"), "ab")
    }

    func testExpandsTabsFromLineStart() {
        XCTAssertEqual(TerminalSafe.sanitize("a\tb"), "a       b")
        XCTAssertEqual(TerminalSafe.sanitize("abcdefgh\tx"), "abcdefgh        x")
        XCTAssertEqual(TerminalSafe.sanitize("한\tx"), "한      x", "a wide char counts two columns")
        XCTAssertEqual(TerminalSafe.sanitize("ab\ncd\te", keepNewlines: true), "ab\ncd      e")
        XCTAssertEqual(TerminalSafe.sanitize("\u{1b}[1mab\u{1b}[0m\tc"), "ab      c", "escape sequences take no columns")
    }

    func testSGRRuns() {
        let runs = TerminalSafe.sanitizeKeepingSGR("plain \u{1b}[1;31mERROR\u{1b}[0m done")
        XCTAssertEqual(runs, [
            StyledRun(text: "plain ", style: SGRStyle()),
            StyledRun(text: "ERROR", style: SGRStyle(foreground: 1, bold: true)),
            StyledRun(text: " done", style: SGRStyle()),
        ])
    }

    func testSGRExtendedAndBrightColours() {
        let runs = TerminalSafe.sanitizeKeepingSGR("\u{1b}[38;5;208mA\u{1b}[48;5;17;4mB\u{1b}[92;49;24mC\u{1b}[39mD")
        XCTAssertEqual(runs.map(\.text), ["A", "B", "C", "D"])
        XCTAssertEqual(runs[0].style, SGRStyle(foreground: 208))
        XCTAssertEqual(runs[1].style, SGRStyle(foreground: 208, background: 17, underline: true))
        XCTAssertEqual(runs[2].style, SGRStyle(foreground: 10))
        XCTAssertEqual(runs[3].style, SGRStyle())
    }

    func testSGRTrueColourMapsToPalette() {
        let runs = TerminalSafe.sanitizeKeepingSGR("\u{1b}[38;2;255;0;0mR\u{1b}[38;2;128;128;128mG\u{1b}[mN")
        XCTAssertEqual(runs.map(\.style.foreground), [196, 244, nil])
    }

    func testSGRDropsOtherSequencesAndMergesEqualRuns() {
        let runs = TerminalSafe.sanitizeKeepingSGR("\u{1b}[32ma\u{1b}]0;x\u{7}\u{1b}[2Kb\u{1b}[32mc\rd")
        XCTAssertEqual(runs, [StyledRun(text: "abcd", style: SGRStyle(foreground: 2))])
        XCTAssertEqual(TerminalSafe.sanitizeKeepingSGR(""), [])
        XCTAssertEqual(TerminalSafe.sanitizeKeepingSGR("\u{1b}[31m\u{1b}[0m"), [])
    }

    func testPrivateModeSequenceEndingInMIsNotSGR() {
        // ESC [ > 4 ; 1 m (xterm modifyOtherKeys) must be dropped, not taken as bold/underline.
        let runs = TerminalSafe.sanitizeKeepingSGR("\u{1b}[>4;1mx")
        XCTAssertEqual(runs, [StyledRun(text: "x", style: SGRStyle())])
    }
}
