import DockerEngine
import Foundation
import SwtopStore
@testable import SwtopUI
import TermCanvas
import XCTest

final class ReducerTests: XCTestCase {
    var snapshot: StoreSnapshot!

    override func setUpWithError() throws {
        snapshot = try RecordedSnapshot.make()
    }

    func press(_ keys: [Key], _ state: UIState) -> (UIState, [Effect]) {
        SwtopUITests.press(keys, state, snapshot)
    }

    func id(_ name: String) -> String { snapshot.containers.first { $0.name == name }!.id }
    func key(_ name: String) -> RowKey { .container(id(name)) }
    func rowKeys(_ state: UIState) -> [RowKey] { ContainerRows.build(snapshot, state).map(\.key) }

    func testMovesFollowTheDisplayedOrder() {
        let start = UIState(width: 80, height: 24)
        let keys = rowKeys(start)
        XCTAssertEqual(keys.first, .composeGroup("demo"), "compose groups come first")
        var (state, _) = press([.char("j"), .char("j"), .down], start)
        XCTAssertEqual(state.selection[.containers], keys[3])
        (state, _) = press([.char("k")], state)
        XCTAssertEqual(state.selection[.containers], keys[2])
        (state, _) = press([.char("G")], state)
        XCTAssertEqual(state.selection[.containers], keys.last)
        (state, _) = press([.char("j")], state)
        XCTAssertEqual(state.selection[.containers], keys.last, "stays at the bottom")
        (state, _) = press([.char("g")], state)
        XCTAssertEqual(state.selection[.containers], keys.first)
        (state, _) = press([.pageDown], state)
        XCTAssertEqual(state.selection[.containers], keys[min(keys.count - 1, 20)])
    }

    func testEnterFoldsAGroupAndOpensDetails() {
        var (state, effects) = press([.enter], UIState(width: 80, height: 24))
        XCTAssertTrue(state.collapsedGroups.contains(.composeGroup("demo")))
        XCTAssertEqual(effects, [])
        XCTAssertFalse(rowKeys(state).contains(key("swtop-demo-web")))
        (state, effects) = press([.char("j"), .enter], state)
        XCTAssertTrue(state.showDetails)
        XCTAssertEqual(effects, [.inspect(state.selection[.containers]!.id, engine: "")])
        (state, effects) = press([.char("j")], state)
        XCTAssertEqual(effects, [.inspect(state.selection[.containers]!.id, engine: "")], "moving with details open fetches the next one")
        (state, _) = press([.escape], state)
        XCTAssertFalse(state.showDetails)
    }

    func testFilterEnterKeepsEscClears() {
        var (state, _) = press([.char("/"), .char("K"), .char("o"), .char("r")], UIState(width: 80, height: 24))
        XCTAssertTrue(state.editingFilter)
        XCTAssertEqual(rowKeys(state), [key("swtop-korean")], "case-insensitive substring")
        XCTAssertEqual(state.selection[.containers], key("swtop-korean"))
        (state, _) = press([.enter], state)
        XCTAssertFalse(state.editingFilter)
        XCTAssertEqual(state.currentFilter, "Kor")
        (state, _) = press([.char("j")], state)  // keys act normally again
        XCTAssertEqual(state.currentFilter, "Kor")
        (state, _) = press([.char("/"), .backspace, .backspace, .backspace, .char("w"), .char("e"), .char("b"), .escape], state)
        XCTAssertEqual(state.currentFilter, "", "Esc while typing clears")
        XCTAssertEqual(rowKeys(state).count, snapshot.containers.count + 1)
    }

