import DockerEngine
import Foundation
import SwtopStore
import SwtopUI
import TermCanvas
import XCTest

/// Every view at 80×24 and 200×50, drawn from recorded engine payloads.
final class ScreenSnapshotTests: XCTestCase {
    static let sizes = [(80, 24), (200, 50)]

    func draw(_ name: String, state configure: (inout UIState, StoreSnapshot) -> Void = { _, _ in },
              snapshot change: (inout StoreSnapshot) -> Void = { _ in }) throws {
        var snapshot = try RecordedSnapshot.make()
        change(&snapshot)
        for (width, height) in Self.sizes {
            var state = UIState(width: width, height: height)
            configure(&state, snapshot)
            let frame = Renderer.render(snapshot, state, now: RecordedSnapshot.now)
            Snapshots.assert(frame.buffer, "\(name)-\(width)x\(height)")
        }
    }

    func testContainers() throws {
        try draw("containers")
    }

    func testContainersWithDetails() throws {
        try draw("details") { state, snapshot in
            state.selection[.containers] = snapshot.containers.first { $0.name == "swtop-running" }.map { .container($0.id) }
            state.showDetails = true
        }
    }

    func testImages() throws {
        try draw("images") { state, _ in state.view = .images }
    }

    func testVolumes() throws {
        try draw("volumes") { state, _ in state.view = .volumes }
    }

    func testNetworks() throws {
        try draw("networks") { state, _ in state.view = .networks }
    }

    func testHelpIsTheKeymap() throws {
        try draw("help") { state, _ in state.showHelp = true }
    }

    /// Every key can be read on a small terminal: the help scrolls (PgDn here) and says where it stands;
    /// on a wide one every description is whole.
    func testHelpListsEveryBindingEvenOnASmallScreen() throws {
        let snapshot = try RecordedSnapshot.make()
        for (width, height) in [(80, 24), (60, 12), (200, 50)] {
            var state = UIState(width: width, height: height)
            (state, _) = Reducer.reduce(state, .char("?"), snapshot)
            XCTAssertTrue(state.showHelp)
            var pages: [String] = []
            for _ in 0..<20 {
                let text = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines().joined(separator: "\n")
                pages.append(text)
                let before = state.helpScroll
                (state, _) = Reducer.reduce(state, .pageDown, snapshot)
                if state.helpScroll == before { break }
            }
            let seen = pages.joined(separator: "\n")
            for binding in KeymapSet.defaults.bindings(.containers) {
                XCTAssertTrue(seen.contains(binding.keyText), "\(width)x\(height): \(binding.keyText) missing from help")
            }
            if pages.count > 1 {
                XCTAssertTrue(pages[0].contains("1–") && pages[0].contains("of \(KeymapSet.defaults.bindings(.containers).count) · j/k PgUp/PgDn scroll"),
                              "\(width)x\(height): the position line\n\(pages[0])")
            }
            if width == 200 {
                XCTAssertEqual(pages.count, 1, "every key on one screen at 200x50")
                for binding in KeymapSet.defaults.bindings(.containers) {
                    XCTAssertTrue(seen.contains(binding.description), "\(width)x\(height): '\(binding.description)' cut")
                }
            }
            (state, _) = Reducer.reduce(state, .char("g"), snapshot)
            XCTAssertEqual(state.helpScroll, 0)
            (state, _) = Reducer.reduce(state, .escape, snapshot)
            XCTAssertFalse(state.showHelp)
        }
    }

