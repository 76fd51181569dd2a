import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

enum LogLayout {
    /// Rows for lines: all but the title row and the two status rows.
    static func textHeight(_ state: UIState) -> Int { max(1, state.height - 3) }

    /// Stable per container: the same name gets the same colour in every run.
    static let nameRoles: [ColorRole] = [.accent, .ok, .warning, .restarting, .created, .paused, .title]

    static func nameRole(_ name: String) -> ColorRole {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return nameRoles[Int(hash % UInt32(nameRoles.count))]
    }

    /// Bytes of one line laid out for the screen; the rest is counted, not drawn (save keeps it whole).
    static func displayedBytes(wrap: Bool) -> Int { wrap ? 64 << 10 : 16 << 10 }
}

/// One character of a laid-out log line.
struct LogCell {
    var character: Character
    var width: Int
    var style: Style
}

/// Draws the log view: title, the lines (only those on screen are laid out), status and hints.
enum LogView {
    static func draw(_ buffer: inout ScreenBuffer, _ snapshot: StoreSnapshot, _ state: UIState, _ screen: LogScreen,
                     _ model: LogModel?, now: Date) {
        let area = buffer.bounds
        let (titleRow, rest) = area.splitTop(1)
        let (textArea, bottom) = rest.splitBottom(2)
        drawTitle(&buffer, titleRow, snapshot, state, screen, model)
        if let model { drawLines(&buffer, textArea, screen, model) }
        drawStatus(&buffer, bottom, state, screen, model, now: now)
    }

    // MARK: - Title

    static func drawTitle(_ buffer: inout ScreenBuffer, _ row: Rect, _ snapshot: StoreSnapshot, _ state: UIState,
                          _ screen: LogScreen, _ model: LogModel?) {
        buffer.fill(row, style: .statusBar)
        var x = row.x
        x += buffer.put(" swtop ", x: x, y: row.y, style: Style(.title, bold: true), maxWidth: row.maxX - x)
        x += buffer.put(" logs: ", x: x, y: row.y, style: .statusBar, maxWidth: max(0, row.maxX - x))
        let stateText = sourceStates(screen, model)
        let room = max(0, row.maxX - x - DisplayWidth.of(stateText) - 2)
        x += buffer.put(DisplayWidth.truncate(TerminalSafe.sanitize(screen.title), toColumns: room), x: x, y: row.y,
                        style: Style(.selected, bold: true), maxWidth: room)
        let shown = DisplayWidth.truncate(stateText, toColumns: max(0, row.maxX - x - 1))
        buffer.put(shown, x: row.maxX - DisplayWidth.of(shown) - 1, y: row.y, style: .statusBar)
    }

    static func sourceStates(_ screen: LogScreen, _ model: LogModel?) -> String {
        guard let model else { return "" }
        func text(_ state: LogSession.SourceState) -> String {
            switch state {
            case .connecting: return "connecting…"
            case .following: return "following"
            case let .stopped(code): return "stopped" + (code.map { " (exit \($0))" } ?? "")
            case .removed: return "removed"
            case .ended: return "ended"
            case let .failed(reason): return "error: \(reason)"
            }
        }
        if model.states.count == 1 { return text(model.states[0]) }
        var counts: [String: Int] = [:]
        var order: [String] = []
        for state in model.states {
            var label = text(state)
            if case .stopped = state { label = "stopped" }
            if case .failed = state { label = "error" }
            if counts[label] == nil { order.append(label) }
            counts[label, default: 0] += 1
        }
        return order.map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
    }

    // MARK: - Lines

    /// While following, the position of the first line that fits above the newest ones in a text area
    /// of `width` × `height` (long lines take several rows when wrapped): where a pause keeps the view.
    static func followTop(_ screen: LogScreen, _ model: LogModel, width: Int, height: Int) -> Int? {
        let count = model.shownCount
        guard count > 0, width > 0, height > 0 else { return nil }
        let prefix = prefixWidth(screen, model, total: width)
        var ordinal = count - 1
        var total = 0
        var first: Int?
        while ordinal >= 0, total < height {
            let position = model.shownPosition(ordinal)
            total += layout(position, screen, model, width: width, prefix: prefix).count
            first = position
            ordinal -= 1
        }
        return first
    }

