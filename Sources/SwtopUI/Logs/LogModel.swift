import DockerEngine
import SwtopStore
import TermCanvas

/// Tells whether a log line matches a query, on the text as it shows (escape sequences removed).
/// Plain text is matched case-insensitively unless the query has a capital letter (smart case).
struct LogMatcher {
    let query: LogQuery
    private let needle: [UInt8]
    private let foldCase: Bool
    private let regex: Regex<AnyRegexOutput>?
    /// Set when the regular expression does not compile; nothing matches then.
    let invalid: String?

    init(_ query: LogQuery) {
        self.query = query
        foldCase = !query.text.contains { $0.isUppercase }
        needle = Array((foldCase ? query.text.lowercased() : query.text).utf8)
        if query.regex, !query.text.isEmpty {
            do {
                let compiled = try Regex(query.text)
                regex = foldCase ? compiled.ignoresCase() : compiled
                invalid = nil
            } catch {
                regex = nil
                invalid = "not a valid regular expression"
            }
        } else {
            regex = nil
            invalid = nil
        }
    }

    func streamAllowed(_ entry: LogEntry) -> Bool {
        switch entry.kind {
        case .stdout: return query.stdout
        case .stderr: return query.stderr
        case .notice, .error: return true
        }
    }

    func matches(_ entry: LogEntry) -> Bool {
        guard streamAllowed(entry) else { return false }
        guard !query.text.isEmpty else { return true }
        return matches(text: TerminalSafe.sanitize(entry.text(upTo: LogModel.searchedBytes)))
    }

    func matches(text: String) -> Bool {
        if query.regex {
            guard let regex else { return false }
            return text.contains(regex)
        }
        return Self.find(needle, in: Array(text.utf8), foldCase: foldCase, from: 0) != nil
    }

