import SwtopStore
import TermCanvas

/// Where things go on the screen, shared by the reducer (page size) and the renderer.
enum Layout {
    /// Rows of the list area: all but the title bar, the message line and the key hints.
    static func listHeight(_ state: UIState) -> Int { max(1, state.height - 3) }

    /// The dashboard draws a banner line over the list while an engine does not answer.
    static func hasBanner(_ snapshot: StoreSnapshot) -> Bool {
        if snapshot.members.count > 1 { return snapshot.members.contains(where: \.isUnreachable) }
        if case .unreachable = snapshot.connection { return true }
        return false
    }

    /// The first row the dashboard's list shows, as the table draws it: the kept offset, moved just enough
    /// to keep the selected row in view and waste no row at the end. The reducer keeps it after each key
    /// (the renderer never writes state); a click reads it.
    static func listTop(_ state: UIState, _ snapshot: StoreSnapshot) -> Int {
        let keys = RowKeys.of(snapshot, state)
        let selected = keys.firstIndex { $0 == state.selection[state.view] } ?? (keys.isEmpty ? nil : 0)
        var height = listHeight(state) - (hasBanner(snapshot) ? 1 : 0)
        if state.showDetails, state.view == .containers {
            height = splitForDetails(Rect(x: 0, y: 0, width: state.width, height: height)).list.height
        }
        return Table.scrollOffset(selected: selected, current: state.scroll[state.view] ?? 0, visibleRows: max(0, height - 1),
                                  rowCount: keys.count)
    }

    /// Rows PgUp/PgDn move: the body rows on screen (the list's share when the detail pane is open).
    static func pageSize(_ state: UIState) -> Int {
        var height = listHeight(state)
        if state.showDetails, state.view == .containers {
            height = splitForDetails(Rect(x: 0, y: 0, width: state.width, height: height)).list.height
        }
        return max(1, height - 1)
    }

    static func sortColumns(_ view: ViewKind) -> [SortColumn] {
        switch view {
        case .containers: return ContainerRows.sortColumns
        case .images: return ResourceRows.imageSortColumns
        case .volumes: return ResourceRows.volumeSortColumns
        case .networks: return ResourceRows.networkSortColumns
        }
    }

    /// The detail pane takes the lower half of the list when there is room, else all of it; on a tall
    /// terminal the rows its fields and graphs leave are the log's.
    static func splitForDetails(_ area: Rect) -> (list: Rect, details: Rect) {
        guard area.height >= 14 else { return (Rect(x: area.x, y: area.y, width: area.width, height: 0), area) }
        let detailHeight = max(9, area.height / 2)
        let (list, details) = area.splitBottom(detailHeight)
        return (list, details)
    }

    /// The sorted column's title carries ▲ or ▼.
    /// `at`: the column that shows the sort when the view's columns are chosen (the containers list),
    /// else the sort column's own.
    static func markSorted(_ columns: [Table.Column], _ view: ViewKind, _ state: UIState, at: Int? = nil) -> [Table.Column] {
        let order = state.sort[view] ?? SortOrder()
        let all = sortColumns(view)
        let sorted = all[min(max(order.column, 0), all.count - 1)]
        let index = at ?? sorted.tableColumn
        guard columns.indices.contains(index) else { return columns }
        var marked = columns
        // A column sorted by something other than what it shows says by what (STATUS sorts by creation).
        let title = marked[index].title.lowercased().filter { $0 != "/" }  // "block i/o" is sorted by "io"
        if !title.contains(sorted.name.prefix(3)) { marked[index].title += " (\(sorted.name))" }
        marked[index].title += sorted.marker(reversed: order.reversed)
        return marked
    }
}