    func testStartStopChoosesByState() {
        var state = UIState(width: 80, height: 24)
        state.selection[.containers] = key("swtop-running")
        XCTAssertEqual(press([.char("s")], state).1, [.perform(.stop(timeoutSeconds: nil), [Target(id: id("swtop-running"), name: "swtop-running")])])
        state.selection[.containers] = key("swtop-exited")
        XCTAssertEqual(press([.char("s")], state).1, [.perform(.start, [Target(id: id("swtop-exited"), name: "swtop-exited")])])
        state.selection[.containers] = key("swtop-paused")
        XCTAssertEqual(press([.char("p")], state).1, [.perform(.unpause, [Target(id: id("swtop-paused"), name: "swtop-paused")])])
        state.selection[.containers] = key("swtop-web")
        XCTAssertEqual(press([.char("p")], state).1, [.perform(.pause, [Target(id: id("swtop-web"), name: "swtop-web")])])
        XCTAssertEqual(press([.char("r")], state).1, [.perform(.restart(timeoutSeconds: nil), [Target(id: id("swtop-web"), name: "swtop-web")])])
        state.selection[.containers] = key("swtop-created")
        let (refused, effects) = press([.char("p")], state)
        XCTAssertEqual(effects, [])
        XCTAssertEqual(refused.notice?.isError, true)
    }

    func testRemoveAsksFirstAndAppliesToMarkedRows() {
        var (state, effects) = press([.char("j"), .char("j"), .char(" "), .char(" ")], UIState(width: 80, height: 24))
        XCTAssertEqual(state.marked.count, 2)
        (state, effects) = press([.char("d")], state)
        XCTAssertEqual(effects, [], "nothing is sent before the answer")
        let confirm = try! XCTUnwrap(state.confirm)
        guard case let .perform(action, targets)? = confirm.effects.first else { return XCTFail("\(confirm.effects)") }
        XCTAssertEqual(targets.count, 2)
        XCTAssertEqual(action, .remove(force: true, volumes: false), "running ones need force")
        let (cancelled, none) = press([.char("n")], state)
        XCTAssertNil(cancelled.confirm)
        XCTAssertEqual(none, [])
        (state, effects) = press([.char("y")], state)
        XCTAssertNil(state.confirm)
        XCTAssertEqual(effects, [.perform(action, targets)])
        XCTAssertTrue(state.marked.isEmpty)
    }

    func testKillAsksFirst() {
        var state = UIState(width: 80, height: 24)
        state.selection[.containers] = key("swtop-web")
        let (asking, effects) = press([.ctrl("k")], state)
        XCTAssertEqual(effects, [])
        XCTAssertEqual(asking.confirm?.effects, [.perform(.kill(signal: nil), [Target(id: id("swtop-web"), name: "swtop-web")])])
        XCTAssertEqual(press([.enter], asking).1, [.perform(.kill(signal: nil), [Target(id: id("swtop-web"), name: "swtop-web")])])
    }

    func testReadOnlyRefusesEveryMutatingKeyAndSendsNothing() {
        var state = UIState(width: 80, height: 24, readOnly: true)
        state.selection[.containers] = key("swtop-web")
        for binding in KeymapSet.defaults.bindings(.containers) where binding.mutating {
            let (next, effects) = press([binding.keys[0]], state)
            XCTAssertEqual(effects, [], binding.description)
            XCTAssertNil(next.confirm, binding.description)
            XCTAssertTrue(next.notice?.text.hasPrefix("read-only") ?? false, binding.description)
        }
    }

    func testViewsAndSort() {
        var (state, _) = press([.tab], UIState(width: 80, height: 24))
        XCTAssertEqual(state.view, .images)
        (state, _) = press([.char("4")], state)
        XCTAssertEqual(state.view, .networks)
        (state, _) = press([.backTab], state)
        XCTAssertEqual(state.view, .volumes)
        (state, _) = press([.char("1"), .char("o"), .char("o"), .char("o"), .char("o")], state)
        XCTAssertEqual(state.currentSort, SortOrder(column: 4, reversed: false))
        XCTAssertEqual(state.notice?.text, "sorted by cpu ▼ descending")
        let byCPU = ContainerRows.build(snapshot, state).compactMap(\.container).filter { $0.state == .running && $0.composeProject == nil }
        let cpus = byCPU.map { snapshot.stats[$0.id]?.cpuPercent ?? -1 }
        XCTAssertEqual(cpus, cpus.sorted(by: >), "cpu sorts busiest first")
        (state, _) = press([.char("O")], state)
        XCTAssertTrue(state.currentSort.reversed)
        XCTAssertEqual(state.notice?.text, "sorted by cpu ▲ ascending (reversed; O again restores)", "O says what it did")
        let header = Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines()[1]
        XCTAssertTrue(header.contains("CPU%▲"), "the sorted column is marked: \(header)")
        XCTAssertFalse(header.contains("NAME▲"), header)
        let images = ResourceRows.images(snapshot, UIState(width: 80, height: 24), now: RecordedSnapshot.now)
        XCTAssertTrue(images.contains { $0.cells[0] == "<none> (untagged)" && $0.cells[5] == "dangling" })
    }

