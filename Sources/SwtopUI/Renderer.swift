import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// One drawn frame and what the app keeps from it.
public struct Frame: Sendable {
    public var buffer: ScreenBuffer
    /// The list's scroll offset as drawn; store it back into the state.
    public var scrollOffset: Int
    /// Containers on screen now: the store samples their stats first.
    public var visibleContainerIDs: [String]
    /// Network, block I/O or pids figures are on screen (their columns, the detail pane, the charts) or
    /// order the list: the store reads their cgroup files only then.
    public var showsFigures = false
    /// The list is sorted by network, block I/O or pids: every container's figures are needed, not only
    /// the rows on screen.
    public var sortsByFigures = false
}

/// Draws a snapshot and the view state into a cell buffer. Pure: the same inputs give the same cells.
public enum Renderer {
    /// `now` is the clock the caller read for this frame: uptimes, "… ago" and the retry countdown
    /// are computed from it, so the same inputs always draw the same cells.
    public static func render(_ snapshot: StoreSnapshot, _ state: UIState, now: Date, models: SessionModels = SessionModels()) -> Frame {
        var buffer = ScreenBuffer(width: max(0, state.width), height: max(0, state.height))
        guard state.width >= UIState.minimumWidth, state.height >= UIState.minimumHeight else {
            tooSmall(&buffer, state)
            return Frame(buffer: buffer, scrollOffset: state.scroll[state.view] ?? 0, visibleContainerIDs: [])
        }
        var frame = screen(snapshot, state, now: now, buffer, models)
        // Overlays, over whichever screen: the message history, a question, the help (that screen's keys in effect).
        if state.showMessages { MessagesOverlay.draw(&frame.buffer, state.messages, scroll: state.messagesScroll) }
        if let confirm = state.confirm { Confirmation.draw(confirm, &frame.buffer) }
        if state.showHelp { HelpOverlay.draw(&frame.buffer, keymap: state.bindings, readOnly: state.readOnly, scroll: state.helpScroll) }
        return frame
    }

    private static func screen(_ snapshot: StoreSnapshot, _ state: UIState, now: Date, _ buffer: ScreenBuffer,
                               _ models: SessionModels) -> Frame {
        var buffer = buffer
        if let top = state.screens.last {
            var frame = Frame(buffer: buffer, scrollOffset: state.scroll[state.view] ?? 0, visibleContainerIDs: [])
            top.base.draw(&frame, state, ScreenContext(snapshot, models: models, now: now))
            return frame
        }
        var area = buffer.bounds
        let (titleRow, rest) = area.splitTop(1)
        area = rest
        TitleBar.draw(&buffer, titleRow, snapshot, state)
        let (middle, bottom) = area.splitBottom(2)
        var list = middle
        if snapshot.members.count > 1 {
            // Several engines: one line names those that do not answer; the others go on as usual.
            let away = snapshot.members.filter(\.isUnreachable)
            if !away.isEmpty {
                let (bannerRow, below) = list.splitTop(1)
                let parts = away.map { member -> String in
                    guard case let .unreachable(reason, retryingAt) = member.connection else { return member.name }
                    let wait = max(0, Int(retryingAt.timeIntervalSince(now).rounded(.up)))
                    return "\(member.name): \(reason) — retrying\(wait > 0 ? " in \(wait) s" : "")"
                }
                let text = " ✗ engine unreachable · " + parts.joined(separator: " · ")
                    + (away.contains(where: \.loaded) ? "; its rows show the last known state" : "")
                buffer.fill(bannerRow, style: .banner)
                buffer.put(text, x: bannerRow.x, y: bannerRow.y, style: .banner, maxWidth: bannerRow.width)
                list = below
            }
        } else if case let .unreachable(reason, retryingAt) = snapshot.connection {
            let (bannerRow, below) = list.splitTop(1)
            let wait = max(0, Int(retryingAt.timeIntervalSince(now).rounded(.up)))
            let text = " ✗ engine unreachable at \(snapshot.endpoint): \(reason) — retrying\(wait > 0 ? " in \(wait) s" : "")"
                + (snapshot.loaded ? "; showing the last known state" : "")
            buffer.fill(bannerRow, style: .banner)
            buffer.put(text, x: bannerRow.x, y: bannerRow.y, style: .banner, maxWidth: bannerRow.width)
            list = below
        }
        var frame = Frame(buffer: buffer, scrollOffset: 0, visibleContainerIDs: [])
        if state.view == .containers, state.showDetails {
            let (listPart, detailPart) = Layout.splitForDetails(list)
            frame = ContainerTable.draw(into: buffer, listPart, snapshot, state, now: now)
            frame.showsFigures = true
            if let id = state.selection[.containers]?.containerID, let item = snapshot.containers.first(where: { $0.id == id }) {
                DetailPane.draw(&frame.buffer, detailPart, item, snapshot, now: now,
                                logs: state.detailLogs?.containerID == id ? models.log(state.detailLogs?.session) : nil)
            }
        } else {
            switch state.view {
            case .containers: frame = ContainerTable.draw(into: buffer, list, snapshot, state, now: now)
            case .images, .volumes, .networks: frame = ResourceTable.draw(into: buffer, list, snapshot, state, now: now)
            }
        }
        StatusLines.draw(&frame.buffer, bottom, snapshot, state)
        if let prompt = state.prompt { PromptView.draw(&frame.buffer, bottom, prompt, cursor: state.editCursor) }
        return frame
    }

