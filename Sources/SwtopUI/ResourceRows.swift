import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// Rows of the images, volumes and networks views: a key, cells and a role per cell.
public struct SimpleRow: Sendable, Hashable {
    public var key: RowKey
    public var cells: [String]
    public var roles: [ColorRole?]
}

/// An id or name on one engine (several engines can hold the same one).
struct EngineKey: Hashable {
    var engine: String
    var id: String
    init(_ engine: String, _ id: String) {
        self.engine = engine
        self.id = id
    }
}

public enum ResourceRows {
    public static let imageSortColumns = [
        SortColumn(key: .tag, tableColumn: 0, ascendingFirst: true),
        SortColumn(key: .size, tableColumn: 2, ascendingFirst: false),
        SortColumn(key: .created, tableColumn: 3, ascendingFirst: false),
        SortColumn(key: .containers, tableColumn: 4, ascendingFirst: false),
    ]
    public static let volumeSortColumns = [
        SortColumn(key: .name, tableColumn: 0, ascendingFirst: true),
        SortColumn(key: .driver, tableColumn: 1, ascendingFirst: true),
        SortColumn(key: .usedBy, tableColumn: 2, ascendingFirst: false),
    ]
    public static let networkSortColumns = [
        SortColumn(key: .name, tableColumn: 0, ascendingFirst: true),
        SortColumn(key: .driver, tableColumn: 1, ascendingFirst: true),
        SortColumn(key: .containers, tableColumn: 3, ascendingFirst: false),
    ]

    /// One row before sorting: its cells, and the values it sorts by (never parsed back from the cells).
    struct Entry {
        var row: SimpleRow
        var text: [String]
        var number: [Int64]
    }

    /// Rows and keys of the images view. `now` only words the CREATED cell; filtering and sorting use
    /// the data (tags, id, size, created time, use count).
    public static func images(_ snapshot: StoreSnapshot, _ state: UIState, now: Date) -> [SimpleRow] {
        imageEntries(snapshot, state, now: now).map(\.row)
    }

    static func imageKeys(_ snapshot: StoreSnapshot, _ state: UIState) -> [RowKey] {
        imageEntries(snapshot, state, now: nil).map(\.row.key)
    }

    static func imageEntries(_ snapshot: StoreSnapshot, _ state: UIState, now: Date?) -> [Entry] {
        var useCount: [EngineKey: Int] = [:]
        for c in snapshot.containers { useCount[EngineKey(c.engine, c.imageID), default: 0] += 1 }
        let filter = state.filter[.images] ?? ""
        let several = snapshot.members.count > 1
        var entries: [Entry] = []
        for image in snapshot.images {
            let tags = image.tags
            let engine = image.engine ?? ""
            let used = useCount[EngineKey(engine, image.Id)] ?? 0
            let name = tags.isEmpty ? "<none> (untagged)" : tags.joined(separator: ", ")
            guard Filter.matches(filter, [name, ShortID.image(image.Id)] + (several ? [engine] : [])) else { continue }
            let dangling = tags.isEmpty && used == 0
            let created = now.map { RelativeTime.ago(image.Created ?? 0, now: $0) } ?? ""
            var cells = [name, ShortID.image(image.Id), ByteCount.text(image.Size ?? 0), created,
                         used == 0 ? "-" : String(used), dangling ? "dangling" : ""]
            if several { cells.append(engine) }
            entries.append(Entry(row: SimpleRow(key: .image(image.Id, engine: engine), cells: cells,
                                                roles: tags.isEmpty ? [.warning, nil, nil, nil, nil, .warning] : []),
                                 text: [name, "", "", ""], number: [0, image.Size ?? 0, image.Created ?? 0, Int64(used)]))
        }
        return sorted(entries, view: .images, columns: imageSortColumns, state)
    }

    public static func volumes(_ snapshot: StoreSnapshot, _ state: UIState) -> [SimpleRow] {
        var users: [EngineKey: [String]] = [:]
        for c in snapshot.containers {
            for mount in c.mounts where mount.Type == "volume" {
                if let name = mount.Name { users[EngineKey(c.engine, name), default: []].append(c.name) }
            }
        }
        let filter = state.filter[.volumes] ?? ""
        let several = snapshot.members.count > 1
        let entries = snapshot.volumes.compactMap { volume -> Entry? in
            let engine = volume.engine ?? ""
            let usedBy = (users[EngineKey(engine, volume.Name)] ?? []).sorted()
            let driver = volume.Driver ?? ""
            guard Filter.matches(filter, [volume.Name, driver] + usedBy + (several ? [engine] : [])) else { return nil }
            let row = SimpleRow(key: .volume(volume.Name, engine: engine),
                                cells: [volume.Name, driver, usedBy.isEmpty ? "-" : usedBy.joined(separator: ", ")]
                                    + (several ? [engine] : []),
                                roles: usedBy.isEmpty ? [nil, nil, .dim] : [])
            return Entry(row: row, text: [volume.Name, driver, ""], number: [0, 0, Int64(usedBy.count)])
        }
        return sorted(entries, view: .volumes, columns: volumeSortColumns, state).map(\.row)
    }

    public static func networks(_ snapshot: StoreSnapshot, _ state: UIState) -> [SimpleRow] {
        var users: [EngineKey: [String]] = [:]
        for c in snapshot.containers {
            for network in c.networks { users[EngineKey(c.engine, network), default: []].append(c.name) }
        }
        let filter = state.filter[.networks] ?? ""
        let several = snapshot.members.count > 1
        let entries = snapshot.networks.compactMap { network -> Entry? in
            let name = network.Name ?? ShortID.container(network.Id)
            let engine = network.engine ?? ""
            let members = (users[EngineKey(engine, name)] ?? []).sorted()
            let driver = network.Driver ?? ""
            guard Filter.matches(filter, [name, driver] + members + (several ? [engine] : [])) else { return nil }
            let row = SimpleRow(key: .network(network.Id, engine: engine),
                                cells: [name, driver, network.Scope ?? "", members.isEmpty ? "-" : members.joined(separator: ", ")]
                                    + (several ? [engine] : []),
                                roles: members.isEmpty ? [nil, nil, nil, .dim] : [])
            return Entry(row: row, text: [name, driver, ""], number: [0, 0, Int64(members.count)])
        }
        return sorted(entries, view: .networks, columns: networkSortColumns, state).map(\.row)
    }

    /// Text columns A to Z, number columns biggest first; ties by the first column, then the key.
    static func sorted(_ entries: [Entry], view: ViewKind, columns: [SortColumn], _ state: UIState) -> [Entry] {
        let order = state.sort[view] ?? SortOrder()
        let column = min(max(order.column, 0), columns.count - 1)
        let result = entries.sorted { a, b in
            if columns[column].ascendingFirst, a.text[column] != b.text[column] { return a.text[column] < b.text[column] }
            if !columns[column].ascendingFirst, a.number[column] != b.number[column] { return a.number[column] > b.number[column] }
            guard a.text[0] == b.text[0] else { return a.text[0] < b.text[0] }
            return a.row.key.id == b.row.key.id ? (a.row.key.engine ?? "") < (b.row.key.engine ?? "") : a.row.key.id < b.row.key.id
        }
        return order.reversed ? result.reversed() : result
    }
}
