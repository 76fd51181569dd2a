import DockerEngine
import Foundation
import TestSupport
import XCTest

/// Each lifecycle call moves a container to the state the engine then reports.
final class LifecycleTests: EngineTestCase {
    func testEveryActionReachesItsState() async throws {
        try await forEachEngine { engine, client in
            let id = try makeContainer(engine, "swtop-life")
            XCTAssertEqual(try engineState(engine, id), "created")

            try await client.start(id)
            XCTAssertEqual(try engineState(engine, id), "running", engine.name)
            try await client.start(id)  // 304: already running counts as success

            try await client.pause(id)
            XCTAssertEqual(try engineState(engine, id), "paused", engine.name)
            try await client.unpause(id)
            XCTAssertEqual(try engineState(engine, id), "running", engine.name)

            let before = try engine.docker("inspect", "-f", "{{.State.StartedAt}}", id)
            try await client.restart(id, timeoutSeconds: 5)
            XCTAssertEqual(try engineState(engine, id), "running", engine.name)
            XCTAssertNotEqual(try engine.docker("inspect", "-f", "{{.State.StartedAt}}", id), before, "restart starts anew")

            try await client.stop(id, timeoutSeconds: 5)
            XCTAssertEqual(try engineState(engine, id), "exited", engine.name)
            try await client.stop(id)  // 304: already stopped

            try await client.start(id)
            try await client.kill(id)
            XCTAssertEqual(try engineState(engine, id), "exited", engine.name)
            XCTAssertEqual(try engine.docker("inspect", "-f", "{{.State.ExitCode}}", id).trimmingCharacters(in: .whitespacesAndNewlines), "137")

            try await client.remove(id)
            XCTAssertNotEqual(try engine.dockerResult(["inspect", id]).status, 0, "removed containers are gone")
        }
    }

    /// Calls one right after another go on kept-alive connections, each answered: a body that ends
    /// after its connection has taken the next request must not close it (the race the first version of
    /// swtop's own HTTP client had: a start right after a stop failed with "the engine closed the connection").
    func testCallsOneAfterAnotherShareAKeptConnection() async throws {
        func sockets() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter { fd in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + fd))?.hasPrefix("socket:") == true
            }.count
        }
        try await forEachEngine { engine, client in
            let id = try makeContainer(engine, "swtop-kept")
            try await client.start(id)
            let before = try sockets()
            // POSTs (not sent again when a connection fails) among inspects on other tasks,
            // so that connections pass from one task's call to another's.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // (A signal the shell ignores: pause and unpause back to back race in the engine itself.)
                    for _ in 0..<80 { try await client.kill(id, signal: "WINCH") }
                }
                for _ in 0..<3 {
                    group.addTask { for _ in 0..<60 { _ = try await client.inspectContainer(id) } }
                }
                try await group.waitForAll()
            }
            XCTAssertEqual(try engineState(engine, id), "running", engine.name)
            // Four tasks at once need four connections; a GET whose kept connection was found closed takes a
            // fresh one; the pool keeps 8 at most. One connection a call would be 260.
            XCTAssertLessThanOrEqual(try sockets() - before, 8, "[\(engine.name)] 260 calls from four tasks on kept connections")
        }
    }

    func testConflictsAndMissingCarryTheEngineMessage() async throws {
        try await forEachEngine { engine, client in
            let id = try makeContainer(engine, "swtop-conflict")
            do {
                try await client.pause(id)
                XCTFail("pausing a container that is not running must fail")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 409, engine.name)
                XCTAssertTrue(error.description.contains("is not running"), "[\(engine.name)] \(error)")
            }
            do {
                try await client.start("swtop-no-such-container")
                XCTFail("starting a missing container must fail")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 404, engine.name)
                XCTAssertTrue(error.description.contains("No such container"), "[\(engine.name)] \(error)")
            }
            try await client.start(id)
            do {
                try await client.remove(id)
                XCTFail("removing a running container without force must fail")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 409, engine.name)
            }
            try await client.remove(id, force: true)
            XCTAssertNotEqual(try engine.dockerResult(["inspect", id]).status, 0)
        }
    }
}
