import DockerEngine
import Foundation
import SwtopStore
import TestSupport
import XCTest

/// The store and the log session against the in-memory engine: the faults a real engine cannot be made
/// to show on demand — a malformed row or answer, an events stream that ends or breaks, an engine that
/// goes away and comes back, a slow answer, a log stream that ends at once or is cut inside a frame.
final class InMemoryEngineTests: XCTestCase {
    static let webID = String(repeating: "a", count: 64)
    static let dbID = String(repeating: "b", count: 64)

    static func row(_ id: String, _ name: String, state: String = "running") -> String {
        #"{"Id":"\#(id)","Names":["/\#(name)"],"Image":"busybox","State":"\#(state)","Status":"x","Created":1795983303}"#
    }

    static func details(_ id: String, running: Bool, startedAt: String = "2026-12-06T08:00:00.000000001Z", exitCode: Int = 0) -> String {
        #"{"Id":"\#(id)","Name":"/web","State":{"Status":"\#(running ? "running" : "exited")","Running":\#(running),"#
            + #""Paused":false,"Restarting":false,"ExitCode":\#(exitCode),"StartedAt":"\#(startedAt)"},"Config":{"Tty":false}}"#
    }

    static func event(_ id: String, _ action: String) -> String {
        #"{"Type":"container","Action":"\#(action)","Actor":{"ID":"\#(id)","Attributes":{"name":"web"}},"time":1795983400,"timeNano":1795983400000000000}"#
    }

    func engine() -> InMemoryEngine {
        var answers = InMemoryEngine.Answers()
        answers.containers = "[\(Self.row(Self.webID, "web"))]"
        answers.details = [Self.webID: Self.details(Self.webID, running: true)]
        return InMemoryEngine(answers)
    }

    func withStore(_ engine: InMemoryEngine, _ body: (SwtopStore) async throws -> Void) async throws {
        var settings = SwtopStore.Settings()
        settings.resyncInterval = 3600
        settings.statsInterval = 3600
        settings.useCgroupFiles = false
        settings.connect = engine.connector
        let store = SwtopStore(endpoint: InMemoryEngine.endpoint, settings: settings)
        await store.start()
        do {
            try await body(store)
        } catch {
            await store.stop()
            throw error
        }
        await store.stop()
    }

    /// The first published snapshot that satisfies `predicate`, or a failure after `seconds`.
    func waitFor(_ store: SwtopStore, seconds: Double = 10, _ what: String,
                 _ predicate: @escaping @Sendable (StoreSnapshot) -> Bool) async throws -> StoreSnapshot {
        try await store.snapshot(within: seconds, what, where: predicate)
    }

    static func reason(_ snapshot: StoreSnapshot) -> String? {
        if case let .unreachable(reason, _) = snapshot.connection { return reason }
        return nil
    }

    // MARK: - The store

    func testAMalformedRowIsLeftOutAndTheOthersListed() async throws {
        let engine = engine()
        engine.update { $0.containers = "[\(Self.row(Self.webID, "web")), {\"Names\": 5}, \(Self.row(Self.dbID, "db"))]" }
        try await withStore(engine) { store in
            let loaded = try await waitFor(store, "the list") { $0.loaded }
            XCTAssertEqual(loaded.containers.map(\.name), ["db", "web"])
            XCTAssertEqual(loaded.connection, .connected)
        }
    }

    func testAMalformedAnswerSaysWhichAndIsAskedAgain() async throws {
        let engine = engine()
        engine.update { $0.info = "{\"MemTotal\": " }
        try await withStore(engine) { store in
            let failed = try await waitFor(store, "the failure shown") { Self.reason($0) != nil }
            XCTAssertTrue(Self.reason(failed)?.contains("/info") ?? false, Self.reason(failed) ?? "")
            XCTAssertFalse(failed.loaded)
            engine.update { $0.info = "{}" }
            let loaded = try await waitFor(store, "connected once /info answers") { $0.loaded && $0.connection == .connected }
            XCTAssertEqual(loaded.containers.map(\.name), ["web"])
            XCTAssertGreaterThanOrEqual(engine.calls("connect"), 2)
        }
    }

