import XCTest
@testable import TermCanvas

final class ScreenBufferTests: XCTestCase {
    func testNewBufferIsBlank() {
        let buffer = ScreenBuffer(width: 3, height: 2)
        XCTAssertEqual(buffer.cells.count, 6)
        XCTAssertEqual(buffer[2, 1], Cell(character: " ", width: 1, style: .normal))
        XCTAssertEqual(buffer.plainLines(), ["", ""])
    }

    func testPutReturnsColumnsAndClipsAtRightEdge() {
        var buffer = ScreenBuffer(width: 5, height: 1)
        XCTAssertEqual(buffer.put("abcdefg", x: 2, y: 0), 3)
        XCTAssertEqual(buffer.plainLines(), ["  abc"])
        XCTAssertEqual(buffer.put("zz", x: 5, y: 0), 0)
        XCTAssertEqual(buffer.put("zz", x: 0, y: 1), 0, "row outside the buffer")
        XCTAssertEqual(buffer.put("zz", x: 0, y: -1), 0)
    }

    func testPutClipsAtLeftEdge() {
        var buffer = ScreenBuffer(width: 5, height: 1)
        buffer.put("abcd", x: -2, y: 0)
        XCTAssertEqual(buffer.plainLines(), ["cd"])
        buffer.put("한국", x: -1, y: 0)
        // The half of 한 left of column 0 is gone, so its visible half is a space.
        XCTAssertEqual(buffer.plainLines(), [" 국"])
        XCTAssertEqual(buffer[0, 0].character, " ")
        XCTAssertEqual(buffer[1, 0].character, "국")
        XCTAssertEqual(buffer[1, 0].width, 2)
        XCTAssertEqual(buffer[2, 0].width, 0)
    }

    func testPutHonoursMaxWidth() {
        var buffer = ScreenBuffer(width: 10, height: 1)
        XCTAssertEqual(buffer.put("abcdef", x: 1, y: 0, maxWidth: 3), 3)
        XCTAssertEqual(buffer.plainLines(), [" abc"])
        XCTAssertEqual(buffer.put("xyz", x: 0, y: 0, maxWidth: 0), 0)
    }

    func testWideCharsOccupyTwoCells() {
        var buffer = ScreenBuffer(width: 8, height: 1)
        XCTAssertEqual(buffer.put("a한국b", x: 0, y: 0, style: .accent), 6)
        XCTAssertEqual(buffer[1, 0], Cell(character: "한", width: 2, style: .accent))
        XCTAssertEqual(buffer[2, 0].width, 0)
        XCTAssertEqual(buffer[3, 0].character, "국")
        XCTAssertEqual(buffer[5, 0].character, "b")
        XCTAssertEqual(buffer.plainLines(), ["a한국b"])
    }

    func testWideCharAtRightEdgeBecomesSpace() {
        var buffer = ScreenBuffer(width: 4, height: 1)
        buffer.fill(buffer.bounds, character: ".")
        XCTAssertEqual(buffer.put("ab한", x: 1, y: 0, style: .error), 3)
        XCTAssertEqual(buffer.plainLines(), [".ab"])
        XCTAssertEqual(buffer[3, 0], Cell(character: " ", width: 1, style: .error))
        var limited = ScreenBuffer(width: 10, height: 1)
        XCTAssertEqual(limited.put("a한", x: 0, y: 0, maxWidth: 2), 2)
        XCTAssertEqual(limited[1, 0].character, " ")
        XCTAssertEqual(limited[1, 0].width, 1)
    }

    func testOverwritingHalfAWideCharBlanksTheOtherHalf() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        buffer.put("한국", x: 0, y: 0, style: .accent)
        buffer.put("x", x: 1, y: 0)  // right half of 한
        XCTAssertEqual(buffer[0, 0], Cell(character: " ", width: 1, style: .accent))
        XCTAssertEqual(buffer[1, 0].character, "x")
        XCTAssertEqual(buffer.plainLines(), [" x국"])

