import DockerEngine
import Foundation
import SwtopStore
@testable import SwtopUI
import TermCanvas
import XCTest

/// NET RX/TX, BLOCK I/O and PIDS beside CPU and memory: shown when the terminal is wide enough or the
/// config chooses them, and the detail pane's graphs and log rows.
final class StatsColumnsTests: XCTestCase {
    func lines(_ state: UIState, _ snapshot: StoreSnapshot, models: SessionModels = SessionModels()) -> [String] {
        Renderer.render(snapshot, state, now: RecordedSnapshot.now, models: models).buffer.plainLines()
    }

    func testNewColumnsAppearAsTheTerminalWidens() throws {
        let snapshot = try RecordedSnapshot.make()
        for width in [99, 120, 140, 159, 160, 179, 180, 200] {
            let header = lines(UIState(width: width, height: 30), snapshot)[1]
            XCTAssertEqual(header.contains("PIDS"), width >= 160, "\(width): \(header)")
            XCTAssertEqual(header.contains("NET RX/TX"), width >= 180, "\(width): \(header)")
            XCTAssertEqual(header.contains("BLOCK I/O"), width >= 180, "\(width): \(header)")
            XCTAssertEqual(header.contains("PORTS"), width >= 100, "\(width): \(header)")
            XCTAssertTrue(header.contains("CPU%") && header.contains("MEM / LIMIT"), "\(width): \(header)")
        }
    }

    /// The frame tells the store whether the figures are on screen: it reads their files only then.
    func testTheFrameSaysWhenFiguresAreShown() throws {
        let snapshot = try RecordedSnapshot.make()
        func shows(_ change: (inout UIState) -> Void) -> Bool {
            var state = UIState(width: 100, height: 30)
            change(&state)
            return Renderer.render(snapshot, state, now: RecordedSnapshot.now).showsFigures
        }
        XCTAssertFalse(shows { _ in }, "100 columns: no NET, BLOCK I/O or PIDS column")
        XCTAssertFalse(shows { $0.width = 140 }, "140 columns: the names keep their width")
        XCTAssertTrue(shows { $0.width = 160 }, "PIDS")
        XCTAssertTrue(shows { $0.columns = [.name, .net] })
        XCTAssertTrue(shows { $0.showDetails = true }, "the detail pane graphs them")
        XCTAssertTrue(shows { $0.sort[.containers] = SortOrder(column: 7) }, "sorted by io")
        XCTAssertTrue(shows { $0.screens = [Screen(StatsScreen(ids: [snapshot.containers[0].id]))] }, "the charts")
        XCTAssertFalse(shows { $0.view = .images })
    }

    func testTheFiguresAsARowShowsThem() throws {
        let snapshot = try RecordedSnapshot.make()
        let screen = lines(UIState(width: 200, height: 30), snapshot)
        let running = try XCTUnwrap(screen.first { $0.hasPrefix("swtop-running ") })
        // swtop-running is container 10 of the fixture: 10 × 123456 + 648 received, 10 × 45678 sent;
        // 10 × 1.5 MB read, (10 % 3) × 20480 written; 10 % 4 + 1 processes.
        XCTAssertTrue(running.contains("  1.2M/457K    15M/20K     3"), running)
        let tty = try XCTUnwrap(screen.first { $0.hasPrefix("swtop-tty ") })
        XCTAssertTrue(tty.contains(" - "), "no network figure: -: \(tty)")
        let exited = try XCTUnwrap(screen.first { $0.hasPrefix("swtop-exited ") })
        XCTAssertTrue(exited.trimmingCharacters(in: .whitespaces).hasSuffix("-          -          -     -"), "a stopped container has no figures: \(exited)")
    }

