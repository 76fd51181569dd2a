#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// Images, volumes and networks: plain tables of SimpleRow.
enum ResourceTable {
    static func draw(into buffer: ScreenBuffer, _ rect: Rect, _ snapshot: StoreSnapshot, _ state: UIState, now: Date) -> Frame {
        var buffer = buffer
        var columns: [Table.Column]
        let rows: [SimpleRow]
        switch state.view {
        case .images:
            columns = [.init("REPOSITORY:TAG", width: .flex(min: 16, weight: 4)), .init("IMAGE ID", width: .fixed(12)),
                       .init("SIZE", width: .fixed(8), alignment: .right), .init("CREATED", width: .flex(min: 10, weight: 1)),
                       .init("USED BY", width: .fixed(7), alignment: .right), .init("", width: .fixed(8))]
            rows = ResourceRows.images(snapshot, state, now: now)
        case .volumes:
            columns = [.init("NAME", width: .flex(min: 16, weight: 3)), .init("DRIVER", width: .fixed(8)),
                       .init("USED BY", width: .flex(min: 10, weight: 3))]
            rows = ResourceRows.volumes(snapshot, state)
        case .networks, .containers:
            columns = [.init("NAME", width: .flex(min: 12, weight: 2)), .init("DRIVER", width: .fixed(8)),
                       .init("SCOPE", width: .fixed(6)), .init("CONTAINERS", width: .flex(min: 10, weight: 4))]
            rows = ResourceRows.networks(snapshot, state)
        }
        if snapshot.members.count > 1 { columns.append(ContainerTable.engineColumn(snapshot)) }
        let selected = rows.firstIndex { $0.key == state.selection[state.view] } ?? (rows.isEmpty ? nil : 0)
        let empty = !snapshot.loaded ? "connecting to \(snapshot.endpoint)…"
            : state.currentFilter.isEmpty ? "no \(state.view.title.lowercased())" : "nothing matches “\(state.currentFilter)”"
        let table = Table(columns: Layout.markSorted(columns, state.view, state), rows: rows.map { Table.Row($0.cells, cellRoles: $0.roles) },
                          selectedIndex: selected, scrollOffset: state.scroll[state.view] ?? 0, showsScrollIndicators: true,
                          emptyMessage: empty)
        let offset = table.draw(into: &buffer, in: rect)
        return Frame(buffer: buffer, scrollOffset: offset, visibleContainerIDs: [])
    }
}
