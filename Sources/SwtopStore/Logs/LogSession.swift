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
        /// A container's output, or a swarm service's (every task's, from `/services/{id}/logs`).
        public enum Kind: Sendable, Hashable { case container, service }

        public var id: String
        public var name: String
        /// The engine the container runs on (several engines: each source is read from its own).
        public var engine: String
        public var kind: Kind

        public init(id: String, name: String, engine: String = "") {
            self.id = id
            self.name = name
            self.engine = engine
            self.kind = .container
        }

        public init(service id: String, name: String, engine: String = "") {
            self.id = id
            self.name = name
            self.engine = engine
            self.kind = .service
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
    private let client: @Sendable (String) async -> (any EngineAPI)?

    public init(sources: [Source], options: Options, highWater: Int = 20_000,
                client: @escaping @Sendable (String) async -> (any EngineAPI)?, wake: @escaping @Sendable () -> Void) {
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
        // A service's lines name their task (`web.1 | …`), as `docker service logs` does.
        var taskNames: [String: String] = [:]
        var tasksAskedAt = Date.distantPast
        var lastError = ""
        var backoff = 1.0
        // The run (State.StartedAt) the open stream belongs to: a stream that ends while the same run goes
        // on is reopened quietly, a new run gets one marker.
        var followedRun: String?
        var openedAt = Date()
        var restartCode: Int?
        var quickEnds = 0
        // The last "stopped"/"paused" notice, so that looking again after a lost events stream says it once.
        var lastEndNotice: String?
        func endNotice(_ text: String, _ state: SourceState?) async {
            guard text != lastEndNotice else { return }
            lastEndNotice = text
            await notice(index, text, state: state)
        }
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
                var reader = source.kind == .service
                    ? try await client.openServiceLogs(source.id, options: logOptions, details: true)
                    : try await client.openLogs(source.id, options: logOptions)
                if first, source.kind == .container {
                    followedRun = (try? await client.inspectContainer(source.id))?.State?.StartedAt
                }
                first = false
                openedAt = Date()
                await setState(index, .following)
                lastError = ""
                backoff = 1
                let clock = ContinuousClock()
                var asked = clock.now
                while let lines = try await reader.nextLines() {
                    let waited = clock.now - asked
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
                        var text = line.text
                        if source.kind == .service {
                            let (task, rest) = ServiceLogDetails.split(text)
                            if let task, taskNames[task] == nil, Date().timeIntervalSince(tasksAskedAt) > 2 {
                                tasksAskedAt = Date()
                                for item in (try? await client.tasks(services: [source.id])) ?? [] {
                                    taskNames[item.ID] = ServiceLogDetails.taskName(item, service: source.name)
                                }
                            }
                            text = task.map { (taskNames[$0] ?? String($0.prefix(12))) + " | " + rest } ?? rest
                        }
                        out.append(LogEntry(kind: kind, source: index, time: time, text: text))
                    }
                    if !out.isEmpty {
                        lastEndNotice = nil
                        await post(out)
                    }
                    // Caught up (the read waited for the engine: nothing was buffered): these lines are
                    // posted; let the next gather for a moment before asking again. A flood that the view
                    // keeps up with otherwise comes a few lines a read, each read a wake-up of this task and
                    // of the socket's thread (60 % of the CPU was the kernel's: switches, futexes, small
                    // reads); a reader that is behind finds chunks waiting and does not pause. A frame is
                    // 33 ms: 10 ms is not seen.
                    if options.follow, !lines.isEmpty, waited > .milliseconds(2) {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    asked = clock.now
                }
                guard options.follow else {
                    await setState(index, .ended)
                    return
                }
                if source.kind == .service {
                    // A service's follow ends when the service goes (404 next) or the engine closes it:
                    // ask again from the last line seen.
                    _ = try await client.inspectService(source.id)
                    try await Task.sleep(for: .seconds(1))
                    continue
                }
                // The stream ended: the container stopped, restarts, was paused or removed, or the engine
                // closed it. Subscribe before looking, so that a start in between is not missed.
                let events = try await client.subscribeEvents(filters: ["type": ["container"], "container": [source.id]])
                let details = try await client.inspectContainer(source.id)
                let state = details.State
                switch FollowEnd(state: state, followedRun: followedRun) {
                case .newRun:
                    // Restarted between the end and the look: one marker for the one restart.
                    followedRun = state?.StartedAt
                    await notice(index, "⟳ \(source.name) restarted — following again from \(stitch.last?.clockText ?? "its first line")")
                    continue
                case .sameRun:
                    // The same run goes on (the engine ended the stream, or the connection dropped): ask
                    // again quietly; a stream that keeps ending at once is asked again later each time.
                    quickEnds = Date().timeIntervalSince(openedAt) < 1 ? quickEnds + 1 : 0
                    try await Task.sleep(for: .seconds(quickEnds == 0 ? 0.25 : min(0.5 * Double(1 << min(quickEnds, 5)), 8)))
                    continue
                case .paused:
                    await endNotice("⏸ \(source.name) is paused — following resumes when it is unpaused", nil)
                case let .restarting(code):
                    // A restart policy brings it back: the marker comes with the start, one per restart.
                    restartCode = code
                case let .stopped(code):
                    await endNotice("■ \(source.name) stopped" + (code.map { " (exit code \($0))" } ?? "")
                                    + " — its lines are kept; following resumes when it starts", .stopped(exitCode: code))
                }
                var resumed: String?
                for try await event in events {
                    switch event.verb {
                    case "start", "restart":
                        // podman sends restart (before die) for a restart policy's start.
                        resumed = "start"
                    case "unpause" where state?.Paused == true:
                        resumed = "unpause"
                    case "destroy", "remove":
                        await notice(index, "✗ \(source.name) was removed", state: .removed)
                        return
                    default:
                        continue
                    }
                    break
                }
                guard let resumed else {
                    // The events stream ended (the engine went away or closed it): look again later.
                    try await Task.sleep(for: .seconds(2))
                    continue
                }
                lastEndNotice = nil
                if resumed == "start" {
                    // The run we follow now; a later end compares with it.
                    followedRun = (try? await client.inspectContainer(source.id))?.State?.StartedAt
                    let from = stitch.last?.clockText ?? "its first line"
                    if let code = restartCode {
                        await notice(index, "⟳ \(source.name) restarted after exit code \(code) — following again from \(from)")
                    } else {
                        await notice(index, "▶ \(source.name) started again — following from \(from)")
                    }
                } else {
                    await notice(index, "▶ \(source.name) unpaused — following again")
                }
                restartCode = nil
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

/// What a container's state says when its log stream has ended.
enum FollowEnd: Equatable {
    /// Running a run other than the one followed: it restarted in between.
    case newRun
    /// Still the run followed: the engine (or the connection) ended the stream.
    case sameRun
    case paused
    /// Stopped, and its restart policy brings it back (`Restarting`).
    case restarting(exitCode: Int?)
    case stopped(exitCode: Int?)

    init(state: ContainerState?, followedRun: String?) {
        if state?.Paused == true {
            self = .paused
        } else if state?.Restarting == true {
            self = .restarting(exitCode: state?.ExitCode)
        } else if state?.Running == true {
            if let run = state?.StartedAt, let followedRun, run != followedRun {
                self = .newRun
            } else {
                self = .sameRun
            }
        } else {
            self = .stopped(exitCode: state?.ExitCode)
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
