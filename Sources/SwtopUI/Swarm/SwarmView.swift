import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// Draws the Services, Tasks and Nodes screens. Every text from the engine goes through TerminalSafe.
public enum SwarmView {
    static func rows(_ state: UIState) -> Int { max(1, state.height - 4) }

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: SwarmScreen, now: Date) {
        let (title, rest) = buffer.bounds.splitTop(1)
        let (body, status) = rest.splitBottom(2)
        buffer.fill(title, style: .statusBar)
        buffer.put(" swtop · " + heading(screen) + " · every 2 s", x: title.x, y: title.y,
                   style: Style(.title, bold: true), maxWidth: title.width)
        if let listing = screen.listing {
            var table = self.table(screen, listing, now: now)
            table.selectedIndex = table.rows.isEmpty ? nil : min(screen.cursor, table.rows.count - 1)
            table.scrollOffset = Table.scrollOffset(selected: table.selectedIndex, current: 0,
                                                    visibleRows: table.visibleRowCount(in: body), rowCount: table.rows.count)
            _ = table.draw(into: &buffer, in: body)
        } else {
            let text = screen.error.map { "✗ " + TerminalSafe.sanitize($0) } ?? "asking the engine…"
            buffer.put(text, x: body.x + 1, y: body.y, style: screen.error != nil ? Style(.error, bold: true) : .dimmed,
                       maxWidth: body.width - 1)
        }
        drawStatus(&buffer, status, state, screen)
    }

    static func heading(_ screen: SwarmScreen) -> String {
        let count = screen.listing.map { listing -> String in
            switch screen.kind {
            case .services: return " · \(listing.services.count)"
            case let .tasks(id, _): return " · \(listing.tasks(of: id).count)"
            case .nodes: return " · \(listing.nodes.count)"
            }
        } ?? ""
        switch screen.kind {
        case .services: return "swarm services" + count
        case let .tasks(_, name): return "tasks of \(TerminalSafe.sanitize(name))" + count
        case .nodes: return "swarm nodes" + count
        }
    }

    static func table(_ screen: SwarmScreen, _ listing: SwarmListing, now: Date) -> Table {
        func safe(_ text: String) -> String { TerminalSafe.sanitize(text) }
        switch screen.kind {
        case .services:
            let rows = listing.services.map { service -> Table.Row in
                let status = service.ServiceStatus
                let short = status.map { ($0.RunningTasks ?? 0) < ($0.DesiredTasks ?? 0) } ?? false
                let update = service.UpdateStatus?.State ?? ""
                return Table.Row([safe(service.name), service.mode.description, SwarmText.replicas(service),
                                  safe(service.image), safe(service.ports.map(\.text).joined(separator: ", ")),
                                  safe(update.replacing("_", with: " "))],
                                 cellRoles: [nil, nil, short ? .warning : .running, nil, nil,
                                             update.contains("paused") || update.contains("rollback") ? .warning : nil])
            }
            return Table(columns: [
                Table.Column("NAME", width: .flex(min: 10, weight: 2)), Table.Column("MODE", width: .fixed(14)),
                Table.Column("REPLICAS", width: .fixed(19)), Table.Column("IMAGE", width: .flex(min: 12, weight: 3)),
                Table.Column("PORTS", width: .flex(min: 8, weight: 2)), Table.Column("UPDATE", width: .flex(min: 8, weight: 1)),
            ], rows: rows, showsScrollIndicators: true, emptyMessage: "no services (docker service create makes one)")
        case let .tasks(id, name):
            var previousSlot: (Int, String)?
            let rows = listing.tasks(of: id).map { task -> Table.Row in
                // Older tasks of the same slot (or node) are its history, marked as docker service ps does.
                let slot = (task.Slot ?? Int.max, task.NodeID ?? "")
                let history = previousSlot.map { $0 == slot } ?? false
                previousSlot = slot
                let current = task.Status?.State ?? ""
                var since = ""
                if let stamp = task.Status?.Timestamp, let date = RelativeTime.parse(stamp) {
                    since = " " + RelativeTime.span(now.timeIntervalSince(date)).lowercased() + " ago"
                }
                let error = task.Status?.Err ?? ""
                let role: ColorRole? = current == "running" ? .running
                    : ["failed", "rejected", "orphaned"].contains(current) ? .error : .dim
                return Table.Row([(history ? " \\_ " : "") + safe(taskName(task, service: name)),
                                  safe(listing.hostname(of: task.NodeID)),
                                  safe((task.DesiredState ?? "").capitalizedFirst), safe(current.capitalizedFirst) + since,
                                  safe(error)],
                                 cellRoles: [nil, nil, nil, role, error.isEmpty ? nil : .error])
            }
            return Table(columns: [
                Table.Column("NAME", width: .flex(min: 12, weight: 2)), Table.Column("NODE", width: .flex(min: 8, weight: 1)),
                Table.Column("DESIRED STATE", width: .fixed(14)), Table.Column("CURRENT STATE", width: .fixed(30)),
                Table.Column("ERROR", width: .flex(min: 8, weight: 3)),
            ], rows: rows, showsScrollIndicators: true, emptyMessage: "no tasks")
        case .nodes:
            let rows = listing.nodes.map { node -> Table.Row in
                let ready = node.state == "ready"
                return Table.Row([safe(node.hostname), safe(node.role), safe(node.availability.capitalizedFirst),
                                  safe(node.state.capitalizedFirst), safe(node.engineVersion), safe(node.managerStatus)],
                                 cellRoles: [nil, nil, node.availability == "active" ? nil : .warning,
                                             ready ? .running : .error, nil, nil])
            }
            return Table(columns: [
                Table.Column("HOSTNAME", width: .flex(min: 10, weight: 2)), Table.Column("ROLE", width: .fixed(8)),
                Table.Column("AVAILABILITY", width: .fixed(13)), Table.Column("STATUS", width: .fixed(12)),
                Table.Column("ENGINE VERSION", width: .flex(min: 14, weight: 1)), Table.Column("MANAGER STATUS", width: .fixed(14)),
            ], rows: rows, showsScrollIndicators: true, emptyMessage: "no nodes")
        }
    }

    static func taskName(_ task: SwarmTask, service: String) -> String { ServiceLogDetails.taskName(task, service: service) }

    static func drawStatus(_ buffer: inout ScreenBuffer, _ status: Rect, _ state: UIState, _ screen: SwarmScreen) {
        let message = status.row(0)
        if let input = screen.scaleInput {
            let name = screen.selectedService.map { TerminalSafe.sanitize($0.name) } ?? ""
            buffer.put("scale \(name) to: \(LineEditor.shown(input, state.editCursor))  (Enter: confirm, Esc: cancel)", x: message.x, y: message.y,
                       style: Style(.accent, bold: true), maxWidth: message.width)
        } else if let notice = state.notice {
            buffer.put(TerminalSafe.sanitize(notice.text), x: message.x, y: message.y,
                       style: notice.isError ? Style(.error, bold: true) : .ok, maxWidth: message.width)
        } else if screen.listing != nil, let error = screen.error {
            buffer.put("✗ " + TerminalSafe.sanitize(error) + " (showing the last list)", x: message.x, y: message.y,
                       style: Style(.error, bold: true), maxWidth: message.width)
        } else if case .tasks = screen.kind, let listing = screen.listing, case let .tasks(id, _) = screen.kind,
                  let service = listing.service(id), let text = service.UpdateStatus?.Message, !text.isEmpty {
            buffer.put("update: " + TerminalSafe.sanitize(text), x: message.x, y: message.y, style: .dimmed,
                       maxWidth: message.width)
        }
        let hints = state.hints()
        StatusBar(left: "", right: state.readOnly ? "READ-ONLY" : "", hints: hints).draw(into: &buffer, in: status.row(1))
    }
}