    static func tooSmall(_ buffer: inout ScreenBuffer, _ state: UIState) {
        let lines = ["swtop needs", "\(UIState.minimumWidth)×\(UIState.minimumHeight)", "now \(state.width)×\(state.height)"]
        for (i, line) in lines.enumerated() where i < buffer.height {
            let x = max(0, (buffer.width - DisplayWidth.of(line)) / 2)
            _ = buffer.put(line, x: x, y: i, style: .warning, maxWidth: buffer.width - x)
        }
    }
}

enum TitleBar {
    static let name = " swtop "

    static func label(_ view: ViewKind) -> String { " \(view.rawValue + 1) \(view.title) " }

    /// Each list's tab and the columns it takes on the title row (a click there shows that list).
    static func tabs() -> [(view: ViewKind, columns: Range<Int>)] {
        var x = DisplayWidth.of(name)
        return ViewKind.allCases.map { view in
            let width = DisplayWidth.of(label(view))
            defer { x += width }
            return (view, x..<(x + width))
        }
    }

    static func draw(_ buffer: inout ScreenBuffer, _ row: Rect, _ snapshot: StoreSnapshot, _ state: UIState) {
        buffer.fill(row, style: .statusBar)
        var x = row.x
        x += buffer.put(Self.name, x: x, y: row.y, style: Style(.title, bold: true), maxWidth: row.maxX - x)
        for (view, _) in tabs() {
            let style = view == state.view ? Style(.selected, bold: true) : Style.statusBar
            x += buffer.put(label(view), x: x, y: row.y, style: style, maxWidth: max(0, row.maxX - x))
        }
        var engine = snapshot.endpoint
        if let version = snapshot.engineVersion, let api = snapshot.apiVersion { engine = "\(version) · API \(api) · \(engine)" }
        if snapshot.members.count > 1 {
            // Each engine with its state: ● answering, ◌ connecting, ✗ unreachable.
            engine = snapshot.members.map { member -> String in
                switch member.connection {
                case .connected: return "● \(member.name)"
                case .connecting: return "◌ \(member.name)"
                case .unreachable: return "✗ \(member.name)"
                }
            }.joined(separator: "  ")
        }
        if state.readOnly { engine = "READ-ONLY · " + engine }
        let room = row.maxX - x - 2
        guard room > 8 else { return }
        let text = DisplayWidth.truncate(engine, toColumns: room) + " "
        buffer.put(text, x: row.maxX - DisplayWidth.of(text), y: row.y, style: .statusBar)
    }
}

enum StatusLines {
    static func draw(_ buffer: inout ScreenBuffer, _ area: Rect, _ snapshot: StoreSnapshot, _ state: UIState) {
        let message = area.row(0)
        let hintsRow = area.row(1)
        var right = ""
        if !state.currentFilter.isEmpty, !state.editingFilter { right = "filter: \(state.currentFilter)  " }
        if state.view == .containers {
            right += "\(snapshot.runningCount)/\(snapshot.containers.count) running · CPU% of one core"
            if !state.showStopped { right += " (stopped hidden)" }
            if !state.marked.isEmpty { right += " · \(state.marked.count) marked" }
        }
        // The message (a result, an engine error, a refusal, the filter being typed) has the line first;
        // the counts take what is left.
        var leftText = ""
        var leftStyle = Style.normal
        if state.editingFilter {
            leftText = "/" + LineEditor.shown(state.currentFilter, state.editCursor)
            leftStyle = Style(.accent, bold: true)
        } else if let result = state.notice ?? snapshot.lastResult {
            leftText = result.text
            leftStyle = result.isError ? Style(.error, bold: true) : .ok
        }
        // A message too long for the line says where the rest is.
        if !state.editingFilter, DisplayWidth.of(leftText) > message.width, message.width > 24 {
            leftText = DisplayWidth.truncate(leftText, toColumns: message.width - 12) + " (M: whole)"
        }
        let used = buffer.put(leftText, x: message.x, y: message.y, style: leftStyle, maxWidth: message.width)
        let room = message.width - used - 2
        if room >= 8 {
            let shown = DisplayWidth.truncate(right, toColumns: room)
            buffer.put(shown, x: message.maxX - DisplayWidth.of(shown) - 1, y: message.y, style: .dimmed)
        }
        // Help and quit stay at the right edge whatever the width; the others fill from the left
        // as far as they fit.
        let always = state.bindings.filter { [.help, .quit].contains($0.command) && $0.hint != nil }
        StatusBar(left: "", right: always.map { "\($0.keys[0]) \($0.hint ?? "")" }.joined(separator: "  "),
                  hints: state.hints(excluding: [.help, .quit])).draw(into: &buffer, in: hintsRow)
    }
}
