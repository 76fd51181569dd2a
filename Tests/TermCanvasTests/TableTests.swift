import XCTest
@testable import TermCanvas

final class TableTests: XCTestCase {
    private func makeTable(rows: Int, selected: Int?, offset: Int = 0) -> Table {
        Table(columns: [Table.Column("NAME", width: .flex(min: 4, weight: 1)),
                        Table.Column("CPU", width: .fixed(5), alignment: .right)],
              rows: (0..<rows).map { Table.Row(["c\($0)", "\($0)%"]) },
              selectedIndex: selected, scrollOffset: offset)
    }

    func testScrollOffsetKeepsSelectionVisible() {
        XCTAssertEqual(Table.scrollOffset(selected: 0, current: 0, visibleRows: 5, rowCount: 20), 0)
        XCTAssertEqual(Table.scrollOffset(selected: 7, current: 0, visibleRows: 5, rowCount: 20), 3)
        XCTAssertEqual(Table.scrollOffset(selected: 2, current: 6, visibleRows: 5, rowCount: 20), 2)
        XCTAssertEqual(Table.scrollOffset(selected: 5, current: 3, visibleRows: 5, rowCount: 20), 3, "already visible: no jump")
        XCTAssertEqual(Table.scrollOffset(selected: 1, current: 15, visibleRows: 5, rowCount: 3), 0, "shrunk list")
        XCTAssertEqual(Table.scrollOffset(selected: nil, current: 50, visibleRows: 5, rowCount: 20), 15)
    }

    func testDrawScrollsToSelectionAndHighlightsIt() {
        var buffer = ScreenBuffer(width: 12, height: 4)
        let table = makeTable(rows: 10, selected: 6)
        let offset = table.draw(into: &buffer, in: buffer.bounds)
        XCTAssertEqual(offset, 4)
        XCTAssertEqual(buffer.plainLines(), ["NAME     CPU", "c4        4%", "c5        5%", "c6        6%"])
        XCTAssertEqual(buffer[0, 0].style.role, .header)
        XCTAssertEqual((0..<12).map { buffer[$0, 3].style.role }, Array(repeating: .selected, count: 12))
        XCTAssertEqual(buffer[0, 2].style.role, .normal)
    }

    func testColumnWidthsFlexAndOverflow() {
        let table = Table(columns: [Table.Column("A", width: .fixed(3)),
                                    Table.Column("B", width: .flex(min: 2, weight: 1)),
                                    Table.Column("C", width: .flex(min: 2, weight: 3))], rows: [])
        XCTAssertEqual(table.columnWidths(totalWidth: 20), [3, 4, 11])
        XCTAssertEqual(table.columnWidths(totalWidth: 20).reduce(0, +) + 2, 20)
        XCTAssertEqual(table.columnWidths(totalWidth: 6), [3, 2, 0], "columns that don't fit get nothing")
    }

    func testKoreanCellsAlign() {
        let table = Table(columns: [Table.Column("NAME", width: .fixed(8)),
                                    Table.Column("STATE", width: .fixed(7), alignment: .right)],
                          rows: [Table.Row(["한국어-웹서버", "실행중"]), Table.Row(["web", "up"])])
        var buffer = ScreenBuffer(width: 16, height: 3)
        table.draw(into: &buffer, in: buffer.bounds)
        XCTAssertEqual(buffer.plainLines(), ["NAME       STATE", "한국어-…  실행중", "web           up"])
        // The second column starts at column 9 on every row, whatever the first column held.
        XCTAssertEqual(buffer[8, 1].character, " ")
        XCTAssertEqual(buffer[10, 1].character, "실")
        XCTAssertEqual(buffer[15, 2].character, "p")
    }

    func testCellRoleOverrideMarkedRowsAndSanitising() {
        let table = Table(columns: [Table.Column("N", width: .fixed(4)), Table.Column("S", width: .fixed(4))],
                          rows: [Table.Row(["a\u{1b}[2Jb", "up"], cellRoles: [nil, .running]),
                                 Table.Row(["m", "x"], isMarked: true),
                                 Table.Row(["s", "y"], cellRoles: [nil, .exited], isMarked: true)],
                          selectedIndex: 2, showsHeader: false)
        var buffer = ScreenBuffer(width: 9, height: 3)
        table.draw(into: &buffer, in: buffer.bounds)
        XCTAssertEqual(buffer.plainLines()[0], "ab   up")
        XCTAssertEqual(buffer[0, 0].style.role, .normal)
        XCTAssertEqual(buffer[5, 0].style.role, .running)
        XCTAssertEqual(buffer[0, 1].style.role, .marked)
        XCTAssertEqual(buffer[5, 2].style.role, .selectedMarked, "selection wins over the cell role")
    }

    func testEmptyMessageAndIndicators() {
        var buffer = ScreenBuffer(width: 12, height: 3)
        var table = makeTable(rows: 0, selected: nil)
        table.emptyMessage = "no rows"
        table.draw(into: &buffer, in: buffer.bounds)
        XCTAssertEqual(buffer.plainLines()[1], " no rows")
        XCTAssertEqual(buffer[1, 1].style.role, .dim)

        var scrolled = makeTable(rows: 10, selected: 5)
        scrolled.showsScrollIndicators = true
        var other = ScreenBuffer(width: 12, height: 3)
        XCTAssertEqual(scrolled.draw(into: &other, in: other.bounds), 4)
        XCTAssertEqual(other[11, 1].character, "▲")
        XCTAssertEqual(other[11, 2].character, "▼")
    }

    /// The markers take a column of their own: every row's text is whole beside them.
    func testScrollIndicatorsNeverCoverARowsText() {
        let columns = [Table.Column("NAME", width: .flex(min: 1, weight: 1))]
        let rows = (0..<10).map { Table.Row(["row-\($0)-abcdefghijk"]) }
        let table = Table(columns: columns, rows: rows, selectedIndex: 5, scrollOffset: 0, showsScrollIndicators: true)
        var buffer = ScreenBuffer(width: 12, height: 3)
        table.draw(into: &buffer, in: buffer.bounds)
        XCTAssertEqual(buffer.plainLines()[1], "row-4-abcd…▲")
        XCTAssertEqual(buffer.plainLines()[2], "row-5-abcd…▼")
        let unscrolled = Table(columns: columns, rows: Array(rows.prefix(2)), selectedIndex: 0, showsScrollIndicators: true)
        var whole = ScreenBuffer(width: 12, height: 3)
        unscrolled.draw(into: &whole, in: whole.bounds)
        XCTAssertEqual(whole.plainLines()[1], "row-0-abcde…", "no markers, no column kept for them")
    }
}
