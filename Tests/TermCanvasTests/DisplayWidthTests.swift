import XCTest
@testable import TermCanvas

final class DisplayWidthTests: XCTestCase {
    func testASCIIIsOneColumnEach() {
        XCTAssertEqual("hello".displayWidth, 5)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar("~")), 1)
        XCTAssertEqual("".displayWidth, 0)
    }

    func testHangulIsTwoColumnsPerSyllable() {
        XCTAssertEqual("한국어".displayWidth, 6)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0xAC00)!), 2)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0xD7A3)!), 2)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0xD7A4)!), 1)
        // Conjoining jamo: the leading consonant is wide, the vowel and final consonant add nothing.
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x1100)!), 2)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x1161)!), 0)
        XCTAssertEqual("\u{1100}\u{1161}\u{11A8}".displayWidth, 2)
    }

    func testCJKAndFullwidth() {
        XCTAssertEqual("中文".displayWidth, 4)
        XCTAssertEqual("日本語テキスト".displayWidth, 14)
        XCTAssertEqual("ＡＢ".displayWidth, 4)
        XCTAssertEqual("\u{3000}".displayWidth, 2)
        XCTAssertEqual("ｱ".displayWidth, 1, "halfwidth katakana stays narrow")
    }

    func testEmoji() {
        XCTAssertEqual("🐳".displayWidth, 2)
        XCTAssertEqual("🚀".displayWidth, 2)
        XCTAssertEqual("🤖".displayWidth, 2)
        XCTAssertEqual("❤".displayWidth, 1, "text presentation by default")
        XCTAssertEqual("❤\u{FE0F}".displayWidth, 2, "VS16 asks for emoji presentation")
        XCTAssertEqual("👨‍👩‍👧".displayWidth, 2, "a ZWJ sequence is one cluster as wide as its first emoji")
        XCTAssertEqual("a\u{FE0F}".displayWidth, 1, "VS16 after a non-emoji base changes nothing")
    }

    func testZeroWidthScalars() {
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x301)!), 0, "combining acute")
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x200D)!), 0, "ZWJ")
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0xFE0F)!), 0, "VS16 alone")
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x1B)!), 0, "ESC")
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x85)!), 0, "C1 NEL")
        XCTAssertEqual("e\u{301}".displayWidth, 1)
        XCTAssertEqual("cafe\u{301}!".displayWidth, 5)
        XCTAssertEqual("\u{301}".displayWidth, 0, "a lone combining mark")
    }

    func testTruncateMixedKoreanAndASCII() {
        XCTAssertEqual(DisplayWidth.truncate("web-한국어-1", toColumns: 20), "web-한국어-1")
        // budget 7 before the ellipsis: "web-" (4) + "한" (2) = 6, "국" would make 8.
        XCTAssertEqual(DisplayWidth.truncate("web-한국어-1", toColumns: 8), "web-한…")
        XCTAssertEqual(DisplayWidth.truncate("web-한국어-1", toColumns: 8).displayWidth, 7)
        XCTAssertEqual(DisplayWidth.truncate("한국어", toColumns: 5), "한국…")
        XCTAssertEqual(DisplayWidth.truncate("한국어", toColumns: 1), "…")
        XCTAssertEqual(DisplayWidth.truncate("한국어", toColumns: 0), "")
    }

    func testPadIsExactWidthAndBlanksSplitWideChar() {
        XCTAssertEqual(DisplayWidth.pad("ab", toColumns: 5), "ab   ")
        XCTAssertEqual(DisplayWidth.pad("ab", toColumns: 5, alignment: .right), "   ab")
        XCTAssertEqual(DisplayWidth.pad("ab", toColumns: 5, alignment: .center), " ab  ")
        XCTAssertEqual(DisplayWidth.pad("a한국", toColumns: 4), "a한 ")
        XCTAssertEqual(DisplayWidth.pad("a한국", toColumns: 4).displayWidth, 4)
        XCTAssertEqual(DisplayWidth.pad("한국", toColumns: 3, alignment: .right), "한 ")
        XCTAssertEqual(DisplayWidth.fit("한국어입니다", toColumns: 6), "한국… ")
        XCTAssertEqual(DisplayWidth.fit("x", toColumns: 3, alignment: .right), "  x")
    }
}
