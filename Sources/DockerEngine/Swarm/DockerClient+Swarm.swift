#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

/// Where this engine stands in a swarm, from `/info`'s `Swarm`.
public struct SwarmRole: Sendable, Hashable {
    /// inactive, pending, active, error, locked ("" when the engine did not say).
    public var localNodeState: String
    /// True on a manager: only a manager answers `/services`, `/tasks` and `/nodes`.
    public var isManager: Bool
    public var nodeID: String?

    public init(localNodeState: String, isManager: Bool, nodeID: String? = nil) {
        self.localNodeState = localNodeState
        self.isManager = isManager
        self.nodeID = nodeID
    }

    public init(_ info: SwarmInfo?) {
        localNodeState = info?.LocalNodeState ?? ""
        isManager = info?.ControlAvailable == true && info?.LocalNodeState == "active"
        nodeID = info?.NodeID
    }

    /// What to tell a user who asked for the swarm views of an engine that cannot give them.
    public var notManagerText: String {
        switch localNodeState {
        case "", "inactive": return "not a swarm manager: this engine is not in a swarm (docker swarm init makes it one)"
        case "active": return "not a swarm manager: this engine is a swarm worker; ask a manager"
        default: return "not a swarm manager: this engine's swarm state is \(localNodeState)"
        }
    }
}

/// What a node's availability can be set to.
public enum NodeAvailability: String, Sendable, Hashable, CaseIterable {
    case active, pause, drain
}

extension DockerError {
    /// The engine's answer to a swarm call on an engine that is not a manager: 503 ("This node is not
    /// a swarm manager…"), or 406 from engines before 1.24's wording.
    public var isNotSwarmManager: Bool {
        guard case let .api(status, message, _) = self else { return false }
        return status == 503 || (status == 406 && message.contains("swarm"))
    }
}

extension DockerClient {
    public func swarmRole() async throws -> SwarmRole {
        SwarmRole(try await info().Swarm)
    }

    /// `GET /services`, with the running/desired counts when the API gives them (≥ 1.41 `status=true`).
    public func services(filters: [String: [String]] = [:]) async throws -> [SwarmService] {
        var query: [(String, String)] = []
        if apiVersion >= APIVersion(1, 41) { query.append(("status", "true")) }
        if !filters.isEmpty { query.append(("filters", Self.filtersJSON(filters))) }
        return try await get(LossyArray<SwarmService>.self, "/services", query: query).elements
    }

    public func inspectService(_ id: String) async throws -> SwarmService {
        try await get(SwarmService.self, "/services/\(Self.escape(id))")
    }

    /// `GET /tasks`, optionally of some services only.
    public func tasks(services: [String] = []) async throws -> [SwarmTask] {
        var query: [(String, String)] = []
        if !services.isEmpty { query.append(("filters", Self.filtersJSON(["service": services]))) }
        return try await get(LossyArray<SwarmTask>.self, "/tasks", query: query).elements
    }

    public func nodes() async throws -> [SwarmNode] {
        try await get(LossyArray<SwarmNode>.self, "/nodes").elements
    }

    public func inspectNode(_ id: String) async throws -> SwarmNode {
        try await get(SwarmNode.self, "/nodes/\(Self.escape(id))")
    }

    /// Sets a replicated service's replica count: the inspected Spec goes back whole with only
    /// `Mode.Replicated.Replicas` changed, at the version it was read at. When something else updated
    /// the service in between (the engine says "update out of sequence"), it reads and tries once more.
    public func scaleService(_ id: String, replicas: UInt64) async throws {
        try await updateObject(path: "/services/\(Self.escape(id))", what: "service") { spec in
            guard spec[path: ["Mode", "Replicated"]] != nil else {
                throw DockerError.api(status: 400, message: "only a replicated service can be scaled", path: "/services/\(id)/update")
            }
            spec[path: ["Mode", "Replicated", "Replicas"]] = .uint(replicas)
        }
    }

    /// Drains, pauses or activates a node (its Spec sent back with `Availability` changed).
    public func setNodeAvailability(_ id: String, _ availability: NodeAvailability) async throws {
        try await updateObject(path: "/nodes/\(Self.escape(id))", what: "node") { spec in
            spec["Availability"] = .string(availability.rawValue)
        }
    }

    private func updateObject(path: String, what: String, change: (inout EditableJSON) throws -> Void) async throws {
        var attempt = 0
        while true {
            attempt += 1
            let body = try await send(.GET, path).body
            let document = try Self.decode(EditableJSON.self, from: body, what: path)
            guard let version = document[path: ["Version", "Index"]]?.intValue, var spec = document["Spec"] else {
                throw DockerError.malformed(what: "\(what) inspect of \(path)", detail: "no Version.Index or Spec")
            }
            try change(&spec)
            do {
                try await send(.POST, "\(path)/update", query: [("version", String(version))], json: try spec.encoded())
                return
            } catch let error as DockerError {
                if attempt < 2, case let .api(_, message, _) = error, message.contains("out of sequence") { continue }
                throw error
            }
        }
    }

    /// `GET /services/{id}/logs`: the lines of every task of the service, framed like a container's
    /// (raw when the service's containers have a TTY).
    /// `details`: each line starts with the engine's `com.docker.swarm.…task.id=… ` attributes, which
    /// `ServiceLogDetails.split` takes off (so the line can name its task).
    public func openServiceLogs(_ id: String, options: LogOptions = LogOptions(), tty: Bool? = nil,
                                details: Bool = false) async throws -> LogReader {
        try await openLogStream("/services/\(Self.escape(id))/logs", shown: "/services/\(id)/logs", options: options, tty: tty,
                                extraQuery: [("details", details ? "1" : "0")],
                                askTTY: { [self] in try await inspectService(id).Spec?.TaskTemplate?.ContainerSpec?.TTY ?? false })
    }
}

/// The attributes `details=1` puts before each service log line: `k=v,k=v,... text`.
public enum ServiceLogDetails {
    /// The task id the line names, and the line without the attributes. A line without them is
    /// returned whole.
    public static func split(_ text: String) -> (taskID: String?, text: String) {
        guard text.hasPrefix("com.docker.swarm."), let space = text.firstIndex(of: " ") else { return (nil, text) }
        var task: String?
        for pair in text[..<space].split(separator: ",") where pair.hasPrefix("com.docker.swarm.task.id=") {
            task = String(pair.dropFirst("com.docker.swarm.task.id=".count))
        }
        return (task, String(text[text.index(after: space)...]))
    }

    /// `web.1` for a replicated task, `web.<node id>` for a global one, as `docker service ps` names them.
    public static func taskName(_ task: SwarmTask, service: String) -> String {
        if let slot = task.Slot, slot != 0 { return "\(service).\(slot)" }
        return "\(service).\(task.NodeID ?? task.ID)"
    }
}
