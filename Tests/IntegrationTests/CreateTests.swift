import DockerEngine
import Foundation
import TestSupport
import XCTest

/// The run form's create call on both engines: what the engine then holds is what was asked.
final class CreateTests: EngineTestCase {
    func testTheSpecReachesTheEngine() async throws {
        try await forEachEngine { engine, client in
            let name = Repo.uniqueName("swtop-create")
            let volume = Repo.uniqueName("swtop-create-v")
            addTeardownBlock {
                _ = try? engine.dockerResult(["rm", "-f", name])
                _ = try? engine.dockerResult(["volume", "rm", volume])
            }
            var spec = ContainerSpec(image: "swtop/busybox:latest")
            spec.name = name
            spec.command = ["sh", "-c", "sleep 600"]
            spec.ports = [.init(hostIP: "127.0.0.1", hostPort: nil, containerPort: "80"), .init(hostPort: nil, containerPort: "53", proto: "udp")]
            spec.binds = ["\(volume):/data", "/tmp:/host-tmp:ro"]
            spec.env = ["GREETING=hello world", "EMPTY="]
            spec.restart = "on-failure:2"
            spec.user = "nobody"
            spec.workingDir = "/data"
            let id = try await client.createContainer(spec)
            try await client.perform(.start, on: id)
            func inspect(_ format: String) throws -> String {
                try engine.docker("inspect", "-f", format, id).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            XCTAssertEqual(try inspect("{{.Name}}"), "/\(name)")
            XCTAssertEqual(try inspect("{{.State.Status}}"), "running", engine.name)
            XCTAssertEqual(try inspect("{{json .Config.Cmd}}"), #"["sh","-c","sleep 600"]"#)
            XCTAssertTrue(try inspect("{{json .Config.Env}}").contains(#""GREETING=hello world""#))
            XCTAssertEqual(try inspect("{{.Config.User}}"), "nobody")
            XCTAssertEqual(try inspect("{{.Config.WorkingDir}}"), "/data")
            XCTAssertEqual(try inspect("{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}"), "on-failure:2")
            XCTAssertEqual(try inspect("{{json .HostConfig.Binds}}"), #"["\#(volume):/data","/tmp:/host-tmp:ro"]"#)
            let ports = try engine.docker("port", id)
            XCTAssertTrue(ports.contains("80/tcp -> 127.0.0.1:"), "[\(engine.name)] \(ports)")
            XCTAssertTrue(try inspect("{{json .Config.ExposedPorts}}").contains("53/udp"), engine.name)
            // A taken name: the engine's own words.
            do {
                _ = try await client.createContainer(spec)
                XCTFail("[\(engine.name)] a second container under one name")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 409, "[\(engine.name)] \(error)")
                XCTAssertTrue(error.userMessage.contains("already in use"), error.userMessage)
            }
        }
    }
}
