import DockerEngine
import Foundation
import SwtopStore
import TestSupport
import XCTest

/// A log follow against the real engines when the container keeps ending: one marker per restart, every
/// run's lines once, and no loop (the follow waits for the engine's start event, it does not ask again).
final class LogFollowTests: EngineTestCase {
    static func processCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// `--restart=always` with a command that exits every 2 s, followed for 20 s (the case: the
    /// view filled with 80–150 "restarted" markers a second and swtop used 40 % of a core).
    func testARestartLoopGivesOneMarkerPerRestartAndCostsNoCPU() async throws {
        try await forEachEngine { engine, client in
            let id = try makeContainer(engine, "restartloop",
                                       command: "echo starting; sleep 2; echo crashing >&2; exit 3", extra: ["--restart=always"])
            try engine.docker("start", id)
            let session = LogSession(sources: [LogSession.Source(id: id, name: "loop")], options: LogSession.Options(tail: 100),
                                     client: { _ in client }, wake: {})
            let cpu0 = Self.processCPUSeconds()
            session.start()
            var entries: [LogEntry] = []
            let end = Date().addingTimeInterval(20)
            while Date() < end {
                entries += session.drain().entries
                try await Task.sleep(for: .milliseconds(100))
            }
            let restarts = Int(try engine.docker("inspect", "-f", "{{.RestartCount}}", id).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            // The follow says a restart once the engine's start event and a look at the container are in; on a
            // loaded machine that can come after RestartCount has counted it (seen: 6 restarts, 5 markers after a
            // fixed 300 ms). Wait for the marker of every restart counted, 5 s at most, then judge.
            let caughtUp = Date().addingTimeInterval(5)
            repeat {
                try await Task.sleep(for: .milliseconds(100))
                entries += session.drain().entries
            } while Date() < caughtUp && entries.filter({ $0.kind == .notice && $0.text.contains("restarted") }).count < restarts
            session.stop()
            let cpu = Self.processCPUSeconds() - cpu0
            let markers = entries.filter { $0.kind == .notice && $0.text.contains("restarted") }
            let starting = entries.filter { $0.text == "starting" }
            let crashing = entries.filter { $0.kind == .stderr && $0.text == "crashing" }
            let summary = "\(restarts) restarts; \(markers.count) markers, \(starting.count) starting, \(crashing.count) crashing; notices: "
                + entries.filter { $0.kind == .notice || $0.kind == .error }.map(\.text).joined(separator: " | ")
            XCTAssertGreaterThanOrEqual(restarts, 3, "[\(engine.name)] the engine restarted it: \(summary)")
            // The last restart may land after the look at RestartCount and before the last drain.
            XCTAssertTrue((restarts...restarts + 1).contains(markers.count), "[\(engine.name)] one marker per restart: \(summary)")
            XCTAssertTrue((restarts...restarts + 2).contains(starting.count), "[\(engine.name)] each run's first line once: \(summary)")
            XCTAssertTrue((restarts...restarts + 1).contains(crashing.count), "[\(engine.name)] each run's crash message: \(summary)")
            XCTAssertTrue(markers.allSatisfy { $0.text.contains("after exit code 3") }, "[\(engine.name)] the code said: \(summary)")
            XCTAssertLessThan(cpu, 1.0, "[\(engine.name)] under 5 % of a core over 20 s: \(cpu) s of CPU; \(summary)")
        }
    }

    /// A container that is stopped while followed: one stopped notice, then its next start resumes
    /// the follow with its new lines and nothing repeated.
    func testAStopThenStartSaysSoOnceAndResumes() async throws {
        try await forEachEngine { engine, client in
            let id = try makeContainer(engine, "stopstart", command: "trap 'exit 0' TERM; echo up-$(date +%s%N); while :; do sleep 1; done")
            try engine.docker("start", id)
            let session = LogSession(sources: [LogSession.Source(id: id, name: "ss")], options: LogSession.Options(tail: 100),
                                     client: { _ in client }, wake: {})
            session.start()
            var entries: [LogEntry] = []
            func collect(until what: String, _ predicate: ([LogEntry]) -> Bool) async throws {
                let deadline = Date().addingTimeInterval(15)
                while Date() < deadline, !predicate(entries) {
                    entries += session.drain().entries
                    try await Task.sleep(for: .milliseconds(50))
                }
                XCTAssertTrue(predicate(entries), "[\(engine.name)] \(what): \(entries.map(\.text))")
            }
            try await collect(until: "the first line") { $0.contains { $0.text.hasPrefix("up-") } }
            try engine.docker("stop", "-t", "1", id)
            try await collect(until: "the stopped notice") { $0.contains { $0.text.contains("stopped") } }
            try await Task.sleep(for: .seconds(2))
            entries += session.drain().entries
            XCTAssertEqual(entries.filter { $0.kind == .notice }.count, 1, "[\(engine.name)] one notice while stopped: \(entries.map(\.text))")
            try engine.docker("start", id)
            try await collect(until: "the second run's line") { $0.filter { $0.text.hasPrefix("up-") }.count == 2 }
            try await Task.sleep(for: .milliseconds(500))
            entries += session.drain().entries
            session.stop()
            XCTAssertEqual(entries.filter { $0.text.hasPrefix("up-") }.count, 2, "[\(engine.name)] each run's line once: \(entries.map(\.text))")
            XCTAssertEqual(entries.filter { $0.kind == .notice && $0.text.contains("started again") }.count, 1,
                           "[\(engine.name)] \(entries.map(\.text))")
        }
    }
}
