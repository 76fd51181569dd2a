#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DockerEngine
import LayerKit
import SwtopStore
import TermCanvas

/// Where the layer view's parts go. Wide terminals: the stack (and the summary under it) on the left,
/// the file tree on the right; narrow ones: the stack above the tree.
enum LayerLayout {
    static let wideFrom = 90

    struct Parts {
        var title: Rect
        var stack: Rect
        var summary: Rect
        var treeHeader: Rect
        var tree: Rect
        var status: Rect
    }

    static func parts(_ width: Int, _ height: Int) -> Parts {
        let all = Rect(x: 0, y: 0, width: width, height: height)
        let (title, rest) = all.splitTop(1)
        let (body, status) = rest.splitBottom(2)
        if width >= wideFrom {
            // The stack takes half a wide terminal (instructions are long), two fifths of a narrower one.
            let (left, right) = body.splitLeft(max(40, width >= 150 ? width / 2 : width * 2 / 5))
            let summaryHeight = body.height >= 18 ? min(16, body.height / 2) : 0
            let (stack, summary) = left.splitBottom(summaryHeight)
            let (treeHeader, tree) = Rect(x: right.x + 1, y: right.y, width: max(0, right.width - 1), height: right.height).splitTop(2)
            return Parts(title: title, stack: stack, summary: summary, treeHeader: treeHeader, tree: tree, status: status)
        }
        let (stack, lower) = body.splitTop(max(3, body.height * 2 / 5))
        let (treeHeader, tree) = lower.splitTop(min(2, lower.height))
        return Parts(title: title, stack: stack, summary: Rect(x: 0, y: lower.y, width: 0, height: 0),
                     treeHeader: treeHeader, tree: tree, status: status)
    }

    static func treeRows(_ state: UIState) -> Int { parts(state.width, state.height).tree.height }
    static func stackRows(_ state: UIState) -> Int { parts(state.width, state.height).stack.height }
}

/// The stack's lines: one per history step (metadata-only steps dimmed between the layers), the
/// container's read/write layer last.
enum LayerStackLines {
    struct Line {
        var layer: Int?
        var step: HistoryStep?
    }

    static func lines(_ model: LayerModel?) -> [Line] {
        guard let model, let metadata = model.metadata else { return [] }
        var out: [Line] = []
        var seen = Set<Int>()
        for step in metadata.steps {
            if let layer = step.layer { seen.insert(layer) }
            out.append(Line(layer: step.layer, step: step))
        }
        // Layers no history step claims (an image imported or squashed) still get a line.
        for layer in 0..<metadata.layers.count where !seen.contains(layer) {
            let at = out.firstIndex { ($0.layer ?? -1) > layer } ?? out.count
            out.insert(Line(layer: layer, step: nil), at: at)
        }
        if model.layerCount > metadata.layers.count { out.append(Line(layer: metadata.layers.count, step: nil)) }
        return out
    }

    static func line(ofLayer layer: Int, _ model: LayerModel?) -> Int {
        lines(model).firstIndex { $0.layer == layer } ?? 0
    }
}

