import DockerEngine
import TermCanvas

/// `D`: the four totals as `docker system df` prints them, then every image, container, volume and build
/// cache record, scrolled as one text.
enum DiskView {
    static func rows(_ state: UIState) -> Int { max(1, state.height - 3) }

    struct Line: Equatable {
        var text: String
        var style: Style
    }

    /// Cells padded to each column's widest (capped), names made safe for the terminal.
    static func table(_ header: [String], _ rows: [[String]], width: Int) -> [Line] {
        let safe = rows.map { $0.map { TerminalSafe.sanitize($0) } }
        var widths = header.map { DisplayWidth.of($0) }
        for row in safe {
            for (index, cell) in row.enumerated() { widths[index] = min(48, max(widths[index], DisplayWidth.of(cell))) }
        }
        func line(_ cells: [String]) -> String {
            " " + cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : DisplayWidth.fit(cell, toColumns: widths[index]) + "  "
            }.joined()
        }
        return [Line(text: line(header), style: .header)] + safe.map { Line(text: line($0), style: .normal) }
    }

    static func lines(_ screen: DiskScreen, width: Int) -> [Line] {
        guard let usage = screen.usage else { return [] }
        let totals = usage.totals
        func total(_ name: String, _ line: DiskUsageTotals.Line) -> [String] {
            let percent = line.size > 0 ? " (\(line.reclaimable * 100 / line.size)%)" : ""
            return [name, String(line.total), String(line.active), ByteCount.text(line.size), ByteCount.text(line.reclaimable) + percent]
        }
        var lines = table(["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
                          [total("Images", totals.images), total("Containers", totals.containers),
                           total("Local volumes", totals.volumes), total("Build cache", totals.buildCache)], width: width)
        func section(_ title: String, _ header: [String], _ rows: [[String]]) {
            lines.append(Line(text: "", style: .normal))
            lines.append(Line(text: " " + title, style: Style(.title, bold: true)))
            lines += rows.isEmpty ? [Line(text: "   none", style: .dimmed)] : table(header, rows, width: width)
        }
        section("Images (the total counts shared layers once: the engine's LayersSize)",
                ["REPOSITORY:TAG", "IMAGE ID", "SIZE", "SHARED", "UNIQUE", "CONTAINERS"],
                (usage.Images ?? []).sorted { ($0.Size ?? 0) > ($1.Size ?? 0) }.map { image in
                    [image.tags.first ?? "<none>", ShortID.image(image.Id), ByteCount.text(max(0, image.Size ?? 0)),
                     ByteCount.text(max(0, image.SharedSize ?? 0)), ByteCount.text(image.uniqueSize),
                     image.Containers.map { $0 < 0 ? "-" : String($0) } ?? "-"]
                })
        section("Containers (their read/write layers)", ["NAME", "IMAGE", "STATE", "SIZE"],
                (usage.Containers ?? []).sorted { $0.name < $1.name }.map { container in
                    [container.name, container.Image ?? "", container.State ?? "", ByteCount.text(max(0, container.SizeRw ?? 0))]
                })
        section("Local volumes", ["NAME", "LINKS", "SIZE"],
                (usage.Volumes ?? []).sorted { $0.Name < $1.Name }.map { volume in
                    [volume.Name, String(max(0, volume.UsageData?.RefCount ?? 0)), ByteCount.text(volume.size)]
                })
        section("Build cache", ["ID", "TYPE", "SIZE", "IN USE", "SHARED"],
                (usage.BuildCache ?? []).map { record in
                    [String(record.ID.prefix(12)), record.Type ?? "", ByteCount.text(max(0, record.Size ?? 0)),
                     record.InUse == true ? "yes" : "no", record.Shared == true ? "yes" : "no"]
                })
        return lines
    }

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: DiskScreen) {
        let (body, status) = ScreenChrome.frame(&buffer, title: "disk usage · \(TerminalSafe.sanitize(screen.engine))")
        let lines = lines(screen, width: body.width)
        if lines.isEmpty {
            let text = screen.error.map { "✗ " + TerminalSafe.sanitize($0) } ?? "asking the engine (it measures every layer and volume)…"
            buffer.put(text, x: body.x + 1, y: body.y, style: screen.error != nil ? Style(.error, bold: true) : .dimmed,
                       maxWidth: body.width - 1)
        }
        let top = min(screen.scroll, max(0, lines.count - body.height))
        for (offset, line) in lines.dropFirst(top).prefix(body.height).enumerated() {
            let row = Rect(x: body.x, y: body.y + offset, width: body.width, height: 1)
            if line.style == .header { buffer.fill(row, style: .header) }
            buffer.put(line.text, x: row.x, y: row.y, style: line.style, maxWidth: row.width)
        }
        ScreenChrome.message(&buffer, status.row(0), state, error: lines.isEmpty ? nil : screen.error)
        StatusBar(left: "", right: lines.isEmpty ? "" : "\(min(lines.count, top + body.height))/\(lines.count)",
                  hints: state.hints()).draw(into: &buffer, in: status.row(1))
    }
}

