import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the UI draws from: an immutable picture of one engine at one moment.
public struct StoreSnapshot: Sendable {
    public var generation: Int = 0
    public var endpoint: String = ""
    /// The name of the engine this snapshot is of (a context name, `NAME=` of `-H`, or derived from the
    /// address); in a merged snapshot of several engines, empty.
    public var engine: String = ""
    /// Every engine of the dashboard with its own state, in the order given; one entry for a single engine.
    public var members: [EngineStatus] = []
    public var connection: ConnectionState = .connecting
    public var engineVersion: String?
    public var apiVersion: String?
    public var hostMemory: UInt64?
    /// Where the engine stands in a swarm (from /info at the last full resync); the swarm screens open
    /// only on a manager.
    public var swarm: SwarmRole?
    public var containers: [ContainerItem] = []
    public var images: [ImageSummary] = []
    public var volumes: [Volume] = []
    public var networks: [Network] = []
    public var stats: [String: ContainerStats] = [:]
    public var details: [String: ContainerDetails] = [:]
    /// Actions under way, by container id.
    public var pending: [String: ContainerAction] = [:]
    /// When each container started and stopped, from the engine's timestamps (events and inspect):
    /// uptime and "exited … ago" are computed from these against the clock, so they stay current.
    public var timing: [String: ContainerTiming] = [:]
    public var lastResult: ActionResult?
    /// How stats are read: "cgroup files" or "engine API".
    /// Set once the first full list has arrived.
    public var loaded: Bool = false

    public init() {}

    public var runningCount: Int {
        var count = 0
        for item in containers where item.state == .running { count += 1 }
        return count
    }
}

/// One engine of the dashboard as the status bar shows it.
public struct EngineStatus: Sendable, Hashable {
    public var name: String
    public var endpoint: String
    public var connection: ConnectionState
    public var engineVersion: String?
    public var apiVersion: String?
    public var loaded: Bool
    public var containers: Int
    public var running: Int
    /// Its swarm role, once it has answered.
    public var swarm: SwarmRole?

    public init(name: String, endpoint: String, connection: ConnectionState, engineVersion: String? = nil,
                apiVersion: String? = nil, loaded: Bool = false, containers: Int = 0, running: Int = 0,
                swarm: SwarmRole? = nil) {
        self.swarm = swarm
        self.name = name
        self.endpoint = endpoint
        self.connection = connection
        self.engineVersion = engineVersion
        self.apiVersion = apiVersion
        self.loaded = loaded
        self.containers = containers
        self.running = running
    }

    public var isUnreachable: Bool {
        if case .unreachable = connection { return true }
        return false
    }
}

public enum ConnectionState: Sendable, Hashable {
    case connecting
    case connected
    /// The engine did not answer; the store retries by itself.
    case unreachable(reason: String, retryingAt: Date)
}

/// One container as the dashboard shows it.
public struct ContainerItem: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var image: String
    public var imageID: String
    public var command: String
    public var state: ContainerRunState
    public var status: String
    public var created: Int64
    public var ports: [PortBinding]
    public var labels: [String: String]
    public var mounts: [MountPoint]
    public var networks: [String]
    /// The engine it runs on (its name in the dashboard); "" when there is one engine and no name.
    public var engine: String = ""

    public init(_ summary: ContainerSummary, engine: String = "") {
        self.engine = engine
        id = summary.Id
        name = summary.name
        image = summary.Image ?? ""
        imageID = summary.ImageID ?? ""
        command = summary.Command ?? ""
        state = ContainerRunState(engine: summary.State)
        status = summary.Status ?? ""
        created = summary.Created ?? 0
        ports = summary.Ports ?? []
        labels = summary.Labels ?? [:]
        mounts = summary.Mounts ?? []
        networks = (summary.NetworkSettings?.Networks ?? [:]).keys.sorted()
    }

    public var composeProject: String? { labels["com.docker.compose.project"] }
    public var composeService: String? { labels["com.docker.compose.service"] }
}

