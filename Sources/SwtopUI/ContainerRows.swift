import DockerEngine
import SwtopStore
import TermCanvas

/// One line of the containers list: a compose project header or a container.
public enum ContainerRow: Sendable, Hashable {
    /// An engine's header when the list is grouped by engine (`@`).
    case engine(EngineStatus, collapsed: Bool)
    case group(name: String, engine: String, total: Int, running: Int, collapsed: Bool, depth: Int)
    /// `depth`: how many headers it sits under (indentation).
    case container(ContainerItem, depth: Int)

    public var key: RowKey {
        switch self {
        case let .engine(status, _): return .engineGroup(status.name)
        case let .group(name, engine, _, _, _, _): return .composeGroup(name, engine: engine)
        case let .container(item, _): return .container(item.id)
        }
    }

    public var container: ContainerItem? {
        if case let .container(item, _) = self { return item }
        return nil
    }
}

/// A column a view can be sorted by: its name, the table column that shows the marker, and whether it
/// starts ascending (names) or descending (sizes, CPU: the biggest first).
public struct SortColumn: Sendable, Hashable {
    /// What the rows are sorted by; its raw value is the name shown and written in the config (`sort =`).
    public enum Key: String, Sendable, Hashable {
        case name, image, state, created, cpu, memory, net, io, pids, tag, size, containers, driver
        case usedBy = "used by"
    }

    public var key: Key
    public var tableColumn: Int
    public var ascendingFirst: Bool

    public var name: String { key.rawValue }

    /// ▲ when the rows go up the column (A to Z, small to big), ▼ when they come down.
    public func marker(reversed: Bool) -> String { ascendingFirst != reversed ? "▲" : "▼" }
}

public enum ContainerRows {
    public static let sortColumns = [
        SortColumn(key: .name, tableColumn: 0, ascendingFirst: true),
        SortColumn(key: .image, tableColumn: 1, ascendingFirst: true),
        SortColumn(key: .state, tableColumn: 2, ascendingFirst: true),
        SortColumn(key: .created, tableColumn: 3, ascendingFirst: false),
        SortColumn(key: .cpu, tableColumn: 4, ascendingFirst: false),
        SortColumn(key: .memory, tableColumn: 5, ascendingFirst: false),
        // Bytes received + sent, read + written since start; processes. The busiest first, as ctop.
        SortColumn(key: .net, tableColumn: 6, ascendingFirst: false),
        SortColumn(key: .io, tableColumn: 7, ascendingFirst: false),
        SortColumn(key: .pids, tableColumn: 8, ascendingFirst: false),
    ]

    /// Compose projects (each a header then its members, indented) among standalone containers, placed
    /// by the sort; the filter and sort apply inside groups; stopped ones go when hidden.
    public static func build(_ snapshot: StoreSnapshot, _ state: UIState) -> [ContainerRow] {
        let filter = state.filter[.containers] ?? ""
        let several = snapshot.members.count > 1
        let visible = snapshot.containers.filter { item in
            (state.showStopped || item.state.isActive) && (filter.isEmpty || matches(item, filter, engine: several))
        }
        let order = state.sort[.containers] ?? SortOrder()
        let sorted = sort(visible, by: order, stats: snapshot.stats)
        let byName = sortColumns[min(max(order.column, 0), sortColumns.count - 1)].key == .name
        guard several, state.groupByEngine else { return grouped(sorted, state, depth: 0, byName: byName, reversed: order.reversed) }
        // One section per engine, in the order given, each with its compose groups; an engine without a
        // visible row still shows its header (its state is what a user looks for).
        var byEngine: [String: [ContainerItem]] = [:]
        for item in sorted { byEngine[item.engine, default: []].append(item) }
        var rows: [ContainerRow] = []
        for member in snapshot.members {
            let collapsed = state.collapsedGroups.contains(.engineGroup(member.name))
            rows.append(.engine(member, collapsed: collapsed))
            if !collapsed { rows += grouped(byEngine[member.name] ?? [], state, depth: 1, byName: byName, reversed: order.reversed) }
        }
        return rows
    }

