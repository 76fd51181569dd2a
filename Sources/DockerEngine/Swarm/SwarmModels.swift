// Swarm wire models: fields spelled as the Engine API spells them. Everything but the id is optional:
// services, tasks and nodes are decoded element by element (LossyArray), so one odd entry never hides
// the rest of a list.

public struct SwarmVersion: Decodable, Sendable, Hashable {
    public var Index: UInt64?
}

public struct SwarmService: Decodable, Sendable, Hashable {
    public var ID: String
    public var Version: SwarmVersion?
    public var CreatedAt: String?
    public var UpdatedAt: String?
    public var Spec: ServiceSpec?
    public var Endpoint: ServiceEndpoint?
    public var UpdateStatus: ServiceUpdateStatus?
    /// API ≥ 1.41 with `status=true`.
    public var ServiceStatus: ServiceStatus?

    public var name: String { Spec?.Name ?? ID }
    public var mode: ServiceMode { Spec?.Mode.map(ServiceMode.init) ?? .unknown }
    public var image: String { Spec?.TaskTemplate?.ContainerSpec?.Image ?? "" }
    /// The ports the engine published (Endpoint.Ports), else the ones asked for (the spec's).
    public var ports: [ServicePort] { Endpoint?.Ports ?? Endpoint?.Spec?.Ports ?? Spec?.EndpointSpec?.Ports ?? [] }
}

public struct ServiceSpec: Decodable, Sendable, Hashable {
    public var Name: String?
    public var Labels: [String: String]?
    public var TaskTemplate: TaskSpec?
    public var Mode: ServiceModeSpec?
    public var EndpointSpec: EndpointSpec?
}

public struct TaskSpec: Decodable, Sendable, Hashable {
    public var ContainerSpec: TaskContainerSpec?
}

public struct TaskContainerSpec: Decodable, Sendable, Hashable {
    public var Image: String?
    public var Args: [String]?
    public var Command: [String]?
    public var TTY: Bool?
}

public struct ServiceModeSpec: Decodable, Sendable, Hashable {
    public var Replicated: ReplicatedModeSpec?
    public var Global: EmptyModeSpec?
    public var ReplicatedJob: JobModeSpec?
    public var GlobalJob: EmptyModeSpec?
}

public struct ReplicatedModeSpec: Decodable, Sendable, Hashable { public var Replicas: UInt64? }
public struct JobModeSpec: Decodable, Sendable, Hashable {
    public var MaxConcurrent: UInt64?
    public var TotalCompletions: UInt64?
}
public struct EmptyModeSpec: Decodable, Sendable, Hashable {}

/// How a service places its tasks.
public enum ServiceMode: Sendable, Hashable, CustomStringConvertible {
    case replicated(replicas: UInt64)
    case global
    case replicatedJob(totalCompletions: UInt64?)
    case globalJob
    case unknown

    init(_ spec: ServiceModeSpec) {
        if let replicated = spec.Replicated { self = .replicated(replicas: replicated.Replicas ?? 1) }
        else if spec.Global != nil { self = .global }
        else if let job = spec.ReplicatedJob { self = .replicatedJob(totalCompletions: job.TotalCompletions) }
        else if spec.GlobalJob != nil { self = .globalJob }
        else { self = .unknown }
    }

    /// As `docker service ls` spells it.
    public var description: String {
        switch self {
        case .replicated: return "replicated"
        case .global: return "global"
        case .replicatedJob: return "replicated job"
        case .globalJob: return "global job"
        case .unknown: return "unknown"
        }
    }

    public var isReplicated: Bool {
        if case .replicated = self { return true }
        return false
    }
}

public struct EndpointSpec: Decodable, Sendable, Hashable {
    public var Mode: String?
    public var Ports: [ServicePort]?
}

public struct ServiceEndpoint: Decodable, Sendable, Hashable {
    public var Spec: EndpointSpec?
    public var Ports: [ServicePort]?
}

public struct ServicePort: Decodable, Sendable, Hashable {
    public var Name: String?
    /// The API's `Protocol` (a name Swift reserves for metatypes).
    public var portProtocol: String?
    public var TargetPort: Int?
    public var PublishedPort: Int?
    public var PublishMode: String?

    enum CodingKeys: String, CodingKey {
        case Name, portProtocol = "Protocol", TargetPort, PublishedPort, PublishMode
    }

    public init(portProtocol: String? = "tcp", TargetPort: Int?, PublishedPort: Int?, PublishMode: String? = "ingress") {
        self.portProtocol = portProtocol
        self.TargetPort = TargetPort
        self.PublishedPort = PublishedPort
        self.PublishMode = PublishMode
    }

