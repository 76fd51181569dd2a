import DockerEngine
import Foundation
import SwtopStore
import TestSupport
import XCTest

/// Faults a real engine cannot produce on demand, from Scripts/fake-engine.py: a malformed list
/// element, a malformed event mid-stream, truncated stats, an engine error on stop.
final class FakeEngineTests: XCTestCase {
    var fakePID: pid_t = 0
    var socket = ""

    override func setUpWithError() throws {
        socket = NSTemporaryDirectory() + "swtop-fake-\(UUID().uuidString.prefix(6)).sock"
        var pid: pid_t = 0
        let args = ["/usr/bin/env", "python3", Repo.root.appendingPathComponent("Scripts/fake-engine.py").path, socket]
        let argv = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        XCTAssertEqual(posix_spawn(&pid, "/usr/bin/env", nil, nil, argv, environ), 0)
        fakePID = pid
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: socket), "the fake engine did not start")
    }

    override func tearDown() {
        kill(fakePID, SIGTERM)
        var status: Int32 = 0
        waitpid(fakePID, &status, 0)
        try? FileManager.default.removeItem(atPath: socket)
    }

    func counts() throws -> [String: Int] {
        let out = try Shell.check(["curl", "-s", "--unix-socket", socket, "http://fake/__counts"])
        return try JSONDecoder().decode([String: Int].self, from: Data(out.utf8))
    }

    func testCLIKeepsTheGoodContainers() throws {
        let out = try Shell.check([Repo.swtopBinary, "ps", "--json", "-H", "unix://\(socket)"])
        struct Record: Decodable { let name: String }
        XCTAssertEqual(try JSONDecoder().decode([Record].self, from: Data(out.utf8)).map(\.name), ["good-one", "good-two"])
    }

    func testStoreSurvivesMalformedEventsAndShowsEngineErrors() async throws {
        let store = SwtopStore(endpoint: EngineEndpoint(address: .unix(path: socket), source: "test"))
        await store.start()
        var seen: StoreSnapshot?
        var errorShown: StoreSnapshot?
        // The deadline does not wait for a snapshot: after 20 s the store is stopped, which ends the
        // stream and so the loop, and the assertions below say what never came.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(20))
            await store.stop()
        }
        var askedToStop = false
        for await snapshot in store.snapshots {
            if snapshot.loaded { seen = snapshot }
            if snapshot.loaded, !askedToStop {
                askedToStop = true
                await store.perform(.stop(timeoutSeconds: 1), on: [(id: String(repeating: "a", count: 64), name: "good-one")])
            }
            if snapshot.lastResult?.isError == true { errorShown = snapshot }
            let now = (try? counts()) ?? [:]
            let statsAsked = now["/containers/\(String(repeating: "a", count: 64))/stats"] ?? 0
            if errorShown != nil, (now["/events"] ?? 0) >= 2, statsAsked >= 1 { break }
        }
        watchdog.cancel()
        await store.stop()
        XCTAssertEqual(seen?.containers.map(\.name), ["good-one", "good-two"], "the odd element is dropped, the rest kept")
        XCTAssertEqual(errorShown?.lastResult?.text, "stop failed: good-one: fake engine says no")
        let final = try counts()
        XCTAssertGreaterThanOrEqual(final["/events"] ?? 0, 2, "a malformed event ends the stream and the store subscribes again: \(final)")
        XCTAssertGreaterThanOrEqual(final["/containers/json"] ?? 0, 2, "and resyncs: \(final)")
        XCTAssertGreaterThanOrEqual(final["/containers/\(String(repeating: "a", count: 64))/stats"] ?? 0, 1,
                                    "truncated stats were asked for and survived: \(final)")
    }

    /// A failed inspect keeps what the detail pane showed: the fake answers inspect once, then 500,
    /// and the start event it sends on every reconnect asks for the details again.
    func testAFailedInspectKeepsTheDetails() async throws {
        let store = SwtopStore(endpoint: EngineEndpoint(address: .unix(path: socket), source: "test"))
        await store.start()
        let id = String(repeating: "a", count: 64)
        let inspectPath = "/containers/\(id)/json"
        let watchdog = Task {
            try await Task.sleep(for: .seconds(20))
            await store.stop()
        }
        var asked = false
        var withDetails: StoreSnapshot?
        var afterFailure: StoreSnapshot?
        for await snapshot in store.snapshots {
            if snapshot.loaded, !asked {
                asked = true
                await store.requestDetails(id)
            }
            if snapshot.details[id] != nil, withDetails == nil { withDetails = snapshot }
            if withDetails != nil, (try? counts())?[inspectPath] ?? 0 >= 2 {
                // The failed inspect has been answered; the next snapshot is after it.
                afterFailure = snapshot
                if snapshot.generation > withDetails!.generation + 1 { break }
            }
        }
        watchdog.cancel()
        await store.stop()
        XCTAssertEqual(withDetails?.details[id]?.HostConfig?.RestartPolicy?.Name, "always", "the first inspect arrived")
        XCTAssertGreaterThanOrEqual(try counts()[inspectPath] ?? 0, 2, "inspect was asked again (and failed)")
        XCTAssertEqual(afterFailure?.details[id]?.HostConfig?.RestartPolicy?.Name, "always", "kept after the failure")
        XCTAssertNotNil(afterFailure?.timing[id]?.startedAt, "the start time came from inspect")
    }

    /// An engine error inside a log stream is shown, and a stream cut mid-frame is said, not dropped;
    /// the follow then resumes from the last timestamp without repeating a line.
    func testLogStreamErrorsAreShownAndTheResumeRepeatsNothing() async throws {
        let client = try await DockerClient.connect(EngineEndpoint(address: .unix(path: socket), source: "test"))
        let wakes = WakeCounter()
        let session = LogSession(sources: [LogSession.Source(id: "a" + String(repeating: "a", count: 63), name: "good-one")],
                                 options: LogSession.Options(tail: 10), client: { _ in client }, wake: { wakes.bump() })
        session.start()
        var entries: [LogEntry] = []
        let deadline = Date().addingTimeInterval(15)
        // The first stream is cut; the session retries a second later, and the fake sends it all again.
        let logsPath = "/containers/" + String(repeating: "a", count: 64) + "/logs"
        while Date() < deadline, (try counts()[logsPath] ?? 0) < 2 {
            entries += session.drain().entries
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(500))
        entries += session.drain().entries
        XCTAssertGreaterThanOrEqual(try counts()[logsPath] ?? 0, 2, "the session did not resume")
        session.stop()
        await client.shutdown()
        XCTAssertEqual(entries.filter { $0.text == "hello" }.count, 1, "hello repeated after the resume: \(entries)")
        XCTAssertTrue(entries.contains { $0.kind == .error && $0.text == "Error grabbing logs: log file is corrupt" }, "\(entries)")
        XCTAssertTrue(entries.contains { $0.kind == .error && $0.text.contains("stream ended inside a log frame") }, "\(entries)")
        XCTAssertGreaterThan(wakes.value, 0)

        // The CLI: the line on stdout, the engine's error on stderr, and the cut stream fails the command.
        // (The fake stamps every line, as an engine does when asked with -t.)
        let cli = try Shell.run([Repo.swtopBinary, "logs", "-t", "-H", "unix://\(socket)", "a" + String(repeating: "a", count: 63)])
        XCTAssertEqual(cli.stdout, "2023-11-14T22:13:20.000000001Z hello\n")
        XCTAssertTrue(cli.stderr.contains("Error grabbing logs: log file is corrupt"), cli.stderr)
        XCTAssertTrue(cli.stderr.contains("stream ended inside a log frame"), cli.stderr)
        XCTAssertEqual(cli.status, 1)
    }
}

final class WakeCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func bump() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
