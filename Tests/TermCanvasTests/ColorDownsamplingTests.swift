import XCTest
@testable import TermCanvas

final class ColorDownsamplingTests: XCTestCase {
    func testRGBOfIndices() {
        XCTAssertTrue(ColorDownsampling.rgb(of: 1) == (205, 0, 0))
        XCTAssertTrue(ColorDownsampling.rgb(of: 16) == (0, 0, 0))
        XCTAssertTrue(ColorDownsampling.rgb(of: 196) == (255, 0, 0))
        XCTAssertTrue(ColorDownsampling.rgb(of: 208) == (255, 135, 0))
        XCTAssertTrue(ColorDownsampling.rgb(of: 67) == (95, 135, 175))
        XCTAssertTrue(ColorDownsampling.rgb(of: 231) == (255, 255, 255))
        XCTAssertTrue(ColorDownsampling.rgb(of: 232) == (8, 8, 8))
        XCTAssertTrue(ColorDownsampling.rgb(of: 255) == (238, 238, 238))
    }

    func testTwoFiftySixIsIdentity() {
        for i in 0...255 {
            XCTAssertEqual(ColorDownsampling.map(UInt8(i), to: .xterm256), UInt8(i))
        }
    }

    func testNoColourDropsEverything() {
        for i in 0...255 {
            XCTAssertNil(ColorDownsampling.map(UInt8(i), to: .none))
        }
    }

    func testSixteen() {
        for i in 0...15 {
            XCTAssertEqual(ColorDownsampling.map(UInt8(i), to: .ansi16), UInt8(i), "ANSI colours stay")
        }
        let cases: [(UInt8, UInt8)] = [
            (16, 0), (196, 9), (46, 10), (21, 4), (226, 11), (231, 15), (124, 1), (208, 3),
            (232, 0), (244, 8), (250, 7), (255, 7), (201, 13), (51, 14),
        ]
        for (index, expected) in cases {
            XCTAssertEqual(ColorDownsampling.map(index, to: .ansi16), expected, "index \(index)")
        }
    }

    func testEight() {
        for i in 0...7 {
            XCTAssertEqual(ColorDownsampling.map(UInt8(i), to: .ansi8), UInt8(i))
            XCTAssertEqual(ColorDownsampling.map(UInt8(i + 8), to: .ansi8), UInt8(i), "bright becomes its base")
            XCTAssertFalse(ColorDownsampling.brightensWithBold(UInt8(i), on: .ansi8))
            XCTAssertTrue(ColorDownsampling.brightensWithBold(UInt8(i + 8), on: .ansi8))
            XCTAssertFalse(ColorDownsampling.brightensWithBold(UInt8(i + 8), on: .ansi16))
        }
        let cases: [(UInt8, UInt8)] = [(196, 1), (46, 2), (21, 4), (244, 7), (240, 0), (231, 7), (16, 0), (124, 1), (208, 3), (250, 7), (232, 0)]
        for (index, expected) in cases {
            XCTAssertEqual(ColorDownsampling.map(index, to: .ansi8), expected, "index \(index)")
        }
        XCTAssertFalse(ColorDownsampling.brightensWithBold(196, on: .ansi8))
    }

    func testEveryIndexMapsInRange() {
        for i in 0...255 {
            XCTAssertLessThan(ColorDownsampling.map(UInt8(i), to: .ansi16)!, 16)
            XCTAssertLessThan(ColorDownsampling.map(UInt8(i), to: .ansi8)!, 8)
        }
    }
}