    static func drawLines(_ buffer: inout ScreenBuffer, _ rect: Rect, _ screen: LogScreen, _ model: LogModel) {
        guard !rect.isEmpty else { return }
        let count = model.shownCount
        guard count > 0 else {
            let text = model.buffer.isEmpty ? "no lines yet" : "no line matches"
            buffer.put(text, x: rect.x + 1, y: rect.y, style: .dimmed, maxWidth: rect.width - 1)
            return
        }
        let prefix = prefixWidth(screen, model, total: rect.width)
        var rows: [[LogCell]] = []
        if screen.follow {
            var ordinal = count - 1
            var collected: [[[LogCell]]] = []
            var total = 0
            while ordinal >= 0, total < rect.height {
                let position = model.shownPosition(ordinal)
                let lineRows = layout(position, screen, model, width: rect.width, prefix: prefix)
                collected.append(lineRows)
                total += lineRows.count
                ordinal -= 1
            }
            for lineRows in collected.reversed() { rows += lineRows }
            if rows.count > rect.height { rows.removeFirst(rows.count - rect.height) }
        } else {
            var ordinal = model.shownOrdinal(atOrAfter: screen.top)
            while ordinal < count, rows.count < rect.height {
                let position = model.shownPosition(ordinal)
                rows += layout(position, screen, model, width: rect.width, prefix: prefix)
                ordinal += 1
            }
        }
        for (i, row) in rows.prefix(rect.height).enumerated() {
            var x = rect.x
            for cell in row where x + cell.width <= rect.maxX {
                buffer.put(String(cell.character), x: x, y: rect.y + i, style: cell.style, maxWidth: cell.width)
                x += cell.width
            }
        }
    }

    /// Names keep up to a quarter of the width (at least 12 columns, at most 32).
    static func nameWidth(_ screen: LogScreen, totalWidth: Int) -> Int {
        min(max(12, min(32, totalWidth / 4)), screen.sources.map { DisplayWidth.of(TerminalSafe.sanitize($0.name)) }.max() ?? 0)
    }

    static func prefixWidth(_ screen: LogScreen, _ model: LogModel, total: Int) -> Int {
        var width = 1  // the stream gutter
        if model.isMerged { width += nameWidth(screen, totalWidth: total) + 1 }
        if screen.timestamps { width += 13 }
        return width
    }

    /// One line as rows of cells: the prefix (container name, time, stream gutter), then the text with its
    /// SGR styles and the search highlighted; wrapped rows are indented under the text.
    static func layout(_ position: Int, _ screen: LogScreen, _ model: LogModel, width: Int, prefix: Int) -> [[LogCell]] {
        let entry = model.buffer[position]
        var head: [LogCell] = []
        func append(_ text: String, _ style: Style, to cells: inout [LogCell]) {
            for ch in text {
                let w = DisplayWidth.of(ch)
                if w > 0 { cells.append(LogCell(character: ch, width: w, style: style)) }
            }
        }
        if model.isMerged {
            let source = Int(entry.source) < screen.sources.count ? screen.sources[Int(entry.source)].name : "?"
            let nameWidth = nameWidth(screen, totalWidth: width)
            let name = DisplayWidth.truncate(TerminalSafe.sanitize(source), toColumns: nameWidth)
            append(name + String(repeating: " ", count: max(0, nameWidth - DisplayWidth.of(name))) + " ",
                   Style(LogLayout.nameRole(source), bold: true), to: &head)
        }
        if screen.timestamps {
            append((entry.time?.clockText ?? String(repeating: " ", count: 12)) + " ", .dimmed, to: &head)
        }
        switch entry.kind {
        case .stderr: append("┃", Style(.error, bold: true), to: &head)
        case .stdout: append(" ", .normal, to: &head)
        case .notice: append("─", .warning, to: &head)
        case .error: append("✗", Style(.error, bold: true), to: &head)
        }
        var body: [LogCell] = []
        let limit = LogLayout.displayedBytes(wrap: screen.wrap)
        let utf8Count = entry.text.utf8.count
        let text = entry.text(upTo: limit)
        switch entry.kind {
        case .notice:
            append(" " + TerminalSafe.sanitize(text) + " ", Style(.warning, bold: true), to: &body)
        case .error:
            append(" " + TerminalSafe.sanitize(text), Style(.error, bold: true), to: &body)
        case .stdout, .stderr:
            let runs = TerminalSafe.sanitizeKeepingSGR(text)
            let plain = runs.count == 1 ? runs[0].text : runs.map(\.text).joined()
            let highlights = model.highlightRanges(plain)
            let current = screen.currentMatch == position
            var index = 0
            var h = 0
            for run in runs {
                let base = LogStyles.style(run.style)
                for ch in run.text {
                    while h < highlights.count, highlights[h].upperBound <= index { h += 1 }
                    let lit = h < highlights.count && highlights[h].contains(index)
                    index += 1
                    let w = DisplayWidth.of(ch)
                    guard w > 0 else { continue }
                    let style = lit ? Style(current ? .selected : .banner, bold: true) : base
                    body.append(LogCell(character: ch, width: w, style: style))
                }
            }
        }
        if utf8Count > limit {
            append(" … +\(utf8Count - limit) bytes (s saves the whole line)", .dimmed, to: &body)
        }
        let textWidth = max(1, width - prefix)
        guard screen.wrap else {
            return [head + clip(body, textWidth)]
        }
        var rows: [[LogCell]] = []
        var row: [LogCell] = []
        var used = 0
        for cell in body {
            if used + cell.width > textWidth {
                rows.append(row)
                row = []
                used = 0
            }
            row.append(cell)
            used += cell.width
        }
        rows.append(row)
        let indent = Array(repeating: LogCell(character: " ", width: 1, style: .normal), count: head.count)
        return rows.enumerated().map { i, cells in (i == 0 ? head : indent) + cells }
    }

