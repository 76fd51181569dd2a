import DockerEngine
import LayerKit
import TermCanvas

/// The `x` pane: `$ command` in the title, the output with stderr marked, how it ended.
enum RunView {
    static func textRows(_ state: UIState) -> Int { max(1, state.height - 3) }

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: RunScreen) {
        let all = buffer.bounds
        let (title, rest) = all.splitTop(1)
        let (body, status) = rest.splitBottom(2)
        buffer.fill(title, style: .statusBar)
        let command = TerminalSafe.sanitize(screen.request.commandLine)
        let heading = screen.title.map { TerminalSafe.sanitize($0) + " · $ " + command } ?? "run in \(screen.request.target.name) · $ \(command)"
        buffer.put(" swtop · " + heading, x: title.x, y: title.y,
                   style: Style(.title, bold: true), maxWidth: title.width)
        OutputLines.draw(&buffer, body, screen.output, scroll: screen.scroll, follow: screen.follow)
        let message = status.row(0)
        if let notice = state.notice {
            buffer.put(notice.text, x: message.x, y: message.y, style: notice.isError ? Style(.error, bold: true) : .ok,
                       maxWidth: message.width)
        } else if let error = screen.error {
            buffer.put("✗ " + TerminalSafe.sanitize(error), x: message.x, y: message.y, style: Style(.error, bold: true), maxWidth: message.width)
        } else if let code = screen.exitCode {
            let text = code == 0 ? "✓ exit code 0" : "✗ exit code \(code)"
            let counts = "\(screen.lines.count) lines" + (screen.dropped > 0 ? " (oldest dropped)" : "")
            buffer.put(text + " · " + counts, x: message.x, y: message.y, style: code == 0 ? .ok : Style(.error, bold: true),
                       maxWidth: message.width)
        } else {
            buffer.put("running… (\(screen.lines.count) lines so far)", x: message.x, y: message.y, style: .accent,
                       maxWidth: message.width)
        }
        let hints = state.hints()
        StatusBar(left: "", right: "┃ stderr", hints: hints).draw(into: &buffer, in: status.row(1))
    }
}

/// A command's output lines in `body`: stderr marked with a red bar, the command's own colours kept (SGR
/// only; every other escape dropped), the newest in view while `follow`.
enum OutputLines {
    static func draw(_ buffer: inout ScreenBuffer, _ body: Rect, _ output: CommandOutput, scroll: Int, follow: Bool) {
        let visible = body.height
        let last = max(0, output.lines.count - visible)
        let top = follow ? last : min(scroll, last)
        if output.lines.isEmpty {
            let text = output.finished ? "(no output)" : "running…"
            buffer.put(text, x: body.x + 1, y: body.y, style: .dimmed, maxWidth: body.width - 1)
        }
        for (offset, line) in output.lines.dropFirst(top).prefix(visible).enumerated() {
            let y = body.y + offset
            // stderr: a red bar in the first column, so it reads without colour too; swtop's own lines dimmed.
            let isError = line.stream == .stderr
            buffer.put(isError ? "┃" : " ", x: body.x, y: y, style: isError ? Style(.error, bold: true) : .normal)
            if line.stream == .system {
                buffer.put(TerminalSafe.sanitize(line.text), x: body.x + 1, y: y, style: .dimmed, maxWidth: body.width - 1)
                continue
            }
            var x = body.x + 1
            for run in TerminalSafe.sanitizeKeepingSGR(line.text) where x < body.maxX {
                var style = Style(sgr: run.style)
                if isError, !style.hasExplicitColor { style = style.with(role: .error) }
                x += buffer.put(run.text, x: x, y: y, style: style, maxWidth: body.maxX - x)
            }
        }
    }
}

/// The `T` view: one row per process as the engine's `ps` printed it.
public enum ProcessView {
    static func rows(_ state: UIState) -> Int { max(1, state.height - 4) }