    func testAnEventsStreamThatEndsIsFollowedByOneReconnectAndAFullList() async throws {
        let engine = engine()
        try await withStore(engine) { store in
            _ = try await waitFor(store, "the list") { $0.loaded }
            XCTAssertEqual(engine.calls("events"), 1)
            // Changed while no event says so: only the resync after the reconnect can show it.
            engine.update { $0.containers = "[\(Self.row(Self.webID, "web")), \(Self.row(Self.dbID, "db"))]" }
            engine.endEvents()
            let after = try await waitFor(store, "db listed after the resync") { $0.containers.count == 2 && $0.connection == .connected }
            XCTAssertEqual(after.containers.map(\.name), ["db", "web"])
            XCTAssertEqual(engine.calls("connect"), 2, "one reconnect, not a loop")
            XCTAssertEqual(engine.calls("events"), 2)
        }
    }

    func testAMalformedEventBreaksTheStreamAndTheStoreListsAgain() async throws {
        let engine = engine()
        try await withStore(engine) { store in
            _ = try await waitFor(store, "the list") { $0.loaded }
            let listed = engine.calls("containers")
            engine.emit("{\"Type\": \"container\", ")
            _ = try await waitFor(store, "listed again") { _ in engine.calls("containers") > listed && engine.calls("events") == 2 }
            XCTAssertEqual(engine.calls("connect"), 2)
        }
    }

    func testAnEngineThatGoesAwayIsShownWithItsReasonAndComesBack() async throws {
        let engine = engine()
        try await withStore(engine) { store in
            _ = try await waitFor(store, "the list") { $0.loaded }
            engine.update { $0.containers = "[\(Self.row(Self.webID, "web", state: "exited"))]" }
            engine.setReachable(false, reason: "connection reset by peer")
            let away = try await waitFor(store, "unreachable") { Self.reason($0) != nil }
            XCTAssertEqual(Self.reason(away), "connection reset by peer")
            XCTAssertEqual(away.containers.map(\.name), ["web"], "the last known rows stay")
            engine.setReachable(true)
            let back = try await waitFor(store, "back") { $0.connection == .connected && $0.containers.first?.state == .exited }
            XCTAssertEqual(back.containers.count, 1)
        }
    }

    func testAnEventReachesTheSnapshot() async throws {
        let engine = engine()
        try await withStore(engine) { store in
            _ = try await waitFor(store, "the list") { $0.loaded }
            engine.update { $0.containers = "[\(Self.row(Self.webID, "web", state: "exited"))]" }
            engine.emit(Self.event(Self.webID, "die"))
            _ = try await waitFor(store, "web exited") { $0.containers.first?.state == .exited }
        }
    }

    func testASlowAnswerDoesNotHoldTheContainerList() async throws {
        let engine = engine()
        engine.slow("images", by: .seconds(60))
        let started = ContinuousClock.now
        try await withStore(engine) { store in
            let loaded = try await waitFor(store, "the containers while images are slow") { $0.loaded }
            XCTAssertEqual(loaded.containers.map(\.name), ["web"])
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(30), "stopping does not wait for the slow answer")
    }

    func testActionsReachTheEngineInTheOrderAsked() async throws {
        let engine = engine()
        try await withStore(engine) { store in
            _ = try await waitFor(store, "the list") { $0.loaded }
            await store.perform(.stop(timeoutSeconds: nil), on: [(Self.webID, "web")])
            await store.perform(.start, on: [(Self.webID, "web")])
            _ = try await waitFor(store, "both done") { _ in engine.performed.count == 2 }
            XCTAssertEqual(engine.performed, ["stop \(Self.webID)", "start \(Self.webID)"])
        }
    }

    // MARK: - The log session

    /// A log session on the in-memory engine, and every entry it gave.
    final class Followed {
        let session: LogSession
        var entries: [LogEntry] = []

        init(_ engine: InMemoryEngine) {
            session = LogSession(sources: [LogSession.Source(id: InMemoryEngineTests.webID, name: "web")],
                                 options: LogSession.Options(tail: 100), client: { _ in engine }, wake: {})
        }

