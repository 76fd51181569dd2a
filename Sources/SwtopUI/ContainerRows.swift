import DockerEngine
import Foundation
import SwtopStore
import TermCanvas

/// One line of the containers list: a compose project header or a container.
public enum ContainerRow: Sendable, Hashable {
    case group(name: String, total: Int, running: Int, collapsed: Bool)
    case container(ContainerItem, grouped: Bool)

    public var key: String {
        switch self {
        case let .group(name, _, _, _): return "group:\(name)"
        case let .container(item, _): return item.id
        }
    }

    public var container: ContainerItem? {
        if case let .container(item, _) = self { return item }
        return nil
    }
}

public enum ContainerRows {
    public static let sortColumns = ["name", "image", "state", "cpu", "memory", "created"]

    /// Compose projects first (each a header then its members, indented), then standalone containers;
    /// the filter and sort apply inside groups; stopped ones go when hidden.
    public static func build(_ snapshot: StoreSnapshot, _ state: UIState) -> [ContainerRow] {
        let filter = state.filter[.containers]?.lowercased() ?? ""
        let visible = snapshot.containers.filter { item in
            (state.showStopped || ["running", "paused", "restarting"].contains(item.state))
                && (filter.isEmpty || matches(item, filter))
        }
        let order = state.sort[.containers] ?? SortOrder()
        let sorted = sort(visible, by: order, stats: snapshot.stats)
        var groups: [String: [ContainerItem]] = [:]
        var standalone: [ContainerItem] = []
        for item in sorted {
            if let project = item.composeProject { groups[project, default: []].append(item) } else { standalone.append(item) }
        }
        var rows: [ContainerRow] = []
        for name in groups.keys.sorted() {
            let members = groups[name] ?? []
            let collapsed = state.collapsedGroups.contains(name)
            rows.append(.group(name: name, total: members.count, running: members.filter { $0.state == "running" }.count,
                               collapsed: collapsed))
            if !collapsed { rows += members.map { .container($0, grouped: true) } }
        }
        rows += standalone.map { .container($0, grouped: false) }
        return rows
    }

    static func matches(_ item: ContainerItem, _ needle: String) -> Bool {
        [item.name, item.image, item.state, item.status, item.composeProject ?? "", item.composeService ?? "",
         ShortID.container(item.id)]
            .contains { $0.lowercased().contains(needle) }
    }

    static func sort(_ items: [ContainerItem], by order: SortOrder, stats: [String: ContainerStats]) -> [ContainerItem] {
        let column = sortColumns[min(max(order.column, 0), sortColumns.count - 1)]
        let sorted = items.sorted { a, b in
            func tie() -> Bool { a.name < b.name }
            switch column {
            case "image": return a.image == b.image ? tie() : a.image < b.image
            case "state": return a.state == b.state ? tie() : a.state < b.state
            case "cpu":
                let x = stats[a.id]?.cpuPercent ?? -1, y = stats[b.id]?.cpuPercent ?? -1
                return x == y ? tie() : x > y
            case "memory":
                let x = stats[a.id]?.memoryUsed ?? 0, y = stats[b.id]?.memoryUsed ?? 0
                return x == y ? tie() : x > y
            case "created": return a.created == b.created ? tie() : a.created > b.created
            default: return tie()
            }
        }
        return order.reversed ? sorted.reversed() : sorted
    }
}

/// Rows of the images, volumes and networks views: a key, cells and a role per cell.
public struct SimpleRow: Sendable, Hashable {
    public var key: String
    public var cells: [String]
    public var roles: [ColorRole?]
}

public enum ResourceRows {
    public static let imageSortColumns = ["tag", "size", "created", "containers"]
    public static let volumeSortColumns = ["name", "driver", "used by"]
    public static let networkSortColumns = ["name", "driver", "containers"]

