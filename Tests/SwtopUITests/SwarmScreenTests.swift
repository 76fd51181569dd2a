import DockerEngine
import Foundation
import SwtopStore
@testable import SwtopUI
import TermCanvas
import TestSupport
import XCTest

/// The swarm screens on payloads recorded from a one-node swarm on engine 20.10 (Fixtures/swarm):
/// services web (replicated 2, a published port), agent (global), batch (replicated job, done) and
/// broken (an image that is not there: rejected tasks with the engine's error).
final class SwarmScreenTests: XCTestCase {
    static let fixtures = Repo.root.appendingPathComponent("Tests/SwtopUITests/Fixtures/swarm")
    /// A little after the recording, so "… ago" is fixed.
    static let now = RelativeTime.parse("2026-11-30T05:12:00Z")!

    static func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    static func listing() throws -> SwarmListing {
        SwarmListing(services: try load([SwarmService].self, "services.json"), tasks: try load([SwarmTask].self, "tasks.json"),
                     nodes: try load([SwarmNode].self, "nodes.json"))
    }

    func managerSnapshot() throws -> StoreSnapshot {
        var snapshot = try RecordedSnapshot.make()
        snapshot.swarm = SwarmRole(try Self.load(SwarmInfo.self, "info-swarm.json"))
        return snapshot
    }

    func state(_ kind: SwarmScreen.Kind, width: Int = 120, height: Int = 30, readOnly: Bool = false) throws -> UIState {
        var state = UIState(width: width, height: height, readOnly: readOnly)
        state.screens = [.swarm(SwarmScreen(kind: kind, listing: try Self.listing(), session: SessionID(7)))]
        return state
    }

    func text(_ state: UIState) throws -> String {
        Renderer.render(try managerSnapshot(), state, now: Self.now).buffer.plainLines().joined(separator: "\n")
    }

    func swarmScreen(_ state: UIState) -> SwarmScreen? {
        if let screen = state.top(SwarmScreen.self) { return screen }
        return nil
    }

    func press(_ state: UIState, _ keys: [Key]) throws -> (UIState, [Effect]) {
        SwtopUITests.press(keys, state, try managerSnapshot())
    }

    func cursor(on name: String, _ state: UIState) throws -> UIState {
        var state = state
        guard var screen = state.top(SwarmScreen.self), let listing = screen.listing else { return state }
        switch screen.kind {
        case .services: screen.cursor = listing.services.firstIndex { $0.name == name } ?? 0
        case .nodes: screen.cursor = listing.nodes.firstIndex { $0.hostname == name } ?? 0
        case .tasks: break
        }
        state.screens[state.screens.count - 1] = .swarm(screen)
        return state
    }

    // MARK: - Rendering

    func testFixturesDecodeAsTheCLIShowsThem() throws {
        let listing = try Self.listing()
        XCTAssertEqual(listing.services.map(\.name), ["agent", "batch", "broken", "web"])
        let web = try XCTUnwrap(listing.services.first { $0.name == "web" })
        XCTAssertEqual(web.mode, .replicated(replicas: 2))
        XCTAssertEqual(SwarmText.replicas(web), "2/2")
        XCTAssertEqual(web.ports.map(\.text), ["*:18090->80/tcp"])
        let batch = try XCTUnwrap(listing.services.first { $0.name == "batch" })
        XCTAssertEqual(SwarmText.replicas(batch), "0/1 (1/1 completed)", "as docker service ls printed it")
        XCTAssertEqual(listing.services.first { $0.name == "agent" }?.mode, .global)
        XCTAssertEqual(listing.nodes.map(\.managerStatus), ["Leader"])
    }

    func testScreensSnapshots() throws {
        let snapshot = try managerSnapshot()
        let web = try XCTUnwrap(try Self.listing().services.first { $0.name == "web" })
        let broken = try XCTUnwrap(try Self.listing().services.first { $0.name == "broken" })
        let cases: [(String, SwarmScreen.Kind)] = [
            ("swarm-services", .services), ("swarm-nodes", .nodes),
            ("swarm-tasks-web", .tasks(serviceID: web.ID, name: web.name)),
            ("swarm-tasks-broken", .tasks(serviceID: broken.ID, name: broken.name)),
        ]
        for (name, kind) in cases {
            for (width, height) in ScreenSnapshotTests.sizes {
                let frame = Renderer.render(snapshot, try state(kind, width: width, height: height), now: Self.now)
                Snapshots.assert(frame.buffer, "\(name)-\(width)x\(height)")
            }
        }
    }