        /// Takes the session's news until `predicate` holds, looking every 20 ms for `seconds` at most.
        func wait(seconds: Double = 10, _ what: String, _ predicate: ([LogEntry]) -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while true {
                entries += session.drain().entries
                if predicate(entries) { return }
                guard ContinuousClock.now < deadline else {
                    throw TestFailure("timed out waiting for \(what); entries: \(entries.map(\.text))")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        func texts() -> [String] { entries.map(\.text) }
    }

    static func line(_ second: Int, _ text: String) -> (stream: UInt8, time: String, text: String) {
        (1, "2026-12-06T08:00:\(String(format: "%02d", second)).000000001Z", text)
    }

    func testAStreamThatEndsAtOnceIsAskedAgainLaterEachTimeAndRepeatsNoLine() async throws {
        let engine = engine()
        engine.setLogs(Self.webID, [Self.line(1, "hello"), Self.line(2, "world")])
        let followed = Followed(engine)
        followed.session.start()
        defer { followed.session.stop() }
        try await followed.wait("the lines") { $0.contains { $0.text == "world" } }
        let start = ContinuousClock.now
        try await followed.wait("two more asks") { _ in engine.calls("logs") >= 3 }
        let third = ContinuousClock.now - start
        // The running container's stream ended at once each time: 1 s, then 2 s before asking again.
        XCTAssertGreaterThanOrEqual(third, .milliseconds(2500), "asked again in a loop")
        XCTAssertEqual(followed.texts().filter { $0 == "hello" }.count, 1, "no line twice: \(followed.texts())")
        XCTAssertEqual(followed.texts().filter { $0 == "world" }.count, 1)
        XCTAssertFalse(followed.texts().contains { $0.contains("restarted") || $0.contains("stopped") }, "\(followed.texts())")
    }

    func testAStoppedContainerIsSaidOnceAndFollowedAgainAtItsStart() async throws {
        let engine = engine()
        engine.update { $0.details[Self.webID] = Self.details(Self.webID, running: false, exitCode: 3) }
        engine.setLogs(Self.webID, [Self.line(1, "bye")])
        let followed = Followed(engine)
        followed.session.start()
        defer { followed.session.stop() }
        try await followed.wait("the stopped notice") { $0.contains { $0.text.contains("web stopped (exit code 3)") } }
        try await followed.wait("subscribed to its events") { _ in engine.subscriberCount == 1 }
        XCTAssertEqual(engine.calls("logs"), 1, "a stopped container's log is not asked again until it starts")
        engine.update { $0.details[Self.webID] = Self.details(Self.webID, running: true, startedAt: "2026-12-06T08:01:00.000000001Z") }
        engine.setLogs(Self.webID, [Self.line(1, "bye"), (1, "2026-12-06T08:01:01.000000001Z", "back")], end: .hang)
        engine.emit(Self.event(Self.webID, "start"))
        try await followed.wait("the next run's line") { $0.contains { $0.text == "back" } }
        let texts = followed.texts()
        XCTAssertEqual(texts.filter { $0.contains("stopped") }.count, 1, "\(texts)")
        XCTAssertEqual(texts.filter { $0.contains("started again") }.count, 1, "\(texts)")
        XCTAssertEqual(texts.filter { $0 == "bye" }.count, 1, "\(texts)")
    }

    func testAFrameCutInHalfKeepsTheLinesBeforeAndSaysWhatHappened() async throws {
        let engine = engine()
        let good = InMemoryEngine.frame(1, Array("2026-12-06T08:00:01.000000001Z fine\n".utf8))
        engine.setLogBytes(Self.webID, good + [1, 0, 0, 0, 0, 0, 0, 40] + Array("2026-12-06".utf8))
        let followed = Followed(engine)
        followed.session.start()
        defer { followed.session.stop() }
        try await followed.wait("the error") { $0.contains { $0.kind == .error } }
        let texts = followed.texts()
        XCTAssertEqual(texts.first, "fine")
        XCTAssertTrue(texts.contains { $0.contains("stream ended inside a log frame") && $0.contains("retrying") }, "\(texts)")
    }
}
