import XCTest
@testable import TermCanvas

final class WidgetTests: XCTestCase {
    func testSparklineLevelsRightAligned() {
        let spark = Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7], maxValue: 7)
        XCTAssertEqual(spark.render(width: 8), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(spark.render(width: 3), "▆▇█", "newest values kept")
        XCTAssertEqual(Sparkline(values: [7, 7], maxValue: 7).render(width: 5), "   ██")
        XCTAssertEqual(Sparkline(values: [100, 50, 0, .nan, 200], maxValue: 100).render(width: 5), "█▅▁▁█")
        XCTAssertEqual(Sparkline(values: [2, 4]).render(width: 2), "▅█", "max defaults to the largest value")
        XCTAssertEqual(Sparkline(values: [0, 0]).render(width: 2), "▁▁")
        XCTAssertEqual(Sparkline(values: [1]).render(width: 0), "")
    }

    func testSparklineDraw() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        Sparkline(values: [1, 2], maxValue: 2).draw(into: &buffer, x: 1, y: 0, width: 4)
        XCTAssertEqual(buffer.plainLines(), ["   ▅█"])
        XCTAssertEqual(buffer[4, 0].style.role, .accent)
    }

    func testStatusBar() {
        var buffer = ScreenBuffer(width: 30, height: 1)
        let bar = StatusBar(left: "swtop", right: "3/5", hints: [KeyHint("q", "Quit"), KeyHint("F1", "Help"), KeyHint("x", "Very long")])
        bar.draw(into: &buffer, in: buffer.bounds)
        XCTAssertEqual(buffer.plainLines(), ["swtop q Quit  F1 Help      3/5"], "the hint that does not fit whole is left out")
        let roles = String(buffer.snapshot().split(separator: "\n").last!)
        XCTAssertEqual(roles, "bbbbbbKbbbbbbbKKbbbbbbbbbbbbbb")
    }

    func testBoxDrawsFrameAndTitle() {
        var buffer = ScreenBuffer(width: 12, height: 4)
        let inner = Box(title: "logs").draw(into: &buffer, in: buffer.bounds)
        XCTAssertEqual(inner, Rect(x: 1, y: 1, width: 10, height: 2))
        XCTAssertEqual(buffer.plainLines(), ["┌─ logs ───┐", "│          │", "│          │", "└──────────┘"])
        XCTAssertEqual(buffer[3, 0].style, .title)
        XCTAssertEqual(buffer[0, 0].style, .border)
    }

    func testDialogCentredWithButtons() {
        var buffer = ScreenBuffer(width: 30, height: 9)
        let dialog = Dialog(title: "Remove", message: ["Remove web-1?"], buttons: [KeyHint("y", "Yes"), KeyHint("n", "No")])
        let frame = dialog.draw(into: &buffer, in: buffer.bounds)
        XCTAssertEqual(frame, Rect(x: 5, y: 1, width: 20, height: 6))
        let lines = buffer.plainLines()
        XCTAssertEqual(lines[1], "     ┌─ Remove ─────────┐")
        XCTAssertEqual(lines[3], "     │ Remove web-1?    │")
        XCTAssertEqual(lines[5], "     │ [y] Yes   [n] No │")
        XCTAssertEqual(lines[6], "     └──────────────────┘")
        XCTAssertEqual(buffer[8, 5].style, Style(.dialog, bold: true))
        XCTAssertEqual(buffer[6, 4].style.role, .dialog)
    }

    func testTextBlockWrapsByColumns() {
        XCTAssertEqual(TextBlock.wrap("the quick brown fox", width: 10), ["the quick", "brown fox"])
        XCTAssertEqual(TextBlock.wrap("한국어 텍스트입니다", width: 6), ["한국어", "텍스트", "입니다"])
        XCTAssertEqual(TextBlock.wrap("abcdefghij", width: 4), ["abcd", "efgh", "ij"])
        XCTAssertEqual(TextBlock.wrap("", width: 4), [""])
        for piece in TextBlock.wrap("긴단어가아주길다 and more", width: 5) {
            XCTAssertLessThanOrEqual(piece.displayWidth, 5, piece)
        }
    }

    func testTextBlockDrawClipsAndScrolls() {
        var buffer = ScreenBuffer(width: 5, height: 2)
        let block = TextBlock(lines: ["one", "two\u{1b}[2J", "three-long"], scrollOffset: 1)
        XCTAssertEqual(block.draw(into: &buffer, in: buffer.bounds), 3)
        XCTAssertEqual(buffer.plainLines(), ["two", "three"])
    }

    func testKeyDescriptions() {
        XCTAssertEqual(Key.ctrl("c").description, "Ctrl-C")
        XCTAssertEqual(Key.char(" ").description, "Space")
        XCTAssertEqual(Key.function(5).description, "F5")
        XCTAssertEqual(Key.pageDown.description, "PgDn")
        XCTAssertNotEqual(Key.char("q"), Key.ctrl("q"))
    }
}