    /// The columns asked of `ps`, and the names shown for them.
    public static let psArgs = "-o pid,user,pcpu,pmem,rss,etime,args"
    /// What to ask for, in turn, while the engine refuses or answers nothing: ps options (Docker's engines
    /// run the host's ps), podman's own descriptors, then the engine's default columns.
    public static let psArgsLadder: [String?] = [psArgs, "pid,user,pcpu,rss,etime,args", nil]

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: ProcessScreen) {
        let all = buffer.bounds
        let (title, rest) = all.splitTop(1)
        let (body, status) = rest.splitBottom(2)
        let (header, rows) = body.splitTop(1)
        buffer.fill(title, style: .statusBar)
        let count = screen.list.map { " · \($0.Processes.count) processes" } ?? ""
        buffer.put(" swtop · processes of \(screen.target.name)\(count) · every 2 s", x: title.x, y: title.y,
                   style: Style(.title, bold: true), maxWidth: title.width)
        guard let list = screen.list else {
            let text = screen.error.map { "✗ " + TerminalSafe.sanitize($0) } ?? "asking the engine…"
            buffer.put(text, x: body.x + 1, y: body.y, style: screen.error != nil ? Style(.error, bold: true) : .dimmed,
                       maxWidth: body.width - 1)
            drawStatus(&buffer, status, state, screen)
            return
        }
        let widths = columnWidths(list, total: header.width)
        var x = header.x
        for (index, name) in list.Titles.enumerated() where index < widths.count {
            x += buffer.put(pad(TerminalSafe.sanitize(name), widths[index], right: isNumeric(name)), x: x, y: header.y,
                            style: .header, maxWidth: header.maxX - x)
        }
        let cursor = min(screen.cursor, max(0, list.Processes.count - 1))
        let top = ListWindow.top(cursor: cursor, scroll: screen.scroll, visible: rows.height)
        for (offset, row) in list.Processes.dropFirst(top).prefix(rows.height).enumerated() {
            let y = rows.y + offset
            let selected = top + offset == cursor
            let style: Style = selected ? .selected : .normal
            if selected { buffer.fill(Rect(x: rows.x, y: y, width: rows.width, height: 1), style: style) }
            var x = rows.x
            for (index, value) in row.enumerated() where index < widths.count {
                let title = index < list.Titles.count ? list.Titles[index] : ""
                x += buffer.put(pad(display(value, title: title), widths[index], right: isNumeric(title)), x: x, y: y,
                                style: style, maxWidth: rows.maxX - x)
            }
        }
        drawStatus(&buffer, status, state, screen)
    }

    static func drawStatus(_ buffer: inout ScreenBuffer, _ status: Rect, _ state: UIState, _ screen: ProcessScreen) {
        let message = status.row(0)
        if let notice = state.notice {
            buffer.put(notice.text, x: message.x, y: message.y, style: notice.isError ? Style(.error, bold: true) : .ok,
                       maxWidth: message.width)
        } else if screen.list != nil, let error = screen.error {
            buffer.put("✗ " + TerminalSafe.sanitize(error) + " (showing the last list)", x: message.x, y: message.y, style: Style(.error, bold: true),
                       maxWidth: message.width)
        } else if screen.list != nil {
            buffer.put(screen.containerPIDs ? "PIDs as the container numbers them (podman's top), not the host's"
                                            : "PIDs as the host numbers them, as docker top shows them", x: message.x, y: message.y,
                       style: .dimmed, maxWidth: message.width)
        }
        let hints = state.hints()
        StatusBar(left: "", right: "", hints: hints).draw(into: &buffer, in: status.row(1))
    }

    static func isNumeric(_ title: String) -> Bool {
        ["PID", "PPID", "%CPU", "%MEM", "RSS", "VSZ", "C"].contains(title)
    }

    /// RSS comes in KiB: shown in human units.
    static func display(_ value: String, title: String) -> String {
        let clean = TerminalSafe.sanitize(value)
        if title == "RSS", let kib = Int64(clean) { return ByteText.human(kib * 1024) }
        return clean
    }

    /// Every column as wide as its widest value (capped), the last one taking the rest.
    static func columnWidths(_ list: ProcessList, total: Int) -> [Int] {
        let count = list.Titles.count
        guard count > 0 else { return [] }
        var widths = list.Titles.map { DisplayWidth.of($0) + 2 }
        for row in list.Processes {
            for (index, value) in row.enumerated() where index < count - 1 {
                let title = list.Titles[index]
                widths[index] = min(24, max(widths[index], DisplayWidth.of(display(value, title: title)) + 2))
            }
        }
        let used = widths.dropLast().reduce(0, +)
        widths[count - 1] = max(8, total - used)
        return widths
    }

    static func pad(_ text: String, _ width: Int, right: Bool) -> String {
        let shown = DisplayWidth.truncate(text, toColumns: max(0, width - 1))
        let room = max(0, width - DisplayWidth.of(shown))
        return right ? String(repeating: " ", count: max(0, room - 1)) + shown + " " : shown + String(repeating: " ", count: room)
    }
}

/// `E` and `x` ask at the bottom of the dashboard: `command: …  user: …`.
enum PromptView {
    static func draw(_ buffer: inout ScreenBuffer, _ area: Rect, _ prompt: Prompt, cursor: Int) {
        let row = area.row(0)
        buffer.fill(row, style: .normal)
        var x = row.x
        let lead: String
        switch prompt.purpose {
        case .exec: lead = "exec in \(prompt.target.name)"
        case .run: lead = "run in \(prompt.target.name)"
        case .tag: lead = "tag \(prompt.target.name)"
        case .newVolume: lead = "new volume"
        case .newNetwork: lead = "new network"
        case .pull: lead = "pull on \(prompt.target.name)"
        case .build: lead = "build on \(prompt.target.name)"
        }
        x += buffer.put(lead + " · ", x: x, y: row.y, style: .dimmed, maxWidth: row.maxX - x)
        for (index, label) in prompt.labels.enumerated() {
            let active = index == prompt.field
            x += buffer.put(label + ": ", x: x, y: row.y, style: active ? Style(.accent, bold: true) : .dimmed,
                            maxWidth: row.maxX - x)
            var value = prompt.values[index]
            if value.isEmpty, !active {
                switch label {
                case "user": value = "(the image's)"
                case "driver": value = "(bridge)"
                case "tags": value = "(none)"
                case "build args": value = "(none)"
                case "command": value = "(the shell)"
                default: break
                }
            }
            x += buffer.put((active ? LineEditor.shown(value, cursor) : value) + "  ", x: x, y: row.y,
                            style: active ? Style(.accent, bold: true) : .dimmed, maxWidth: row.maxX - x)
        }
        if area.height > 1 {
            let verb: String
            switch prompt.purpose {
            case .exec: verb = "open"
            case .run: verb = "run"
            case .tag: verb = "tag"
            case .newVolume, .newNetwork: verb = "create"
            case .pull: verb = "pull"
            case .build: verb = "build"
            }
            var hints = [KeyHint("Enter", verb), KeyHint("Esc", "cancel"),
                         KeyHint("↑↓", "history")]
            if prompt.labels.count > 1 { hints.insert(KeyHint("Tab", "next field"), at: 1) }
            StatusBar(left: "", right: "", hints: hints).draw(into: &buffer, in: area.row(1))
        }
    }
}
