import DockerEngine
import Foundation
import SwtopStore
import SwtopUI
import TermCanvas
import XCTest

final class ReducerTests: XCTestCase {
    var snapshot: StoreSnapshot!

    override func setUpWithError() throws {
        snapshot = try RecordedSnapshot.make()
    }

    func press(_ keys: [Key], _ state: UIState) -> (UIState, [Effect]) {
        var state = state
        var effects: [Effect] = []
        for key in keys {
            let (next, more) = Reducer.reduce(state, key, snapshot)
            state = next
            effects += more
        }
        return (state, effects)
    }

    func id(_ name: String) -> String { snapshot.containers.first { $0.name == name }!.id }
    func rowKeys(_ state: UIState) -> [String] { ContainerRows.build(snapshot, state).map(\.key) }

    func testMovesFollowTheDisplayedOrder() {
        let start = UIState(width: 80, height: 24)
        let keys = rowKeys(start)
        XCTAssertEqual(keys.first, "group:demo", "compose groups come first")
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
        XCTAssertTrue(state.collapsedGroups.contains("demo"))
        XCTAssertEqual(effects, [])
        XCTAssertFalse(rowKeys(state).contains(id("swtop-demo-web")))
        (state, effects) = press([.char("j"), .enter], state)
        XCTAssertTrue(state.showDetails)
        XCTAssertEqual(effects, [.inspect(state.selection[.containers]!)])
        (state, effects) = press([.char("j")], state)
        XCTAssertEqual(effects, [.inspect(state.selection[.containers]!)], "moving with details open fetches the next one")
        (state, _) = press([.escape], state)
        XCTAssertFalse(state.showDetails)
    }

    func testFilterEnterKeepsEscClears() {
        var (state, _) = press([.char("/"), .char("K"), .char("o"), .char("r")], UIState(width: 80, height: 24))
        XCTAssertTrue(state.editingFilter)
        XCTAssertEqual(rowKeys(state), [id("swtop-korean")], "case-insensitive substring")
        XCTAssertEqual(state.selection[.containers], id("swtop-korean"))
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
        state.selection[.containers] = id("swtop-running")
        XCTAssertEqual(press([.char("s")], state).1, [.perform(.stop(timeoutSeconds: nil), [Target(id: id("swtop-running"), name: "swtop-running")])])
        state.selection[.containers] = id("swtop-exited")
        XCTAssertEqual(press([.char("s")], state).1, [.perform(.start, [Target(id: id("swtop-exited"), name: "swtop-exited")])])
        state.selection[.containers] = id("swtop-paused")
        XCTAssertEqual(press([.char("p")], state).1, [.perform(.unpause, [Target(id: id("swtop-paused"), name: "swtop-paused")])])
        state.selection[.containers] = id("swtop-web")
        XCTAssertEqual(press([.char("p")], state).1, [.perform(.pause, [Target(id: id("swtop-web"), name: "swtop-web")])])
        XCTAssertEqual(press([.char("r")], state).1, [.perform(.restart(timeoutSeconds: nil), [Target(id: id("swtop-web"), name: "swtop-web")])])
        state.selection[.containers] = id("swtop-created")
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
        XCTAssertEqual(confirm.targets.count, 2)
        XCTAssertEqual(confirm.action, .remove(force: true, volumes: false), "running ones need force")
        let (cancelled, none) = press([.char("n")], state)
        XCTAssertNil(cancelled.confirm)
        XCTAssertEqual(none, [])
        (state, effects) = press([.char("y")], state)
        XCTAssertNil(state.confirm)
        XCTAssertEqual(effects, [.perform(confirm.action, confirm.targets)])
        XCTAssertTrue(state.marked.isEmpty)
    }

    func testKillAsksFirst() {
        var state = UIState(width: 80, height: 24)
        state.selection[.containers] = id("swtop-web")
        let (asking, effects) = press([.ctrl("k")], state)
        XCTAssertEqual(effects, [])
        XCTAssertEqual(asking.confirm?.action, .kill(signal: nil))
        XCTAssertEqual(press([.enter], asking).1, [.perform(.kill(signal: nil), [Target(id: id("swtop-web"), name: "swtop-web")])])
    }

    func testReadOnlyRefusesEveryMutatingKeyAndSendsNothing() {
        var state = UIState(width: 80, height: 24, readOnly: true)
        state.selection[.containers] = id("swtop-web")
        for binding in Keymap.defaults where binding.mutating {
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
        (state, _) = press([.char("1"), .char("o"), .char("o"), .char("o")], state)
        XCTAssertEqual(state.currentSort, SortOrder(column: 3, reversed: false))
        let byCPU = ContainerRows.build(snapshot, state).compactMap(\.container).filter { $0.state == "running" && $0.composeProject == nil }
        let cpus = byCPU.map { snapshot.stats[$0.id]?.cpuPercent ?? -1 }
        XCTAssertEqual(cpus, cpus.sorted(by: >), "cpu sorts busiest first")
        (state, _) = press([.char("O")], state)
        XCTAssertTrue(state.currentSort.reversed)
        let images = ResourceRows.images(snapshot, UIState(width: 80, height: 24))
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

    func testReservedKeysStayUnbound() {
        for key in ["l", "e", "i", "x", "a", "T"] {
            XCTAssertNil(Keymap.binding(for: .char(Character(key))), "\(key) is kept for logs, exec and inspect")
        }
        let all = Keymap.defaults.flatMap(\.keys)
        XCTAssertEqual(all.count, Set(all).count, "no key is bound twice")
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
}
