import DockerEngine
import SwtopStore
import TermCanvas

/// Where a log view starts: the last N lines (`--tail`), or everything since a moment.
public enum LogSince: Int, Sendable, CaseIterable {
    case tail, all, hour, tenMinutes, minute

    public var next: LogSince { LogSince(rawValue: (rawValue + 1) % LogSince.allCases.count) ?? .tail }

    public func label(tail: Int) -> String {
        switch self {
        case .tail: return "last \(tail) lines"
        case .all: return "all lines"
        case .hour: return "last hour"
        case .tenMinutes: return "last 10 minutes"
        case .minute: return "last minute"
        }
    }

    /// Seconds before now, for the engine's `since`.
    public var seconds: Double? {
        switch self {
        case .tail, .all: return nil
        case .hour: return 3600
        case .tenMinutes: return 600
        case .minute: return 60
        }
    }
}

/// A line being typed at the bottom of the log view.
public enum LogPrompt: Sendable, Equatable {
    case search(String)
    case save(String, isDefault: Bool)
}

/// The log view's state (the lines themselves live in `LogModel`, beside it).
public struct LogScreen: Sendable, Equatable {
    /// The file name a merged log is saved under: the name its containers share (a compose project's
    /// `demo-web-1` and `demo-db-1` give `demo`), else the first names joined.
    public static func mergedSaveName(_ names: [String]) -> String {
        guard var common = names.first else { return "swtop-logs" }
        for name in names.dropFirst() {
            common = String(zip(common, name).prefix { $0 == $1 }.map(\.0))
        }
        while let last = common.last, "-_. ".contains(last) { common.removeLast() }
        if common.count >= 2 { return common }
        let shown = names.prefix(3).joined(separator: "+")
        return names.count > 3 ? shown + "+\(names.count - 3)-more" : shown
    }

    public var sources: [LogSession.Source]
    /// The session that reads the lines (its model holds them).
    public var session: SessionID?
    /// Following: the newest lines at the bottom. Paused: `top` is the first line shown.
    public var follow = true
    public var top = 0
    /// `LogBuffer.received` when the follow was paused: what came since is counted in the status bar.
    public var receivedAtPause = 0
    public var wrap = false
    public var timestamps = false
    public var showStdout = true
    public var showStderr = true
    public var since: LogSince = .tail
    public var tail: Int
    public var query = ""
    public var regex = false
    /// Only matching lines are shown.
    public var filterMode = false
    public var prompt: LogPrompt?
    /// The match `n`/`N` went to (a line position), highlighted as current.
    public var currentMatch: Int?

    public init(sources: [LogSession.Source], tail: Int, session: SessionID? = nil) {
        self.sources = sources
        self.tail = tail
        self.session = session
    }

    public var title: String {
        sources.count == 1 ? sources[0].name : "\(sources.count) containers: " + sources.map(\.name).joined(separator: ", ")
    }

    /// The lines shown: stdout/stderr choice and, in filter mode, the search.
    public var shownQuery: LogQuery? {
        let text = filterMode ? query : ""
        if text.isEmpty, showStdout, showStderr { return nil }
        return LogQuery(text: text, regex: regex, stdout: showStdout, stderr: showStderr)
    }

    /// The lines that match the search (among those shown).
    public var matchQuery: LogQuery? {
        guard !query.isEmpty else { return nil }
        return LogQuery(text: query, regex: regex, stdout: showStdout, stderr: showStderr)
    }

    public var sessionOptions: LogSession.Options {
        LogSession.Options(tail: since == .tail ? tail : nil, sinceSecondsAgo: since.seconds, follow: true)
    }
}

/// Which lines a view wants: a text (plain or regular expression) and the streams.
public struct LogQuery: Sendable, Hashable {
    public var text: String
    public var regex: Bool
    public var stdout: Bool
    public var stderr: Bool

    public init(text: String, regex: Bool, stdout: Bool = true, stderr: Bool = true) {
        self.text = text
        self.regex = regex
        self.stdout = stdout
        self.stderr = stderr
    }
}
