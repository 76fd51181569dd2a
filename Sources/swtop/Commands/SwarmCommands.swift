import ArgumentParser
import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore

/// Exit status of `swtop services` and `swtop nodes` when the engine is not a swarm manager, so a
/// script can tell "no swarm here" (3) from "engine unreachable or failing" (1).
enum SwarmExit {
    static let notManager: Int32 = 3
}

/// Runs a swarm listing: asks the engine whether it is a manager first, so a worker or a plain engine
/// gets one clear line and exit code 3 instead of the engine's 503.
func withSwarmManager<T>(_ options: EngineOptions, _ body: (DockerClient) async throws -> T) async throws -> T {
    let client = try await options.connect()
    do {
        let role = try await client.swarmRole()
        guard role.isManager else {
            await client.shutdown()
            Console.error("swtop: \(role.notManagerText)\n")
            throw ExitCode(SwarmExit.notManager)
        }
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch let exit as ExitCode {
        throw exit
    } catch let error as DockerError where error.isNotSwarmManager {
        await client.shutdown()
        Console.error("swtop: not a swarm manager: \(error.userMessage)\n")
        throw ExitCode(SwarmExit.notManager)
    } catch {
        await client.shutdown()
        throw CLIFailure(message: String(describing: error))
    }
}

struct ServicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services", abstract: "List the swarm's services, like `docker service ls` (on a manager).",
        discussion: "Exit codes: 0 listed, 1 engine unreachable or failing, 3 the engine is not a swarm manager.")

    @OptionGroup var engine: EngineOptions
    @Flag(help: """
        Print a JSON array: id, name, mode (replicated, global, replicated job, global job), replicas \
        (desired count for replicated services, else null), running, desired (tasks, null when the engine \
        does not say), image, ports ([{published, target, protocol, mode}]), updateState (null when never \
        updated), labels.
        """)
    var json = false

    func run() async throws {
        try await failing {
            let services = try await withSwarmManager(engine) { try await $0.services() }
                .sorted { $0.name < $1.name }
            if json {
                printJSON(services.map(ServiceRecord.init))
            } else {
                let rows = services.map { service in
                    [String(service.ID.prefix(12)), service.name, service.mode.description,
                     SwarmText.replicas(service), service.image, service.ports.map(\.text).joined(separator: ", ")]
                }
                printTable(header: ["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"], rows: rows)
            }
        }
    }
}

struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes", abstract: "List the swarm's nodes, like `docker node ls` (on a manager).",
        discussion: "Exit codes: 0 listed, 1 engine unreachable or failing, 3 the engine is not a swarm manager.")

    @OptionGroup var engine: EngineOptions
    @Flag(help: """
        Print a JSON array: id, hostname, role (manager, worker), status (ready, down, …), availability \
        (active, pause, drain), managerStatus (leader, reachable, unreachable; null for a worker), \
        engineVersion, address, self (true for the node this engine is).
        """)
    var json = false

    func run() async throws {
        try await failing {
            let (nodes, selfID) = try await withSwarmManager(engine) { client in
                (try await client.nodes(), try await client.swarmRole().nodeID)
            }
            let sorted = nodes.sorted { $0.hostname < $1.hostname }
            if json {
                printJSON(sorted.map { NodeRecord($0, selfID: selfID) })
            } else {
                let rows = sorted.map { node in
                    [node.ID + (node.ID == selfID ? " *" : ""), node.hostname, node.state.capitalizedFirst,
                     node.availability.capitalizedFirst, node.managerStatus, node.engineVersion]
                }
                printTable(header: ["ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"], rows: rows)
            }
        }
    }
}

struct ServiceRecord: Encodable {
    struct Port: Encodable {
        let published: Int?
        let target: Int?
        let `protocol`: String
        let mode: String?
    }

    let id, name, mode, image: String
    let replicas, running, desired: UInt64?
    let ports: [Port]
    let updateState: String?
    let labels: [String: String]

    init(_ service: SwarmService) {
        id = service.ID
        name = service.name
        mode = service.mode.description
        image = service.image
        if case let .replicated(count) = service.mode { replicas = count } else { replicas = nil }
        running = service.ServiceStatus?.RunningTasks
        desired = service.ServiceStatus?.DesiredTasks
        ports = service.ports.map { Port(published: $0.PublishedPort, target: $0.TargetPort,
                                         protocol: $0.portProtocol ?? "tcp", mode: $0.PublishMode) }
        updateState = service.UpdateStatus?.State
        labels = service.Spec?.Labels ?? [:]
    }

    // Keys always present (null when unknown), so scripts need not test for them.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id); try c.encode(name, forKey: .name); try c.encode(mode, forKey: .mode)
        try c.encode(image, forKey: .image); try c.encode(replicas, forKey: .replicas)
        try c.encode(running, forKey: .running); try c.encode(desired, forKey: .desired)
        try c.encode(ports, forKey: .ports); try c.encode(updateState, forKey: .updateState)
        try c.encode(labels, forKey: .labels)
    }

    enum Keys: String, CodingKey { case id, name, mode, image, replicas, running, desired, ports, updateState, labels }
}

struct NodeRecord: Encodable {
    let id, hostname, role, status, availability, engineVersion: String
    let managerStatus, address: String?
    let isSelf: Bool

    init(_ node: SwarmNode, selfID: String?) {
        id = node.ID
        hostname = node.hostname
        role = node.role
        status = node.state
        availability = node.availability
        engineVersion = node.engineVersion
        let manager = node.managerStatus
        managerStatus = manager.isEmpty ? nil : manager.lowercased()
        address = node.Status?.Addr
        isSelf = node.ID == selfID
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id); try c.encode(hostname, forKey: .hostname); try c.encode(role, forKey: .role)
        try c.encode(status, forKey: .status); try c.encode(availability, forKey: .availability)
        try c.encode(managerStatus, forKey: .managerStatus); try c.encode(engineVersion, forKey: .engineVersion)
        try c.encode(address, forKey: .address); try c.encode(isSelf, forKey: .isSelf)
    }

    enum Keys: String, CodingKey {
        case id, hostname, role, status, availability, managerStatus, engineVersion, address
        case isSelf = "self"
    }
}
