import DockerEngine
import Foundation
import SwtopSessions
import SwtopStore
import SwtopUI
import Synchronization
import TermCanvas
import TestSupport
import XCTest

/// Each kind of session through the registry against the in-memory engine: opened by the effect a
/// reducer returns, its news drained and given to `Reducer.receive`, asserted on what the screen then
/// holds or draws; closed when no screen holds it.
final class SessionRegistryTests: XCTestCase {
    static let webID = String(repeating: "a", count: 64)

    /// The screen thread's side, as the screen loop runs it: a registry whose wakes arrive on a stream,
    /// the state, the models.
    final class Loop {
        let registry: SessionRegistry
        let models = SessionModels()
        var state = UIState(width: 120, height: 30)
        final class Shared: Sendable {
            let wakes = Mutex(0)
            let notices = Mutex<[ActionResult]>([])
        }

        let shared = Shared()

        init(_ engine: (any EngineAPI)?, environment: [String: String] = [:]) {
            let shared = self.shared
            registry = SessionRegistry(connect: { _ in engine }, wake: { shared.wakes.withLock { $0 += 1 } },
                                       notify: { result in shared.notices.withLock { $0.append(result) } },
                                       environment: environment)
        }

        /// Runs the effects the way the screen loop does, then lets go of the sessions no screen holds.
        func run(_ effects: [Effect]) {
            for effect in effects {
                switch effect {
                case let .openSession(id, request): registry.open(id, request)
                case let .swarm(action, engine, refresh): registry.perform(action, engine: engine, refresh: refresh)
                default: break
                }
            }
            let held = state.heldSessions
            registry.retain(held)
            models.retain(held)
        }

        func press(_ key: Key, _ snapshot: StoreSnapshot = StoreSnapshot()) {
            let (next, effects) = Reducer.reduce(state, key, snapshot, models: models)
            state = next
            run(effects)
        }

        /// Takes the sessions' news until `done` holds: at once after each wake the sessions gave, else
        /// every 20 ms (a notice is not news); 10 s at most.
        func until(_ what: String, _ done: () -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let woken = shared.wakes.withLock { count in defer { count = 0 }; return count > 0 }
                for (id, news) in registry.drain() { run(Reducer.receive(&state, id, news, models)) }
                if done() { return }
                guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting for \(what)") }
                if !woken { try await Task.sleep(for: .milliseconds(20)) }
            }
        }

