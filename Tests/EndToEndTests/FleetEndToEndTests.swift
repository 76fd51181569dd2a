import Foundation
import TestSupport
import XCTest

/// Several engines in one dashboard (engine 20.10 and 26.1, the binary in tmux): every row names its
/// engine, what a key does goes to that row's engine, and an engine that goes away or hangs never holds
/// the other one or the keys.
final class FleetEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []
    var relays: [SocketRelay] = []
    let logDir = NSTemporaryDirectory() + "swtop-e2e-logs"

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
        for relay in relays { relay.stop() }
        relays.removeAll()
    }

    func engines() throws -> (old: TestEngine, new: TestEngine) {
        let all = try TestEngine.all()
        XCTAssertGreaterThanOrEqual(all.count, 2, "both engines (20.10 and 26.1) must be under test")
        return (all[0], all[1])
    }

    func launch(_ hosts: [String], extra: String = "", env: [String: String] = [:], width: Int = 160, height: Int = 30) throws -> TmuxSession {
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        let flags = hosts.map { "-H \($0)" }.joined(separator: " ")
        let command = "\(Repo.swtopBinary) \(flags) \(extra) --log-file \(logDir)/\(name.filter(\.isLetter)).log"
        var environment = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        for (key, value) in env { environment[key] = value }
        let session = try TmuxSession(command: command, width: width, height: height, environment: environment)
        sessions.append(session)
        return session
    }

    /// A running container that logs and answers with the engine's name.
    func makeContainer(_ engine: TestEngine, _ name: String, tag: String) throws -> String {
        let id = try engine.docker("run", "-d", "--name", name, "--label", "swtop.test=1", "-e", "FLEET_TAG=\(tag)",
                                   "swtop/busybox:latest", "sh", "-c",
                                   "trap 'exit 0' TERM; while :; do echo \"line from $FLEET_TAG\"; sleep 1; done")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        addTeardownBlock { _ = try? engine.dockerResult(["rm", "-f", id]) }
        return id
    }

    func rows(_ screen: String, _ name: String) -> [String] {
        screen.split(separator: "\n").map(String.init).filter { $0.hasPrefix(name + " ") }
    }

    func waitForEngine(_ what: String, seconds: Double = 20, _ predicate: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try predicate() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("engine never reached: \(what)")
    }

    func testRowsNameTheirEngineAndKeysActOnThatEngine() throws {
        let (old, new) = try engines()
        let prefix = Repo.uniqueName("fleet")
        let onOld = try makeContainer(old, "\(prefix)-only-old", tag: "old")
        let onNew = try makeContainer(new, "\(prefix)-only-new", tag: "new")
        let twinOld = try makeContainer(old, "\(prefix)-twin", tag: "old")
        let twinNew = try makeContainer(new, "\(prefix)-twin", tag: "new")
        let pane = try launch(["old=\(old.host)", "new=\(new.host)"])
        try pane.send("/")
        try pane.sendLiteral(prefix)
        try pane.send("Enter")
        let screen = try pane.waitFor("four rows, each with its engine") { screen in
            rows(screen, "\(prefix)-twin").count == 2 && rows(screen, "\(prefix)-only-new").count == 1
                && rows(screen, "\(prefix)-only-old").count == 1
        }
        XCTAssertTrue(screen.contains("● old  ● new"), "each engine's state in the title bar:\n\(screen)")
        XCTAssertTrue(screen.contains("ENGINE"), screen)
        XCTAssertTrue(rows(screen, "\(prefix)-only-old").first?.hasSuffix(" old") == true, screen)
        XCTAssertTrue(rows(screen, "\(prefix)-only-new").first?.hasSuffix(" new") == true, screen)
        XCTAssertEqual(rows(screen, "\(prefix)-twin").map { $0.split(separator: " ").last.map(String.init) ?? "" }.sorted(),
                       ["new", "old"], screen)
        _ = onOld
        _ = onNew

        // The rows are sorted by name, then engine: the twins are new's then old's. Select new's twin.
        let lines = screen.split(separator: "\n").map(String.init)
        let first = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("\(prefix)-only-new ") })
        let twin = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("\(prefix)-twin ") && $0.hasSuffix(" new") })
        for _ in 0..<(twin - first) { try pane.send("j") }
        // x runs in the row's container: it answers with its engine's tag.
        try pane.send("x")
        try pane.sendLiteral("echo tag=$FLEET_TAG")
        try pane.send("Enter")
        _ = try pane.waitFor(text: "tag=new")
        try pane.send("Escape")
        // l follows that container's log.
        try pane.send("l")
        let log = try pane.waitFor(text: "line from new")
        XCTAssertFalse(log.contains("line from old"), log)
        try pane.send("Escape")
        // s stops it on its engine only.
        try pane.send("s")
        try waitForEngine("new's twin exited") { try new.docker("inspect", "-f", "{{.State.Status}}", twinNew).contains("exited") }
        XCTAssertEqual(try old.docker("inspect", "-f", "{{.State.Status}}", twinOld).trimmingCharacters(in: .whitespacesAndNewlines),
                       "running", "the other engine's container of the same name is untouched")
        // @ groups the rows under engine headers with their state.
        try pane.send("@")
        let grouped = try pane.waitFor("engine headers") { $0.contains("▾ old") && $0.contains("▾ new") }
        XCTAssertTrue(grouped.contains("running"), grouped)
    }

    func testAnEngineThatGoesAwayLeavesTheOtherLiveAndComesBack() throws {
        let (old, new) = try engines()
        let relay = try SocketRelay(target: old.host)
        relays.append(relay)
        let prefix = Repo.uniqueName("fleetaway")
        _ = try makeContainer(old, "\(prefix)-a", tag: "old")
        _ = try makeContainer(new, "\(prefix)-b", tag: "new")
        let pane = try launch(["away=\(relay.host)", "live=\(new.host)"])
        try pane.send("/")
        try pane.sendLiteral(prefix)
        try pane.send("Enter")
        _ = try pane.waitFor("both engines' rows") { !rows($0, "\(prefix)-a").isEmpty && !rows($0, "\(prefix)-b").isEmpty }

        relay.stop()
        let down = try pane.waitFor("the engine shown unreachable") { $0.contains("✗ engine unreachable · away:") && $0.contains("✗ away") }
        XCTAssertTrue(down.contains("● live"), down)
        // The live engine goes on: a container created now is listed, and keys answer.
        _ = try makeContainer(new, "\(prefix)-c", tag: "new")
        _ = try pane.waitFor("a new container of the live engine") { !rows($0, "\(prefix)-c").isEmpty }
        try pane.send("2")
        _ = try pane.waitFor(text: "REPOSITORY:TAG")
        try pane.send("1")

        try relay.start()
        let back = try pane.waitFor("the engine back", seconds: 20) { $0.contains("● away  ● live") && !$0.contains("unreachable") }
        XCTAssertEqual(rows(back, "\(prefix)-a").count, 1, back)
    }

    func testAnEngineThatNeverAnswersHoldsNothing() throws {
        let (old, new) = try engines()
        let relay = try SocketRelay(target: old.host, hang: true)
        relays.append(relay)
        let prefix = Repo.uniqueName("fleethang")
        _ = try makeContainer(new, "\(prefix)-b", tag: "new")
        let start = Date()
        let pane = try launch(["hung=\(relay.host)", "live=\(new.host)"])
        try pane.send("/")
        try pane.sendLiteral(prefix)
        try pane.send("Enter")
        // Waited for longer than the bound, so the bound is what the assertion checks.
        let screen = try pane.waitFor("the live engine's rows while the other hangs", seconds: 30) { !rows($0, "\(prefix)-b").isEmpty }
        XCTAssertLessThan(Date().timeIntervalSince(start), 8, "the hung engine held the live one's rows back")
        XCTAssertTrue(screen.contains("◌ hung") && screen.contains("● live"), screen)
        try pane.send("3")
        _ = try pane.waitFor(text: "DRIVER")
        // Quitting does not wait for the engine that never answered.
        let quitStart = Date()
        try pane.send("q")
        // The pane outlives swtop and prints its exit line: a capture that fails is a failure, not "gone".
        _ = try pane.waitFor("swtop's exit line", seconds: 30) { $0.contains("[exit=") }
        XCTAssertLessThan(Date().timeIntervalSince(quitStart), 5, "quitting waited for the engine that never answered")
    }

    /// `--context a` then the picker (`C`): marking both contexts and Enter watches both engines.
    func testThePickerSwitchesTheDashboardToTheChosenContexts() throws {
        let (old, new) = try engines()
        let config = NSTemporaryDirectory() + Repo.uniqueName("fleetctx")
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: config) }
        for (name, engine) in [("ctx-old", old), ("ctx-new", new)] {
            _ = try Shell.check([Repo.dockerCLI, "context", "create", name, "--docker", "host=\(engine.host)"],
                                environment: ["DOCKER_CONFIG": config])
        }
        let prefix = Repo.uniqueName("fleetpick")
        _ = try makeContainer(old, "\(prefix)-a", tag: "old")
        _ = try makeContainer(new, "\(prefix)-b", tag: "new")
        let pane = try launch([], extra: "--context ctx-old", env: ["DOCKER_CONFIG": config])
        try pane.send("/")
        try pane.sendLiteral(prefix)
        try pane.send("Enter")
        let alone = try pane.waitFor("ctx-old's row") { !rows($0, "\(prefix)-a").isEmpty }
        XCTAssertTrue(rows(alone, "\(prefix)-b").isEmpty, alone)
        try pane.send("C")
        let picker = try pane.waitFor("both contexts listed") { $0.contains("ctx-old") && $0.contains("ctx-new") }
        // Mark every context listed that is one of ours (the list is sorted; `default` may come first).
        let names = picker.split(separator: "\n").compactMap { line -> String? in
            if line.contains("ctx-new") { return "ctx-new" }
            if line.contains("ctx-old") { return "ctx-old" }
            if line.contains("default") { return "default" }
            return nil
        }
        try pane.send("g")
        for name in names {
            try pane.send(name == "default" ? "j" : "Space")
        }
        try pane.send("Enter")
        let both = try pane.waitFor("both engines watched") {
            $0.contains("● ctx-old") && $0.contains("● ctx-new") && !rows($0, "\(prefix)-b").isEmpty && !rows($0, "\(prefix)-a").isEmpty
        }
        XCTAssertTrue(rows(both, "\(prefix)-b").first?.hasSuffix(" ctx-new") == true, both)
    }
}