    func testServicesShowReplicasImagePortsAndTasksShowNodeStateAndError() throws {
        let services = try text(try state(.services))
        XCTAssertTrue(services.contains("swarm services · 4"), services)
        for expected in ["web", "replicated", "2/2", "swtop/busybox:latest", "*:18090->80/tcp", "global", "1/1",
                         "replicated job", "0/1 (1/1 completed)", "nosuch/image:1"] {
            XCTAssertTrue(services.contains(expected), "\(expected) missing:\n\(services)")
        }
        let broken = try XCTUnwrap(try Self.listing().services.first { $0.name == "broken" })
        let tasks = try text(try state(.tasks(serviceID: broken.ID, name: "broken")))
        XCTAssertTrue(tasks.contains("broken.1"), tasks)
        XCTAssertTrue(tasks.contains("Rejected"), tasks)
        XCTAssertTrue(tasks.contains("No such image: nosuch/image:1"), tasks)
        XCTAssertTrue(tasks.contains(" vm "), "the node's hostname, not its id:\n\(tasks)")
        let nodes = try text(try state(.nodes))
        for expected in ["vm", "manager", "Active", "Ready", "20.10.24+dfsg1", "Leader"] {
            XCTAssertTrue(nodes.contains(expected), "\(expected) missing:\n\(nodes)")
        }
    }

