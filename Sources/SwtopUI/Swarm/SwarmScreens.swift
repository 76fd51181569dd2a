import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore

/// What the swarm session lists every 2 s while a swarm screen is open.
public struct SwarmListing: Sendable, Equatable {
    public var services: [SwarmService]
    public var tasks: [SwarmTask]
    public var nodes: [SwarmNode]

    public init(services: [SwarmService], tasks: [SwarmTask], nodes: [SwarmNode]) {
        self.services = services.sorted { ($0.name, $0.ID) < ($1.name, $1.ID) }
        self.tasks = tasks
        self.nodes = nodes.sorted { ($0.hostname, $0.ID) < ($1.hostname, $1.ID) }
    }

    public func service(_ id: String) -> SwarmService? { services.first { $0.ID == id } }

    public func hostname(of nodeID: String?) -> String {
        guard let nodeID, !nodeID.isEmpty else { return "" }
        return nodes.first { $0.ID == nodeID }?.hostname ?? String(nodeID.prefix(12))
    }

    /// A service's tasks as `docker service ps` orders them: by slot (or node), the newest first in each.
    public func tasks(of serviceID: String) -> [SwarmTask] {
        tasks.filter { $0.ServiceID == serviceID }.sorted { a, b in
            let ka = (a.Slot ?? Int.max, a.NodeID ?? "")
            let kb = (b.Slot ?? Int.max, b.NodeID ?? "")
            if ka != kb { return ka < kb }
            return (a.CreatedAt ?? "") > (b.CreatedAt ?? "")
        }
    }
}

/// A change a swarm screen asks the engine for.
public enum SwarmAction: Sendable, Hashable {
    case scale(serviceID: String, name: String, replicas: UInt64)
    case setAvailability(nodeID: String, hostname: String, NodeAvailability)

    public var question: String {
        switch self {
        case let .scale(_, name, replicas): return "Scale \(name) to \(replicas) replica\(replicas == 1 ? "" : "s")?"
        case let .setAvailability(_, host, .drain): return "Drain \(host)? Its tasks move to other nodes."
        case let .setAvailability(_, host, availability): return "Set \(host) to \(availability.rawValue)?"
        }
    }
}

/// Services (`S`), a service's tasks (Enter), nodes (`N`): one kind of screen over the dashboard,
/// fed by one session while any of them is open.
public struct SwarmScreen: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case services
        case tasks(serviceID: String, name: String)
        case nodes
    }

    public var kind: Kind
    public var listing: SwarmListing?
    public var error: String?
    public var cursor = 0
    public var scroll = 0
    /// `=`: the replica count being typed.
    public var scaleInput: String?
    /// The session listing services, tasks and nodes (shared by the swarm screens on the stack).
    public var session: SessionID?

    public init(kind: Kind, listing: SwarmListing? = nil, session: SessionID? = nil) {
        self.kind = kind
        self.listing = listing
        self.session = session
    }

    public var rowCount: Int {
        guard let listing else { return 0 }
        switch kind {
        case .services: return listing.services.count
        case let .tasks(id, _): return listing.tasks(of: id).count
        case .nodes: return listing.nodes.count
        }
    }

    var selectedService: SwarmService? {
        guard case .services = kind, let listing, listing.services.indices.contains(cursor) else { return nil }
        return listing.services[cursor]
    }

    var selectedNode: SwarmNode? {
        guard case .nodes = kind, let listing, listing.nodes.indices.contains(cursor) else { return nil }
        return listing.nodes[cursor]
    }
}

extension Keymap {
    /// The Services screen's keys.
    public static let services: [Binding] = [
        Binding([.escape, .char("q")], .swarmBack, "back to the dashboard", hint: "back"),
        Binding([.char("j"), .down], .moveDown, "next service"),
        Binding([.char("k"), .up], .moveUp, "previous service"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "first service"),
        Binding([.char("G"), .end], .bottom, "last service"),
        Binding([.enter], .swarmTasks, "the service's tasks", hint: "tasks"),
        Binding([.char("+")], .swarmScaleUp, "scale up by one replica", dangerous: true, mutating: true, hint: "scale+"),
        Binding([.char("-")], .swarmScaleDown, "scale down by one replica", dangerous: true, mutating: true, hint: "scale-"),
        Binding([.char("=")], .swarmScaleTo, "scale to a number of replicas you type", dangerous: true, mutating: true,
                hint: "scale to"),
        Binding([.char("l")], .swarmLogs, "logs of the service (every task)", hint: "logs"),
        Binding([.char("N")], .swarmNodes, "the swarm's nodes", hint: "nodes"),
    ]

    /// A service's tasks.
    public static let tasks: [Binding] = [
        Binding([.escape, .char("q")], .swarmBack, "back to the services", hint: "back"),
        Binding([.char("j"), .down], .moveDown, "next task"),
        Binding([.char("k"), .up], .moveUp, "previous task"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "first task"),
        Binding([.char("G"), .end], .bottom, "last task"),
        Binding([.char("l")], .swarmLogs, "logs of the service (every task)", hint: "logs"),
    ]

    /// The Nodes screen's keys.
    public static let nodes: [Binding] = [
        Binding([.escape, .char("q")], .swarmBack, "back", hint: "back"),
        Binding([.char("j"), .down], .moveDown, "next node"),
        Binding([.char("k"), .up], .moveUp, "previous node"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "first node"),
        Binding([.char("G"), .end], .bottom, "last node"),
        Binding([.char("d")], .swarmDrain, "drain the node (its tasks move elsewhere)", dangerous: true, mutating: true,
                hint: "drain"),
        Binding([.char("a")], .swarmActivate, "activate the node (it takes tasks again)", dangerous: true, mutating: true,
                hint: "activate"),
        Binding([.char("S")], .swarmServices, "the swarm's services", hint: "services"),
    ]
}
