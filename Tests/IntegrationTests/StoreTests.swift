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
        try await store.snapshot(within: seconds, what, where: predicate)
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
                _ = try await waitFor(store, seconds: 5, "created container appears") { $0.containers.contains { $0.id == id && $0.state == .created } }
                try engine.docker("start", id)
                _ = try await waitFor(store, seconds: 5, "running") { $0.containers.contains { $0.id == id && $0.state == .running } }
                try engine.docker("pause", id)
                _ = try await waitFor(store, seconds: 5, "paused") { $0.containers.contains { $0.id == id && $0.state == .paused } }
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
                    s.lastResult?.text == "started \(name)" && s.containers.contains { $0.id == id && $0.state == .running }
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

    /// Two actions on one container asked one after the other reach the engine in that order: a stop
    /// that takes its whole timeout (the process ignores SIGTERM) and then a start end running. Sent as
    /// before, each in a task of its own, the start arrived first (304, already running) and the stop
    /// ended the container.
    func testActionsOnOneContainerReachTheEngineInTheOrderAsked() async throws {
        for engine in try TestEngine.all() {
            try await withStore(engine) { store in
                let id = try makeContainer(engine, "swtop-store-order", command: "trap '' TERM; while :; do sleep 1; done")
                let name = try engine.docker("inspect", "-f", "{{.Name}}", id).trimmingCharacters(in: .whitespacesAndNewlines)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                try engine.docker("start", id)
                _ = try await waitFor(store, "running") { $0.containers.contains { $0.id == id && $0.state == .running } }
                let startedAt = try engine.docker("inspect", "-f", "{{.State.StartedAt}}", id)
                await store.perform(.stop(timeoutSeconds: 2), on: [(id, name)])
                await store.perform(.start, on: [(id, name)])
                _ = try await waitFor(store, "the start after the stop") { s in
                    s.lastResult?.text == "started \(name)" && s.pending[id] == nil
                }
                XCTAssertEqual(try engineState(engine, id), "running", "[\(engine.name)] stopped, then started")
                XCTAssertNotEqual(try engine.docker("inspect", "-f", "{{.State.StartedAt}}", id), startedAt,
                                  "[\(engine.name)] a new run: the start came after the stop")
            }
        }
    }

    /// A busy loop's CPU % from the store, both ways, against the container's own cgroup counter over
    /// the same seconds: the figure must be the one the kernel accounts, not merely "between 0 and 200".
    func testStatsFromCgroupFilesAndFromTheAPIMatchTheKernelsCounter() async throws {
        for engine in try TestEngine.all() {
            let id = try makeContainer(engine, "swtop-busy", command: "while :; do :; done")
            try engine.docker("start", id)
            let counter = try XCTUnwrap(CgroupCounter(containerID: id), "[\(engine.name)] no cpuacct.usage for \(id)")
            for useCgroups in [true, false] {
                var settings = SwtopStore.Settings()
                settings.useCgroupFiles = useCgroups
                try await withStore(engine, settings: settings) { store in
                    // On screen, as the dashboard would report it: sampled every second.
                    await store.setVisible([id])
                    let first = try await waitFor(store, "a CPU rate for the busy loop (cgroups: \(useCgroups))") { s in
                        s.stats[id]?.cpuPercent != nil && (s.stats[id]?.memoryUsed ?? 0) > 0
                    }
                    let startSamples = first.stats[id]?.cpuHistory.count ?? 0
                    let start = try counter.read()
                    // Four more samples of the store, then the kernel's figure over the same window.
                    let later = try await waitFor(store, "four more samples") { s in
                        (s.stats[id]?.cpuHistory.count ?? 0) >= startSamples + 4
                    }
                    let end = try counter.read()
                    let kernel = Double(end.nanoseconds - start.nanoseconds) / Double(end.at - start.at) * 100
                    let samples = Array(later.stats[id]!.cpuHistory.suffix(4))
                    let store = samples.reduce(0, +) / Double(samples.count)
                    // On a loaded machine the loop gets what the scheduler leaves it (16 % was seen while a
                    // benchmark flooded both cores), so the tolerance follows the kernel's figure: a store
                    // figure of 0, or of any other container, still cannot pass.
                    XCTAssertGreaterThan(kernel, 6, "[\(engine.name)] the busy loop is busy")
                    XCTAssertEqual(store, kernel, accuracy: max(3, kernel / 3),
                                   "[\(engine.name)] cgroups: \(useCgroups): store \(samples) vs kernel \(kernel)")
                    XCTAssertEqual(later.stats[id]?.source, useCgroups ? .cgroupV1 : .engineAPI, engine.name)
                    let stopped = later.containers.filter { $0.state != .running }
                    XCTAssertFalse(stopped.contains { later.stats[$0.id] != nil }, "stopped containers have no stats")
                }
            }
        }
    }

    /// --api-version reaches the dashboard's store: it speaks the pinned version, not the negotiated one.
    func testPinnedAPIVersionIsSpoken() async throws {
        let engine = try XCTUnwrap(try TestEngine.all().last)
        var settings = SwtopStore.Settings()
        settings.pinnedVersion = APIVersion("1.41")
        try await withStore(engine, settings: settings) { store in
            let loaded = try await waitFor(store, "first list") { $0.loaded }
            XCTAssertEqual(loaded.apiVersion, "1.41", "[\(engine.name)] negotiation would give 1.45")
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
        // Until the backoff is long (the next try 2.5 s away or more): a local socket that appears is
        // still noticed within ~100 ms, not at the next try.
        _ = try await waitFor(store, seconds: 20, "a long backoff") { s in
            if case let .unreachable(_, retryingAt) = s.connection { return retryingAt.timeIntervalSinceNow > 2.5 }
            return false
        }
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let appeared = Date()
        let up = try await waitFor(store, seconds: 30, "reconnected") { $0.connection == .connected && $0.loaded }
        XCTAssertLessThan(Date().timeIntervalSince(appeared), 1.5, "the engine's socket was noticed at once, not after the backoff")
        XCTAssertGreaterThanOrEqual(up.containers.count, 10)
        await store.stop()
    }
}

/// A container's cumulative CPU time, read straight from its cgroup v1 cpuacct folder (the engines
/// under test use the cgroupfs driver).
struct CgroupCounter {
    let path: String

    init?(containerID id: String) {
        let found = ["/sys/fs/cgroup/cpuacct/docker/\(id)", "/sys/fs/cgroup/cpu,cpuacct/docker/\(id)",
                     "/sys/fs/cgroup/system.slice/docker-\(id).scope"]
            .map { $0 + ($0.hasSuffix(".scope") ? "/cpu.stat" : "/cpuacct.usage") }
            .first { FileManager.default.fileExists(atPath: $0) }
        guard let found else { return nil }
        path = found
    }

    func read() throws -> (nanoseconds: UInt64, at: UInt64) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let at = DispatchTime.now().uptimeNanoseconds
        if path.hasSuffix("cpu.stat") {
            let usec = text.split(separator: "\n").first { $0.hasPrefix("usage_usec ") }.flatMap { UInt64($0.split(separator: " ")[1]) }
            return (try XCTUnwrap(usec) * 1000, at)
        }
        return (try XCTUnwrap(UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))), at)
    }
}