    func testQuitSuspendRedrawAndResize() {
        XCTAssertEqual(press([.char("q")], UIState(width: 80, height: 24)).1, [.quit])
        XCTAssertEqual(press([.ctrl("c")], UIState(width: 80, height: 24)).1, [.quit])
        XCTAssertEqual(press([.ctrl("z")], UIState(width: 80, height: 24)).1, [.suspend])
        XCTAssertEqual(press([.ctrl("l")], UIState(width: 80, height: 24)).1, [.redraw])
        let (resized, _) = press([.resize(width: 30, height: 10)], UIState(width: 80, height: 24))
        XCTAssertEqual(resized.width, 30)
        XCTAssertEqual(resized.height, 10)
    }

    /// `?` opens the help over the dashboard and over every screen, and Esc closes it (the help, quit,
    /// suspend and redraw keys are shared by every keymap).
    func testQuestionMarkOpensAndEscClosesTheHelpOnEveryScreen() {
        let target = Target(id: "c1", name: "web")
        let screens: [Screen?] = [
            nil,
            .logs(LogScreen(sources: [LogSession.Source(id: "c1", name: "web")], tail: 10)),
            .layers(LayerScreen(request: LayerRequest(target: .image(id: "sha256:1", name: "img")))),
            .inspect(InspectScreen(request: InspectRequest(kind: .container, id: "c1", name: "web"))),
            .run(RunScreen(request: RunRequest(target: target, commandLine: "ls"))),
            .processes(ProcessScreen(target: target)),
            .swarm(SwarmScreen(kind: .services)),
            .swarm(SwarmScreen(kind: .tasks(serviceID: "s1", name: "web"))),
            .swarm(SwarmScreen(kind: .nodes)),
        ]
        for screen in screens {
            var state = UIState(width: 120, height: 30)
            if let screen { state.screens = [screen] }
            let (opened, effects) = Reducer.reduce(state, .char("?"), snapshot)
            XCTAssertTrue(opened.showHelp, "? on \(String(describing: screen))")
            XCTAssertEqual(effects, [])
            let (closed, _) = Reducer.reduce(opened, .escape, snapshot)
            XCTAssertFalse(closed.showHelp, "Esc closes the help on \(String(describing: screen))")
            XCTAssertEqual(closed.screens, opened.screens, "Esc closed the help, not the screen")
            XCTAssertEqual(Reducer.reduce(state, .ctrl("c"), snapshot).1, [.quit])
            XCTAssertEqual(Reducer.reduce(state, .ctrl("l"), snapshot).1, [.redraw])
        }
    }

