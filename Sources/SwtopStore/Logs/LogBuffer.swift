import DequeModule

/// One line of a log view: a container's output line, or a line of swtop's own (a container stopped or
/// started again, an engine error inside the stream).
public struct LogEntry: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case stdout, stderr
        /// swtop's own line: a stop, a restart, where the follow resumed.
        case notice
        /// An error: the engine's, inside the stream (stream 3), or reaching it.
        case error
    }

    public var kind: Kind
    /// Which of the session's containers (index into `LogSession.sources`).
    public var source: UInt16
    /// The engine's timestamp; nil for swtop's own lines and lines the engine sent without one.
    public var time: LogTime?
    /// The line as the container wrote it (UTF-8 decoded; invalid bytes are U+FFFD). Not safe to print.
    public var text: String

    public init(kind: Kind, source: UInt16 = 0, time: LogTime? = nil, text: String) {
        self.kind = kind
        self.source = source
        self.time = time
        self.text = text
    }

    public var isOutput: Bool { kind == .stdout || kind == .stderr }

    /// The text, or its first `bytes` bytes (a character cut there becomes U+FFFD): what a view lays out or
    /// searches of a very long line.
    public func text(upTo bytes: Int) -> String {
        text.utf8.count <= bytes ? text : String(decoding: text.utf8.prefix(bytes), as: UTF8.self)
    }

    /// What the entry counts against the byte cap: its text plus the entry and string overhead.
    var cost: Int { text.utf8.count + 48 }
}

/// The lines of a log view: a ring capped by lines and by bytes, oldest dropped first. Lines are addressed
/// by a position that does not change when old lines are dropped (`startIndex` grows instead), so a view
/// can keep its place while a flood pushes lines out under it.
public struct LogBuffer: Sendable {
    public private(set) var entries = Deque<LogEntry>()
    public let maxLines: Int
    public let maxBytes: Int
    public private(set) var bytes = 0
    /// Lines dropped from the front so far: the position of `entries[0]`.
    public private(set) var dropped = 0
    /// Lines received in all.
    public private(set) var received = 0
    /// Lines dropped because a cap was reached (the view says how many).
    public private(set) var evicted = 0

    public init(maxLines: Int = 100_000, maxBytes: Int = 64 << 20) {
        self.maxLines = max(1, maxLines)
        self.maxBytes = max(1024, maxBytes)
    }

    public var startIndex: Int { dropped }
    public var endIndex: Int { dropped + entries.count }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public subscript(position: Int) -> LogEntry { entries[position - dropped] }

    public func contains(_ position: Int) -> Bool { position >= startIndex && position < endIndex }

    /// Adds lines. With `mergeByTime` (several containers in one view) a line is placed after the last line
    /// that is not later than it, searching back from the end, so that output of several containers
    /// interleaves in time order while each container's own order is kept. Returns the lowest position
    /// whose line changed (`endIndex` before the call when everything was appended), for indexes built on it.
    @discardableResult
    public mutating func add<S: Sequence>(_ batch: S, mergeByTime: Bool) -> Int where S.Element == LogEntry {
        var lowest = endIndex
        for entry in batch {
            received += 1
            var at = entries.count
            if mergeByTime, let time = entry.time {
                var i = entries.count - 1
                var steps = 0
                while i >= 0, steps < 50_000 {
                    let other = entries[i]
                    if other.source == entry.source { break }
                    if let t = other.time, t <= time { break }
                    if other.time == nil, !other.isOutput { break }
                    i -= 1
                    steps += 1
                }
                at = i + 1
            }
            if at == entries.count {
                entries.append(entry)
            } else {
                entries.insert(entry, at: at)
            }
            lowest = min(lowest, dropped + at)
            bytes += entry.cost
            trim()
        }
        return max(lowest, dropped)
    }

    public mutating func removeAll() {
        dropped += entries.count
        entries.removeAll()
        bytes = 0
    }

    private mutating func trim() {
        while entries.count > maxLines || (bytes > maxBytes && entries.count > 1) {
            let first = entries.removeFirst()
            bytes -= first.cost
            dropped += 1
            evicted += 1
        }
    }
}
