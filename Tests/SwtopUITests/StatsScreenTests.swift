import DockerEngine
import Foundation
import SwtopStore
@testable import SwtopUI
import TermCanvas
import XCTest

/// `c`: the selected container's charts, or the marked ones' side by side.
final class StatsScreenTests: XCTestCase {
    func render(_ state: UIState, _ snapshot: StoreSnapshot) -> Frame {
        Renderer.render(snapshot, state, now: RecordedSnapshot.now)
    }

    func id(_ snapshot: StoreSnapshot, _ name: String) throws -> String {
        try XCTUnwrap(snapshot.containers.first { $0.name == name }?.id)
    }

    func testCOpensTheSelectedContainersChartsAndEscReturns() throws {
        let snapshot = try RecordedSnapshot.make()
        for (width, height) in [(80, 24), (200, 50)] {
            var state = UIState(width: width, height: height)
            state.selection[.containers] = .container(try id(snapshot, "swtop-running"))
            let (opened, effects) = Reducer.reduce(state, .char("m"), snapshot)
            XCTAssertEqual(effects, [], "no engine request: the store samples already")
            XCTAssertEqual(opened.top(StatsScreen.self)?.ids, [try id(snapshot, "swtop-running")])
            let frame = render(opened, snapshot)
            XCTAssertEqual(frame.visibleContainerIDs, [try id(snapshot, "swtop-running")], "read every tick while charted")
            Snapshots.assert(frame.buffer, "stats-\(width)x\(height)")
            let (back, _) = Reducer.reduce(opened, .escape, snapshot)
            XCTAssertTrue(back.screens.isEmpty)
            XCTAssertEqual(back.selection, state.selection)
        }
    }

    func testMarkedRowsSideBySideAndAStoppedOneSaysSo() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30)
        state.marked = [try id(snapshot, "swtop-web"), try id(snapshot, "swtop-exited"), try id(snapshot, "swtop-logger")]
        let (opened, _) = Reducer.reduce(state, .char("m"), snapshot)
        let ids = try XCTUnwrap(opened.top(StatsScreen.self)?.ids)
        XCTAssertEqual(ids, [try id(snapshot, "swtop-exited"), try id(snapshot, "swtop-logger"), try id(snapshot, "swtop-web")],
                       "in the list's order")
        let lines = render(opened, snapshot).buffer.plainLines()
        XCTAssertTrue(lines[1].hasPrefix("swtop-exited · exited"), lines[1])
        XCTAssertTrue(lines[1].contains("swtop-logger · running"), lines[1])
        XCTAssertTrue(lines[1].contains("swtop-web · running"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("not running: no figures"), lines[2])
        XCTAssertTrue(lines.contains { $0.contains("Network rx 7.2kB/s") }, "swtop-logger's rates: \(lines.joined(separator: "\n"))")

        // Too narrow for three columns of charts: two, and the title says what is left out.
        state.width = 80
        let (narrow, _) = Reducer.reduce(state, .char("m"), snapshot)
        XCTAssertTrue(render(narrow, snapshot).buffer.plainLines()[0].contains("1 more marked: widen the terminal"))
    }

    func testBlockChart() {
        var buffer = ScreenBuffer(width: 5, height: 2)
        BlockChart.draw(&buffer, buffer.bounds, [0, 1, 8, 16], maxValue: 16, style: .normal)
        XCTAssertEqual(buffer.plainLines(), ["    █", "  ▁██"], "right-aligned; 1/16 of the top still shows as an eighth")
        var one = ScreenBuffer(width: 3, height: 1)
        BlockChart.draw(&one, one.bounds, [5, 10, 20, 40], maxValue: 40, style: .normal)
        XCTAssertEqual(one.plainLines(), ["▂▄█"], "the newest samples that fit")
    }
}