    func testExecInspectKeysAreBoundAndNoKeyIsBoundTwice() {
        let expected: [String: Command] = ["e": .exec, "E": .execCommand, "x": .runCommand, "a": .attach, "T": .processes,
                                           "i": .inspect]
        for (key, command) in expected {
            XCTAssertEqual(KeymapSet.defaults.binding(for: .char(Character(key)), on: .containers)?.command, command, key)
        }
        for key in ["e", "E", "x", "a"] {
            XCTAssertEqual(KeymapSet.defaults.binding(for: .char(Character(key)), on: .containers)?.mutating, true, "\(key) runs things in a container: --read-only refuses it")
        }
        XCTAssertEqual(KeymapSet.defaults.binding(for: .char("T"), on: .containers)?.mutating, false)
        XCTAssertEqual(KeymapSet.defaults.binding(for: .char("i"), on: .containers)?.mutating, false)
        XCTAssertEqual(KeymapSet.defaults.binding(for: .char("l"), on: .containers)?.command, .logs)
        for keymap in ScreenName.allCases.map(KeymapSet.defaults.bindings) {
            let all = keymap.flatMap(\.keys)
            XCTAssertEqual(all.count, Set(all).count, "no key is bound twice in one keymap")
        }
    }

    func testHostileNamesNeverReachTheScreenRaw() throws {
        var hostile = snapshot!
        hostile.containers[0].name = "evil\u{1b}]0;pwned\u{07}\u{1b}[2Jname"
        hostile.containers[0].image = "img\u{9b}31m\r\nnext"
        let frame = Renderer.render(hostile, UIState(width: 120, height: 30), now: RecordedSnapshot.now)
        for cell in frame.buffer.cells {
            for scalar in cell.character.unicodeScalars {
                XCTAssertFalse(scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value), "control U+\(String(scalar.value, radix: 16)) in a cell")
            }
        }
        XCTAssertTrue(frame.buffer.plainLines().joined().contains("evilname"))
    }

    /// The filter is a substring of what names a container (name, image, compose project and service,
    /// id), not of its status text, and letters scattered over a name do not match.
    func testFilterMatchesSubstringsOfNamesNotStatusOrScatteredLetters() {
        var state = UIState(width: 80, height: 24)
        for statusWord in ["ago", "Up ", "minutes"] {
            state.filter[.containers] = statusWord
            XCTAssertEqual(ContainerRows.build(snapshot, state).count, 0, "“\(statusWord)” is status text, not a name")
        }
        state.filter[.containers] = "swtp"
        XCTAssertEqual(ContainerRows.build(snapshot, state).count, 0, "scattered letters do not match")
        state.filter[.containers] = "EXITED"
        XCTAssertEqual(ContainerRows.build(snapshot, state).compactMap(\.container).map(\.name), ["swtop-exited"])
        state.filter[.containers] = String(id("swtop-web").prefix(6))
        XCTAssertEqual(ContainerRows.build(snapshot, state).compactMap(\.container).map(\.name), ["swtop-web"], "an id prefix")
    }

    /// Images filter on their tags and id, not on the "… ago" text the renderer words from the clock.
    func testImageFilterUsesDataNotRenderedTime() {
        var state = UIState(width: 80, height: 24)
        state.view = .images
        state.filter[.images] = "ago"
        XCTAssertEqual(ResourceRows.images(snapshot, state, now: RecordedSnapshot.now).count, 0)
        state.filter[.images] = "untagged"
        XCTAssertFalse(ResourceRows.images(snapshot, state, now: RecordedSnapshot.now).isEmpty)
    }

    /// PgDn moves by the rows on screen: fewer with the detail pane open.
    func testPageDownMovesByTheVisibleRows() {
        var state = UIState(width: 80, height: 40)
        state.selection[.containers] = rowKeys(state).first
        let keys = rowKeys(state)
        let (plain, _) = press([.pageDown], state)
        XCTAssertEqual(plain.selection[.containers], keys[min(keys.count - 1, 40 - 3 - 1)])
        state.showDetails = true
        state.selection[.containers] = keys[0]
        let (detailed, _) = press([.pageDown], state)
        let body = Layout.splitForDetails(Rect(x: 0, y: 0, width: 80, height: 37)).list.height - 1
        XCTAssertEqual(detailed.selection[.containers], keys[min(keys.count - 1, body)], "page = \(body) rows")
        XCTAssertLessThan(body, 37 - 1)
    }

    /// --read-only hides the hints of keys it refuses; Enter's hint shows only where Enter opens something.
    func testHintsFollowTheViewAndReadOnly() {
        func hints(_ state: UIState) -> String { Renderer.render(snapshot, state, now: RecordedSnapshot.now).buffer.plainLines().last ?? "" }
        var state = UIState(width: 200, height: 30)
        XCTAssertTrue(hints(state).contains("s start/stop"), hints(state))
        XCTAssertTrue(hints(state).contains("Enter details"), hints(state))
        state.readOnly = true
        XCTAssertFalse(hints(state).contains("start/stop"), hints(state))
        XCTAssertFalse(hints(state).contains("remove"), hints(state))
        state.view = .volumes
        state.readOnly = false
        XCTAssertFalse(hints(state).contains("details"), hints(state))
        let (next, effects) = press([.enter], state)
        XCTAssertEqual(effects, [])
        XCTAssertTrue(next.notice?.text.contains("no detail pane for volumes") ?? false, next.notice?.text ?? "")
        // On images, Enter opens the selected image's layers (read-only keeps it: it changes nothing).
        state.view = .images
        state.readOnly = true
        XCTAssertTrue(hints(state).contains("Enter details"), hints(state))
        let (opened, openEffects) = press([.enter], state)
        guard case let .openSession(_, .layers(request))? = openEffects.first, case let .image(id, _) = request.target,
              opened.top(LayerScreen.self) != nil else {
            return XCTFail("Enter on an image should open its layers: \(openEffects)")
        }
        XCTAssertEqual(id, ResourceRows.imageKeys(snapshot, state).first?.id)
    }

    /// STATUS comes from the engine's timestamps against the frame's clock, and agrees with the pane.
    func testStatusIsComputedFromTimestampsAndKeepsCounting() {
        let item = snapshot.containers.first { $0.name == "swtop-running" }!
        let started = Date(timeIntervalSince1970: 1_700_000_000)
        let timing = ContainerTiming(startedAt: started)
        XCTAssertEqual(StatusText.of(item, timing, now: started.addingTimeInterval(0.4)), "Up Less than a second")
        XCTAssertEqual(StatusText.of(item, timing, now: started.addingTimeInterval(42)), "Up 42 seconds")
        XCTAssertEqual(StatusText.of(item, timing, now: started.addingTimeInterval(3 * 60 + 5)), "Up 3 minutes")
        XCTAssertEqual(StatusText.of(item, timing, now: started.addingTimeInterval(3 * 86400)), "Up 3 days")
        var exited = snapshot.containers.first { $0.name == "swtop-exited" }!
        XCTAssertEqual(StatusText.of(exited, ContainerTiming(finishedAt: started, exitCode: 3), now: started.addingTimeInterval(90)),
                       "Exited (3) About a minute ago")
        exited.status = "Exited (3) 2 weeks ago"
        XCTAssertEqual(StatusText.of(exited, nil, now: started), "Exited (3) 2 weeks ago", "no timestamps yet: the engine's text")
        var state = UIState(width: 200, height: 50)
        state.selection[.containers] = .container(item.id)
        state.showDetails = true
        var withTiming = snapshot!
        withTiming.timing[item.id] = timing
        let screen = Renderer.render(withTiming, state, now: started.addingTimeInterval(42)).buffer.plainLines()
        XCTAssertEqual(screen.filter { $0.contains("Up 42 seconds") }.count, 2, "list and pane agree:\n\(screen.joined(separator: "\n"))")
    }

    /// The STATE column holds the longest state text whole: a restart under way.
    func testStateColumnHoldsRestarting() {
        var pending = snapshot!
        let item = pending.containers.first { $0.name == "swtop-web" }!
        pending.pending[item.id] = .restart(timeoutSeconds: nil)
        for width in [80, 200] {
            let lines = Renderer.render(pending, UIState(width: width, height: 30), now: RecordedSnapshot.now).buffer.plainLines()
            let row = lines.first { $0.hasPrefix("swtop-web ") } ?? ""
            XCTAssertTrue(row.contains(" restarting… "), "\(width) columns: \(row)")
        }
    }
}
