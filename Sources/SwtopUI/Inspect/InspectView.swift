import DockerEngine
import TermCanvas

/// Where the inspect view's parts go: a title row, the tree, a message row and the key hints.
enum InspectLayout {
    static func parts(_ width: Int, _ height: Int) -> (title: Rect, tree: Rect, status: Rect) {
        let all = Rect(x: 0, y: 0, width: width, height: height)
        let (title, rest) = all.splitTop(1)
        let (tree, status) = rest.splitBottom(2)
        return (title, tree, status)
    }

    static func treeRows(_ state: UIState) -> Int { parts(state.width, state.height).tree.height }
}

enum InspectView {
    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: InspectScreen, _ model: InspectModel?) {
        let parts = InspectLayout.parts(state.width, state.height)
        drawTitle(&buffer, parts.title, screen, model)
        drawTree(&buffer, parts.tree, screen, model)
        drawStatus(&buffer, parts.status, state, screen, model)
    }

    static func drawTitle(_ buffer: inout ScreenBuffer, _ row: Rect, _ screen: InspectScreen, _ model: InspectModel?) {
        buffer.fill(row, style: .statusBar)
        let request = screen.request
        var text = " swtop · inspect \(request.kind.rawValue) " + TerminalSafe.sanitize(request.name)
        let short: String
        switch request.kind {
        case .container, .network: short = ShortID.container(request.id)
        case .image: short = ShortID.image(request.id)
        case .volume: short = ""
        }
        if !short.isEmpty, short != request.name { text += " (\(short))" }
        if let model, model.loaded {
            let hidden = model.secrets(under: 0, screen).filter { !screen.revealed.contains($0) }.count
            if hidden > 0 { text += " · \(hidden) hidden value\(hidden == 1 ? "" : "s") (m / M reveal)" }
        }
        buffer.put(DisplayWidth.truncate(text, toColumns: row.width), x: row.x, y: row.y, style: Style(.title, bold: true),
                   maxWidth: row.width)
    }

    static func drawTree(_ buffer: inout ScreenBuffer, _ area: Rect, _ screen: InspectScreen, _ model: InspectModel?) {
        guard area.height > 0 else { return }
        guard let model, model.loaded else {
            if let error = model?.error {
                buffer.put("✗ " + TerminalSafe.sanitize(error), x: area.x + 1, y: area.y, style: Style(.error, bold: true),
                           maxWidth: area.width - 1)
            } else {
                buffer.put("loading…", x: area.x + 1, y: area.y, style: .dimmed, maxWidth: area.width - 1)
            }
            return
        }
        let rows = model.rows(screen)
        if rows.isEmpty {
            buffer.put("(an empty document)", x: area.x + 1, y: area.y, style: .dimmed, maxWidth: area.width - 1)
            return
        }
        let matcher = screen.search.isEmpty ? nil : InspectMatcher(screen.search)
        for (offset, row) in rows.dropFirst(screen.scroll).prefix(area.height).enumerated() {
            let rect = Rect(x: area.x, y: area.y + offset, width: area.width, height: 1)
            drawRow(&buffer, rect, row, screen, model, selected: row.node == screen.cursor, matcher: matcher)
        }
    }

    static func drawRow(_ buffer: inout ScreenBuffer, _ rect: Rect, _ row: InspectRow, _ screen: InspectScreen,
                        _ model: InspectModel, selected: Bool, matcher: InspectMatcher?) {
        let node = model.nodes[row.node]
        let indent = String(repeating: "  ", count: max(0, node.depth))
        let marker = node.children.isEmpty ? "  " : row.open ? "▾ " : "▸ "
        let label = model.labelText(row.node)
        let (value, kind) = model.valueText(row.node, screen)
        var segments: [Segment] = [Segment(" " + indent + marker, .dimmed)]
        let labelStyle: Style
        switch node.label {
        case .index: labelStyle = .dimmed
        default: labelStyle = Style(.normal, bold: true)
        }
        segments += highlighted(label, labelStyle, matcher)
        if case .env = node.label {
            if node.envValue != nil || kind == .masked { segments.append(Segment("=", .dimmed)) }
        } else {
            segments.append(Segment(kind == .summary && !node.children.isEmpty ? " " : ": ", .dimmed))
        }
        let valueStyle: Style
        switch kind {
        case .string, .envValue: valueStyle = .ok
        case .number: valueStyle = .accent
        case .bool: valueStyle = .warning
        case .null, .summary: valueStyle = .dimmed
        case .masked: valueStyle = Style(.marked, bold: true)
        }
        segments += kind == .summary || kind == .masked ? [Segment(value, valueStyle)] : highlighted(value, valueStyle, matcher)
        if selected {
            buffer.fill(rect, style: .selected)
            segments = segments.map { segment in
                var style = segment.style
                if style.role != .selectedMarked { style = Style(.selected, bold: style.bold) }
                return Segment(segment.text, style)
            }
        }
        buffer.put(cut(segments, to: rect.width), x: rect.x, y: rect.y, maxWidth: rect.width)
    }

    /// `text` in `style`, with the search's matches picked out.
    static func highlighted(_ text: String, _ style: Style, _ matcher: InspectMatcher?) -> [Segment] {
        guard let matcher else { return [Segment(text, style)] }
        let ranges = matcher.ranges(in: text)
        guard !ranges.isEmpty else { return [Segment(text, style)] }
        let characters = Array(text)
        var out: [Segment] = []
        var position = 0
        for range in ranges {
            if range.lowerBound > position { out.append(Segment(String(characters[position..<range.lowerBound]), style)) }
            out.append(Segment(String(characters[range]), Style(.selectedMarked, bold: true)))
            position = range.upperBound
        }
        if position < characters.count { out.append(Segment(String(characters[position...]), style)) }
        return out
    }

    /// The segments cut to `width` columns, the last one ending in an ellipsis when anything was cut.
    static func cut(_ segments: [Segment], to width: Int) -> [Segment] {
        let total = segments.reduce(0) { $0 + DisplayWidth.of($1.text) }
        guard total > width, width > 0 else { return segments }
        var out: [Segment] = []
        var used = 0
        let budget = width - 1
        for segment in segments {
            let w = DisplayWidth.of(segment.text)
            if used + w <= budget {
                out.append(segment)
                used += w
                continue
            }
            let room = budget - used
            if room > 0 { out.append(Segment(DisplayWidth.truncate(segment.text, toColumns: room + 1), segment.style)) }
            else { out.append(Segment("…", segment.style)) }
            return out
        }
        return out
    }

    static func drawStatus(_ buffer: inout ScreenBuffer, _ area: Rect, _ state: UIState, _ screen: InspectScreen,
                           _ model: InspectModel?) {
        let message = area.row(0)
        if screen.editingSearch {
            buffer.put("/" + LineEditor.shown(TerminalSafe.sanitize(screen.search), state.editCursor), x: message.x, y: message.y,
                       style: Style(.accent, bold: true), maxWidth: message.width)
        } else if let notice = state.notice {
            buffer.put(TerminalSafe.sanitize(notice.text), x: message.x, y: message.y,
                       style: notice.isError ? Style(.error, bold: true) : .ok, maxWidth: message.width)
        } else if let error = model?.error {
            buffer.put("✗ " + TerminalSafe.sanitize(error), x: message.x, y: message.y, style: Style(.error, bold: true),
                       maxWidth: message.width)
        } else if let model, model.loaded {
            var text = model.path(screen.cursor)
            if !screen.search.isEmpty {
                let matches = model.matches(screen)
                if let index = matches.firstIndex(of: screen.cursor) {
                    text = "match \(index + 1)/\(matches.count) of “\(screen.search)” · " + text
                } else {
                    text = "\(matches.count) match\(matches.count == 1 ? "" : "es") of “\(screen.search)” (n / N) · " + text
                }
            }
            buffer.put(TerminalSafe.sanitize(text), x: message.x, y: message.y, style: .dimmed, maxWidth: message.width)
        }
        if area.height > 1 {
            let hints = state.hints()
            StatusBar(left: "", right: "", hints: hints).draw(into: &buffer, in: area.row(1))
        }
    }
}