    static func clip(_ cells: [LogCell], _ width: Int) -> [LogCell] {
        var used = 0
        var out: [LogCell] = []
        for cell in cells {
            if used + cell.width > width { break }
            out.append(cell)
            used += cell.width
        }
        return out
    }

    // MARK: - Status

    static func drawStatus(_ buffer: inout ScreenBuffer, _ area: Rect, _ state: UIState, _ screen: LogScreen, _ model: LogModel?,
                           now: Date) {
        let message = area.row(0)
        let hintsRow = area.row(1)
        var leftText = ""
        var leftStyle = Style.normal
        switch screen.prompt {
        case let .search(text)?:
            leftText = (screen.filterMode ? "filter " : "") + (screen.regex ? "regex /" : "/") + LineEditor.shown(text, state.editCursor)
            leftStyle = Style(.accent, bold: true)
        case let .save(text, _)?:
            leftText = "save to: " + LineEditor.shown(text, state.editCursor) + "  (Enter saves, Esc cancels)"
            leftStyle = Style(.accent, bold: true)
        case nil:
            if let notice = state.notice {
                leftText = notice.text
                leftStyle = notice.isError ? Style(.error, bold: true) : .ok
            } else if screen.follow {
                leftText = "● following"
                leftStyle = .ok
                if let model, model.behind {
                    // Said rather than hidden: under a flood the engine holds what swtop has not read yet.
                    let newest = model.buffer.entries.last { $0.time != nil }?.time
                    let age = newest.map { Int(now.timeIntervalSince1970 - Double($0.seconds)) } ?? 0
                    leftText = "● following, behind a flood" + (age > 1 ? ": newest line shown is \(age) s old" : "")
                    leftStyle = Style(.warning, bold: true)
                }
            } else {
                let new = max(0, (model?.buffer.received ?? 0) - screen.receivedAtPause)
                leftText = "‖ paused — \(new) new line\(new == 1 ? "" : "s") since (G follows)"
                leftStyle = Style(.warning, bold: true)
            }
        }
        buffer.fill(message)
        let used = buffer.put(TerminalSafe.sanitize(leftText), x: message.x, y: message.y, style: leftStyle, maxWidth: message.width)
        var right: [String] = []
        if let model {
            if !screen.query.isEmpty {
                if let problem = model.searchProblem {
                    right.append("“\(screen.query)”: \(problem)")
                } else {
                    let number = screen.currentMatch.flatMap { model.matchNumber($0) }
                    right.append("“\(screen.query)” " + (number.map { "\($0)/" } ?? "") + "\(model.matchCount) match\(model.matchCount == 1 ? "" : "es")"
                                 + (screen.filterMode ? " (filter)" : ""))
                }
            }
            if model.buffer.evicted > 0 {
                right.append("\(model.buffer.evicted) oldest dropped (cap \(model.buffer.maxLines) lines / \(model.buffer.maxBytes >> 20) MB)")
            }
            right.append("\(model.buffer.count) lines")
        }
        if !screen.showStdout { right.append("stdout hidden") }
        if !screen.showStderr { right.append("stderr hidden") }
        if screen.since != .tail { right.append("since: \(screen.since.label(tail: screen.tail))") }
        if screen.wrap { right.append("wrap") }
        let rightText = right.joined(separator: " · ")
        let room = message.width - used - 2
        if room >= 8 {
            let shown = DisplayWidth.truncate(TerminalSafe.sanitize(rightText), toColumns: room)
            buffer.put(shown, x: message.maxX - DisplayWidth.of(shown) - 1, y: message.y, style: .dimmed)
        }
        let hints = state.hints()
        StatusBar(left: "", right: "", hints: hints).draw(into: &buffer, in: hintsRow)
    }
}

/// A log's SGR styles as cell styles.
enum LogStyles {
    static func style(_ sgr: SGRStyle) -> Style { Style(sgr: sgr) }
}
