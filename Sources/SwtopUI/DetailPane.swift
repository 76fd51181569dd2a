import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// The selected container in full: command, created, restart policy, ports, mounts, networks, health,
/// and CPU / memory sparklines over the last two minutes.
enum DetailPane {
    /// The pane's lines: a few, kept small.
    static func logModel(_ state: UIState, _ detail: DetailLogs) -> LogModel {
        LogModel(sources: [detail.source], maxLines: 200, maxBytes: 1 << 20)
    }

    static func draw(_ buffer: inout ScreenBuffer, _ rect: Rect, _ item: ContainerItem, _ snapshot: StoreSnapshot, now: Date,
                     logs: LogModel? = nil) {
        guard !rect.isEmpty else { return }
        buffer.fill(rect)
        let inner = Box(title: " \(item.name) ").draw(into: &buffer, in: rect)
        guard !inner.isEmpty else { return }
        let details = snapshot.details[item.id]
        let stats = snapshot.stats[item.id]
        var lines: [(String, String)] = [
            ("Id", ShortID.container(item.id) + "  image " + item.image),
            ("Command", details.map(command) ?? item.command),
            ("Created", RelativeTime.ago(item.created, now: now)),
            ("State", stateText(details, item, snapshot.timing[item.id], now: now)),
            ("Restart", details?.HostConfig?.RestartPolicy.map(restartText) ?? "…"),
            ("Ports", item.ports.isEmpty ? "none published" : PortText.summary(item.ports, arrow: "→", showIP: false)),
            ("Mounts", mountsText(item)),
            ("Networks", networksText(details, item)),
        ]
        if snapshot.members.count > 1, let member = snapshot.members.first(where: { $0.name == item.engine }) {
            lines.insert(("Engine", "\(member.name) · \(member.endpoint)" + (member.engineVersion.map { " · \($0)" } ?? "")), at: 0)
        }
        if let project = item.composeProject {
            lines.append(("Compose", "\(project) / \(item.composeService ?? "?")"))
        }
        let labels = item.labels.filter { !$0.key.hasPrefix("com.docker.compose.") }.sorted { $0.key < $1.key }
        if !labels.isEmpty {
            lines.append(("Labels", labels.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))
        }
        let labelWidth = 9
        var y = inner.y
        let graphs = inner.height >= 4 ? 2 : 0
        for (label, value) in lines where y < inner.maxY - graphs {
            buffer.put(label, x: inner.x, y: y, style: Style(.header, bold: true), maxWidth: labelWidth)
            buffer.put(value, x: inner.x + labelWidth + 1, y: y, maxWidth: inner.width - labelWidth - 1)
            y += 1
        }
        // The last lines of the container's log, live, in the rows the fields leave.
        let logRows = inner.maxY - graphs - y
        if let logs, logRows >= 1, logs.sources.first?.id == item.id {
            buffer.put("Log", x: inner.x, y: y, style: Style(.header, bold: true), maxWidth: labelWidth)
            let width = inner.width - labelWidth - 1
            let count = logs.buffer.count
            if count == 0 {
                buffer.put("no lines yet (l: full log view)", x: inner.x + labelWidth + 1, y: y, style: .dimmed, maxWidth: width)
            }
            let shown = min(count, logRows)
            for i in 0..<shown {
                let entry = logs.buffer[logs.buffer.endIndex - shown + i]
                var x = inner.x + labelWidth + 1
                if entry.kind == .stderr { x += buffer.put("┃", x: x, y: y + i, style: Style(.error, bold: true), maxWidth: 1) }
                for run in TerminalSafe.sanitizeKeepingSGR(entry.text(upTo: 4096)) where x < inner.maxX {
                    let style = entry.isOutput ? LogStyles.style(run.style) : Style(.warning)
                    x += buffer.put(run.text, x: x, y: y + i, style: style, maxWidth: inner.maxX - x)
                }
            }
        }
        guard graphs > 0 else { return }
        // The figure and its source are worth more than a longer graph: they keep 46 columns.
        let graphWidth = max(0, min(60, inner.width - labelWidth - 1 - 46))
        let cpuY = inner.maxY - 2
        buffer.put("CPU", x: inner.x, y: cpuY, style: Style(.header, bold: true), maxWidth: labelWidth)
        let cpuHistory = stats?.cpuHistory ?? []
        var x = inner.x + labelWidth + 1
        x += Sparkline(values: cpuHistory, maxValue: max(100, cpuHistory.max() ?? 0), style: .accent)
            .draw(into: &buffer, x: x, y: cpuY, width: graphWidth)
        let source = stats?.source.map { " · from \($0)" } ?? ""
        buffer.put(" " + (stats?.cpuPercent.map { "\(FixedPoint.text($0, decimals: 1))% of one core" + source } ?? "no sample yet"),
                   x: x, y: cpuY, maxWidth: inner.maxX - x)
        let memY = inner.maxY - 1
        buffer.put("Memory", x: inner.x, y: memY, style: Style(.header, bold: true), maxWidth: labelWidth)
        let memHistory = stats?.memoryHistory ?? []
        x = inner.x + labelWidth + 1
        // Scaled to the recent peak, not the limit: against a host-sized limit every graph would be flat,
        // and the trend (a leak, a spike) is what the graph is for; the text gives used and limit.
        x += Sparkline(values: memHistory, maxValue: memHistory.max().map { $0 * 1.25 }, style: .ok)
            .draw(into: &buffer, x: x, y: memY, width: graphWidth)
        let memText = stats?.memoryUsed.map { used in
            " " + ByteCount.binary(used) + (stats?.memoryLimit.map { " of " + ByteCount.binary($0) } ?? "")
        } ?? " no sample yet"
        buffer.put(memText, x: x, y: memY, maxWidth: inner.maxX - x)
    }