    /// Compose projects (a header then its members) among the standalone containers, each group where the
    /// sort puts it: by its project name when sorting by name, else where its first member stands (a
    /// group of busy containers comes first under CPU ▼, not always on top).
    static func grouped(_ sorted: [ContainerItem], _ state: UIState, depth: Int, byName: Bool = true,
                        reversed: Bool = false) -> [ContainerRow] {
        struct Project: Hashable, Comparable {
            var name: String
            var engine: String
            static func < (a: Project, b: Project) -> Bool { a.name == b.name ? a.engine < b.engine : a.name < b.name }
        }
        var groups: [Project: [ContainerItem]] = [:]
        for item in sorted {
            if let project = item.composeProject { groups[Project(name: project, engine: item.engine), default: []].append(item) }
        }
        // Each entry (a group or a standalone container) with where it goes.
        enum Entry { case group(Project), single(ContainerItem) }
        var entries: [(entry: Entry, position: Int, name: String)] = []
        var placed: Set<Project> = []
        for (index, item) in sorted.enumerated() {
            if let project = item.composeProject {
                let key = Project(name: project, engine: item.engine)
                if placed.insert(key).inserted { entries.append((.group(key), index, project)) }
            } else {
                entries.append((.single(item), index, item.name))
            }
        }
        if byName {
            entries.sort { a, b in a.name == b.name ? a.position < b.position : (a.name < b.name) != reversed }
        }
        var rows: [ContainerRow] = []
        for (entry, _, _) in entries {
            switch entry {
            case let .single(item):
                rows.append(.container(item, depth: depth))
            case let .group(project):
                let members = groups[project] ?? []
                let collapsed = state.collapsedGroups.contains(.composeGroup(project.name, engine: project.engine))
                rows.append(.group(name: project.name, engine: project.engine, total: members.count,
                                   running: members.filter { $0.state == .running }.count, collapsed: collapsed, depth: depth))
                if !collapsed { rows += members.map { .container($0, depth: depth + 1) } }
            }
        }
        return rows
    }

    /// A case-insensitive substring of what names the container: its name, image, compose project and
    /// service, or the start of its id. Not the state or status text ("te" must not find "Exited").
    /// With several engines, the engine's name matches too (`/prod` keeps the rows of engine prod).
    static func matches(_ item: ContainerItem, _ needle: String, engine: Bool = false) -> Bool {
        Filter.matches(needle, [item.name, item.image, item.composeProject ?? "", item.composeService ?? ""]
                               + (engine ? [item.engine] : []))
            || item.id.hasPrefix(needle.lowercased())
    }

    /// Both counters together; unknown below any figure.
    private static func total(_ counters: ContainerStats.ByteCounters?) -> Double {
        counters.map { Double($0.incoming) + Double($0.outgoing) } ?? -1
    }

    static func sort(_ items: [ContainerItem], by order: SortOrder, stats: [String: ContainerStats]) -> [ContainerItem] {
        let column = sortColumns[min(max(order.column, 0), sortColumns.count - 1)].key
        let sorted = items.sorted { a, b in
            func tie() -> Bool { a.name < b.name }
            switch column {
            case .image: return a.image == b.image ? tie() : a.image < b.image
            case .state: return a.state == b.state ? tie() : a.state.rawValue < b.state.rawValue
            case .cpu:
                let x = stats[a.id]?.cpuPercent ?? -1, y = stats[b.id]?.cpuPercent ?? -1
                return x == y ? tie() : x > y
            case .memory:
                let x = stats[a.id]?.memoryUsed ?? 0, y = stats[b.id]?.memoryUsed ?? 0
                return x == y ? tie() : x > y
            case .net:
                let x = total(stats[a.id]?.network), y = total(stats[b.id]?.network)
                return x == y ? tie() : x > y
            case .io:
                let x = total(stats[a.id]?.blockIO), y = total(stats[b.id]?.blockIO)
                return x == y ? tie() : x > y
            case .pids:
                let x = stats[a.id]?.pids.map(Int64.init) ?? -1, y = stats[b.id]?.pids.map(Int64.init) ?? -1
                return x == y ? tie() : x > y
            case .created: return a.created == b.created ? tie() : a.created > b.created
            default: return tie()
            }
        }
        return order.reversed ? sorted.reversed() : sorted
    }
}

/// The list filter: a case-insensitive substring of any of the given texts.
enum Filter {
    static func matches(_ needle: String, _ haystacks: [String]) -> Bool {
        let needle = needle.lowercased()
        return needle.isEmpty || haystacks.contains { $0.lowercased().contains(needle) }
    }
}
