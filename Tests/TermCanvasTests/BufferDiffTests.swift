import XCTest
@testable import TermCanvas

final class BufferDiffTests: XCTestCase {
    func testUnchangedBufferHasNoRuns() {
        var buffer = ScreenBuffer(width: 10, height: 3)
        buffer.put("hello 한국", x: 0, y: 1, style: .accent)
        XCTAssertEqual(buffer.changes(from: buffer), [])
    }

    func testNoPreviousOrOtherSizeGivesEveryRow() {
        let buffer = ScreenBuffer(width: 4, height: 2)
        let full = buffer.changes(from: nil)
        XCTAssertEqual(full.map(\.y), [0, 1])
        XCTAssertEqual(full.map(\.x), [0, 0])
        XCTAssertEqual(full.map(\.cells.count), [4, 4])
        XCTAssertEqual(buffer.changes(from: ScreenBuffer(width: 5, height: 2)).count, 2)
    }

    func testOnlyChangedCellsInRuns() {
        let old = ScreenBuffer(width: 10, height: 2)
        var new = old
        new.put("ab", x: 1, y: 0)
        new.put("z", x: 7, y: 0)
        new.put("q", x: 9, y: 1, style: .error)
        let runs = new.changes(from: old)
        XCTAssertEqual(runs.count, 3)
        XCTAssertEqual(runs[0], Run(y: 0, x: 1, cells: [Cell(character: "a"), Cell(character: "b")]))
        XCTAssertEqual(runs[1], Run(y: 0, x: 7, cells: [Cell(character: "z")]))
        XCTAssertEqual(runs[2], Run(y: 1, x: 9, cells: [Cell(character: "q", style: .error)]))
    }

    func testStyleOnlyChangeIsAChange() {
        var old = ScreenBuffer(width: 3, height: 1)
        old.put("abc", x: 0, y: 0)
        var new = old
        new.applyStyle(.selected, to: Rect(x: 1, y: 0, width: 1, height: 1))
        XCTAssertEqual(new.changes(from: old), [Run(y: 0, x: 1, cells: [Cell(character: "b", style: .selected)])])
    }

    func testRunsKeepWideCharactersWhole() {
        var old = ScreenBuffer(width: 6, height: 1)
        old.put("a한b", x: 0, y: 0)
        var new = old
        // Only the continuation cell's style differs: the run must still start at the wide character.
        new.applyStyle(.accent, to: Rect(x: 2, y: 0, width: 1, height: 1))
        let runs = new.changes(from: old)
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs[0].x, 1)
        XCTAssertEqual(runs[0].cells.map(\.width), [2, 0])

        var headOnly = old
        headOnly.applyStyle(.accent, to: Rect(x: 1, y: 0, width: 1, height: 1))
        let headRuns = headOnly.changes(from: old)
        XCTAssertEqual(headRuns.map(\.x), [1])
        XCTAssertEqual(headRuns[0].cells.count, 2, "a run ending on a wide head includes its continuation")
    }
}
