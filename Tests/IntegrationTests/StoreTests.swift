import DockerEngine
import Foundation
import SwtopStore
import TestSupport
import XCTest

/// The model against real engines: it follows changes made outside swtop, runs actions, samples
/// stats both ways, and comes back by itself when the engine appears.
final class StoreTests: EngineTestCase {
    /// Waits until a published snapshot satisfies `predicate`.
    func waitFor(_ store: SwtopStore, seconds: Double = 20, _ what: String,
                 _ predicate: @escaping @Sendable (StoreSnapshot) -> Bool) async throws -> StoreSnapshot {
        try await withThrowingTaskGroup(of: StoreSnapshot?.self) { group in
            group.addTask {
                for await snapshot in store.snapshots where predicate(snapshot) { return snapshot }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let found = first else { throw TestFailure("timed out after \(seconds) s waiting for: \(what)") }
            return found
        }
    }

    func withStore(_ engine: TestEngine, settings: SwtopStore.Settings = .init(),
                   _ body: (SwtopStore) async throws -> Void) async throws {
        let store = SwtopStore(endpoint: try EndpointResolver.resolve(explicitHost: engine.host), settings: settings)
        await store.start()
        do {
            try await body(store)
        } catch {
            await store.stop()
            throw TestFailure("[\(engine.name)] \(error)")
        }
        await store.stop()
    }

    func testFollowsChangesMadeOutsideSwtop() async throws {
        // No periodic resync here: only the events stream can bring these changes in time.
        var settings = SwtopStore.Settings()
        settings.resyncInterval = 3600
        for engine in try TestEngine.all() {
            try await withStore(engine, settings: settings) { store in
                let loaded = try await waitFor(store, "first list") { $0.loaded }
                let reference = Set(try engine.docker("ps", "-aq", "--no-trunc").split(separator: "\n").map(String.init))
                XCTAssertEqual(Set(loaded.containers.map(\.id)), reference, engine.name)

                let id = try makeContainer(engine, "swtop-store-outside")
                _ = try await waitFor(store, seconds: 5, "created container appears") { $0.containers.contains { $0.id == id && $0.state == "created" } }
                try engine.docker("start", id)
                _ = try await waitFor(store, seconds: 5, "running") { $0.containers.contains { $0.id == id && $0.state == "running" } }
                try engine.docker("pause", id)
                _ = try await waitFor(store, seconds: 5, "paused") { $0.containers.contains { $0.id == id && $0.state == "paused" } }
                try engine.docker("rm", "-f", id)
                _ = try await waitFor(store, seconds: 5, "removed") { !$0.containers.contains { $0.id == id } }
            }
        }
    }

    func testActionsReachTheEngineAndReportBack() async throws {
        for engine in try TestEngine.all() {
            try await withStore(engine) { store in
                let id = try makeContainer(engine, "swtop-store-action")
                let name = try engine.docker("inspect", "-f", "{{.Name}}", id).trimmingCharacters(in: .whitespacesAndNewlines)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                _ = try await waitFor(store, "container listed") { $0.containers.contains { $0.id == id } }
                await store.perform(.start, on: [(id, name)])
                let started = try await waitFor(store, "started") { s in
                    s.lastResult?.text == "started \(name)" && s.containers.contains { $0.id == id && $0.state == "running" }
                }
                XCTAssertEqual(started.pending[id], nil)
                XCTAssertEqual(try engineState(engine, id), "running")

                await store.perform(.unpause, on: [(id, name)])
                let refused = try await waitFor(store, "engine refusal") { $0.lastResult?.isError == true }
                XCTAssertTrue(refused.lastResult?.text.contains("is not paused") ?? false, "[\(engine.name)] \(refused.lastResult?.text ?? "")")

                await store.perform(.remove(force: true, volumes: false), on: [(id, name)])
                _ = try await waitFor(store, "removed") { s in !s.containers.contains { $0.id == id } && s.lastResult?.text == "removed \(name)" }
                XCTAssertNotEqual(try engine.dockerResult(["inspect", id]).status, 0)
            }
        }
    }

    func testStatsFromCgroupFilesAndFromTheAPI() async throws {
        for engine in try TestEngine.all() {
            for useCgroups in [true, false] {
                var settings = SwtopStore.Settings()
                settings.useCgroupFiles = useCgroups
                try await withStore(engine, settings: settings) { store in
                    let snapshot = try await waitFor(store, "stats with a CPU rate (cgroups: \(useCgroups))") { s in
                        guard let running = s.containers.first(where: { $0.name == "swtop-running" }) else { return false }
                        return s.stats[running.id]?.cpuPercent != nil && (s.stats[running.id]?.memoryUsed ?? 0) > 0
                    }
                    XCTAssertEqual(snapshot.statsSource, useCgroups ? "cgroup files" : "engine API", engine.name)
                    let stopped = snapshot.containers.filter { $0.state != "running" }
                    XCTAssertFalse(stopped.contains { snapshot.stats[$0.id] != nil }, "stopped containers have no stats")
                    let cpu = snapshot.stats[snapshot.containers.first { $0.name == "swtop-running" }!.id]!.cpuPercent!
                    XCTAssertTrue((0...200).contains(cpu), "a sleeping busybox loop uses little CPU: \(cpu)")
                }
            }
        }
    }

    /// The store starts against an address where nothing listens, says so, and connects and resyncs
    /// by itself once the engine appears there.
    func testUnreachableThenReconnects() async throws {
        let engine = try XCTUnwrap(try TestEngine.all().first)
        guard case let .unix(path) = try EngineAddress(parsing: engine.host) else { return XCTFail("unix engines expected") }
        let link = NSTemporaryDirectory() + "swtop-late-\(UUID().uuidString.prefix(6)).sock"
        defer { try? FileManager.default.removeItem(atPath: link) }
        let store = SwtopStore(endpoint: EngineEndpoint(address: .unix(path: link), source: "test"))
        await store.start()
        let down = try await waitFor(store, "unreachable") { s in
            if case .unreachable = s.connection { return true }
            return false
        }
        XCTAssertFalse(down.loaded)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let up = try await waitFor(store, seconds: 30, "reconnected") { $0.connection == .connected && $0.loaded }
        XCTAssertGreaterThanOrEqual(up.containers.count, 10)
        await store.stop()
    }
}
