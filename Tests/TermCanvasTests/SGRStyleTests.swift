import XCTest
@testable import TermCanvas

final class SGRStyleTests: XCTestCase {
    private func apply(_ params: [Int], to start: SGRStyle = SGRStyle()) -> SGRStyle {
        start.applying(sgrParameters: params)
    }

    func testBasicSixteenColours() {
        for n in 0...7 {
            XCTAssertEqual(apply([30 + n]).foreground, UInt8(n))
            XCTAssertEqual(apply([40 + n]).background, UInt8(n))
        }
    }

    func testBrightColours() {
        for n in 0...7 {
            XCTAssertEqual(apply([90 + n]).foreground, UInt8(8 + n))
            XCTAssertEqual(apply([100 + n]).background, UInt8(8 + n))
        }
    }

    func testIndexedColours() {
        XCTAssertEqual(apply([38, 5, 0]).foreground, 0)
        XCTAssertEqual(apply([38, 5, 255]).foreground, 255)
        XCTAssertEqual(apply([48, 5, 17]).background, 17)
        XCTAssertNil(apply([38, 5, 256]).foreground, "out of range index is ignored")
        XCTAssertNil(apply([38, 5]).foreground, "missing index")
        XCTAssertEqual(apply([38, 5, 196, 1]), SGRStyle(foreground: 196, bold: true), "parameters after the colour apply")
    }

    func testTrueColourMapsToNearest256() {
        XCTAssertEqual(apply([38, 2, 255, 0, 0]).foreground, 196)
        XCTAssertEqual(apply([38, 2, 0, 0, 0]).foreground, 16)
        XCTAssertEqual(apply([38, 2, 255, 255, 255]).foreground, 231)
        XCTAssertEqual(apply([38, 2, 128, 128, 128]).foreground, 244, "grey ramp beats the cube")
        XCTAssertEqual(apply([48, 2, 0, 95, 135]).background, 24)
        XCTAssertEqual(apply([38, 2, 999, -5, 0]).foreground, 196, "components are clamped")
        XCTAssertNil(apply([38, 2, 1, 2]).foreground, "too few components")
        XCTAssertEqual(SGRStyle.nearest256(red: 95, green: 135, blue: 175), 67)
    }

    func testResetVariants() {
        let styled = SGRStyle(foreground: 1, background: 4, bold: true, underline: true, dim: true, reverse: true)
        XCTAssertEqual(apply([0], to: styled), SGRStyle())
        XCTAssertEqual(apply([], to: styled), SGRStyle(), "ESC [ m resets")
        XCTAssertEqual(apply([39], to: styled).foreground, nil)
        XCTAssertEqual(apply([39], to: styled).background, 4)
        XCTAssertEqual(apply([49], to: styled).background, nil)
        XCTAssertEqual(apply([49], to: styled).foreground, 1)
        XCTAssertEqual(apply([1, 0, 32], to: styled), SGRStyle(foreground: 2), "reset in the middle of a list")
    }

    func testAttributesOnAndOff() {
        XCTAssertTrue(apply([1]).bold)
        XCTAssertTrue(apply([4]).underline)
        XCTAssertTrue(apply([2]).dim)
        XCTAssertTrue(apply([7]).reverse)
        let all = apply([1, 2, 4, 7])
        XCTAssertEqual(apply([22], to: all), SGRStyle(underline: true, reverse: true), "22 ends bold and faint")
        XCTAssertEqual(apply([24], to: all), SGRStyle(bold: true, dim: true, reverse: true))
        XCTAssertEqual(apply([27], to: all), SGRStyle(bold: true, underline: true, dim: true))
        XCTAssertEqual(apply([3, 5, 8, 9, 23, 25, 28, 29, 53]), SGRStyle(), "italic, blink, conceal, strike ignored")
    }

    func testStyleFromSGR() {
        let sgr = SGRStyle(foreground: 208, background: 17, bold: true, underline: true, dim: true, reverse: true)
        let style = Style(sgr: sgr)
        XCTAssertEqual(style.role, .normal)
        XCTAssertEqual(style.foreground, 208)
        XCTAssertEqual(style.background, 17)
        XCTAssertTrue(style.bold && style.underline && style.dim && style.reverse)
        XCTAssertTrue(style.hasExplicitColor)

        let plain = Style(sgr: SGRStyle(), role: .error)
        XCTAssertEqual(plain, Style(.error))
        XCTAssertFalse(plain.hasExplicitColor)
        XCTAssertEqual(Style(sgr: SGRStyle(foreground: 2), role: .dim), Style(.dim, foreground: 2))
    }

    func testStyleAttributesAreIndependent() {
        var style = Style(.header, bold: true, dim: true)
        style.bold = false
        XCTAssertFalse(style.bold)
        XCTAssertTrue(style.dim)
        style.underline = true
        style.reverse = true
        XCTAssertEqual(style, Style(.header, underline: true, reverse: true, dim: true))
        XCTAssertNotEqual(Style(.normal, foreground: 1), Style(.normal), "colours take part in equality (and so in hashing)")
        XCTAssertEqual(Style.normal.bolded, Style(.normal, bold: true))
    }

    func testCellStaysTwentyFourBytes() {
        XCTAssertLessThanOrEqual(MemoryLayout<Style>.size, 6)
        XCTAssertEqual(MemoryLayout<Cell>.stride, 24)
    }

    func testSegmentFromRun() {
        let segment = Segment(StyledRun(text: "x", style: SGRStyle(foreground: 9, bold: true)), role: .dim)
        XCTAssertEqual(segment, Segment("x", Style(.dim, bold: true, foreground: 9)))
    }
}