        func lines() -> [String] {
            Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0), models: models).buffer.plainLines()
        }
    }

    static func fixture(_ path: String) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("SwtopUITests/Fixtures/" + path), encoding: .utf8)
    }

    func testInspectShowsTheEnginesDocumentAndClosingLetsTheSessionGo() async throws {
        let engine = InMemoryEngine()
        engine.update { $0.documents["volume/data"] = try! Self.fixture("inspect/volume.json") }
        let loop = Loop(engine)
        func open(_ id: String) {
            var screen = InspectScreen(request: InspectRequest(kind: .volume, id: id, name: id))
            screen.session = loop.state.newSession()
            loop.state.screens = [.inspect(screen)]
            loop.run([.openSession(screen.session!, .inspect(screen.request))])
        }
        open("data")
        guard let id = loop.state.top(InspectScreen.self)?.session else { return XCTFail("no inspect screen") }
        XCTAssertEqual(loop.registry.open, [id])
        try await loop.until("the document") { loop.models.inspect(id)?.loaded == true }
        XCTAssertTrue(loop.lines().joined().contains("Mountpoint"), loop.lines().joined(separator: "\n"))
        loop.press(.escape)
        XCTAssertTrue(loop.state.screens.isEmpty)
        XCTAssertTrue(loop.registry.open.isEmpty, "no screen holds it: closed")
        XCTAssertNil(loop.models.inspect(id), "its model is dropped with it")
        // An object the engine does not have: its own message, in the view.
        open("gone")
        try await loop.until("the error") { loop.lines().joined().contains("No such volume: gone") }
    }

    func testSwarmListsForEveryScreenAndAnActionRefreshesAtOnce() async throws {
        let engine = InMemoryEngine()
        let services = try Self.fixture("swarm/services.json")
        engine.update { $0.services = services; $0.nodes = try! Self.fixture("swarm/nodes.json") }
        let loop = Loop(engine)
        var snapshot = StoreSnapshot()
        snapshot.swarm = SwarmRole(try JSONDecoder().decode(SwarmInfo.self, from: Data(Self.fixture("swarm/info-swarm.json").utf8)))
        loop.press(.char("S"), snapshot)
        guard let id = loop.state.top(SwarmScreen.self)?.session else { return XCTFail("no services screen") }
        try await loop.until("the services") { loop.state.top(SwarmScreen.self)?.listing != nil }
        let web = try XCTUnwrap(loop.state.top(SwarmScreen.self)?.listing?.services.first { $0.name == "web" })
        // Tasks over services: the same session, both screens take each listing.
        while loop.state.top(SwarmScreen.self)?.selectedServiceName != "web" { loop.press(.char("j"), snapshot) }
        loop.press(.enter, snapshot)
        XCTAssertEqual(loop.state.screens.count, 2)
        XCTAssertEqual(loop.registry.open, [id])
        loop.press(.escape, snapshot)
        loop.press(.char("+"), snapshot)
        loop.press(.char("y"), snapshot)
        let before = engine.calls("services")
        try await loop.until("the scale and a fresh list") {
            engine.performed.contains("scale \(web.ID) 3") && engine.calls("services") > before
                && loop.shared.notices.withLock { $0.contains { $0.text == "web scaled to 3" } }
        }
        loop.press(.escape, snapshot)
        XCTAssertTrue(loop.registry.open.isEmpty)
        // An engine that is not a manager (any more): said in the screen.
        engine.update { $0.services = nil }
        loop.press(.char("S"), snapshot)
        try await loop.until("the refusal") { loop.state.top(SwarmScreen.self)?.error?.hasPrefix("not a swarm manager") == true }
    }

    func testProcessesStepDownTheColumnsAnEngineRefusesAndSayWhatItNumbers() async throws {
        let engine = InMemoryEngine()
        // Only the plainest columns are answered (podman's way: its own descriptors).
        engine.update {
            $0.top[Self.webID] = ["": #"{"Titles":["PID","USER","COMMAND"],"Processes":[["1","root","sleep 1000"]]}"#]
            $0.isPodman = true
        }
        let loop = Loop(engine)
        var processes = ProcessScreen(target: Target(id: Self.webID, name: "web"))
        processes.session = loop.state.newSession()
        loop.state.screens = [.processes(processes)]
        loop.run([.openSession(processes.session!, .processes(processes.target))])
        try await loop.until("the list") { loop.state.top(ProcessScreen.self)?.list != nil }
        let screen = try XCTUnwrap(loop.state.top(ProcessScreen.self))
        XCTAssertEqual(screen.list?.Processes, [["1", "root", "sleep 1000"]])
        XCTAssertTrue(screen.containerPIDs)
        XCTAssertEqual(engine.calls("top"), 3, "two refused column sets, then the default")
        XCTAssertTrue(loop.lines().joined(separator: "\n").contains("sleep 1000"))
    }

    func testRunShowsEachStreamAndTheExitCodeOrTheEnginesRefusal() async throws {
        let engine = InMemoryEngine()
        engine.update { $0.execs[Self.webID] = (output: [(1, "out one\nout two\n"), (2, "oops\n")], exitCode: 3) }
        let loop = Loop(engine)
        var run = RunScreen(request: RunRequest(target: Target(id: Self.webID, name: "web"), commandLine: "x"))
        run.session = loop.state.newSession()
        loop.state.screens = [.run(run)]
        loop.run([.openSession(run.session!, .run(run.request))])
        try await loop.until("the end") { loop.state.top(RunScreen.self)?.finished == true }
        let done = try XCTUnwrap(loop.state.top(RunScreen.self))
        XCTAssertEqual(done.lines.map(\.text), ["out one", "out two", "oops"])
        XCTAssertEqual(done.lines.map(\.stream), [.stdout, .stdout, .stderr])
        XCTAssertEqual(done.exitCode, 3)
        // `r` again, on a container that is not running any more: the engine's message.
        engine.update { $0.execs = [:] }
        loop.press(.char("r"))
        try await loop.until("the refusal") { loop.state.top(RunScreen.self)?.error != nil }
        XCTAssertEqual(loop.state.top(RunScreen.self)?.error, "Container \(Self.webID) is not running")
        XCTAssertEqual(loop.registry.open.count, 1, "the first run's session was let go")
    }

    func testLogLinesReachTheViewsModelAndAnUnreachableEngineIsSaid() async throws {
        let engine = InMemoryEngine()
        engine.update { $0.details[Self.webID] = #"{"Id":"\#(Self.webID)","State":{"Running":true,"StartedAt":"2026-12-06T08:00:00Z"},"Config":{"Tty":false}}"# }
        engine.setLogs(Self.webID, [(1, "2026-12-06T08:00:01.000000001Z", "hello"), (2, "2026-12-06T08:00:02.000000001Z", "world")],
                       end: .hang)
        let loop = Loop(engine)
        let effect = LogScreen.open(LogScreen(sources: [LogSession.Source(id: Self.webID, name: "web")], tail: 100), &loop.state)
        loop.run([effect])
        guard let id = loop.state.top(LogScreen.self)?.session else { return XCTFail("no log screen") }
        try await loop.until("both lines") { loop.models.log(id)?.buffer.count == 2 }
        let shown = loop.lines().joined(separator: "\n")
        XCTAssertTrue(shown.contains("hello") && shown.contains("world"), shown)
        loop.press(.escape)
        XCTAssertTrue(loop.registry.open.isEmpty)
        XCTAssertNil(loop.models.log(id))

        // No connection at all: `x` says so at once (it does not wait for a store to connect).
        let away = Loop(nil)
        var run = RunScreen(request: RunRequest(target: Target(id: Self.webID, name: "web"), commandLine: "x"))
        run.session = away.state.newSession()
        away.state.screens = [.run(run)]
        away.run([.openSession(run.session!, .run(run.request))])
        try await away.until("the message") { away.state.top(RunScreen.self)?.error == "the engine is unreachable" }
    }

    func testLayersNeedAnEngineAPIConnectionAndSaySoOtherwise() async throws {
        let loop = Loop(InMemoryEngine())
        let effect = LayerScreen.open(LayerScreen(request: LayerRequest(target: .image(id: "sha256:1", name: "img"))), &loop.state)
        loop.run([effect])
        try await loop.until("the message") { loop.lines().joined().contains("reads image archives over the Engine API") }
    }

    func testContextsAreReadFromTheConfigDirectoryGiven() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-contexts-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let meta = dir.appendingPathComponent("contexts/meta/0123")
        try FileManager.default.createDirectory(at: meta, withIntermediateDirectories: true)
        try #"{"Name":"farm","Metadata":{"Description":"the CI engines"},"Endpoints":{"docker":{"Host":"ssh://ci@farm"}}}"#
            .write(to: meta.appendingPathComponent("meta.json"), atomically: true, encoding: .utf8)
        let loop = Loop(nil, environment: ["DOCKER_CONFIG": dir.path])
        loop.press(.char("C"))
        try await loop.until("the list") { loop.state.top(ContextScreen.self)?.entries != nil }
        let names = loop.state.top(ContextScreen.self)?.entries?.map(\.name) ?? []
        XCTAssertTrue(names.contains("farm"), "\(names)")
        XCTAssertTrue(loop.lines().joined(separator: "\n").contains("ssh://ci@farm"))
    }
}