        buffer.put("y", x: 2, y: 0)  // left half of 국
        XCTAssertEqual(buffer[3, 0], Cell(character: " ", width: 1, style: .accent))
        XCTAssertEqual(buffer.plainLines(), [" xy"])
        XCTAssertFalse(buffer.cells.contains { $0.width != 1 }, "no orphaned halves remain")
    }

    func testWideOverWideAtOffsetKeepsInvariant() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        buffer.put("한국어", x: 0, y: 0)
        buffer.put("中", x: 1, y: 0)
        XCTAssertEqual(buffer.plainLines(), [" 中 어"])
        assertWideInvariant(buffer)
    }

    func testControlsNeverReachTheBuffer() {
        var buffer = ScreenBuffer(width: 20, height: 1)
        buffer.put("a\u{1b}[2Jb\tc\u{9b}d\u{301}e", x: 0, y: 0)
        let scalars = buffer.cells.flatMap { $0.character.unicodeScalars.map(\.value) }
        XCTAssertFalse(scalars.contains { $0 < 0x20 || (0x7F...0x9F).contains($0) })
        XCTAssertEqual(buffer.plainLines(), ["a\u{FFFD}[2Jb c\u{FFFD}d\u{301}e"])
        var other = ScreenBuffer(width: 4, height: 1)
        XCTAssertEqual(other.put("\u{301}x", x: 0, y: 0), 1, "a lone combining mark takes no cell")
        XCTAssertEqual(other.plainLines(), ["x"])
    }

    func testClustersUpToFiveScalarsKeepEveryScalarAndLongerOnesTheirBase() {
        // What a curses cell can hold (CCHARW_MAX = 5): the eye in a speech bubble is five scalars.
        let clusters: [String] = ["e\u{301}", "\u{1F1E9}\u{1F1EA}", "\u{1F469}\u{1F3FD}\u{200D}\u{1F4BB}",
                                  "\u{1F441}\u{FE0F}\u{200D}\u{1F5E8}\u{FE0F}"]
        for cluster in clusters {
            let cell = Cell(character: Character(cluster), width: 2)
            XCTAssertEqual(cell.scalarValues, cluster.unicodeScalars.map(\.value), cluster)
            XCTAssertEqual(String(cell.character), cluster)
            XCTAssertNotEqual(cell, Cell(character: Character(String(cluster.unicodeScalars.first!)), width: 2),
                              "the marks take part in equality: a changed mark is drawn again")
        }
        // A family of seven scalars: what the backend always showed of it, its first.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"
        XCTAssertEqual(Cell(character: Character(family), width: 2).scalarValues, [0x1F468])
        var buffer = ScreenBuffer(width: 6, height: 1)
        buffer.put("a" + clusters[3] + "b", x: 0, y: 0)
        XCTAssertEqual(buffer.plainLines(), ["a" + clusters[3] + "b"])
    }

    func testFillAndApplyStyle() {
        var buffer = ScreenBuffer(width: 4, height: 3)
        buffer.fill(Rect(x: 1, y: 1, width: 10, height: 10), style: .border, character: "#")
        XCTAssertEqual(buffer.plainLines(), ["", " ###", " ###"])
        buffer.applyStyle(.selected, to: Rect(x: 0, y: 2, width: 4, height: 1))
        XCTAssertEqual(buffer[3, 2], Cell(character: "#", width: 1, style: .selected))
        XCTAssertEqual(buffer[3, 1].style, .border)
    }

    func testSnapshotFormat() {
        var buffer = ScreenBuffer(width: 6, height: 2)
        buffer.put("한a", x: 0, y: 0, style: .header)
        buffer.put("ok", x: 2, y: 1, style: Style(.running, bold: true))
        let expected = """
        한a
          ok
        --- roles
        hhhnnn
        nnRRnn

        """
        XCTAssertEqual(buffer.snapshot(), expected)
    }

    func testEveryRoleHasADistinctLowercaseLetter() {
        let letters = ColorRole.allCases.map(\.snapshotLetter)
        XCTAssertEqual(Set(letters).count, ColorRole.allCases.count)
        for role in ColorRole.allCases {
            XCTAssertTrue(role.snapshotLetter.isLowercase && role.snapshotLetter.isASCII, "\(role)")
            XCTAssertEqual(ColorRole(snapshotLetter: role.snapshotLetter), role)
            XCTAssertEqual(ColorRole(snapshotLetter: Character(role.snapshotLetter.uppercased())), role)
        }
    }

    func assertWideInvariant(_ buffer: ScreenBuffer, file: StaticString = #filePath, line: UInt = #line) {
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if cell.width == 2 {
                    XCTAssertTrue(x + 1 < buffer.width && buffer[x + 1, y].width == 0, "head at \(x)", file: file, line: line)
                }
                if cell.width == 0 {
                    XCTAssertTrue(x > 0 && buffer[x - 1, y].width == 2, "continuation at \(x)", file: file, line: line)
                }
            }
        }
    }
}

final class ColorSnapshotTests: XCTestCase {
    func testColorSnapshotListsExplicitColourRuns() {
        var buffer = ScreenBuffer(width: 12, height: 3)
        let runs = TerminalSafe.sanitizeKeepingSGR("\u{1b}[31mERROR\u{1b}[0m \u{1b}[1;48;5;17mx\u{1b}[38;5;208my")
        buffer.put(runs.map { Segment($0, role: .dim) }, x: 0, y: 0)
        buffer.put("plain", x: 0, y: 1, style: .error)
        buffer.put("한", x: 0, y: 2, style: Style(foreground: 2))
        XCTAssertEqual(buffer.colorSnapshot(), "0-4:1/- 6-6:-/17 7-7:208/17\n\n0-1:2/-\n")
        XCTAssertEqual(buffer.foregrounds(row: 0), [1, 1, 1, 1, 1, nil, nil, 208, nil, nil, nil, nil])
        XCTAssertEqual(buffer.backgrounds(row: 0)[6...7], [17, 17])
        XCTAssertEqual(buffer.foregrounds(row: 3), [])
        // The role snapshot is unchanged by colours: dim role, bold where SGR 1 was.
        XCTAssertEqual(buffer.snapshot().split(separator: "\n")[4], "ddddddDDnnnn")
    }
}