enum LayerView {
    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: LayerScreen, _ model: LayerModel?, now: Date) {
        let parts = LayerLayout.parts(state.width, state.height)
        drawTitle(&buffer, parts.title, screen, model)
        drawStack(&buffer, parts.stack, screen, model, now: now)
        if parts.summary.height > 0 { drawSummary(&buffer, parts.summary, screen, model, now: now) }
        drawTree(&buffer, parts.treeHeader, parts.tree, screen, model)
        drawStatus(&buffer, parts.status, state, screen, model)
    }

    static func drawTitle(_ buffer: inout ScreenBuffer, _ row: Rect, _ screen: LayerScreen, _ model: LayerModel?) {
        buffer.fill(row, style: .statusBar)
        var text = " swtop · layers of "
        switch screen.request.target {
        case let .image(_, name): text += name
        case let .container(_, name): text += "container \(name)"
        }
        if let metadata = model?.metadata {
            text += " (\(ShortID.image(metadata.id))) · \(metadata.layers.count) layers · \(ByteText.human(metadata.size))"
        }
        if let report = model?.analysis?.efficiency {
            text += " · efficiency \(Fixed.text(report.efficiency * 100, digits: 4)) % · wasted \(ByteText.human(report.wastedBytes))"
        }
        buffer.put(text, x: row.x, y: row.y, style: Style(.title, bold: true), maxWidth: row.width)
    }

    static func drawStack(_ buffer: inout ScreenBuffer, _ area: Rect, _ screen: LayerScreen, _ model: LayerModel?, now: Date) {
        guard area.height > 0 else { return }
        let lines = LayerStackLines.lines(model)
        guard !lines.isEmpty else {
            let text = model?.error.map { "✗ " + $0 } ?? "reading the image's metadata…"
            buffer.put(text, x: area.x + 1, y: area.y, style: model?.error != nil ? Style(.error, bold: true) : .dimmed,
                       maxWidth: area.width - 1)
            return
        }
        let sizes = layerSizes(model)
        let largest = max(1, sizes.max() ?? 1)
        for (offset, line) in lines.dropFirst(screen.stackScroll).prefix(area.height).enumerated() {
            let y = area.y + offset
            guard let layer = line.layer else {
                let text = "          ·         " + (line.step?.command ?? "")
                buffer.put(text, x: area.x, y: y, style: .dimmed, maxWidth: area.width)
                continue
            }
            let selected = layer == screen.layer
            let style: Style = selected ? Style(.selected, bold: screen.focus == .stack) : .normal
            if selected { buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style) }
            let size = layer < sizes.count ? sizes[layer] : 0
            var x = area.x
            x += buffer.put(pad(String(layer), 3) + " ", x: x, y: y, style: style, maxWidth: area.maxX - x)
            x += buffer.put(bar(size, of: largest, width: 6), x: x, y: y, style: selected ? style : .accent, maxWidth: area.maxX - x)
            x += buffer.put(" " + pad(ByteText.human(size), 8) + " ", x: x, y: y, style: style, maxWidth: area.maxX - x)
            let shared = layer < (model?.sharing.count ?? 0) ? model!.sharing[layer] : 0
            x += buffer.put(shared > 0 ? "⇄\(min(shared, 99))".padding(3) : "   ", x: x, y: y,
                            style: selected ? style : .dimmed, maxWidth: area.maxX - x)
            let command: String
            if let step = line.step {
                command = step.command.isEmpty ? "(no instruction recorded)" : step.command
            } else if let metadata = model?.metadata, layer >= metadata.layers.count {
                command = "container read/write layer"
            } else {
                command = "(layer without a history entry)"
            }
            // When it was made, at the right edge when there is room for it and the whole instruction (the
            // selected layer's time and whole instruction are in the panel below the stack too).
            var right = area.maxX
            if let created = line.step?.created, created > 0, area.maxX - x > 40,
               area.maxX - x - 1 - DisplayWidth.of(command) > 18 {
                let age = " " + RelativeTime.ago(created, now: now) + " "
                right -= DisplayWidth.of(age)
                buffer.put(age, x: right, y: y, style: selected ? style : .dimmed)
            }
            buffer.put(" " + command, x: x, y: y, style: style, maxWidth: right - x)
        }
    }

    /// The selected layer as dive's "Layer Details" shows it: its instruction whole (wrapped, at most four
    /// lines), its digest, size and when it was made.
    static func layerDetails(_ screen: LayerScreen, _ model: LayerModel?, width: Int, now: Date) -> [(String, Style)] {
        guard let metadata = model?.metadata else { return [] }
        let layer = screen.layer
        var lines: [(String, Style)] = []
        if layer >= metadata.layers.count {
            lines.append(("Layer \(layer) · the container's read/write layer", Style(.header, bold: true)))
            return lines
        }
        let step = metadata.step(forLayer: layer)
        let sizes = layerSizes(model)
        let size = layer < sizes.count ? sizes[layer] : (step?.size ?? 0)
        var head = "Layer \(layer) · \(ByteText.human(size))"
        if let created = step?.created, created > 0 { head += " · made " + RelativeTime.ago(created, now: now) }
        lines.append((head, Style(.header, bold: true)))
        lines.append(("Digest " + metadata.layers[layer], .dimmed))
        let command = step.map { $0.command.isEmpty ? "(no instruction recorded)" : $0.command } ?? "(layer without a history entry)"
        let wrapped = TextBlock.wrap(TerminalSafe.sanitize(command), width: max(10, width))
        for (index, piece) in wrapped.prefix(4).enumerated() {
            let cut = index == 3 && wrapped.count > 4
            lines.append((cut ? DisplayWidth.truncate(piece, toColumns: max(1, width - 1)) + "…" : piece, .normal))
        }
        return lines
    }

    static func drawSummary(_ buffer: inout ScreenBuffer, _ area: Rect, _ screen: LayerScreen, _ model: LayerModel?, now: Date) {
        guard area.height > 1 else { return }
        buffer.put(String(repeating: "─", count: area.width), x: area.x, y: area.y, style: .border, maxWidth: area.width)
        var lines: [(String, Style)] = layerDetails(screen, model, width: area.width - 1, now: now)
        if !lines.isEmpty { lines.append(("", .normal)) }
        if let metadata = model?.metadata {
            var line = "Size \(ByteText.human(metadata.size))"
            if let sharing = model?.sharing, sharing.count >= metadata.layers.count {
                let sizes = layerSizes(model)
                var unique: Int64 = 0
                for index in 0..<metadata.layers.count where sharing[index] == 0 {
                    unique += index < sizes.count ? sizes[index] : 0
                }
                line += " · deleting it frees \(ByteText.human(unique))"
            }
            lines.append((line, .normal))
        }
        if let report = model?.analysis?.efficiency {
            lines.append(("Efficiency \(Fixed.text(report.efficiency * 100, digits: 4)) % · wasted \(ByteText.human(report.wastedBytes))",
                          .normal))
            lines.append(("User wasted \(Fixed.text(report.userWastedPercent * 100, digits: 4)) % · reclaimable "
                          + ByteText.human(report.reclaimableBytes), .normal))
            if report.inefficientFiles.isEmpty {
                lines.append(("No file is stored in more than one layer.", .ok))
            } else {
                lines.append(("Inefficient files (count · bytes · path):", Style(.header, bold: true)))
                for file in report.inefficientFiles {
                    lines.append(("\(pad(String(file.count), 3))× \(pad(ByteText.human(file.size), 8))  \(file.path)", .normal))
                }
            }
        } else if let progress = model?.progress {
            lines.append((progressText(progress), .dimmed))
        }
        for (offset, line) in lines.prefix(area.height - 1).enumerated() {
            buffer.put(line.0, x: area.x + 1, y: area.y + 1 + offset, style: line.1, maxWidth: area.width - 1)
        }
    }

    static func drawTree(_ buffer: inout ScreenBuffer, _ header: Rect, _ area: Rect, _ screen: LayerScreen, _ model: LayerModel?) {
        guard header.height > 0 else { return }
        var title: String
        if let model, let metadata = model.metadata, screen.layer >= metadata.layers.count, model.layerCount > metadata.layers.count {
            title = screen.mode == .layer ? "Container read/write layer: its changes" : "Container as it stands"
        } else {
            title = screen.mode == .layer ? "Layer \(screen.layer): its changes" : "Image at layer \(screen.layer)"
        }
        if screen.mode == .image, screen.onlyChanges { title += " (only this layer's changes)" }
        if let summary = model?.analysis?.summaries, screen.layer < summary.count {
            let s = summary[screen.layer]
            title += " · \(s.added) added, \(s.modified) modified, \(s.removed) removed"
        }
        if screen.sort == .size { title += " · by size" }
        var x = header.x
        x += buffer.put(title, x: x, y: header.y, style: Style(.title, bold: screen.focus == .tree), maxWidth: header.width)
        let legend: [(String, Style)] = [("A", .ok), (" added  ", .dimmed), ("M", .warning), (" modified  ", .dimmed),
                                         ("D", .error), (" removed", .dimmed)]
        let legendWidth = legend.reduce(0) { $0 + DisplayWidth.of($1.0) }
        if header.maxX - x >= legendWidth + 2 {
            var lx = header.maxX - legendWidth
            for (text, style) in legend { lx += buffer.put(text, x: lx, y: header.y, style: style) }
        }
        if header.height > 1 {
            buffer.put("  mode        uid:gid       size  name", x: header.x, y: header.y + 1, style: Style(.header, bold: true),
                       maxWidth: header.width)
        }
        guard area.height > 0 else { return }
        guard let model, model.analysis != nil else {
            if let error = model?.error {
                buffer.put("✗ " + error, x: area.x, y: area.y, style: Style(.error, bold: true), maxWidth: area.width)
            } else if let progress = model?.progress {
                buffer.put(progressText(progress), x: area.x, y: area.y, style: .accent, maxWidth: area.width)
                let fraction = progress.layersTotal == 0 ? 0
                    : progress.bytesTotal > 0 ? Double(progress.bytesRead) / Double(progress.bytesTotal)
                    : Double(progress.layersDone) / Double(progress.layersTotal)
                let width = min(40, area.width)
                buffer.put(bar(Int64(min(1, fraction) * 1000), of: 1000, width: width), x: area.x, y: area.y + 1, style: .accent)
            } else {
                buffer.put("reading the layers' files…", x: area.x, y: area.y, style: .dimmed, maxWidth: area.width)
            }
            return
        }
        let rows = model.rows(screen)
        if rows.isEmpty {
            let text = !screen.filter.isEmpty ? "no path matches \(screen.filter)"
                : screen.mode == .layer ? "this layer changes no file" : "nothing to show"
            buffer.put(text, x: area.x, y: area.y, style: .dimmed, maxWidth: area.width)
            return
        }
        for (offset, row) in rows.dropFirst(screen.scroll).prefix(area.height).enumerated() {
            let y = area.y + offset
            let selected = screen.scroll + offset == screen.cursor
            drawRow(&buffer, Rect(x: area.x, y: y, width: area.width, height: 1), row, screen, selected: selected)
        }
    }

    static func drawRow(_ buffer: inout ScreenBuffer, _ rect: Rect, _ row: TreeRow, _ screen: LayerScreen, selected: Bool) {
        let node = row.node
        let change = node.change
        var style: Style
        switch change {
        case .added?: style = .ok
        case .modified?: style = .warning
        case .removed?: style = .error
        case .unchanged?: style = screen.mode == .layer ? .dimmed : .normal
        case nil: style = screen.mode == .layer ? .dimmed : .normal
        }
        if selected {
            style = Style(.selected, bold: screen.focus == .tree)
            buffer.fill(rect, style: style)
        }
        let record = node.record
        let letter = change.map { String($0.letter) } ?? " "
        let mode = record.map(modeText) ?? "d?????????"
        let owner = record.map { "\($0.uid):\($0.gid)" } ?? ""
        let size = node.isDirectory ? (node.size > 0 ? ByteText.human(node.size) : "") : ByteText.human(record?.size ?? 0)
        var guides = ""
        for depth in 0..<row.depth { guides += row.lastAtDepth[depth] ? "  " : "│ " }
        guides += row.lastAtDepth[row.depth] ? "└─" : "├─"
        var name = node.name
        if node.isDirectory {
            name += "/"
            if !node.children.isEmpty { guides += row.open ? "▾" : "▸" } else { guides += "─" }
        } else {
            guides += "─"
        }
        if let record, record.kind == .symlink { name += " → " + record.link }
        if let record, record.kind == .hardlink { name += " ⇒ " + record.link }
        let text = letter + " " + mode + " " + pad(owner, 11) + " " + pad(size, 8) + "  " + guides + " " + name
        buffer.put(text, x: rect.x, y: rect.y, style: style, maxWidth: rect.width)
    }

    static func drawStatus(_ buffer: inout ScreenBuffer, _ area: Rect, _ state: UIState, _ screen: LayerScreen, _ model: LayerModel?) {
        let message = area.row(0)
        if screen.editingFilter {
            buffer.put("/" + LineEditor.shown(screen.filter, state.editCursor), x: message.x, y: message.y, style: Style(.accent, bold: true), maxWidth: message.width)
        } else if let notice = state.notice {
            buffer.put(notice.text, x: message.x, y: message.y, style: notice.isError ? Style(.error, bold: true) : .ok,
                       maxWidth: message.width)
        } else if let error = model?.error {
            buffer.put("✗ " + error, x: message.x, y: message.y, style: Style(.error, bold: true), maxWidth: message.width)
        } else if model?.analysis == nil, let progress = model?.progress {
            buffer.put(progressText(progress), x: message.x, y: message.y, style: .accent, maxWidth: message.width)
        } else if !screen.filter.isEmpty {
            buffer.put("filter: " + screen.filter, x: message.x, y: message.y, style: .dimmed, maxWidth: message.width)
        } else if let analysis = model?.analysis {
            let origin = Set(analysis.image.origins.map(\.rawValue)).sorted().joined(separator: " + ")
            buffer.put("files from \(origin)", x: message.x, y: message.y, style: .dimmed, maxWidth: message.width)
        }
        if area.height > 1 {
            let hints = state.hints()
            StatusBar(left: "", right: "", hints: hints).draw(into: &buffer, in: area.row(1))
        }
    }

    static func progressText(_ progress: LoadProgress) -> String {
        var text = "reading files: \(progress.layersDone)/\(progress.layersTotal) layers"
        if progress.bytesTotal > 0 {
            text += " · \(ByteText.human(progress.bytesRead)) of ~\(ByteText.human(progress.bytesTotal)) from the image export"
        } else if progress.origin == .overlay {
            text += " · from the overlay2 directories"
        }
        return text
    }

    /// Per layer: the bytes it stores once the files are read, the engine's history size before.
    static func layerSizes(_ model: LayerModel?) -> [Int64] {
        if let summaries = model?.analysis?.summaries { return summaries.map(\.size) }
        guard let metadata = model?.metadata else { return [] }
        return (0..<metadata.layers.count).map { metadata.step(forLayer: $0)?.size ?? 0 }
    }

    static func modeText(_ record: FileRecord) -> String {
        var text = String(record.kind == .file ? "-" : record.kind.letter)
        let bits: [(UInt32, Character)] = [(0o400, "r"), (0o200, "w"), (0o100, "x"), (0o040, "r"), (0o020, "w"), (0o010, "x"),
                                           (0o004, "r"), (0o002, "w"), (0o001, "x")]
        for (bit, letter) in bits { text.append(record.mode & bit != 0 ? letter : "-") }
        return text
    }

    static func bar(_ value: Int64, of largest: Int64, width: Int) -> String {
        let eighths = Int((Double(value) / Double(max(1, largest)) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var text = String(repeating: "█", count: min(width, eighths / 8))
        if eighths / 8 < width { text += partial[eighths % 8] }
        return text + String(repeating: " ", count: max(0, width - DisplayWidth.of(text)))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - DisplayWidth.of(text))) + text
    }
}

private extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - DisplayWidth.of(self))) }
}
