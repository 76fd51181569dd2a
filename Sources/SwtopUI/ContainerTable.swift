import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

enum ContainerTable {
    /// The columns shown: the config's list, else swtop's choice for the width.
    static func kinds(_ state: UIState, width: Int) -> [ContainerColumn] {
        state.columns ?? ContainerColumn.automatic(width: width)
    }

    static func columns(_ kinds: [ContainerColumn], _ state: UIState) -> [Table.Column] {
        var columns = kinds.map(\.table)
        let order = state.sort[.containers] ?? SortOrder()
        let all = ContainerRows.sortColumns
        let sorted = all[min(max(order.column, 0), all.count - 1)]
        if let kind = ContainerColumn.of(sorted.key), let index = kinds.firstIndex(of: kind) {
            columns = Layout.markSorted(columns, .containers, state, at: index)
        }
        return columns
    }

    /// Several engines, not grouped by engine: the ENGINE column, as wide as the longest name (4–16).
    static func engineColumn(_ snapshot: StoreSnapshot) -> Table.Column {
        let widest = snapshot.members.map { DisplayWidth.of($0.name) }.max() ?? 6
        return .init("ENGINE", width: .fixed(min(max(widest, 6), 16)))
    }

    /// `● 20.10 · 12/15 running`, `◌ connecting`, `✗ unreachable: reason`.
    static func engineState(_ status: EngineStatus) -> String {
        switch status.connection {
        case .connected:
            return "● " + (status.engineVersion.map { "\($0) · " } ?? "") + "\(status.running)/\(status.containers) running"
        case .connecting: return "◌ connecting to \(status.endpoint)"
        case let .unreachable(reason, _): return "✗ unreachable: \(reason)"
        }
    }

    static func draw(into buffer: ScreenBuffer, _ rect: Rect, _ snapshot: StoreSnapshot, _ state: UIState, now: Date) -> Frame {
        var buffer = buffer
        let rows = ContainerRows.build(snapshot, state)
        let kinds = kinds(state, width: rect.width)
        var columns = columns(kinds, state)
        let showEngine = snapshot.members.count > 1 && !state.groupByEngine
        if showEngine { columns.append(engineColumn(snapshot)) }
        let selected = rows.firstIndex { $0.key == state.selection[.containers] } ?? (rows.isEmpty ? nil : 0)
        // STATUS in the short form where the long one would be cut (▲/▼ may take a column).
        let widths = Table(columns: columns, rows: []).columnWidths(totalWidth: rect.width - 1)
        let statusWidth = kinds.firstIndex(of: .status).map { widths[$0] } ?? .max
        /// A header row's cells: `texts` by column, "" elsewhere (the engine's name last when shown).
        func headerCells(_ texts: [ContainerColumn: String], engine: String?) -> [String] {
            var cells = kinds.map { texts[$0] ?? "" }
            if showEngine { cells.append(engine ?? "") }
            return cells
        }
        let tableRows = rows.map { row -> Table.Row in
            switch row {
            case let .engine(status, collapsed):
                let label = "\(collapsed ? "▸" : "▾") \(status.name)"
                let cells = headerCells([.name: label, .image: status.endpoint, .status: engineState(status)], engine: nil)
                return Table.Row(cells, style: Style(status.isUnreachable ? .error : .title, bold: true))
            case let .group(name, engine, total, running, collapsed, depth):
                let label = String(repeating: "  ", count: depth) + "\(collapsed ? "▸" : "▾") \(name)"
                let cells = headerCells([.name: label, .image: "compose", .status: "\(running)/\(total) running"], engine: engine)
                return Table.Row(cells, style: Style(.accent, bold: true))
            case let .container(item, depth):
                var row = containerRow(item, depth: depth, snapshot, state, kinds: kinds, now: now, statusWidth: statusWidth)
                if showEngine {
                    row.cells.append(item.engine)
                    row.cellRoles.append(.dim)
                }
                return row
            }
        }
        let empty: String
        if !snapshot.loaded {
            empty = "connecting to \(snapshot.endpoint)…"
        } else if !state.currentFilter.isEmpty {
            empty = "no container matches “\(state.currentFilter)” (Esc clears the filter)"
        } else {
            empty = state.showStopped ? "no containers" : "no running containers (H shows stopped ones)"
        }
        var table = Table(columns: columns, rows: tableRows, selectedIndex: selected,
                          scrollOffset: state.scroll[.containers] ?? 0, showsScrollIndicators: true, emptyMessage: empty)
        table.showsMarks = true
        let offset = table.draw(into: &buffer, in: rect)
        let visibleCount = table.visibleRowCount(in: rect)
        let visible = rows.dropFirst(offset).prefix(visibleCount).compactMap { $0.container?.id }
        let sortKey = ContainerRows.sortColumns[min(max((state.sort[.containers] ?? SortOrder()).column, 0),
                                                    ContainerRows.sortColumns.count - 1)].key
        let sorts = sortKey == .net || sortKey == .io || sortKey == .pids
        let figures = kinds.contains { $0 == .net || $0 == .io || $0 == .pids } || sorts
        var frame = Frame(buffer: buffer, scrollOffset: offset, visibleContainerIDs: Array(visible), showsFigures: figures)
        frame.sortsByFigures = sorts
        return frame
    }

    static func containerRow(_ item: ContainerItem, depth: Int, _ snapshot: StoreSnapshot, _ state: UIState,
                             kinds: [ContainerColumn], now: Date, statusWidth: Int = .max) -> Table.Row {
        let stats = snapshot.stats[item.id]
        let pending = snapshot.pending[item.id]
        let running = item.state == .running
        // A paused container keeps its memory, counters and processes; a stopped one has none.
        let live = running || item.state == .paused
        var cells: [String] = []
        cells.reserveCapacity(kinds.count + 1)
        var roles: [ColorRole?] = []
        roles.reserveCapacity(kinds.count + 1)
        for kind in kinds {
            var role: ColorRole?
            switch kind {
            case .name: cells.append(String(repeating: "  ", count: depth) + item.name)
            case .image: cells.append(item.image)
            case .state:
                cells.append(pending.map { $0.progressive + "…" } ?? item.state.rawValue)
                role = pending != nil ? .warning : stateRole(item.state)
            case .status: cells.append(StatusText.of(item, snapshot.timing[item.id], now: now, fitting: statusWidth))
            case .cpu: cells.append(running ? stats?.cpuPercent.map { FixedPoint.text($0, decimals: 1) } ?? "…" : "-")
            case .mem:
                var memory = "-"
                if live, let used = stats?.memoryUsed {
                    memory = ByteCount.binary(used) + (stats?.memoryLimit.map { " / " + ByteCount.binary($0) } ?? "")
                }
                cells.append(memory)
            case .net: cells.append(live ? CompactBytes.pair(stats?.network) : "-")
            case .io: cells.append(live ? CompactBytes.pair(stats?.blockIO) : "-")
            case .pids: cells.append(live ? stats?.pids.map(String.init) ?? "-" : "-")
            case .ports: cells.append(PortText.summary(item.ports, arrow: "→", showIP: false))
            }
            if !running, kind.isFigure { role = .dim }
            roles.append(role)
        }
        return Table.Row(cells, cellRoles: roles, isMarked: state.marked.contains(item.id))
    }

    static func stateRole(_ state: ContainerRunState) -> ColorRole {
        switch state {
        case .running: return .running
        case .paused: return .paused
        case .created: return .created
        case .restarting: return .restarting
        case .exited, .dead, .removing, .unknown: return .exited
        }
    }
}