    func testConfiguredColumnsAreShownInTheirOrderAtAnyWidth() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 80, height: 24)
        state.columns = [.name, .cpu, .mem, .net, .io, .pids]
        state.sort[.containers] = SortOrder(column: 4)  // cpu
        Snapshots.assert(Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer, "containers-columns-80x24")
        let header = lines(state, snapshot)[1]
        XCTAssertTrue(header.hasPrefix("NAME "), header)
        XCTAssertTrue(header.contains("CPU%▼"), "the sort marker is on the CPU column wherever it is: \(header)")
        XCTAssertFalse(header.contains("IMAGE") || header.contains("STATUS"), header)

        state.sort[.containers] = SortOrder(column: 1)  // image, not shown
        XCTAssertFalse(lines(state, snapshot)[1].contains("▲"), "no column to mark")
    }

    /// `o` goes on past memory to net, io and pids, the busiest first, as ctop sorts them.
    func testSortByTheNewFigures() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 200, height: 30)
        for _ in 0..<6 { (state, _) = Reducer.reduce(state, .char("o"), snapshot) }
        XCTAssertEqual(state.notice?.text, "sorted by net ▼ descending")
        let header = lines(state, snapshot)[1]
        XCTAssertTrue(header.contains("NET RX/TX▼"), header)
        let running = snapshot.containers.filter { $0.state == .running && $0.composeProject == nil }
        let order = ContainerRows.build(snapshot, state).compactMap(\.container).filter { item in running.contains { $0.id == item.id } }
        let totals = order.map { snapshot.stats[$0.id]?.network.map { Double($0.incoming + $0.outgoing) } ?? -1 }
        XCTAssertEqual(totals, totals.sorted(by: >))
        XCTAssertEqual(order.last?.name, "swtop-tty", "no figure: last")

        (state, _) = Reducer.reduce(state, .char("o"), snapshot)
        XCTAssertTrue(lines(state, snapshot)[1].contains("BLOCK I/O▼"), "sorted by io: \(lines(state, snapshot)[1])")
        (state, _) = Reducer.reduce(state, .char("o"), snapshot)
        XCTAssertEqual(state.notice?.text, "sorted by pids ▼ descending")
        XCTAssertTrue(lines(state, snapshot)[1].contains("PIDS▼"))
        (state, _) = Reducer.reduce(state, .char("o"), snapshot)
        XCTAssertEqual(state.notice?.text, "sorted by name ▲ ascending", "and round to the name")
    }

    func testCompactBytes() {
        let cases: [(UInt64, String)] = [(0, "0"), (648, "648"), (999, "999"), (1000, "1.0K"), (1234, "1.2K"), (9949, "9.9K"),
                                         (9950, "10K"), (999_499, "999K"), (999_500, "1.0M"), (1_200_000, "1.2M"),
                                         (45_000_000_000, "45G")]
        for (value, text) in cases { XCTAssertEqual(CompactBytes.text(value), text, "\(value)") }
        XCTAssertEqual(CompactBytes.pair(.init(1_200_000, 648)), "1.2M/648")
        XCTAssertEqual(CompactBytes.pair(nil), "-")
    }

    /// The pane's log rows are every row its fields and graphs leave: on 200×50, ten.
    func testDetailPaneLogFillsItsRows() throws {
        let snapshot = try RecordedSnapshot.make()
        let running = try XCTUnwrap(snapshot.containers.first { $0.name == "swtop-running" })
        var state = UIState(width: 200, height: 50)
        state.selection[.containers] = .container(running.id)
        state.showDetails = true
        let effects = Reducer.followDetails(&state, snapshot)
        let detail = try XCTUnwrap(state.detailLogs)
        XCTAssertEqual(effects, [.openSession(detail.session, .logs([detail.source], LogSession.Options(tail: 50)))])
        let model = LogModel(sources: [detail.source], maxLines: 200, maxBytes: 1 << 20)
        model.ingest(LogSession.News(entries: (1...100).map {
            LogEntry(kind: .stdout, source: 0, time: LogTime(nanoseconds: Int64($0) * 1_000_000_000), text: "line \($0)")
        }, states: [.following]))
        let models = SessionModels()
        models.add(model, for: detail.session)
        let screen = lines(state, snapshot, models: models)
        let shown = screen.compactMap { line -> String? in
            guard let range = line.range(of: "line ") else { return nil }
            return String(line[range.lowerBound...]).trimmingCharacters(in: CharacterSet(charactersIn: " │"))
        }
        XCTAssertEqual(shown, (91...100).map { "line \($0)" })
        Snapshots.assert(Renderer.render(snapshot, state, now: RecordedSnapshot.now, models: models).buffer, "details-logs-200x50")
    }

    func testDetailPaneTailFollowsTheTerminalHeight() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 200, height: 120)
        state.selection[.containers] = snapshot.containers.first.map { .container($0.id) }
        state.showDetails = true
        let effects = Reducer.followDetails(&state, snapshot)
        guard case let .openSession(_, .logs(_, options))? = effects.first else { return XCTFail("\(effects)") }
        XCTAssertEqual(options.tail, 120)
    }
}