/// Resource use of one container, newest sample plus a short history for sparklines.
public struct ContainerStats: Sendable, Hashable {
    /// Percent of one core (200 = two cores busy).
    public var cpuPercent: Double?
    public var memoryUsed: UInt64?
    public var memoryLimit: UInt64?
    /// Where the newest figures came from; nil before the first sample.
    public var source: StatsSource?
    public var cpuHistory: [Double] = []
    public var memoryHistory: [Double] = []
    /// Cumulative bytes received and sent over every interface but `lo` (`docker stats`' NET I/O); nil
    /// when unknown (no network namespace of its own, or not read).
    public var network: ByteCounters?
    /// Cumulative bytes read from and written to block devices (`docker stats`' BLOCK I/O).
    public var blockIO: ByteCounters?
    public var pids: UInt64?
    /// Bytes per second between the last two readings (in = received / read, out = sent / written).
    public var networkRate: Rates?
    public var blockIORate: Rates?
    /// Received + sent, and read + written, bytes per second: the sparklines.
    public var networkHistory: [Double] = []
    public var blockIOHistory: [Double] = []

    public init(cpuPercent: Double? = nil, memoryUsed: UInt64? = nil, memoryLimit: UInt64? = nil,
                source: StatsSource? = nil) {
        self.cpuPercent = cpuPercent
        self.memoryUsed = memoryUsed
        self.memoryLimit = memoryLimit
        self.source = source
    }

    public static let historyLength = 120

    /// Two cumulative byte counters: received / sent, or read / written.
    public struct ByteCounters: Sendable, Hashable {
        public var incoming: UInt64
        public var outgoing: UInt64

        public init(_ incoming: UInt64, _ outgoing: UInt64) {
            self.incoming = incoming
            self.outgoing = outgoing
        }
    }

    public struct Rates: Sendable, Hashable {
        public var incoming: Double
        public var outgoing: Double

        public init(_ incoming: Double, _ outgoing: Double) {
            self.incoming = incoming
            self.outgoing = outgoing
        }
    }
}

/// Where one container's figures were read.
public enum StatsSource: Sendable, Hashable, CustomStringConvertible {
    /// The container's cgroup v1 files (`cpuacct.usage`, `memory.usage_in_bytes`, `memory.stat`).
    case cgroupV1
    /// The container's cgroup v2 files (`cpu.stat`, `memory.current`, `memory.stat`).
    case cgroupV2
    /// A one-shot `GET /containers/{id}/stats` sample.
    case engineAPI

    public var description: String {
        switch self {
        case .cgroupV1: return "cgroup v1 files"
        case .cgroupV2: return "cgroup v2 files"
        case .engineAPI: return "engine API"
        }
    }
}

public struct ActionResult: Sendable, Equatable {
    public var text: String
    public var isError: Bool

    public init(text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }
}

/// A container's state as the engine names it (`State` in lists, `State.Status` in inspect).
public enum ContainerRunState: String, Sendable, Hashable, CaseIterable {
    case created, running, paused, restarting, removing, exited, dead, unknown

    public init(engine: String?) {
        self = engine.flatMap { ContainerRunState(rawValue: $0.lowercased()) } ?? .unknown
    }

    /// Has processes: running, paused or restarting (what "hide stopped" keeps).
    public var isActive: Bool { self == .running || self == .paused || self == .restarting }

    /// The state a container is in once the engine has sent this event; nil for events that do not
    /// say (kill may be ignored, exec and attach change nothing).
    public init?(afterEvent verb: String) {
        switch verb {
        case "create": self = .created
        case "start", "restart", "unpause": self = .running
        case "pause": self = .paused
        case "die", "stop": self = .exited
        default: return nil
        }
    }
}

/// The engine's timestamps for one container.
public struct ContainerTiming: Sendable, Hashable {
    public var startedAt: Date?
    public var finishedAt: Date?
    public var exitCode: Int?
    /// nil without a health check.
    public var health: HealthStatus?

    public init(startedAt: Date? = nil, finishedAt: Date? = nil, exitCode: Int? = nil, health: HealthStatus? = nil) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.health = health
    }

    public init(_ details: ContainerDetails) {
        let state = details.State
        startedAt = state?.StartedAt.flatMap(RelativeTime.parse)
        finishedAt = state?.FinishedAt.flatMap(RelativeTime.parse)
        exitCode = state?.ExitCode
        health = state?.Health?.Status.map(HealthStatus.init)
    }
}

/// A health check's verdict, as the engine words it (`State.Health.Status`, `health_status: …` events).
public enum HealthStatus: Sendable, Hashable {
    case starting, healthy, unhealthy
    /// A word this version does not know (`none` and whatever a newer engine adds), kept as said.
    case other(String)

    public init(_ word: String) {
        switch word {
        case "starting": self = .starting
        case "healthy": self = .healthy
        case "unhealthy": self = .unhealthy
        default: self = .other(word)
        }
    }
}