extension SessionRegistryTests {
    static let diskUsage = #"""
    {"LayersSize": 3000000,
     "Images": [{"Id": "sha256:aaa", "RepoTags": ["app:1"], "Size": 2500000, "SharedSize": 1000000, "Containers": 1},
                {"Id": "sha256:bbb", "RepoTags": ["<none>:<none>"], "Size": 1200000, "SharedSize": 1000000, "Containers": 0}],
     "Containers": [{"Id": "c1", "Names": ["/web"], "Image": "app:1", "ImageID": "sha256:aaa", "State": "running", "SizeRw": 10},
                    {"Id": "c2", "Names": ["/old"], "Image": "app:1", "ImageID": "sha256:aaa", "State": "exited", "SizeRw": 300000}],
     "Volumes": [{"Name": "data", "UsageData": {"Size": 5000, "RefCount": 1}},
                 {"Name": "stale", "UsageData": {"Size": 70000, "RefCount": 0}}],
     "BuildCache": []}
    """#

    func testDiskUsageShowsTheEnginesTotalsAndEveryItem() async throws {
        let engine = InMemoryEngine()
        engine.update { $0.diskUsage = Self.diskUsage }
        let loop = Loop(engine)
        loop.press(.char("D"))
        try await loop.until("the figures") { loop.state.top(DiskScreen.self)?.usage != nil }
        let text = loop.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("Images         2      1       3.0MB"), text)
        XCTAssertTrue(text.contains("Containers     2      1       300kB  300kB (99%)"), text)
        XCTAssertTrue(text.contains("stale") && text.contains("old") && text.contains("<none>"), text)
        engine.setReachable(false, reason: "connection refused")
        loop.press(.char("r"))
        try await loop.until("the error") { loop.state.top(DiskScreen.self)?.error != nil }
        XCTAssertTrue(loop.lines().joined().contains("connection refused"), loop.lines().joined(separator: "\n"))
    }

    func testPrunePreviewsAsksThenShowsWhatTheEngineRemovedBesideThePreview() async throws {
        let engine = InMemoryEngine()
        engine.update {
            $0.diskUsage = Self.diskUsage
            $0.pruned[.containers] = PruneReport(removed: ["c2"], spaceReclaimed: 300_000)
            $0.pruned[.danglingImages] = PruneReport(removed: ["sha256:bbb"], spaceReclaimed: 200_000)
            $0.pruned[.volumes] = PruneReport(removed: ["stale"], spaceReclaimed: 70_000)
        }
        let loop = Loop(engine)
        loop.press(.char("X"))
        try await loop.until("the preview") { loop.state.top(PruneScreen.self)?.phase == .choosing }
        var text = loop.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("[x]  stopped containers             1         300kB        old"), text)
        XCTAssertTrue(text.contains("[x]  dangling images                1         200kB        bbb"), text)
        XCTAssertTrue(text.contains("[ ]  unused volumes                 1         70kB         stale"), text)
        // Volumes too: down three rows, Space.
        for key in [Key.char("j"), .char("j"), .char("j"), .char(" ")] { loop.press(key) }
        XCTAssertEqual(loop.state.top(PruneScreen.self)?.chosen.contains(.volumes), true)
        loop.press(.enter)
        let question = try XCTUnwrap(loop.state.confirm?.question)
        XCTAssertEqual(question, "Remove 1 stopped containers, 1 dangling images, 1 unused volumes and free 570kB?")
        XCTAssertTrue(engine.performed.isEmpty, "nothing before the yes")
        loop.press(.char("y"))
        try await loop.until("the prune") { loop.state.top(PruneScreen.self)?.phase == .done }
        XCTAssertEqual(Set(engine.performed), ["prune containers", "prune danglingImages", "prune volumes", "prune networks",
                                               "prune buildCache"])
        XCTAssertEqual(engine.performed.first, "prune containers", "stopped containers first")
        text = loop.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("removed 3, freed 570kB (previewed 570kB)"), text)
        loop.press(.enter)
        XCTAssertTrue(loop.state.screens.isEmpty, "Enter when done goes back")
    }
}

extension SessionRegistryTests {
    func testABuildShowsEachStepThenOpensItsImagesLayersOnTheTopLayer() async throws {
        let context = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-build-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: context) }
        try "FROM x\nRUN a\nCOPY f /f\n".write(to: context.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        try "f".write(to: context.appendingPathComponent("f"), atomically: true, encoding: .utf8)
        let engine = InMemoryEngine()
        engine.update {
            $0.build = [#"{"stream":"Step 1/3 : FROM x\n"}"#, #"{"stream":" ---> 0123456789ab\n"}"#,
                        #"{"stream":"Step 2/3 : RUN a\n"}"#, #"{"stream":" ---> Running in feedfeedfeed\n"}"#,
                        #"{"stream":"out \u001b]0;pwned\u0007 line\n"}"#,
                        #"{"stream":"Removing intermediate container feedfeedfeed\n"}"#, #"{"stream":" ---> 1111111111aa\n"}"#,
                        #"{"stream":"Step 3/3 : COPY f /f\n"}"#, #"{"stream":" ---> Using cache\n"}"#, #"{"stream":" ---> 2222222222bb\n"}"#,
                        #"{"aux":{"ID":"sha256:2222222222bbcccc"}}"#, #"{"stream":"Successfully built 2222222222bb\n"}"#,
                        #"{"stream":"Successfully tagged app:1\n"}"#]
        }
        let loop = Loop(engine)
        loop.state.view = .images
        loop.state.workingDirectory = context.path
        loop.press(.char("b"))
        XCTAssertEqual(loop.state.prompt?.values, [context.path, "Dockerfile", "", ""])
        for key in [Key.tab, .tab] + "app:1".map({ Key.char($0) }) + [.enter] { loop.press(key) }
        try await loop.until("the layer view") { loop.state.top(LayerScreen.self) != nil }
        XCTAssertEqual(engine.performed, ["build Dockerfile tags=app:1 entries=2"])
        let build = try XCTUnwrap(loop.state.screens.first?.screen(BuildScreen.self))
        XCTAssertEqual(build.progress.steps.map(\.instruction), ["FROM x", "RUN a", "COPY f /f"])
        XCTAssertEqual(build.progress.steps.map(\.cached), [false, false, true])
        XCTAssertEqual(build.progress.steps.map(\.layer), ["0123456789ab", "1111111111aa", "2222222222bb"])
        XCTAssertEqual(build.progress.imageID, "sha256:2222222222bbcccc")
        let layers = try XCTUnwrap(loop.state.top(LayerScreen.self))
        XCTAssertEqual(layers.request.target, .image(id: "sha256:2222222222bbcccc", name: "app:1"))
        XCTAssertEqual(loop.registry.open.count, 2, "the build's session and the layers'")
        loop.press(.escape)
        let text = loop.lines().joined(separator: "\n")
        XCTAssertTrue(text.contains("Step 2/3 : RUN a  → 1111111111aa") && text.contains("COPY f /f  · cached  → 2222222222bb"), text)
        XCTAssertTrue(text.contains("out ") && !text.contains("\u{1B}") && !text.contains("\u{07}"), "output kept safe: \(text)")
        XCTAssertTrue(text.contains("✓ built 2222222222bb tagged app:1 · 3 steps, 1 from the cache"), text)
        XCTAssertNil(loop.state.top(LayerScreen.self), "back on the build, which does not open the layers again")

        // A failing step: its output and exit code.
        engine.update {
            $0.build = [#"{"stream":"Step 1/2 : FROM x\n"}"#, #"{"stream":"Step 2/2 : RUN exit 3\n"}"#,
                        #"{"stream":"about to fail\n"}"#,
                        #"{"errorDetail":{"code":3,"message":"The command '/bin/sh -c exit 3' returned a non-zero code: 3"},"error":"The command '/bin/sh -c exit 3' returned a non-zero code: 3"}"#]
        }
        loop.state.screens = []
        loop.press(.char("b"))
        loop.press(.enter)
        try await loop.until("the failure") { loop.state.top(BuildScreen.self)?.progress.finished == true }
        let failed = loop.lines().joined(separator: "\n")
        XCTAssertTrue(failed.contains("✗ step 2/2 failed (exit code 3)") && failed.contains("about to fail"), failed)
        XCTAssertNil(loop.state.top(LayerScreen.self))
    }
}

extension SessionRegistryTests {
    func testTheRunFormCreatesStartsAndSelectsTheContainerOrRemovesWhatWouldNotStart() async throws {
        let engine = InMemoryEngine()
        let loop = Loop(engine)
        var screen = RunFormScreen(image: "app:1", engine: "e")
        screen.values = [.name: "web", .ports: "8080:80"]
        loop.state.screens = [.runForm(screen)]
        loop.press(.char("R"))
        try await loop.until("the start") { loop.state.screens.isEmpty }
        let id = "c" + String(repeating: "0", count: 63)
        XCTAssertEqual(engine.performed, ["create web app:1", "start \(id)"])
        XCTAssertEqual(loop.state.view, .containers)
        XCTAssertEqual(loop.state.selection[.containers], .container(id), "the new container is selected")
        XCTAssertEqual(loop.state.notice?.text, "started web from app:1")

        // With a terminal asked for, the terminal is handed over as `e` does.
        screen.tty = true
        loop.state.screens = [.runForm(screen)]
        var handed: [Effect] = []
        loop.press(.char("R"))
        let deadline = ContinuousClock.now + .seconds(10)
        while handed.isEmpty, ContinuousClock.now < deadline {
            for (sid, news) in loop.registry.drain() { handed += Reducer.receive(&loop.state, sid, news, loop.models) }
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTAssertEqual(handed, [.handOver(HandOverRequest(target: Target(id: id, name: "web", engine: "e"), kind: .attach))])

        // It would not start: the message in the form, the container made for it removed.
        let failing = InMemoryEngine()
        failing.update { $0.refusals["start"] = (500, "driver failed programming external connectivity: port is already allocated") }
        let second = Loop(failing)
        second.state.screens = [.runForm(screen)]
        second.press(.char("R"))
        try await second.until("the refusal") { second.state.top(RunFormScreen.self)?.error != nil }
        let error = try XCTUnwrap(second.state.top(RunFormScreen.self)?.error)
        XCTAssertTrue(error.contains("port is already allocated") && error.contains("was removed"), error)
        XCTAssertEqual(failing.performed, ["create web app:1", "remove \(id)"], "nothing half-made is left")
    }
}

extension SwarmScreen {
    var selectedServiceName: String? {
        guard case .services = kind, let listing, listing.services.indices.contains(cursor) else { return nil }
        return listing.services[cursor].name
    }
}
