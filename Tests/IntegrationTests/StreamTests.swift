import DockerEngine
import Foundation
import TestSupport
import XCTest

final class StreamTests: EngineTestCase {
    /// The seeded swtop-logger writes out-1..3 on stdout and err-1..2 on stderr.
    func testLogStreamEqualsDockerLogsWithStreamsApart() async throws {
        try await forEachEngine { engine, client in
            let reference = try engine.dockerResult(["logs", "swtop-logger"])
            var stdout: [String] = []
            var stderr: [String] = []
            for try await line in client.logs("swtop-logger") {
                switch line.stream {
                case .stdout: stdout.append(line.text)
                case .stderr: stderr.append(line.text)
                default: XCTFail("unexpected stream \(line.stream)")
                }
            }
            XCTAssertEqual(stdout, reference.stdout.split(separator: "\n").map(String.init), engine.name)
            XCTAssertEqual(stderr, reference.stderr.split(separator: "\n").map(String.init), engine.name)
            XCTAssertEqual(stdout, ["out-1", "out-2", "out-3"], engine.name)
            XCTAssertEqual(stderr, ["err-1", "err-2"], engine.name)
        }
    }

    func testTTYLogsAreReadRawAndMatch() async throws {
        try await forEachEngine { engine, client in
            let id = try makeContainer(engine, "swtop-ttylog", command: "echo 'tty line one'; echo '한국어 줄'; sleep 300",
                                       extra: ["-t"])
            try await client.start(id)
            // Follow until both lines are in (the stream stays open: the container sleeps on), bounded.
            let lines = try await withTimeout(seconds: 30) { () -> [LogLine] in
                var lines: [LogLine] = []
                for try await line in client.logs(id, options: LogOptions(follow: true)) {
                    lines.append(line)
                    if lines.count >= 2 { break }
                }
                return lines
            }
            let reference = try engine.docker("logs", id).split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .init(charactersIn: "\r")) }
            XCTAssertEqual(lines.map(\.text), reference, engine.name)
            XCTAssertEqual(lines.map(\.text), ["tty line one", "한국어 줄"], engine.name)
        }
    }

    func testFollowingDeliversNewLinesAndEndsWhenTheContainerStops() async throws {
        try await forEachEngine { engine, client in
            let id = try makeContainer(engine, "swtop-follow",
                                       command: "i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo tick-$i; echo tock-$i >&2; sleep 0.3; done")
            try await client.start(id)
            let seen = try await withTimeout(seconds: 30) { () -> [String] in
                var seen: [String] = []
                for try await line in client.logs(id, options: LogOptions(follow: true)) {
                    seen.append("\(line.stream == .stderr ? "E" : "O"):\(line.text)")
                }
                return seen
            }
            XCTAssertEqual(seen.filter { $0.hasPrefix("O:") }, ["O:tick-1", "O:tick-2", "O:tick-3"], engine.name)
            XCTAssertEqual(seen.filter { $0.hasPrefix("E:") }, ["E:tock-1", "E:tock-2", "E:tock-3"], engine.name)
        }
    }

    func testStartAndStopProduceTheirEvents() async throws {
        try await forEachEngine { engine, client in
            let id = try makeContainer(engine, "swtop-events")
            // Returns once the engine has answered the subscription: no event can be missed after it.
            let events = try await client.subscribeEvents(filters: ["container": [id], "type": ["container"]])
            let collector = Task { () -> [String] in
                var verbs: [String] = []
                for try await event in events {
                    XCTAssertEqual(event.actorID, id)
                    verbs.append(event.verb)
                    // Engines differ in order: 20.10 sends die then stop, 26.1 stop then die.
                    if verbs.contains("stop") && verbs.contains("die") { break }
                }
                return verbs
            }
            try await client.start(id)
            try await client.stop(id, timeoutSeconds: 5)
            let verbs = try await withTimeout(seconds: 30) { try await collector.value }
            let lifecycle = verbs.filter { ["start", "die", "stop"].contains($0) }
            XCTAssertEqual(lifecycle.first, "start", "[\(engine.name)] \(verbs)")
            XCTAssertEqual(Set(lifecycle), ["start", "die", "stop"], "[\(engine.name)] \(verbs)")
            XCTAssertEqual(lifecycle.count, 3, "[\(engine.name)] \(verbs)")
        }
    }

    func testOneShotStatsOfARunningContainer() async throws {
        try await forEachEngine { engine, client in
            let stats = try await client.stats("swtop-running")
            XCTAssertGreaterThan(stats.cpu_stats?.cpu_usage?.total_usage ?? 0, 0, engine.name)
            XCTAssertGreaterThan(stats.memory_stats?.usage ?? 0, 0, engine.name)
        }
    }

    func withTimeout<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw TestFailure("timed out after \(seconds) s")
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
    }
}
