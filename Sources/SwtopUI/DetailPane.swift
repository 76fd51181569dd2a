import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// The selected container in full: command, created, restart policy, ports, mounts, networks, health,
/// and CPU, memory, network and block I/O sparklines over the last two minutes.
enum DetailPane {
    /// The pane's lines: as many as its log rows can show on this terminal, kept small.
    static func logModel(_ state: UIState, _ detail: DetailLogs) -> LogModel {
        LogModel(sources: [detail.source], maxLines: max(200, tail(state)), maxBytes: 1 << 20)
    }

    /// Lines asked for when the pane opens on a container: its log rows never outnumber the terminal's.
    static func tail(_ state: UIState) -> Int { max(50, state.height) }

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
        // Two graphs a row when wide (CPU | Memory, Network | Block I/O); else one a row, network and block
        // I/O only when the pane is tall enough to keep fields and log lines too.
        let sideBySide = inner.width >= 150
        let graphRows = inner.height < 4 ? 0 : sideBySide ? 2 : inner.height >= 14 ? 4 : 2
        for (label, value) in lines where y < inner.maxY - graphRows {
            buffer.put(label, x: inner.x, y: y, style: Style(.header, bold: true), maxWidth: labelWidth)
            buffer.put(value, x: inner.x + labelWidth + 1, y: y, maxWidth: inner.width - labelWidth - 1)
            y += 1
        }
        // The last lines of the container's log, live, in every row the fields and graphs leave.
        let logRows = inner.maxY - graphRows - y
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
        guard graphRows > 0 else { return }
        let graphs = Self.graphs(stats).prefix(graphRows * (sideBySide ? 2 : 1))
        // The figures are worth more than a longer graph: every graph leaves the columns its longest text
        // takes ("1600.0% of one core · from cgroup v2 files"; with block I/O "read 999MB/s · write
        // 999MB/s · 999G/999G in all"), a fixed width so that graphs line up and do not move as figures change.
        let reserve = graphs.count > 2 ? 48 : 46
        let top = inner.maxY - graphRows
        for (index, graph) in graphs.enumerated() {
            let half = inner.width / 2
            let cell = sideBySide
                ? Rect(x: inner.x + (index % 2) * half, y: top + index / 2, width: index % 2 == 0 ? half - 1 : inner.width - half, height: 1)
                : Rect(x: inner.x, y: top + index, width: inner.width, height: 1)
            draw(&buffer, graph, cell, labelWidth: labelWidth, reserve: reserve)
        }
    }

    /// One labelled sparkline and its figures.
    struct Graph {
        /// What the values are: CPU percent, bytes in use, bytes a second.
        enum Kind { case percent, bytes, rate }

        var label: String
        var kind: Kind
        var history: [Double]
        /// The value drawn as a full bar; nil: the largest shown.
        var maxValue: Double?
        var role: ColorRole
        var text: String
    }

    static func graphs(_ stats: ContainerStats?) -> [Graph] {
        let source = stats?.source.map { " · from \($0)" } ?? ""
        let cpuHistory = stats?.cpuHistory ?? []
        let cpu = Graph(label: "CPU", kind: .percent, history: cpuHistory, maxValue: max(100, cpuHistory.max() ?? 0), role: .accent,
                        text: stats?.cpuPercent.map { "\(FixedPoint.text($0, decimals: 1))% of one core" + source } ?? "no sample yet")
        // Scaled to the recent peak, not the limit: against a host-sized limit every graph would be flat,
        // and the trend (a leak, a spike) is what the graph is for; the text gives used and limit.
        let memHistory = stats?.memoryHistory ?? []
        let memory = Graph(label: "Memory", kind: .bytes, history: memHistory, maxValue: memHistory.max().map { $0 * 1.25 }, role: .ok,
                           text: (stats?.memoryUsed.map { used in
                               ByteCount.binary(used) + (stats?.memoryLimit.map { " of " + ByteCount.binary($0) } ?? "")
                           } ?? "no sample yet") + (stats?.pids.map { " · \($0) pids" } ?? ""))
        let network = Graph(label: "Network", kind: .rate, history: stats?.networkHistory ?? [], maxValue: nil, role: .accent,
                            text: flow(stats?.network, stats?.networkRate, "rx", "tx"))
        let blockIO = Graph(label: "Block I/O", kind: .rate, history: stats?.blockIOHistory ?? [], maxValue: nil, role: .ok,
                            text: flow(stats?.blockIO, stats?.blockIORate, "read", "write"))
        return [cpu, memory, network, blockIO]
    }

    /// `rx 1.2kB/s · tx 648B/s · 1.2M/648 in all`; the totals alone until two readings give a rate.
    static func flow(_ total: ContainerStats.ByteCounters?, _ rate: ContainerStats.Rates?, _ inName: String, _ outName: String) -> String {
        guard let total else { return "no figures" }
        var text = ""
        if let rate {
            text = "\(inName) \(CompactBytes.rate(rate.incoming)) · \(outName) \(CompactBytes.rate(rate.outgoing)) · "
        }
        return text + CompactBytes.pair(total) + " in all"
    }

    static func draw(_ buffer: inout ScreenBuffer, _ graph: Graph, _ cell: Rect, labelWidth: Int, reserve: Int) {
        buffer.put(graph.label, x: cell.x, y: cell.y, style: Style(.header, bold: true), maxWidth: labelWidth)
        let graphWidth = max(0, min(60, cell.width - labelWidth - 1 - reserve))
        var x = cell.x + labelWidth + 1
        x += Sparkline(values: graph.history, maxValue: graph.maxValue, style: Style(graph.role))
            .draw(into: &buffer, x: x, y: cell.y, width: graphWidth)
        buffer.put(" " + graph.text, x: x, y: cell.y, maxWidth: cell.maxX - x)
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
