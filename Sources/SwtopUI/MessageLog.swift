#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// Every message the status line showed (results, engine errors, refusals), with its time: the line
/// shows one at a time and cuts a long one; `M` opens them all, whole, newest first.
public struct MessageLog: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var time: Date
        public var result: ActionResult
    }

    public static let capacity = 200
    public private(set) var entries: [Entry] = []

    public init() {}

    /// Keeps `result` unless it is the newest already (the same message shown again is not news).
    public mutating func record(_ result: ActionResult, at time: Date) {
        guard entries.last?.result != result else { return }
        entries.append(Entry(time: time, result: result))
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }
}

/// The `M` overlay: each message wrapped to the width, its time before it, newest first; j/k scroll.
enum MessagesOverlay {
    static func lines(_ log: MessageLog, width: Int) -> [(text: String, style: Style)] {
        var out: [(String, Style)] = []
        let textWidth = max(10, width - 11)
        for entry in log.entries.reversed() {
            // UTC, as the log view's times.
            let clock = String(LogTime(seconds: entry.time.timeIntervalSince1970).clockText.prefix(8))
            let style: Style = entry.result.isError ? Style(.error, bold: true) : .dialog
            let wrapped = TextBlock.wrap(TerminalSafe.sanitize(entry.result.text), width: textWidth)
            for (index, line) in wrapped.enumerated() {
                out.append(((index == 0 ? clock + "  " : String(repeating: " ", count: 10)) + line, style))
            }
        }
        return out
    }

    static func maxScroll(_ log: MessageLog, width: Int, height: Int) -> Int {
        let box = HelpOverlay.frame(width: width, height: height)
        return max(0, lines(log, width: box.width - 2).count - max(1, box.height - 2))
    }

    static func draw(_ buffer: inout ScreenBuffer, _ log: MessageLog, scroll: Int) {
        let rect = HelpOverlay.frame(width: buffer.width, height: buffer.height)
        buffer.fill(rect, style: .dialog)
        let inner = Box(title: " Messages, newest first (Esc or M closes) ", style: .border).draw(into: &buffer, in: rect)
        guard inner.height > 0, inner.width > 0 else { return }
        let all = lines(log, width: inner.width)
        if all.isEmpty {
            buffer.put("no messages yet", x: inner.x, y: inner.y, style: .dimmed, maxWidth: inner.width)
            return
        }
        let first = min(max(0, scroll), max(0, all.count - inner.height))
        for (offset, line) in all.dropFirst(first).prefix(inner.height).enumerated() {
            buffer.put(line.text, x: inner.x, y: inner.y + offset, style: line.style, maxWidth: inner.width)
        }
    }
}
