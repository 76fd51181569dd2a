import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import SwtopUI

/// Every session of the screen thread, by id. A reducer's `.openSession(id, request)` starts one; the
/// screen loop hands `retain` the ids the screens hold after each key, and the others are stopped; news
/// comes out of `drain` tagged with its id, for `Reducer.receive`. Owned by the screen thread.
public final class SessionRegistry {
    public typealias Connect = @Sendable (_ engine: String) async -> (any EngineAPI)?

    private let connect: Connect
    private let wake: @Sendable () -> Void
    private let notify: @Sendable (ActionResult) -> Void
    private let environment: [String: String]
    private var logs: [SessionID: LogSession] = [:]
    private var tasks: [SessionID: SessionInbox<SessionNews>] = [:]
    private var pokes: [SessionID: Poke] = [:]

    /// `connect`: an engine's connection of the moment (by the name a row carries); `wake`: wakes the
    /// screen thread (each post calls it); `notify`: a line for the status bar (an action's result).
    public init(connect: @escaping Connect, wake: @escaping @Sendable () -> Void,
                notify: @escaping @Sendable (ActionResult) -> Void,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.connect = connect
        self.wake = wake
        self.notify = notify
        self.environment = environment
    }

    /// The sessions running now.
    public var open: Set<SessionID> { Set(logs.keys).union(tasks.keys) }

    public func open(_ id: SessionID, _ request: SessionRequest) {
        close(id)
        let connect = self.connect
        switch request {
        case let .logs(sources, options):
            let session = LogSession(sources: sources, options: options, client: connect, wake: wake)
            logs[id] = session
            session.start()
            return
        case .layers, .inspect, .swarm, .run, .processes, .contexts, .work:
            break
        }
        let inbox = SessionInbox<SessionNews>(wake: wake)
        let post: Work.Post = { inbox.post($0) }
        tasks[id] = inbox
        switch request {
        case .logs:
            break
        case let .layers(request):
            inbox.run { await Work.layers(request, { await connect(request.engine) }, post) }
        case let .inspect(request):
            inbox.run { await Work.inspect(request, { await connect(request.engine) }, post) }
        case let .swarm(engine):
            let poke = Poke()
            pokes[id] = poke
            inbox.run { await Work.swarm({ await connect(engine) }, poke, post) }
        case let .run(request):
            inbox.run { await Work.run(request, { await connect(request.target.engine) }, post) }
        case let .processes(target):
            inbox.run { await Work.processes(target, { await connect(target.engine) }, post) }
        case let .contexts(watched):
            let environment = self.environment
            inbox.run { await Work.contexts(watched: watched, environment: environment, post) }
        case let .work(work):
            let work = work.base
            inbox.run {
                guard let engine = await connected({ await connect(work.engine) }, tries: 10) else {
                    if !Task.isCancelled { post(.failed(Work.unreachable)) }
                    return
                }
                await work.run(engine, post)
            }
        }
    }

    public func close(_ id: SessionID) {
        logs.removeValue(forKey: id)?.stop()
        tasks.removeValue(forKey: id)?.stop()
        pokes[id] = nil
    }

    /// Stops every session not in `held` (no screen reads it any more).
    public func retain(_ held: Set<SessionID>) {
        for id in open where !held.contains(id) { close(id) }
    }

    public func closeAll() { retain([]) }

    /// Log lines wait to be taken at most once a frame: a flood then wakes the screen thread 30 times a
    /// second, not once per chunk the engine sends.
    public var hasLogNews: Bool { logs.values.contains { $0.hasNews } }

    /// What the sessions delivered since the last call, oldest first per session; the log sessions'
    /// only when `logs` is true.
    public func drain(logs takeLogs: Bool = true) -> [(SessionID, SessionNews)] {
        var news: [(SessionID, SessionNews)] = []
        if takeLogs {
            for (id, session) in logs.sorted(by: { $0.key < $1.key }) where session.hasNews {
                news.append((id, .logs(session.drain())))
            }
        }
        for (id, inbox) in tasks.sorted(by: { $0.key < $1.key }) {
            for item in inbox.drain() { news.append((id, item)) }
        }
        return news
    }

    /// A swarm action, off the screen thread; its result goes to the status line, and the swarm session
    /// `refresh` lists again at once.
    public func perform(_ action: SwarmAction, engine: String, refresh: SessionID?) {
        let poke = refresh.flatMap { pokes[$0] }
        Task { [connect, notify] in
            notify(await Work.perform(action, client: await connect(engine)))
            poke?.set()
        }
    }
}

extension SessionRegistry {
    /// Writes a log view's lines to a file off the screen thread; the result goes to the status line.
    public func save(_ model: LogModel?, to path: String, pickFreeName: Bool, timestamps: Bool) {
        guard let model else {
            notify(ActionResult(text: "no log to save", isError: true))
            return
        }
        let entries = model.buffer.entries
        let names = model.sources.map(\.name)
        let merged = model.isMerged
        Task.detached { [notify] in
            notify(LogFile.write(entries, names: names, merged: merged, timestamps: timestamps, to: path, pickFreeName: pickFreeName))
        }
    }
}
