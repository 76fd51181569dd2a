import Foundation
import TestSupport
import XCTest

/// The built swtop binary in a real terminal (tmux) against a private engine: what a user sees and
/// what the engine then holds.
final class DashboardEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []
    let logDir = NSTemporaryDirectory() + "swtop-e2e-logs"

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
    }

    /// The engine for tests about the terminal more than the engine: 20.10.
    func engine() throws -> TestEngine { try XCTUnwrap(try TestEngine.all().first) }

    func launch(_ engine: TestEngine, _ extra: String = "", width: Int = 120, height: Int = 30,
                env: [String: String] = [:], host: String? = nil) throws -> TmuxSession {
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        var environment = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        for (key, value) in env { environment[key] = value }
        let command = "\(Repo.swtopBinary) -H \(host ?? engine.host) --log-file \(logDir)/\(name.filter(\.isLetter)).log \(extra)"
        let session = try TmuxSession(command: command, width: width, height: height, environment: environment)
        sessions.append(session)
        return session
    }

    /// Types a filter that leaves just `name` listed, and keeps it (Enter).
    func filter(_ pane: TmuxSession, to name: String) throws {
        try pane.send("/")
        try pane.sendLiteral(name)
        try pane.send("Enter")
        try pane.waitFor("only \(name) listed") { !$0.contains("swtop-logger") && $0.contains(name) }
    }

    /// The pane line showing a container, found by its name followed by a space.
    func line(_ screen: String, _ name: String) -> String? {
        screen.split(separator: "\n").map(String.init).first { $0.contains(name + " ") || $0.hasSuffix(name) }
    }

    /// The container's state as the engine reports it; "gone" only when the engine says there is no
    /// such container. Any other CLI failure fails the test.
    func state(_ engine: TestEngine, _ id: String) throws -> String {
        let result = try engine.dockerResult(["inspect", "-f", "{{.State.Status}}", id])
        if result.status == 0 { return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        if result.stderr.contains("No such object") || result.stderr.contains("No such container") { return "gone" }
        throw TestFailure("docker inspect \(id) failed (\(result.status)): \(result.stderr)")
    }

    func waitForEngine(_ what: String, seconds: Double = 20, _ predicate: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try predicate() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestFailure("engine never reached: \(what)")
    }

    /// A container of the test's own (removed afterwards); `named` takes `prefix` as the whole name.
    func makeContainer(_ engine: TestEngine, _ prefix: String, labels: [String] = [], extra: [String] = [], start: Bool = true,
                       named: Bool = false) throws -> (id: String, name: String) {
        let name = named ? prefix : Repo.uniqueName(prefix)
        var args = ["run", "-d"]
        if !start { args = ["create"] }
        for label in labels { args += ["--label", label] }
        args += extra
        let id = try engine.dockerResult(args + ["--name", name, "swtop/busybox:latest", "sh", "-c",
                                                 "trap 'exit 0' TERM; while :; do sleep 1; done"])
        guard id.status == 0 else { throw TestFailure("docker \(args): \(id.stderr)") }
        let fullID = id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        addTeardownBlock { _ = try? engine.dockerResult(["rm", "-f", fullID]) }
        return (fullID, name)
    }

    /// SGR parameters that set a colour (30–37, 38, 40–47, 48, 90–97, 100–107) in captured text;
    /// 39 and 49 only reset to the terminal's own colours.
    func colourParameters(_ text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "\u{1b}[") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(where: { $0.isLetter }) else { break }
            if rest[end] == "m" {
                for param in rest[..<end].split(separator: ";") {
                    if let n = Int(param), (30...38).contains(n) || (40...48).contains(n) || (90...97).contains(n) || (100...107).contains(n) {
                        found.append(String(param))
                    }
                }
            }
            rest = rest[end...]
        }
        return found
    }

    // MARK: - Tests

    func testListMatchesDockerPsAllOnBothEngines() throws {
        for engine in try TestEngine.all() {
            let reference = try engine.docker("ps", "-a", "--format", "{{.Names}}\t{{.State}}").split(separator: "\n")
            XCTAssertGreaterThanOrEqual(reference.count, 10)
            let pane = try launch(engine, width: 200, height: 50)
            let counts = "\(reference.filter { $0.hasSuffix("\trunning") }.count)/\(reference.count) running"
            // The first list is whole when the counts agree (images and stats may come later).
            let screen = try pane.waitFor(text: counts)
            for row in reference {
                let parts = row.split(separator: "\t").map(String.init)
                let shown = try XCTUnwrap(line(screen, parts[0]), "[\(engine.name)] \(parts[0]) not on screen:\n\(screen)")
                XCTAssertTrue(shown.contains(" \(parts[1]) "), "[\(engine.name)] \(parts[0]) should be \(parts[1]): \(shown)")
            }
            let running = reference.filter { $0.hasSuffix("\trunning") }.count
            XCTAssertTrue(screen.contains("\(running)/\(reference.count) running"), "[\(engine.name)] counts:\n\(screen)")
            pane.kill()
        }
    }

    func testChangesMadeOutsideSwtopShowUp() throws {
        for engine in try TestEngine.all() { try changesMadeOutsideShowUp(engine) }
    }

    func changesMadeOutsideShowUp(_ engine: TestEngine) throws {
        // Resync off: only the events stream can bring the changes within the 5 s allowed.
        let pane = try launch(engine, "--resync-seconds 3600", width: 200, height: 50)
        try pane.waitFor(text: "swtop-logger")
        let (id, name) = try makeContainer(engine, "swtop-e2e-outside", start: false)
        try pane.waitFor("\(name) created", seconds: 5) { self.line($0, name)?.contains(" created ") ?? false }
        try engine.docker("start", id)
        try pane.waitFor("\(name) running", seconds: 5) { self.line($0, name)?.contains(" running ") ?? false }
        try engine.docker("stop", "-t", "2", id)
        try pane.waitFor("\(name) exited", seconds: 5) { self.line($0, name)?.contains(" exited ") ?? false }
        try engine.docker("rm", id)
        try pane.waitFor("\(name) gone", seconds: 5) { !$0.contains(name) }
    }

    func testKeysStartStopPauseRestartAndRemove() throws {
        for engine in try TestEngine.all() { try keysStartStopPauseRestartAndRemove(engine) }
    }

    func keysStartStopPauseRestartAndRemove(_ engine: TestEngine) throws {
        let (id, name) = try makeContainer(engine, "swtop-e2e-keys")
        let pane = try launch(engine)
        try pane.waitFor(text: "swtop-logger")
        try filter(pane, to: name)

        try pane.send("s")
        try waitForEngine("stopped by s") { try state(engine, id) == "exited" }
        try pane.waitFor("shown exited") { self.line($0, name)?.contains(" exited ") ?? false }
        try pane.send("s")
        try waitForEngine("started by s") { try state(engine, id) == "running" }
        try pane.send("p")
        try waitForEngine("paused by p") { try state(engine, id) == "paused" }
        try pane.waitFor("shown paused") { self.line($0, name)?.contains(" paused ") ?? false }
        try pane.send("p")
        try waitForEngine("unpaused by p") { try state(engine, id) == "running" }
        let before = try engine.docker("inspect", "-f", "{{.State.StartedAt}}", id)
        try pane.send("r")
        try waitForEngine("restarted by r") { try engine.docker("inspect", "-f", "{{.State.StartedAt}}", id) != before }
        try pane.waitFor(text: "restarted \(name)")

        try pane.send("d")
        let dialog = try pane.waitFor("confirmation") { $0.contains("Confirm") && $0.contains("Remove \(name)?") }
        XCTAssertTrue(dialog.contains("[y] yes"), dialog)
        XCTAssertEqual(try state(engine, id), "running", "nothing is removed before the answer")
        try pane.send("y")
        try waitForEngine("removed by d, y") { try state(engine, id) == "gone" }
        try pane.waitFor(text: "removed \(name)")
    }

    /// --read-only is proven by the engine: over the whole window its event log has nothing for the
    /// container (not even an attempt that the engine refused).
    func testReadOnlyRefusesEveryChangeAndTheEngineSeesNothing() throws {
        for engine in try TestEngine.all() {
            let (id, name) = try makeContainer(engine, "swtop-e2e-ro")
            let pane = try launch(engine, "--read-only")
            try pane.waitFor(text: "READ-ONLY")
            try filter(pane, to: name)
            // From here on, nothing may reach the engine for this container (sub-second: it was created
            // just before).
            let since = String(format: "%.6f", Date().timeIntervalSince1970)
            let hints = try pane.capture().split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertFalse(hints.contains("start/stop") || hints.contains("remove"), "[\(engine.name)] refused keys have no hints: \(hints)")
            try pane.send("d")
            let screen = try pane.waitFor(text: "read-only: d (remove (marked rows too)) refused, nothing sent")
            XCTAssertFalse(try pane.capture().contains("Confirm"), screen)
            for key in ["s", "r", "p", "C-k"] {
                try pane.send(key)
                try pane.waitFor(text: "read-only: \(key == "C-k" ? "Ctrl-K" : key)")
            }
            try pane.send("Escape")
            // The window closes two seconds after the last key; then the engine's own log for it.
            Thread.sleep(forTimeInterval: 2)
            let until = String(Int(Date().timeIntervalSince1970) + 1)
            let events = try engine.docker("events", "--since", since, "--until", until, "--filter", "container=\(id)",
                                           "--format", "{{.Action}}")
            XCTAssertEqual(events.trimmingCharacters(in: .whitespacesAndNewlines), "",
                           "[\(engine.name)] the engine saw actions on \(name) from a read-only swtop")
            XCTAssertEqual(try state(engine, id), "running", engine.name)
            pane.kill()
        }
    }

    /// Enter opens the detail pane of the selected container with what the engine holds for it.
    func testDetailPaneShowsTheEngineFacts() throws {
        for engine in try TestEngine.all() {
            let (id, name) = try makeContainer(engine, "swtop-e2e-detail", labels: ["swtop.e2e=detail-pane"],
                                               extra: ["--restart", "on-failure:3"])
            let pane = try launch(engine, width: 160, height: 40)
            try pane.waitFor(text: "swtop-logger")
            try filter(pane, to: name)
            try pane.send("Enter")
            let screen = try pane.waitFor("detail pane of \(name)") { $0.contains("Restart") && $0.contains("on-failure (at most 3 times)") }
            XCTAssertTrue(screen.contains(String(id.prefix(12))), "[\(engine.name)] the short id:\n\(screen)")
            XCTAssertTrue(screen.contains("swtop.e2e=detail-pane"), "[\(engine.name)] labels:\n\(screen)")
            let started = try engine.docker("inspect", "-f", "{{.State.Running}}", id).trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertEqual(started, "true")
            XCTAssertTrue(screen.contains("Up "), "[\(engine.name)] uptime from the start time:\n\(screen)")
            try pane.waitFor("CPU figure with its source") { $0.contains("of one core · from cgroup v1 files") }
            try pane.send("Escape")
            try pane.waitFor("pane closed") { !$0.contains("on-failure (at most 3 times)") }
            pane.kill()
        }
    }

    /// o moves the sort to the next column and says so; the header marks it; O reverses the rows.
    func testSortingMarksTheColumnAndReverses() throws {
        let engine = try XCTUnwrap(try TestEngine.all().last)
        let prefix = Repo.uniqueName("swtop-e2e-sort")
        let first = try makeContainer(engine, prefix + "-a", named: true)
        let second = try makeContainer(engine, prefix + "-b", named: true)
        let pane = try launch(engine, width: 160, height: 40)
        try pane.waitFor(text: "swtop-logger")
        try filter(pane, to: prefix)
        func order(_ screen: String) -> [String] {
            screen.split(separator: "\n").map(String.init).compactMap { line in
                [first.name, second.name].first { line.hasPrefix($0) || line.hasPrefix("  " + $0) }
            }
        }
        let byName = try pane.waitFor("both listed, NAME▲") { $0.contains("NAME▲") && order($0).count == 2 }
        XCTAssertEqual(order(byName), [first.name, second.name])
        try pane.send("O")
        let reversed = try pane.waitFor("reversed") { $0.contains("NAME▼") && order($0) == [second.name, first.name] }
        XCTAssertTrue(reversed.contains("sorted by name ▼ descending (reversed; O again restores)"), reversed)
        try pane.send("o")
        let byImage = try pane.waitFor("by image") { $0.contains("IMAGE▲") && $0.contains("sorted by image ▲ ascending") }
        XCTAssertFalse(byImage.contains("NAME▲") || byImage.contains("NAME▼"), byImage)
    }

    /// Space marks rows; an action then applies to every marked row, as the engine shows.
    func testMarkedRowsAreActedOnTogether() throws {
        for engine in try TestEngine.all() {
            let prefix = Repo.uniqueName("swtop-e2e-mark")
            let a = try makeContainer(engine, prefix + "-a", start: false, named: true)
            let b = try makeContainer(engine, prefix + "-b", start: false, named: true)
            let pane = try launch(engine, width: 160, height: 30)
            try pane.waitFor(text: "swtop-logger")
            try filter(pane, to: prefix)
            try pane.send("Space")
            try pane.send("Space")
            try pane.waitFor(text: "2 marked")
            try pane.send("s")
            try waitForEngine("both started by one s") { try state(engine, a.id) == "running" && state(engine, b.id) == "running" }
            try pane.waitFor("both shown running") { screen in
                [a.name, b.name].allSatisfy { self.line(screen, $0)?.contains(" running ") ?? false }
            }
            XCTAssertFalse(try pane.capture().contains("marked"), "marks are cleared once the action is sent")
            pane.kill()
        }
    }

    /// Ctrl-K asks, then kills: the engine reports exit 137.
    func testKillAsksThenKills() throws {
        for engine in try TestEngine.all() {
            let (id, name) = try makeContainer(engine, "swtop-e2e-kill")
            let pane = try launch(engine)
            try pane.waitFor(text: "swtop-logger")
            try filter(pane, to: name)
            try pane.send("C-k")
            try pane.waitFor("kill confirmation") { $0.contains("Confirm") && $0.contains("Kill \(name)?") }
            XCTAssertEqual(try state(engine, id), "running", "nothing is sent before the answer")
            try pane.send("y")
            try waitForEngine("killed") { try state(engine, id) == "exited" }
            XCTAssertEqual(try engine.docker("inspect", "-f", "{{.State.ExitCode}}", id).trimmingCharacters(in: .whitespacesAndNewlines), "137")
            try pane.waitFor(text: "killed \(name)")
            pane.kill()
        }
    }

    func testFilterNarrowsAndEscClears() throws {
        let pane = try launch(try XCTUnwrap(try TestEngine.all().last))
        try pane.waitFor(text: "swtop-logger")
        try pane.send("/")
        try pane.sendLiteral("swtop-ko")
        let narrowed = try pane.waitFor("narrowed") { !$0.contains("swtop-logger") }
        XCTAssertTrue(narrowed.contains("swtop-korean"), narrowed)
        XCTAssertTrue(narrowed.contains("/swtop-ko"), "the filter being typed is shown:\n\(narrowed)")
        try pane.send("Escape")
        try pane.waitFor("whole list back") { $0.contains("swtop-logger") && $0.contains("swtop-korean") }
    }

    func testResizeDownAndBackLeavesACorrectScreen() throws {
        let pane = try launch(try XCTUnwrap(try TestEngine.all().last))
        try pane.waitFor(text: "swtop-logger")
        try pane.resize(width: 30, height: 10)
        let small = try pane.waitFor("30×10 layout") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.first?.hasPrefix(" swtop  1 Containers") == true && screen.contains("NAME")
                && lines.allSatisfy { displayColumns($0) <= 30 }
        }
        XCTAssertFalse(small.contains("MEM / LIMIT"), small)
        try pane.resize(width: 15, height: 4)
        try pane.waitFor(text: "swtop needs")
        try pane.resize(width: 120, height: 30)
        let back = try pane.waitFor("full layout again") { $0.contains("MEM / LIMIT") && $0.contains("swtop-logger") }
        let lines = back.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines[0].hasPrefix(" swtop  1 Containers  2 Images  3 Volumes  4 Networks"), back)
        XCTAssertTrue(lines[1].hasPrefix("NAME"), back)
        XCTAssertTrue(lines.contains { $0.hasPrefix("Tab views") && $0.contains("q quit") }, back)
        XCTAssertFalse(back.contains("swtop needs"), "no leftovers of the small screens:\n\(back)")
    }

    func testKoreanNamesStayAligned() throws {
        for engine in try TestEngine.all() { try koreanNamesStayAligned(engine) }
    }

    func koreanNamesStayAligned(_ engine: TestEngine) throws {
        let (_, name) = try makeContainer(engine, "swtop-e2e-hangul",
                                          labels: ["com.docker.compose.project=한국어앱", "com.docker.compose.service=웹"])
        let pane = try launch(engine)
        // The name may be cut with "…" at this width; its start is enough to find the row.
        let visible = String(name.prefix(16))
        let screen = try pane.waitFor("Korean group") { $0.contains("한국어앱") && $0.contains(visible) }
        let lines = screen.split(separator: "\n")
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("NAME") })
        let group = try XCTUnwrap(lines.first { $0.contains("한국어앱") })
        let imageColumn = displayColumns(header[..<header.range(of: "IMAGE")!.lowerBound])
        XCTAssertEqual(displayColumns(group[..<group.range(of: "compose")!.lowerBound]), imageColumn, "\(group)\n\(header)")
        let member = try XCTUnwrap(lines.first { $0.contains(visible) })
        XCTAssertEqual(displayColumns(member[..<member.range(of: "swtop/busybox")!.lowerBound]), imageColumn, String(member))
    }

    func testUnreachableEngineShowsABannerThenRecovers() throws {
        let engine = try engine()
        guard engine.host.hasPrefix("unix://") else { return XCTFail("unix engine expected") }
        let link = NSTemporaryDirectory() + "swtop-e2e-late-\(UUID().uuidString.prefix(6)).sock"
        defer { try? FileManager.default.removeItem(atPath: link) }
        let pane = try launch(engine, host: "unix://\(link)")
        try pane.waitFor(text: "engine unreachable at unix://\(link)")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: String(engine.host.dropFirst("unix://".count)))
        try pane.waitFor("recovered", seconds: 20) { $0.contains("swtop-logger") && !$0.contains("unreachable") }
    }

    func testTerminalTypesAndNoColor() throws {
        let engine = try engine()
        for term in ["xterm", "screen", "tmux-256color"] {
            let pane = try launch(engine, env: ["TERM": term])
            let screen = try pane.waitFor(text: "swtop-logger")
            XCTAssertTrue(screen.contains("NAME"), "\(term):\n\(screen)")
            pane.kill()
        }
        let colored = try launch(engine)
        try colored.waitFor(text: "swtop-logger")
        let withColour = try colored.capture(escapes: true)
        XCTAssertFalse(colourParameters(withColour).isEmpty, "colours are drawn by default:\n\(withColour.debugDescription)")
        colored.kill()
        let plain = try launch(engine, env: ["NO_COLOR": "1"])
        try plain.waitFor(text: "swtop-logger")
        let escapes = try plain.capture(escapes: true)
        XCTAssertEqual(colourParameters(escapes), [], "NO_COLOR draws no colour:\n\(escapes)")
        XCTAssertTrue(escapes.contains("\u{1b}[7m") || escapes.contains(";7m"), "the selection is still shown, in reverse video")
    }
}