    /// Space marks the row and moves down; a marked row carries ✓ in a gutter of its own (readable
    /// without colour), and the gutter goes when the last mark does.
    func testMarkedRowsCarryACheckMark() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30)
        let running = try XCTUnwrap(snapshot.containers.first { $0.name == "swtop-running" })
        state.selection[.containers] = .container(running.id)
        func lines() -> [String] { Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines() }
        let before = lines()
        let row = try XCTUnwrap(before.firstIndex { $0.hasPrefix("swtop-running") })
        let header = try XCTUnwrap(before.firstIndex { $0.hasPrefix("NAME") })
        (state, _) = Reducer.reduce(state, .char(" "), snapshot)
        let marked = lines()
        XCTAssertTrue(marked[row].hasPrefix("✓ swtop-running"), marked[row])
        XCTAssertTrue(marked[row + 1].hasPrefix("  ") && !marked[row + 1].hasPrefix("  ✓"), "an unmarked row: a blank gutter")
        XCTAssertTrue(marked[header].hasPrefix("  NAME"), "the header moves with the cells")
        (state, _) = Reducer.reduce(state, .char(" "), snapshot)
        XCTAssertTrue(lines()[row + 1].hasPrefix("✓ "), "Space moved down: the next row marked")
        XCTAssertEqual(state.marked.count, 2)
        for key in [Key.char("k"), .char("k"), .char(" "), .char(" ")] { (state, _) = Reducer.reduce(state, key, snapshot) }
        XCTAssertEqual(state.marked.count, 0, "Space again unmarks")
        XCTAssertEqual(lines()[row], before[row], "no mark: no gutter")
    }

    /// Under CPU ▼ the busiest rows come first, and a compose group stands where its busiest member
    /// does (it stayed on top under every sort before); STATUS says it sorts by creation.
    func testSortPlacesComposeGroupsByTheirMembersAndSaysWhatStatusSortsBy() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30)
        state.sort[.containers] = SortOrder(column: 4)
        var lines = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines()
        let body = lines.drop { !$0.hasPrefix("NAME") }.dropFirst()
        XCTAssertFalse(body.first?.contains("compose") ?? true, "a busier standalone container comes first: \(body.prefix(3))")
        let group = try XCTUnwrap(body.firstIndex { $0.contains("▾ demo") })
        XCTAssertTrue(body[group + 1].contains("swtop-demo"), "the members right under their header")
        XCTAssertGreaterThan(group, body.startIndex, "not pinned on top")
        XCTAssertTrue(lines.contains { $0.contains("CPU%▼") }, "the marker on CPU%")
        state.sort[.containers] = SortOrder(column: 3)
        lines = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines()
        XCTAssertTrue(lines.contains { $0.contains("STATUS (created)▼") }, lines.joined(separator: "\n"))
    }

    /// A message too long for the status line says "(M: whole)"; M lists every message whole, wrapped,
    /// with its time, newest first, and closes with Esc.
    func testLongMessagesAreKeptWholeInTheHistory() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 80, height: 24)
        let long = ActionResult(text: "start swtop-created: OCI runtime create failed: runc create failed: unable to start container process: "
                                    + "exec: \"/no/such/binary\": stat /no/such/binary: no such file or directory: unknown", isError: true)
        state.notice = long
        state.messages.record(ActionResult(text: "stopped swtop-web", isError: false), at: Date(timeIntervalSince1970: 1_700_000_000))
        state.messages.record(long, at: Date(timeIntervalSince1970: 1_700_000_060))
        state.messages.record(long, at: Date(timeIntervalSince1970: 1_700_000_061))
        XCTAssertEqual(state.messages.entries.count, 2, "the same message twice in a row is kept once")
        var lines = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines()
        XCTAssertTrue(lines[22].hasSuffix("(M: whole)"), lines[22])
        (state, _) = Reducer.reduce(state, .char("M"), snapshot)
        XCTAssertTrue(state.showMessages)
        lines = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines()
        let text = lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Messages, newest first"), text)
        XCTAssertTrue(text.contains("22:14:20  start swtop-created: OCI runtime create failed"), text)
        XCTAssertTrue(text.contains("directory: unknown"), "the end of the long message, wrapped: \(text)")
        XCTAssertTrue(text.contains("22:13:20  stopped swtop-web"), text)
        let newest = try XCTUnwrap(lines.firstIndex { $0.contains("22:14:20") })
        let older = try XCTUnwrap(lines.firstIndex { $0.contains("22:13:20") })
        XCTAssertLessThan(newest, older, "newest first")
        (state, _) = Reducer.reduce(state, .escape, snapshot)
        XCTAssertFalse(state.showMessages)
    }

    func testConfirmDialog() throws {
        try draw("confirm-remove") { state, snapshot in
            let item = snapshot.containers.first { $0.name == "swtop-web" }!
            state.selection[.containers] = .container(item.id)
            (state, _) = Reducer.reduce(state, .char("d"), snapshot)
        }
    }

    func testFilterWhileTyping() throws {
        try draw("filter-typing") { state, snapshot in
            for key in [Key.char("/"), .char("d"), .char("e"), .char("m")] { (state, _) = Reducer.reduce(state, key, snapshot) }
        }
    }

    func testMarkedRowsAndHiddenStopped() throws {
        try draw("marked-running-only") { state, snapshot in
            state.showStopped = false
            state.marked = Set(snapshot.containers.filter { ["swtop-tty", "swtop-web"].contains($0.name) }.map(\.id))
        }
    }

    func testUnreachableBannerKeepsTheLastKnownState() throws {
        try draw("unreachable", snapshot: { snapshot in
            snapshot.connection = .unreachable(reason: "connection refused (is the engine running?)",
                                               retryingAt: RecordedSnapshot.now.addingTimeInterval(3))
        })
    }

    func testConnectingBeforeTheFirstList() throws {
        try draw("connecting", snapshot: { snapshot in snapshot = StoreSnapshot(); snapshot.endpoint = "unix:///var/run/docker.sock" })
    }

    func testReadOnlyRefusalIsShown() throws {
        try draw("read-only-refusal") { state, snapshot in
            state.readOnly = true
            (state, _) = Reducer.reduce(state, .char("d"), snapshot)
        }
    }

    func testKoreanComposeGroupAndLabelsAlign() throws {
        try draw("korean", state: { state, snapshot in
            state.selection[.containers] = snapshot.containers.first { $0.name == "swtop-korean" }.map { .container($0.id) }
            state.showDetails = true
        }, snapshot: { snapshot in
            for index in snapshot.containers.indices where snapshot.containers[index].name.hasPrefix("swtop-demo") {
                snapshot.containers[index].labels["com.docker.compose.project"] = "한국어앱"
            }
        })
    }

    func testTooSmallTerminalShowsANotice() throws {
        let snapshot = try RecordedSnapshot.make()
        for (width, height) in [(19, 5), (30, 4), (8, 2)] {
            let frame = Renderer.render(snapshot, UIState(width: width, height: height), now: RecordedSnapshot.now)
            let first = frame.buffer.plainLines().first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?
                .trimmingCharacters(in: .whitespaces) ?? ""
            XCTAssertTrue(first.hasPrefix(width >= 11 ? "swtop needs" : "swtop"), "\(width)x\(height): \(first)")
        }
        let smallest = Renderer.render(snapshot, UIState(width: 20, height: 5), now: RecordedSnapshot.now)
        Snapshots.assert(smallest.buffer, "containers-20x5")
        let tiny = Renderer.render(snapshot, UIState(width: 30, height: 10), now: RecordedSnapshot.now)
        Snapshots.assert(tiny.buffer, "containers-30x10")
    }

    func testZeroSizeDoesNotCrash() throws {
        let snapshot = try RecordedSnapshot.make()
        for (width, height) in [(0, 0), (1, 1), (0, 24), (80, 0)] {
            let frame = Renderer.render(snapshot, UIState(width: width, height: height), now: RecordedSnapshot.now)
            XCTAssertEqual(frame.buffer.width, width)
        }
    }
}