    static func command(_ details: ContainerDetails) -> String {
        ([details.Path ?? ""] + (details.Args ?? [])).filter { !$0.isEmpty }.map { $0.contains(" ") ? "'\($0)'" : $0 }
            .joined(separator: " ")
    }

    /// The list's STATUS text (one derivation for both), then what only inspect tells.
    static func stateText(_ details: ContainerDetails?, _ item: ContainerItem, _ timing: ContainerTiming?, now: Date) -> String {
        let status = StatusText.of(item, timing, now: now)
        var text = status.isEmpty ? item.state.rawValue : status
        if let health = details?.State?.Health?.Status, timing?.health == nil { text += " · health: \(health)" }
        if details?.State?.OOMKilled == true { text += " · OOM killed" }
        if let error = details?.State?.Error, !error.isEmpty { text += " · \(error)" }
        return text
    }

    static func restartText(_ policy: RestartPolicy) -> String {
        let name = policy.Name.flatMap { $0.isEmpty ? nil : $0 } ?? "no"
        if name == "on-failure", let max = policy.MaximumRetryCount, max > 0 { return "on-failure (at most \(max) times)" }
        return name
    }

    static func mountsText(_ item: ContainerItem) -> String {
        guard !item.mounts.isEmpty else { return "none" }
        return item.mounts.map { mount in
            let source = mount.Type == "volume" ? (mount.Name ?? "?") : (mount.Source ?? "?")
            return "\(mount.Type ?? "?") \(source) → \(mount.Destination ?? "?")\(mount.RW == false ? " (ro)" : "")"
        }.joined(separator: ", ")
    }

    static func networksText(_ details: ContainerDetails?, _ item: ContainerItem) -> String {
        if let networks = details?.NetworkSettings?.Networks, !networks.isEmpty {
            return networks.keys.sorted().map { name in
                let ip = networks[name]?.IPAddress ?? ""
                return ip.isEmpty ? name : "\(name) \(ip)"
            }.joined(separator: ", ")
        }
        return item.networks.isEmpty ? "none" : item.networks.joined(separator: ", ")
    }
}
