import TermCanvas

/// The `C` picker: one row per docker context, `*` on the current one, `●` on those the dashboard
/// watches, `✓` on those marked with Space.
public enum ContextView {
    static func rows(_ state: UIState) -> Int { max(1, state.height - 4) }

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: ContextScreen) {
        let all = buffer.bounds
        let (title, rest) = all.splitTop(1)
        let (body, status) = rest.splitBottom(2)
        let (header, rows) = body.splitTop(1)
        buffer.fill(title, style: .statusBar)
        let count = screen.entries.map { " · \($0.count)" } ?? ""
        buffer.put(" swtop · docker contexts\(count)", x: title.x, y: title.y, style: Style(.title, bold: true),
                   maxWidth: title.width)
        guard let entries = screen.entries else {
            let text = screen.error.map { "✗ " + TerminalSafe.sanitize($0) } ?? "reading the contexts…"
            buffer.put(text, x: body.x + 1, y: body.y, style: screen.error != nil ? Style(.error, bold: true) : .dimmed,
                       maxWidth: body.width - 1)
            drawStatus(&buffer, status, state, screen)
            return
        }
        let safe = entries.map { entry in
            (name: TerminalSafe.sanitize(entry.name) + (entry.isCurrent ? " *" : ""),
             endpoint: TerminalSafe.sanitize(entry.endpoint) + (entry.tls ? " (TLS)" : ""),
             description: TerminalSafe.sanitize(entry.description))
        }
        let nameWidth = min(30, max(6, safe.map { DisplayWidth.of($0.name) }.max() ?? 0) + 2)
        let endpointWidth = min(50, max(17, safe.map { DisplayWidth.of($0.endpoint) }.max() ?? 0) + 2)
        let widths = [4, nameWidth, endpointWidth, max(8, header.width - 4 - nameWidth - endpointWidth)]
        var x = header.x
        for (index, name) in ["", "NAME", "DOCKER ENDPOINT", "DESCRIPTION"].enumerated() {
            x += buffer.put(DisplayWidth.fit(name, toColumns: widths[index] - 1) + " ", x: x, y: header.y, style: .header,
                            maxWidth: header.maxX - x)
        }
        let cursor = min(screen.cursor, max(0, entries.count - 1))
        let top = ListWindow.top(cursor: cursor, scroll: screen.scroll, visible: rows.height)
        for (offset, entry) in entries.enumerated().dropFirst(top).prefix(rows.height) {
            let y = rows.y + offset - top
            let selected = offset == cursor
            let style: Style = selected ? .selected : entry.isWatched ? Style(.ok) : .normal
            if selected { buffer.fill(Rect(x: rows.x, y: y, width: rows.width, height: 1), style: style) }
            let marks = (screen.marked.contains(entry.name) ? "✓" : " ") + (entry.isWatched ? "●" : " ")
            let cells = [" " + marks, safe[offset].name, safe[offset].endpoint, safe[offset].description]
            var x = rows.x
            for (index, cell) in cells.enumerated() {
                x += buffer.put(DisplayWidth.fit(cell, toColumns: widths[index] - 1) + " ", x: x, y: y, style: style, maxWidth: rows.maxX - x)
            }
        }
        drawStatus(&buffer, status, state, screen)
    }

    static func drawStatus(_ buffer: inout ScreenBuffer, _ status: Rect, _ state: UIState, _ screen: ContextScreen) {
        let message = status.row(0)
        if let notice = state.notice {
            buffer.put(notice.text, x: message.x, y: message.y, style: notice.isError ? Style(.error, bold: true) : .ok,
                       maxWidth: message.width)
        } else if screen.entries != nil, let error = screen.error {
            buffer.put("✗ " + TerminalSafe.sanitize(error), x: message.x, y: message.y, style: Style(.error, bold: true),
                       maxWidth: message.width)
        } else if screen.entries != nil {
            let marked = screen.marked.isEmpty ? "" : " · \(screen.marked.count) marked"
            buffer.put("* current context · ● on the dashboard now · ✓ marked (Space): Enter watches them\(marked)",
                       x: message.x, y: message.y, style: .dimmed, maxWidth: message.width)
        }
        let hints = state.hints()
        StatusBar(left: "", right: "", hints: hints).draw(into: &buffer, in: status.row(1))
    }
}