    public static func images(_ snapshot: StoreSnapshot, _ state: UIState, now: Date = Date()) -> [SimpleRow] {
        var useCount: [String: Int] = [:]
        for c in snapshot.containers { useCount[c.imageID, default: 0] += 1 }
        let filter = state.filter[.images]?.lowercased() ?? ""
        var rows: [(SimpleRow, ImageSummary, Int)] = []
        for image in snapshot.images {
            let tags = image.tags
            let used = useCount[image.Id] ?? 0
            let name = tags.isEmpty ? "<none> (untagged)" : tags.joined(separator: ", ")
            let dangling = tags.isEmpty && used == 0
            let cells = [name, ShortID.image(image.Id), ByteCount.text(image.Size ?? 0),
                         RelativeTime.ago(image.Created ?? 0, now: now), used == 0 ? "-" : String(used), dangling ? "dangling" : ""]
            guard filter.isEmpty || cells.contains(where: { $0.lowercased().contains(filter) }) else { continue }
            rows.append((SimpleRow(key: image.Id, cells: cells, roles: tags.isEmpty ? [.warning, nil, nil, nil, nil, .warning] : []),
                         image, used))
        }
        let order = state.sort[.images] ?? SortOrder()
        rows.sort { a, b in
            switch imageSortColumns[min(order.column, imageSortColumns.count - 1)] {
            case "size": return (a.1.Size ?? 0) == (b.1.Size ?? 0) ? a.0.cells[0] < b.0.cells[0] : (a.1.Size ?? 0) > (b.1.Size ?? 0)
            case "created": return (a.1.Created ?? 0) == (b.1.Created ?? 0) ? a.0.cells[0] < b.0.cells[0] : (a.1.Created ?? 0) > (b.1.Created ?? 0)
            case "containers": return a.2 == b.2 ? a.0.cells[0] < b.0.cells[0] : a.2 > b.2
            default: return a.0.cells[0] == b.0.cells[0] ? a.0.key < b.0.key : a.0.cells[0] < b.0.cells[0]
            }
        }
        let result = rows.map(\.0)
        return order.reversed ? result.reversed() : result
    }

    public static func volumes(_ snapshot: StoreSnapshot, _ state: UIState) -> [SimpleRow] {
        var users: [String: [String]] = [:]
        for c in snapshot.containers {
            for mount in c.mounts where mount.Type == "volume" {
                if let name = mount.Name { users[name, default: []].append(c.name) }
            }
        }
        let rows = snapshot.volumes.map { volume -> SimpleRow in
            let usedBy = (users[volume.Name] ?? []).sorted()
            return SimpleRow(key: volume.Name, cells: [volume.Name, volume.Driver ?? "", usedBy.isEmpty ? "-" : usedBy.joined(separator: ", ")],
                             roles: usedBy.isEmpty ? [nil, nil, .dim] : [])
        }
        return sortAndFilter(rows, view: .volumes, columns: volumeSortColumns, state)
    }

    public static func networks(_ snapshot: StoreSnapshot, _ state: UIState) -> [SimpleRow] {
        var users: [String: [String]] = [:]
        for c in snapshot.containers {
            for network in c.networks { users[network, default: []].append(c.name) }
        }
        let rows = snapshot.networks.map { network -> SimpleRow in
            let name = network.Name ?? ShortID.container(network.Id)
            let members = (users[name] ?? []).sorted()
            return SimpleRow(key: network.Id, cells: [name, network.Driver ?? "", network.Scope ?? "",
                                                      members.isEmpty ? "-" : members.joined(separator: ", ")],
                             roles: members.isEmpty ? [nil, nil, nil, .dim] : [])
        }
        return sortAndFilter(rows, view: .networks, columns: networkSortColumns, state)
    }

    /// Text sort on the chosen column ("used by"/"containers" sort by how many), then the filter.
    static func sortAndFilter(_ rows: [SimpleRow], view: ViewKind, columns: [String], _ state: UIState) -> [SimpleRow] {
        let filter = state.filter[view]?.lowercased() ?? ""
        let order = state.sort[view] ?? SortOrder()
        let column = min(order.column, columns.count - 1)
        let cellIndex = view == .networks && column == 2 ? 3 : column
        let kept = rows.filter { filter.isEmpty || $0.cells.contains { $0.lowercased().contains(filter) } }
        let sorted = kept.sorted { a, b in
            let x = a.cells[cellIndex], y = b.cells[cellIndex]
            if ["used by", "containers"].contains(columns[column]) {
                let n = x == "-" ? 0 : x.split(separator: ",").count, m = y == "-" ? 0 : y.split(separator: ",").count
                return n == m ? a.cells[0] < b.cells[0] : n > m
            }
            return x == y ? a.cells[0] < b.cells[0] : x < y
        }
        return order.reversed ? sorted.reversed() : sorted
    }
}
