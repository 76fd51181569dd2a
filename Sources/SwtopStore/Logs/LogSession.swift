import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A log follow of one or more containers, beside the store's snapshot (never copied into it). Each
/// container is read on a task of its own; lines collect in an inbox that the screen thread drains when
/// `wake` tells it there is news. When the inbox is full the readers stop pulling from the engine (its
/// stream waits in TCP), so a flood costs bounded memory here and loses nothing.
///
/// A container that stops keeps its lines; the session says so, waits for the container's next start
/// (on the events stream) and resumes from the last timestamp it saw, dropping the lines it already has:
/// the engine's `since` includes lines stamped exactly then, so as many as were seen at that instant are
/// skipped, no more.
public final class LogSession: Sendable {
    public struct Source: Sendable, Hashable {
        public var id: String
        public var name: String
        /// The engine the container runs on (several engines: each source is read from its own).
        public var engine: String

        public init(id: String, name: String, engine: String = "") {
            self.id = id
            self.name = name
            self.engine = engine
        }
    }

    public struct Options: Sendable, Equatable {
        /// Lines before now to start with; nil: every line the engine has (or since `since`).
        public var tail: Int?
        public var since: LogTime?
        /// `since` as seconds before the session starts (the UI's "last hour"); read when it starts.
        public var sinceSecondsAgo: Double?
        public var follow: Bool

        public init(tail: Int? = 1000, since: LogTime? = nil, sinceSecondsAgo: Double? = nil, follow: Bool = true) {
            self.tail = tail
            self.since = since
            self.sinceSecondsAgo = sinceSecondsAgo
            self.follow = follow
        }
    }

    public enum SourceState: Sendable, Equatable {
        case connecting
        case following
        case stopped(exitCode: Int?)
        case removed
        case ended
        case failed(String)
    }

    public struct News: Sendable {
        public var entries: [LogEntry]
        public var states: [SourceState]
        /// A reader had to wait for room since the last drain: the container writes faster than the view
        /// takes lines, and the rest waits in the engine.
        public var behind: Bool

        public init(entries: [LogEntry], states: [SourceState], behind: Bool = false) {
            self.entries = entries
            self.states = states
            self.behind = behind
        }
    }

    private struct Inbox {
        var entries: [LogEntry] = []
        var states: [SourceState]
        var woken = false
        var waited = false
    }

    public let sources: [Source]
    public let options: Options
    /// Entries waiting in the inbox before the readers pause.
    public let highWater: Int
    private let inbox: Mutex<Inbox>
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let wake: @Sendable () -> Void
    /// The connection of the moment to an engine, by name.
    private let client: @Sendable (String) async -> DockerClient?

    public init(sources: [Source], options: Options, highWater: Int = 20_000,
                client: @escaping @Sendable (String) async -> DockerClient?, wake: @escaping @Sendable () -> Void) {
        self.sources = sources
        self.options = options
        self.highWater = highWater
        self.client = client
        self.wake = wake
        self.inbox = Mutex(Inbox(states: Array(repeating: .connecting, count: sources.count)))
    }

    public func start() {
        tasks.withLock { tasks in
            guard tasks.isEmpty else { return }
            for (index, source) in sources.enumerated() {
                tasks.append(Task { await self.follow(UInt16(index), source) })
            }
        }
    }

    public func stop() {
        let running = tasks.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in running { task.cancel() }
    }

    /// Whether anything arrived since the last `drain`.
    public var hasNews: Bool { inbox.withLock { $0.woken } }

    /// What arrived since the last call, and every container's state now.
    public func drain() -> News {
        inbox.withLock { inbox in
            defer {
                inbox.entries.removeAll(keepingCapacity: inbox.entries.count < 4096)
                inbox.woken = false
                inbox.waited = false
            }
            return News(entries: inbox.entries, states: inbox.states, behind: inbox.waited)
        }
    }

    // MARK: - Reading