    func testEngineTextIsMadeSafeForTheTerminal() throws {
        var listing = try Self.listing()
        listing.services[0].Spec?.Name = "evil\u{1b}]0;pwned\u{07}\u{1b}[31mred"
        listing.services[0].Spec?.TaskTemplate?.ContainerSpec?.Image = "img\u{9b}2J"
        var state = UIState(width: 120, height: 30)
        state.screens = [.swarm(SwarmScreen(kind: .services, listing: listing))]
        let buffer = Renderer.render(try managerSnapshot(), state, now: Self.now).buffer
        for line in buffer.plainLines() {
            XCTAssertFalse(line.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 || $0.value == 0x9b }, line)
        }
        XCTAssertTrue(buffer.plainLines().joined().contains("evil"))
    }

    // MARK: - Keys

    func testSAndNOpenOnlyOnAManager() throws {
        var plain = try RecordedSnapshot.make()
        XCTAssertEqual(Reducer.reduce(UIState(width: 120, height: 30), .char("S"), plain).0.notice?.text,
                       "the engine has not answered yet: whether it is a swarm manager is not known")
        plain.swarm = SwarmRole(localNodeState: "inactive", isManager: false)
        let refused = Reducer.reduce(UIState(width: 120, height: 30), .char("S"), plain)
        XCTAssertEqual(refused.0.screens, [])
        XCTAssertEqual(refused.1, [])
        XCTAssertTrue(refused.0.notice?.text.hasPrefix("not a swarm manager") == true, "\(String(describing: refused.0.notice))")
        plain.swarm = SwarmRole(localNodeState: "active", isManager: false)
        XCTAssertEqual(Reducer.reduce(UIState(width: 120, height: 30), .char("N"), plain).0.notice?.text,
                       "not a swarm manager: this engine is a swarm worker; ask a manager")

        let snapshot = try managerSnapshot()
        let (opened, effects) = Reducer.reduce(UIState(width: 120, height: 30), .char("S"), snapshot)
        XCTAssertEqual(swarmScreen(opened)?.kind, .services)
        XCTAssertEqual(effects, [.openSession(SessionID(1), .swarm(engine: ""))])
        let (nodes, nodeEffects) = Reducer.reduce(opened, .char("N"), snapshot)
        XCTAssertEqual(swarmScreen(nodes)?.kind, .nodes)
        XCTAssertEqual(nodes.screens.count, 1, "N on Services switches screens, Esc goes back to the dashboard")
        XCTAssertEqual(nodeEffects, [])
        XCTAssertEqual(nodes.heldSessions, [SessionID(1)], "the list goes on from the same session")
        let (closed, closeEffects) = Reducer.reduce(nodes, .escape, snapshot)
        XCTAssertEqual(closed.screens, [])
        XCTAssertEqual(closeEffects, [])
        XCTAssertEqual(closed.heldSessions, [], "no swarm screen holds the session: the registry closes it")
    }

    func testEnterShowsTheTasksAndEscGoesBackWithoutClosingTheSession() throws {
        let start = try cursor(on: "web", try state(.services))
        let (tasks, effects) = try press(start, [.enter])
        guard case let .tasks(id, name)? = swarmScreen(tasks)?.kind else { return XCTFail("no tasks screen") }
        XCTAssertEqual(name, "web")
        XCTAssertEqual(id, try Self.listing().services.first { $0.name == "web" }?.ID)
        XCTAssertEqual(effects, [])
        let shown = try text(tasks)
        XCTAssertTrue(shown.contains("web.1") && shown.contains("web.2") && shown.contains("Running"), shown)
        let (back, backEffects) = try press(tasks, [.escape])
        XCTAssertEqual(swarmScreen(back)?.kind, .services)
        XCTAssertEqual(backEffects, [], "the services screen is still open: its session stays")
        XCTAssertEqual(tasks.heldSessions, [SessionID(7)], "the tasks screen reads the services screen's session")
        XCTAssertEqual(back.heldSessions, [SessionID(7)])
    }

    func testScaleKeysAskFirstThenSendTheNewCount() throws {
        let web = try XCTUnwrap(try Self.listing().services.first { $0.name == "web" })
        let start = try cursor(on: "web", try state(.services))
        let (asking, none) = try press(start, [.char("+")])
        XCTAssertEqual(none, [])
        XCTAssertTrue(try text(asking).contains("Scale web to 3 replicas?"))
        XCTAssertEqual(try press(asking, [.char("y")]).1, [.swarm(.scale(serviceID: web.ID, name: "web", replicas: 3), engine: "", refresh: SessionID(7))])
        let (cancelled, cancelEffects) = try press(asking, [.char("n")])
        XCTAssertEqual(cancelEffects, [])
        XCTAssertEqual(cancelled.notice?.text, "cancelled: nothing sent")
        XCTAssertEqual(try press(start, [.char("-"), .char("y")]).1, [.swarm(.scale(serviceID: web.ID, name: "web", replicas: 1), engine: "", refresh: SessionID(7))])
        let (typing, _) = try press(start, [.char("="), .char("1"), .char("2")])
        let typed = try text(typing)
        XCTAssertTrue(typed.contains("scale web to: 12"), typed)
        XCTAssertEqual(try press(typing, [.backspace, .enter, .char("y")]).1,
                       [.swarm(.scale(serviceID: web.ID, name: "web", replicas: 1), engine: "", refresh: SessionID(7))])
        let global = try press(try cursor(on: "agent", start), [.char("+")])
        XCTAssertEqual(global.1, [])
        XCTAssertEqual(global.0.notice?.text, "agent is a global service: only a replicated one scales")
    }

    func testDrainAndActivateAskFirst() throws {
        let node = try XCTUnwrap(try Self.listing().nodes.first)
        let start = try state(.nodes)
        let (asking, _) = try press(start, [.char("d")])
        XCTAssertTrue(try text(asking).contains("Drain vm?"))
        XCTAssertEqual(try press(asking, [.char("y")]).1, [.swarm(.setAvailability(nodeID: node.ID, hostname: "vm", .drain), engine: "", refresh: SessionID(7))])
        let (already, effects) = try press(start, [.char("a")])
        XCTAssertEqual(effects, [])
        XCTAssertEqual(already.notice?.text, "vm is already active")
    }

    func testReadOnlyRefusesEveryChange() throws {
        for (kind, key, text) in [(SwarmScreen.Kind.services, Key.char("+"), "+ (scale up by one replica)"),
                                  (.services, .char("-"), "- (scale down by one replica)"),
                                  (.services, .char("="), "= (scale to a number of replicas you type)"),
                                  (.nodes, .char("d"), "d (drain the node (its tasks move elsewhere))"),
                                  (.nodes, .char("a"), "a (activate the node (it takes tasks again))")] {
            let start = try cursor(on: "web", try state(kind, readOnly: true))
            let (after, effects) = try press(start, [key, .char("y")])
            XCTAssertEqual(effects, [], "\(key)")
            XCTAssertNil(after.confirm)
            let (refused, _) = try press(start, [key])
            XCTAssertEqual(refused.notice?.text, "read-only: \(text) refused, nothing sent")
            XCTAssertTrue(try self.text(refused).contains("refused, nothing sent"))
        }
    }

    func testLOpensTheServiceLogs() throws {
        let web = try XCTUnwrap(try Self.listing().services.first { $0.name == "web" })
        let (logs, effects) = try press(try cursor(on: "web", try state(.services)), [.char("l")])
        guard let screen = logs.top(LogScreen.self) else { return XCTFail("no log screen") }
        XCTAssertEqual(screen.sources, [LogSession.Source(service: web.ID, name: "web")])
        XCTAssertEqual(screen.sources.first?.kind, .service)
        guard case let .openSession(_, .logs(sources, _))? = effects.first else { return XCTFail("no log session: \(effects)") }
        XCTAssertEqual(sources.first?.kind, .service)
        let (back, _) = try press(logs, [.escape])
        XCTAssertEqual(swarmScreen(back)?.kind, .services, "Esc leaves the logs for the services")
    }

    func testKeymapsBindNoKeyTwiceAndDashboardSAndNAreNew() {
        for keymap in [ScreenName.services, .tasks, .nodes, .containers].map(KeymapSet.defaults.bindings) {
            var seen: Set<Key> = []
            for binding in keymap {
                for key in binding.keys {
                    XCTAssertFalse(seen.contains(key), "\(key) bound twice")
                    seen.insert(key)
                }
            }
        }
        XCTAssertEqual(KeymapSet.defaults.binding(for: .char("S"), on: .containers)?.command, .swarmServices)
        XCTAssertEqual(KeymapSet.defaults.binding(for: .char("N"), on: .containers)?.command, .swarmNodes)
    }

    /// The replica count edits through the one line editor (digits only) and asks the one confirmation.
    func testTheScaleCountEditsAtTheCursorAndAsksTheOneConfirmation() throws {
        let web = try XCTUnwrap(try Self.listing().services.first { $0.name == "web" })
        let start = try cursor(on: "web", try state(.services))
        let (typing, _) = try press(start, [.char("="), .char("1"), .char("2"), .char("3"), .char("x"), .left, .left, .backspace,
                                            .end, .char("4")])
        XCTAssertEqual(swarmScreen(typing)?.scaleInput, "234")
        let shown = try text(typing)
        XCTAssertTrue(shown.contains("scale web to: 234▏"), shown)
        let (asking, none) = try press(typing, [.enter])
        XCTAssertEqual(none, [])
        XCTAssertEqual(asking.confirm?.effects, [.swarm(.scale(serviceID: web.ID, name: "web", replicas: 234), engine: "", refresh: SessionID(7))])
        XCTAssertTrue(try text(asking).contains("Scale web to 234 replicas?"))
        XCTAssertEqual(try press(asking, [.enter]).1, [.swarm(.scale(serviceID: web.ID, name: "web", replicas: 234), engine: "", refresh: SessionID(7))])
    }

    /// A click selects the service drawn under it; a double click shows that service's tasks, as Enter does.
    func testAClickSelectsTheServiceUnderItAndADoubleClickShowsItsTasks() throws {
        let start = try state(.services)
        let row = try text(start).split(separator: "\n", omittingEmptySubsequences: false)[3]
        let (clicked, _) = try press(start, [.mouse(MouseEvent(x: 3, y: 3, action: .press(.left)))])
        XCTAssertEqual(swarmScreen(clicked)?.cursor, 1)
        let (opened, _) = try press(start, [.mouse(MouseEvent(x: 3, y: 3, action: .doubleClick(.left)))])
        guard case let .tasks(_, name)? = swarmScreen(opened)?.kind else { return XCTFail("no tasks screen") }
        XCTAssertTrue(row.contains(name), "\(name) is not the row clicked: \(row)")
    }
}