/// `X`: one row per kind with what it would remove and free; after the prune, what the engine removed
/// and the bytes it reports freed, beside the preview.
enum PruneView {
    static let firstRow = 3

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: PruneScreen) {
        let (body, status) = ScreenChrome.frame(&buffer, title: "prune · \(TerminalSafe.sanitize(screen.engine))")
        guard screen.usage != nil else {
            let text = screen.error.map { "✗ " + TerminalSafe.sanitize($0) } ?? "asking the engine what is unused…"
            buffer.put(text, x: body.x + 1, y: body.y, style: screen.error != nil ? Style(.error, bold: true) : .dimmed,
                       maxWidth: body.width - 1)
            StatusBar(left: "", right: "", hints: state.hints()).draw(into: &buffer, in: status.row(1))
            return
        }
        let intro: String
        switch screen.phase {
        case .loading, .choosing: intro = "Space marks what to prune, Enter asks before anything goes:"
        case .pruning: intro = "pruning…"
        case .done: intro = "done: what the engine removed and reports freed (Enter or Esc goes back)"
        }
        buffer.put(" " + intro, x: body.x, y: body.y, style: screen.phase == .pruning ? Style(.accent, bold: true) : .dimmed,
                   maxWidth: body.width)
        let header = Rect(x: body.x, y: body.y + 1, width: body.width, height: 1)
        buffer.fill(header, style: .header)
        let columns = [5, 30, 9, 12]
        func cells(_ values: [String], y: Int, style: Style) {
            var x = body.x
            for (index, value) in values.enumerated() {
                let width = index < columns.count ? columns[index] : max(0, body.maxX - x)
                x += buffer.put(DisplayWidth.fit(TerminalSafe.sanitize(value), toColumns: width) + (index < columns.count ? " " : ""),
                                x: x, y: y, style: style, maxWidth: max(0, body.maxX - x))
            }
        }
        let done = screen.phase == .done || screen.phase == .pruning
        cells(["", "KIND", "ITEMS", done ? "FREED" : "WOULD FREE", done ? "REMOVED" : "WHAT GOES"], y: header.y, style: .header)
        for (index, kind) in PruneKind.allCases.enumerated() {
            let y = firstRow + index
            guard y < body.maxY else { break }
            let selected = index == screen.cursor && !done
            let style: Style = selected ? .selected : screen.chosen.contains(kind) ? .normal : .dimmed
            if selected { buffer.fill(Rect(x: body.x, y: y, width: body.width, height: 1), style: style) }
            let mark = screen.chosen.contains(kind) ? " [x]" : " [ ]"
            if done, let report = screen.reports[kind] {
                let asked = screen.asked?.parts.first { $0.kind == kind }
                let previewed = asked.map { " (previewed \(ByteCount.text($0.bytes))\($0.atLeast ? " at least" : ""))" } ?? ""
                cells([mark, kind.title, String(report.removed.count), ByteCount.text(report.spaceReclaimed),
                       report.removed.isEmpty ? "nothing" + previewed : short(report.removed) + previewed], y: y, style: style)
            } else if done, let failure = screen.failures[kind] {
                cells([mark, kind.title, "-", "-", "✗ " + failure], y: y, style: Style(.error, bold: selected))
            } else if let part = screen.preview(kind) {
                let bytes = kind == .networks ? "-" : ByteCount.text(part.bytes) + (part.atLeast ? "+" : "")
                cells([mark, kind.title, String(part.items.count), bytes, part.items.isEmpty ? "nothing unused" : short(part.items)],
                      y: y, style: style)
            }
        }
        if let plan = screen.plan, !done {
            let y = firstRow + PruneKind.allCases.count + 1
            if y < body.maxY {
                buffer.put(" marked: \(plan.count) item\(plan.count == 1 ? "" : "s"), \(ByteCount.text(plan.bytes))"
                               + (plan.parts.contains(where: \.atLeast) ? " at least (images that share layers among themselves free more)" : ""),
                           x: body.x, y: y, style: Style(.title, bold: true), maxWidth: body.width)
            }
        } else if screen.phase == .done {
            let y = firstRow + PruneKind.allCases.count + 1
            let freed = screen.reports.values.reduce(Int64(0)) { $0 + $1.spaceReclaimed }
            let removed = screen.reports.values.reduce(0) { $0 + $1.removed.count }
            if y < body.maxY {
                buffer.put(" removed \(removed), freed \(ByteCount.text(freed)) (previewed \(ByteCount.text(screen.asked?.bytes ?? 0)))",
                           x: body.x, y: y, style: Style(.ok, bold: true), maxWidth: body.width)
            }
        }
        ScreenChrome.message(&buffer, status.row(0), state, error: screen.error)
        StatusBar(left: "", right: "", hints: state.hints()).draw(into: &buffer, in: status.row(1))
    }

    static func short(_ items: [String]) -> String {
        let shown = items.prefix(4).map { $0.count == 64 ? String($0.prefix(12)) : $0 }
        return shown.joined(separator: ", ") + (items.count > 4 ? " +\(items.count - 4) more" : "")
    }
}