    /// `*:18090->80/tcp` as `docker service ls` shows an ingress port.
    public var text: String {
        let proto = portProtocol ?? "tcp"
        let target = TargetPort.map(String.init) ?? "?"
        guard let published = PublishedPort, published != 0 else { return "\(target)/\(proto)" }
        return "*:\(published)->\(target)/\(proto)"
    }
}

public struct ServiceUpdateStatus: Decodable, Sendable, Hashable {
    /// updating, paused, completed, rollback_started, rollback_paused, rollback_completed.
    public var State: String?
    public var StartedAt: String?
    public var CompletedAt: String?
    public var Message: String?
}

public struct ServiceStatus: Decodable, Sendable, Hashable {
    public var RunningTasks: UInt64?
    public var DesiredTasks: UInt64?
    public var CompletedTasks: UInt64?
}

public struct SwarmTask: Decodable, Sendable, Hashable {
    public var ID: String
    public var Version: SwarmVersion?
    public var CreatedAt: String?
    public var UpdatedAt: String?
    public var Name: String?
    public var ServiceID: String?
    public var Slot: Int?
    public var NodeID: String?
    public var Status: TaskStatus?
    public var DesiredState: String?
    public var Spec: TaskSpec?
}

public struct TaskStatus: Decodable, Sendable, Hashable {
    public var Timestamp: String?
    /// new, allocated, pending, assigned, accepted, preparing, ready, starting, running, complete,
    /// shutdown, failed, rejected, remove, orphaned.
    public var State: String?
    public var Message: String?
    public var Err: String?
    public var ContainerStatus: TaskContainerStatus?
}

public struct TaskContainerStatus: Decodable, Sendable, Hashable {
    public var ContainerID: String?
    public var PID: Int?
    public var ExitCode: Int?
}

public struct SwarmNode: Decodable, Sendable, Hashable {
    public var ID: String
    public var Version: SwarmVersion?
    public var CreatedAt: String?
    public var UpdatedAt: String?
    public var Spec: NodeSpec?
    public var Description: NodeDescription?
    public var Status: NodeStatus?
    public var ManagerStatus: NodeManagerStatus?

    public var hostname: String { Description?.Hostname ?? ID }
    public var role: String { Spec?.Role ?? "" }
    public var availability: String { Spec?.Availability ?? "" }
    public var state: String { Status?.State ?? "" }
    public var engineVersion: String { Description?.Engine?.EngineVersion ?? "" }

    /// As `docker node ls` shows it: Leader, Reachable, Unreachable, or empty for a worker.
    public var managerStatus: String {
        guard let manager = ManagerStatus else { return "" }
        if manager.Leader == true { return "Leader" }
        return (manager.Reachability ?? "").capitalizedFirst
    }
}

public struct NodeSpec: Decodable, Sendable, Hashable {
    public var Name: String?
    public var Role: String?
    /// active, pause, drain.
    public var Availability: String?
}

public struct NodeDescription: Decodable, Sendable, Hashable {
    public var Hostname: String?
    public var Platform: NodePlatform?
    public var Engine: NodeEngine?
}

public struct NodeEngine: Decodable, Sendable, Hashable { public var EngineVersion: String? }
public struct NodePlatform: Decodable, Sendable, Hashable {
    public var Architecture: String?
    public var OS: String?
}

public struct NodeStatus: Decodable, Sendable, Hashable {
    /// unknown, down, ready, disconnected.
    public var State: String?
    public var Message: String?
    public var Addr: String?
}

public struct NodeManagerStatus: Decodable, Sendable, Hashable {
    public var Leader: Bool?
    public var Reachability: String?
    public var Addr: String?
}

extension String {
    /// "ready" → "Ready", as the docker CLI shows node states.
    public var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}

/// Swarm figures as the docker CLI prints them, shared by `swtop services` and the Services screen.
public enum SwarmText {
    /// `docker service ls`'s REPLICAS: running/desired tasks; a job adds its completions.
    public static func replicas(_ service: SwarmService) -> String {
        let status = service.ServiceStatus
        let running = status?.RunningTasks.map(String.init) ?? "?"
        var desired = status?.DesiredTasks.map(String.init) ?? "?"
        if status?.DesiredTasks == nil, case let .replicated(count) = service.mode { desired = String(count) }
        var text = "\(running)/\(desired)"
        if case let .replicatedJob(total) = service.mode {
            text += " (\(status?.CompletedTasks ?? 0)/\(total.map(String.init) ?? "?") completed)"
        }
        return text
    }
}
