import DockerEngine
import Foundation
import TestSupport
import XCTest

/// The swarm calls and `swtop services/nodes` against a one-node swarm (SWTOP_TEST_SWARM), compared
/// with what the docker CLI reports for the same engine.
final class SwarmTests: XCTestCase {
    var engine: TestEngine!
    var client: DockerClient!

    override func setUp() async throws {
        engine = try TestEngine.swarm()
        client = try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: engine.host))
    }

    override func tearDown() async throws {
        await client?.shutdown()
    }

    func service(_ prefix: String, replicas: Int = 2, line: String = "hello from swarm") throws -> String {
        let name = try engine.makeService(prefix, replicas: replicas, line: line)
        addTeardownBlock { [engine] in _ = try? engine!.dockerResult(["service", "rm", name]) }
        return name
    }

    /// The docker CLI's `--format '{{json .}}'` rows, every value as text (`node ls` has a bool, Self).
    func cliJSON(_ arguments: [String]) throws -> [[String: String]] {
        struct Text: Decodable {
            let value: String
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let bool = try? c.decode(Bool.self) { value = String(bool) } else { value = try c.decode(String.self) }
            }
        }
        return try engine.docker(arguments + ["--format", "{{json .}}"]).split(separator: "\n").map {
            try JSONDecoder().decode([String: Text].self, from: Data($0.utf8)).mapValues(\.value)
        }
    }

    func testRoleSaysManager() async throws {
        let role = try await client.swarmRole()
        XCTAssertTrue(role.isManager)
        XCTAssertEqual(role.localNodeState, "active")
        let cli = try engine.docker("info", "--format", "{{.Swarm.NodeID}}").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(role.nodeID, cli)
    }

    func testServicesAndTasksMatchDockerServiceLsAndPs() async throws {
        let name = try service("swtop-svc")
        let services = try await client.services()
        let reference = try cliJSON(["service", "ls"])
        XCTAssertEqual(Set(services.map(\.name)), Set(reference.compactMap { $0["Name"] }))
        for row in reference {
            let mine = try XCTUnwrap(services.first { $0.name == row["Name"] }, "\(row)")
            XCTAssertTrue(mine.ID.hasPrefix(try XCTUnwrap(row["ID"])), "\(row)")
            XCTAssertEqual(SwarmText.replicas(mine), row["Replicas"], "\(row)")
            XCTAssertEqual(mine.mode.description, row["Mode"], "\(row)")
            XCTAssertEqual(mine.image, row["Image"], "\(row)")
        }
        let ours = try XCTUnwrap(services.first { $0.name == name })
        let tasks = try await client.tasks(services: [ours.ID])
        let ps = try cliJSON(["service", "ps", "--no-trunc", name])
        XCTAssertEqual(Set(tasks.map(\.ID)), Set(ps.compactMap { $0["ID"] }))
        let nodes = try await client.nodes()
        for row in ps {
            let task = try XCTUnwrap(tasks.first { $0.ID == row["ID"] })
            XCTAssertEqual(task.DesiredState?.capitalizedFirst, row["DesiredState"], "\(row)")
            XCTAssertTrue(row["CurrentState"]?.hasPrefix((task.Status?.State ?? "?").capitalizedFirst) == true, "\(row)")
            XCTAssertEqual(nodes.first { $0.ID == task.NodeID }?.hostname, row["Node"], "\(row)")
            XCTAssertTrue(row["Name"]?.hasSuffix("\(name).\(task.Slot ?? -1)") == true, "\(row)")
        }
        let inspected = try await client.inspectService(name)
        XCTAssertEqual(inspected.ID, ours.ID)
    }

    func testNodesMatchDockerNodeLs() async throws {
        let nodes = try await client.nodes()
        let reference = try cliJSON(["node", "ls"])
        XCTAssertEqual(nodes.count, reference.count)
        for row in reference {
            let node = try XCTUnwrap(nodes.first { $0.ID == row["ID"] }, "\(row)")
            XCTAssertEqual(node.hostname, row["Hostname"])
            XCTAssertEqual(node.state.capitalizedFirst, row["Status"])
            XCTAssertEqual(node.availability.capitalizedFirst, row["Availability"])
            XCTAssertEqual(node.managerStatus, row["ManagerStatus"])
            XCTAssertEqual(node.engineVersion, row["EngineVersion"])
        }
    }

    func testScalingChangesReplicasAndTheRunningCountFollows() async throws {
        let name = try service("swtop-scale")
        let id = try await client.inspectService(name).ID
        try await client.scaleService(id, replicas: 3)
        let replicas = try engine.docker("service", "inspect", "--format", "{{.Spec.Mode.Replicated.Replicas}}", name)
        XCTAssertEqual(replicas.trimmingCharacters(in: .whitespacesAndNewlines), "3")
        try await pollAsync("3 running replicas", timeout: 60) {
            let status = try await self.client.inspectService(id)
            let listed = try await self.client.services(filters: ["id": [id]]).first?.ServiceStatus
            return status.mode == .replicated(replicas: 3) && listed?.RunningTasks == 3 && listed?.DesiredTasks == 3
        }
        try await client.scaleService(id, replicas: 1)
        try await pollAsync("1 running replica", timeout: 60) {
            try await self.client.services(filters: ["id": [id]]).first?.ServiceStatus?.RunningTasks == 1
        }
        XCTAssertEqual(try engine.docker("service", "ls", "--filter", "name=\(name)", "--format", "{{.Replicas}}")
            .trimmingCharacters(in: .whitespacesAndNewlines), "1/1")
    }

    func testScalingAGlobalServiceIsRefusedWithAMessage() async throws {
        let name = Repo.uniqueName("swtop-global")
        try engine.docker(["service", "create", "--detach", "--name", name, "--mode", "global", "--no-resolve-image",
                           "swtop/busybox:latest", "sleep", "100000"])
        addTeardownBlock { [engine] in _ = try? engine!.dockerResult(["service", "rm", name]) }
        do {
            try await client.scaleService(name, replicas: 2)
            XCTFail("a global service scaled")
        } catch let error as DockerError {
            XCTAssertEqual(error.userMessage, "only a replicated service can be scaled")
        }
    }

    func testDrainAndActivateChangeTheNodesAvailability() async throws {
        let listed = try await client.nodes()
        let node = try XCTUnwrap(listed.first)
        addTeardownBlock { [engine] in _ = try? engine!.dockerResult(["node", "update", "--availability", "active", node.ID]) }
        try await client.setNodeAvailability(node.ID, .drain)
        XCTAssertEqual(try engine.docker("node", "inspect", "--format", "{{.Spec.Availability}}", node.ID)
            .trimmingCharacters(in: .whitespacesAndNewlines), "drain")
        try await client.setNodeAvailability(node.ID, .active)
        XCTAssertEqual(try engine.docker("node", "inspect", "--format", "{{.Spec.Availability}}", node.ID)
            .trimmingCharacters(in: .whitespacesAndNewlines), "active")
        let after = try await client.inspectNode(node.ID)
        XCTAssertEqual(after.Spec?.Role, node.Spec?.Role, "the rest of the spec went back unchanged")
    }

    func testServiceLogsCarryTheServicesLines() async throws {
        let marker = "swtop-marker-\(UUID().uuidString.prefix(6))"
        let name = try service("swtop-logs", replicas: 1, line: marker)
        // Read until the task has printed its line (it starts a moment after the service is made).
        var lines: [LogLine] = []
        var raw = true
        let deadline = ContinuousClock.now + .seconds(30)
        repeat {
            var reader = try await client.openServiceLogs(name, options: LogOptions(follow: false, tail: 20, timestamps: true))
            lines = []
            while let chunk = try await reader.nextLines() { lines += chunk }
            raw = reader.isRaw
            if lines.contains(where: { $0.text.hasPrefix(marker) }) { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        XCTAssertFalse(raw)
        XCTAssertTrue(lines.contains { $0.text.hasPrefix(marker) && $0.stream == .stdout }, "\(lines.map(\.text))")
        XCTAssertTrue(lines.allSatisfy { $0.timestamp != nil })
        let cli = try engine.docker("service", "logs", "--raw", "--tail", "20", name)
        XCTAssertTrue(cli.contains(marker))
    }

    func testServicesJSONAndNodesJSONAgreeWithTheCLI() throws {
        struct ServiceRecord: Decodable { let id, name, mode, image: String; let replicas, running, desired: Int? }
        struct NodeRecord: Decodable {
            let id, hostname, role, status, availability, engineVersion: String
            let managerStatus: String?
            let isSelf: Bool
            enum CodingKeys: String, CodingKey {
                case id, hostname, role, status, availability, engineVersion, managerStatus
                case isSelf = "self"
            }
        }
        let name = try service("swtop-json")
        let services = try JSONDecoder().decode([ServiceRecord].self, from: Data(
            try Shell.check([Repo.swtopBinary, "services", "--json", "-H", engine.host]).utf8))
        let reference = try cliJSON(["service", "ls"])
        XCTAssertEqual(Set(services.map(\.name)), Set(reference.compactMap { $0["Name"] }))
        let ours = try XCTUnwrap(services.first { $0.name == name })
        XCTAssertEqual(ours.replicas, 2)
        XCTAssertEqual(ours.mode, "replicated")
        XCTAssertEqual(ours.image, "swtop/busybox:latest")
        XCTAssertEqual(reference.first { $0["Name"] == name }?["Replicas"], "\(ours.running ?? -1)/\(ours.desired ?? -1)")
        let nodes = try JSONDecoder().decode([NodeRecord].self, from: Data(
            try Shell.check([Repo.swtopBinary, "nodes", "--json", "-H", engine.host]).utf8))
        let nodeRows = try cliJSON(["node", "ls"])
        XCTAssertEqual(nodes.map(\.id), nodeRows.compactMap { $0["ID"] })
        let node = try XCTUnwrap(nodes.first)
        XCTAssertEqual(node.status, "ready")
        XCTAssertEqual(node.availability, "active")
        XCTAssertEqual(node.role, "manager")
        XCTAssertEqual(node.managerStatus, "leader")
        XCTAssertTrue(node.isSelf)
        XCTAssertEqual(node.engineVersion, nodeRows.first?["EngineVersion"])
        let table = try Shell.check([Repo.swtopBinary, "services", "-H", engine.host])
        XCTAssertTrue(table.hasPrefix("ID"), table)
        XCTAssertTrue(table.contains(name) && table.contains("2/2"), table)
    }

    /// A plain engine (bookworm from SWTOP_TEST_ENGINES, not in a swarm): the role says so, the engine
    /// refuses the calls with 503, and `swtop services` / `nodes` exit 3 with one clear line.
    func testANonManagerSaysSo() async throws {
        let plain = try XCTUnwrap(try TestEngine.all().first { $0.name == "bookworm" } ?? TestEngine.all().first)
        let other = try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: plain.host))
        do {
            let role = try await other.swarmRole()
            XCTAssertFalse(role.isManager)
            XCTAssertEqual(role.notManagerText, "not a swarm manager: this engine is not in a swarm (docker swarm init makes it one)")
            do {
                _ = try await other.services()
                XCTFail("a plain engine listed services")
            } catch let error as DockerError {
                XCTAssertTrue(error.isNotSwarmManager, "\(error)")
            }
            await other.shutdown()
        } catch {
            await other.shutdown()
            throw error
        }
        for command in ["services", "nodes"] {
            let result = try Shell.run([Repo.swtopBinary, command, "--json", "-H", plain.host])
            XCTAssertEqual(result.status, 3, "\(command): \(result.stderr)")
            XCTAssertEqual(result.stdout, "")
            XCTAssertEqual(result.stderr, "swtop: not a swarm manager: this engine is not in a swarm (docker swarm init makes it one)\n")
        }
    }

    func pollAsync(_ what: String, timeout: TimeInterval, _ condition: @escaping () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last: Error?
        while Date() < deadline {
            do { if try await condition() { return } } catch { last = error }
            try await Task.sleep(for: .milliseconds(500))
        }
        XCTFail("timed out waiting for \(what)" + (last.map { ": \($0)" } ?? ""))
    }
}
