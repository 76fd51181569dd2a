import DockerEngine
import Foundation
import TestSupport
import XCTest

/// Runs a body against every private engine the harness started (engine 20.10 and 26.1), each with a
/// freshly connected client; a failure names the engine.
class EngineTestCase: XCTestCase {
    func forEachEngine(_ body: (TestEngine, DockerClient) async throws -> Void) async throws {
        let engines = try TestEngine.all()
        XCTAssertGreaterThanOrEqual(engines.count, 2, "both engines (20.10 and 26.1) must be under test")
        for engine in engines {
            let client = try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: engine.host))
            do {
                try await body(engine, client)
                await client.shutdown()
            } catch {
                await client.shutdown()
                XCTFail("[\(engine.name)] \(error)")
            }
        }
    }

    /// A container of the test's own, from the seeded busybox image, removed afterwards.
    func makeContainer(_ engine: TestEngine, _ prefix: String, command: String = "trap 'exit 0' TERM; while :; do sleep 1; done",
                       extra: [String] = []) throws -> String {
        let name = Repo.uniqueName(prefix)
        let id = try Shell.check([Repo.dockerCLI, "-H", engine.host, "create", "--name", name, "--label", "swtop.test=1"]
            + extra + ["swtop/busybox:latest", "sh", "-c", command]).trimmingCharacters(in: .whitespacesAndNewlines)
        addTeardownBlock { _ = try? engine.dockerResult(["rm", "-f", id]) }
        return id
    }

    func engineState(_ engine: TestEngine, _ id: String) throws -> String {
        try engine.docker("inspect", "-f", "{{.State.Status}}", id).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