    /// Character ranges of every match in `text`, for highlighting.
    func ranges(in text: String) -> [Range<Int>] {
        guard !query.text.isEmpty else { return [] }
        if query.regex {
            guard let regex else { return [] }
            var out: [Range<Int>] = []
            for match in text.matches(of: regex) where !match.range.isEmpty {
                let start = text.distance(from: text.startIndex, to: match.range.lowerBound)
                out.append(start..<start + text.distance(from: match.range.lowerBound, to: match.range.upperBound))
                if out.count > 200 { break }
            }
            return out
        }
        let bytes = Array(text.utf8)
        var out: [Range<Int>] = []
        var from = 0
        // Byte offsets → character offsets, walking the string once.
        var byteStarts: [Int] = []
        var offset = 0
        for ch in text {
            byteStarts.append(offset)
            offset += ch.utf8.count
        }
        func charIndex(_ byte: Int) -> Int {
            var lo = 0, hi = byteStarts.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if byteStarts[mid] <= byte { lo = mid + 1 } else { hi = mid }
            }
            return max(0, lo - 1)
        }
        while let at = Self.find(needle, in: bytes, foldCase: foldCase, from: from), out.count < 200 {
            let start = charIndex(at)
            let end = charIndex(at + needle.count - 1) + 1
            out.append(start..<end)
            from = at + max(1, needle.count)
        }
        return out
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], foldCase: Bool, from: Int) -> Int? {
        guard !needle.isEmpty, hay.count - from >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            var c = hay[i]
            if foldCase, c >= 65, c <= 90 { c += 32 }
            if c == first {
                var j = 1
                while j < needle.count {
                    var d = hay[i + j]
                    if foldCase, d >= 65, d <= 90 { d += 32 }
                    if d != needle[j] { break }
                    j += 1
                }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

/// The positions of the lines that pass a query, kept up to date as lines arrive (only new lines are
/// looked at) and as old ones are dropped.
struct LogIndex {
    let matcher: LogMatcher
    /// swtop's own lines (a stop, a restart, an error) pass whatever the text: they explain gaps.
    let keepNotices: Bool
    private(set) var positions: [Int] = []
    private(set) var scanned = 0

    init(_ query: LogQuery, keepNotices: Bool, from start: Int) {
        matcher = LogMatcher(query)
        self.keepNotices = keepNotices
        scanned = start
    }

    /// Lines at `position` and after changed (inserted by a time-order merge): look at them again.
    mutating func invalidate(from position: Int) {
        guard position < scanned else { return }
        if let cut = positions.firstIndex(where: { $0 >= position }) { positions.removeSubrange(cut...) }
        scanned = position
    }

    mutating func update(_ buffer: LogBuffer) {
        if let first = positions.first, first < buffer.startIndex {
            let keep = positions.firstIndex { $0 >= buffer.startIndex } ?? positions.count
            positions.removeFirst(keep)
        }
        var position = max(scanned, buffer.startIndex)
        while position < buffer.endIndex {
            let entry = buffer[position]
            if (keepNotices && !entry.isOutput) || matcher.matches(entry) { positions.append(position) }
            position += 1
        }
        scanned = buffer.endIndex
    }
}

/// A log view's lines and the indexes over them. Owned by the screen thread: lines come in through
/// `ingest` (drained from the session), the renderer and reducer read it, `sync` adapts the indexes to
/// the view's queries before each key and frame.
public final class LogModel {
    public private(set) var buffer: LogBuffer
    public private(set) var states: [LogSession.SourceState]
    public let sources: [LogSession.Source]
    private var shown: LogIndex?
    private var matches: LogIndex?
    /// Searched per line: a longer line is matched on its first part.
    static let searchedBytes = 256 << 10

    public init(sources: [LogSession.Source], maxLines: Int, maxBytes: Int) {
        self.sources = sources
        buffer = LogBuffer(maxLines: maxLines, maxBytes: maxBytes)
        states = Array(repeating: .connecting, count: sources.count)
    }

    public var isMerged: Bool { sources.count > 1 }

    /// The last drain found the readers waiting for room: the view is behind the containers.
    public private(set) var behind = false

    public func ingest(_ news: LogSession.News) {
        states = news.states
        behind = news.behind
        guard !news.entries.isEmpty else { return }
        let changed = buffer.add(news.entries, mergeByTime: isMerged)
        shown?.invalidate(from: changed)
        matches?.invalidate(from: changed)
    }

    /// Adapts the indexes to `screen`'s queries and brings them up to date.
    public func sync(_ screen: LogScreen) {
        sync(&shown, screen.shownQuery, keepNotices: true)
        sync(&matches, screen.matchQuery, keepNotices: false)
    }

    private func sync(_ index: inout LogIndex?, _ query: LogQuery?, keepNotices: Bool) {
        guard let query else {
            index = nil
            return
        }
        if index?.matcher.query != query { index = LogIndex(query, keepNotices: keepNotices, from: buffer.startIndex) }
        index?.update(buffer)
    }

    /// Why the search matches nothing, when it cannot.
    public var searchProblem: String? { matches?.matcher.invalid }

    // MARK: - Shown lines, by ordinal

    public var shownCount: Int { shown?.positions.count ?? buffer.count }

    public func shownPosition(_ ordinal: Int) -> Int {
        if let shown { return shown.positions[ordinal] }
        return buffer.startIndex + ordinal
    }

    /// The ordinal of the first shown line at or after `position`.
    public func shownOrdinal(atOrAfter position: Int) -> Int {
        guard let shown else { return min(max(0, position - buffer.startIndex), buffer.count) }
        return Self.lowerBound(shown.positions, position)
    }

    // MARK: - Matches

    public var matchCount: Int { matches?.positions.count ?? 0 }

    public func isMatch(_ position: Int) -> Bool {
        guard let matches else { return false }
        let i = Self.lowerBound(matches.positions, position)
        return i < matches.positions.count && matches.positions[i] == position
    }

    /// The 1-based number of the match at `position`, if it is one.
    public func matchNumber(_ position: Int) -> Int? {
        guard let matches else { return nil }
        let i = Self.lowerBound(matches.positions, position)
        return i < matches.positions.count && matches.positions[i] == position ? i + 1 : nil
    }

    public func match(after position: Int) -> Int? {
        guard let matches else { return nil }
        let i = Self.lowerBound(matches.positions, position + 1)
        return i < matches.positions.count ? matches.positions[i] : nil
    }

    public func match(before position: Int) -> Int? {
        guard let matches else { return nil }
        let i = Self.lowerBound(matches.positions, position)
        return i > 0 ? matches.positions[i - 1] : nil
    }

    public func highlightRanges(_ text: String) -> [Range<Int>] { matches?.matcher.ranges(in: text) ?? [] }

    static func lowerBound(_ array: [Int], _ value: Int) -> Int {
        var lo = 0, hi = array.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if array[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