    private func post(_ entries: [LogEntry], state: (UInt16, SourceState)? = nil) async {
        let (shouldWake, full) = inbox.withLock { inbox in
            inbox.entries.append(contentsOf: entries)
            if let (index, value) = state { inbox.states[Int(index)] = value }
            let wasWoken = inbox.woken
            inbox.woken = true
            let full = inbox.entries.count >= highWater
            if full { inbox.waited = true }
            return (!wasWoken, full)
        }
        if shouldWake { wake() }
        if full {
            // Back-pressure: stop pulling until the screen has taken lines.
            while !Task.isCancelled, inbox.withLock({ $0.entries.count >= highWater }) {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    private func setState(_ index: UInt16, _ state: SourceState) async {
        await post([], state: (index, state))
    }

    private func notice(_ index: UInt16, _ text: String, error: Bool = false, state: SourceState? = nil) async {
        await post([LogEntry(kind: error ? .error : .notice, source: index, text: text)], state: state.map { (index, $0) })
    }

    private func follow(_ index: UInt16, _ source: Source) async {
        var options = self.options
        if let ago = options.sinceSecondsAgo {
            options.since = LogTime(seconds: Date().timeIntervalSince1970 - ago)
        }
        var stitch = LogStitch()
        var first = true
        var lastError = ""
        var backoff = 1.0
        while !Task.isCancelled {
            guard let client = await client(source.engine) else {
                await setState(index, .failed("engine unreachable"))
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            do {
                let resuming = !first
                var logOptions = LogOptions(follow: options.follow, timestamps: true)
                if !resuming {
                    logOptions.tail = options.tail
                    logOptions.since = options.since?.engineSince
                } else {
                    logOptions.since = stitch.last?.engineSince ?? options.since?.engineSince
                }
                stitch.begin(resuming: resuming)
                var reader = try await client.openLogs(source.id, options: logOptions)
                first = false
                await setState(index, .following)
                lastError = ""
                backoff = 1
                while let lines = try await reader.nextLines() {
                    var out: [LogEntry] = []
                    out.reserveCapacity(lines.count)
                    for line in lines {
                        let time = line.timestamp.flatMap { LogTime.parse($0) }
                        guard stitch.admit(time) else { continue }
                        let kind: LogEntry.Kind
                        switch line.stream {
                        case .stderr: kind = .stderr
                        case .system: kind = .error
                        case .stdout, .stdin: kind = .stdout
                        }
                        out.append(LogEntry(kind: kind, source: index, time: time, text: line.text))
                    }
                    if !out.isEmpty { await post(out) }
                }
                guard options.follow else {
                    await setState(index, .ended)
                    return
                }
                // The stream ended: the container stopped (or was removed). Subscribe before looking, so
                // that a start in between is not missed.
                let events = try await client.subscribeEvents(filters: ["type": ["container"], "container": [source.id]])
                let details = try await client.inspectContainer(source.id)
                if details.State?.Running == true {
                    await notice(index, "⟳ \(source.name) restarted — following again from \(stitch.last?.clockText ?? "its first line")")
                    continue
                }
                let code = details.State?.ExitCode
                await notice(index, "■ \(source.name) stopped" + (code.map { " (exit code \($0))" } ?? "")
                             + " — its lines are kept; following resumes when it starts", state: .stopped(exitCode: code))
                var started = false
                for try await event in events {
                    switch event.verb {
                    case "start":
                        started = true
                    case "destroy":
                        await notice(index, "✗ \(source.name) was removed", state: .removed)
                        return
                    default:
                        continue
                    }
                    break
                }
                if started {
                    await notice(index, "▶ \(source.name) started again — following from \(stitch.last?.clockText ?? "its first line")")
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                let message = (error as? DockerError)?.userMessage ?? String(describing: error)
                if case let .api(status, _, _)? = error as? DockerError, status == 404 {
                    await notice(index, "✗ \(source.name): \(message)", error: true, state: .removed)
                    return
                }
                if message != lastError {
                    await notice(index, "✗ \(source.name): \(message) — retrying", error: true, state: .failed(message))
                    lastError = message
                }
                try? await Task.sleep(for: .seconds(backoff))
                backoff = min(backoff * 2, 5)
            }
        }
    }
}

/// Where a follow stands, so that a stream opened again (after a restart, or a dropped connection) with
/// `since` = the last timestamp seen repeats no line and loses none. The engine's `since` includes lines
/// stamped exactly then: of those, as many as were already taken are skipped, no more.
public struct LogStitch: Sendable, Equatable {
    public private(set) var last: LogTime?
    /// Lines taken that carry exactly `last`.
    public private(set) var takenAtLast = 0
    private var skip = 0
    private var resuming = false

    public init() {}

    /// A new stream starts; `resuming` when it was asked for `since: last`.
    public mutating func begin(resuming: Bool) {
        self.resuming = resuming
        skip = resuming ? takenAtLast : 0
    }

    /// Whether a line stamped `time` is new.
    public mutating func admit(_ time: LogTime?) -> Bool {
        guard let time else { return true }
        if resuming, let last {
            if time < last { return false }
            if time == last, skip > 0 {
                skip -= 1
                return false
            }
        }
        if time == last { takenAtLast += 1 } else { last = time; takenAtLast = 1 }
        return true
    }
}
