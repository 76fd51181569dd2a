import DockerEngine
import LayerKit
import SwtopStore

/// A session's name: a screen holds the ids of the sessions it reads (never a session itself), the
/// registry runs one session per id, and news comes back tagged with it. A session no screen holds any
/// more is closed.
public struct SessionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let raw: Int
    public init(_ raw: Int) { self.raw = raw }
    public static func < (lhs: SessionID, rhs: SessionID) -> Bool { lhs.raw < rhs.raw }
    public var description: String { "session \(raw)" }
}

/// What a session does, asked for by a reducer's `.openSession` effect.
public enum SessionRequest: Sendable, Equatable {
    /// Follow these containers' (or services') logs.
    case logs([LogSession.Source], LogSession.Options)
    /// Load an image's (or a container's) layers and files.
    case layers(LayerRequest)
    /// Fetch one object's inspect document.
    case inspect(InspectRequest)
    /// List services, tasks and nodes every 2 s.
    case swarm(engine: String)
    /// `x`: a command without a terminal, its output.
    case run(RunRequest)
    /// `T`: the container's processes every 2 s.
    case processes(Target)
    /// `C`: the docker contexts on disk; `watched` are the addresses the dashboard shows now.
    case contexts(watched: [String])
    /// Work a screen defines in its own folder (`SessionWork`): nothing central names it.
    case work(AnyWork)
}

/// A session's work written beside the screen that reads it: the registry runs it on the session's task
/// with the engine connection, and what it posts comes back to the screens holding the session as
/// `SessionNews.payload`.
public protocol SessionWork: Sendable, Equatable {
    /// The engine it talks to (its name).
    var engine: String { get }
    /// Runs until done or cancelled (the session closed); `post` sends news to the screen thread.
    func run(_ engine: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async
}

/// A `SessionWork` of any type, comparable (a request is compared in tests).
public struct AnyWork: Sendable, Equatable {
    public let base: any SessionWork
    public init(_ base: some SessionWork) { self.base = base }
    public static func == (lhs: AnyWork, rhs: AnyWork) -> Bool { lhs.base.isSame(as: rhs.base) }
}

extension SessionWork {
    fileprivate func isSame(as other: any SessionWork) -> Bool { (other as? Self) == self }
}

/// What a session delivers. The one way news reaches a screen: the screen loop drains the registry
/// and hands each item to `Reducer.receive`, which gives it to the screens holding that session.
public enum SessionNews: Sendable {
    case logs(LogSession.News)
    case layerMetadata(ImageMetadata)
    case layerProgress(LoadProgress)
    case layerSharing([Int])
    case layerAnalysis(ImageAnalysis)
    case document(OrderedJSON)
    case swarm(SwarmListing)
    case output(LogStream, [UInt8])
    case ended(exitCode: Int?, error: String?)
    case processes(ProcessList, containerPIDs: Bool)
    case contexts([ContextEntry], problem: String?)
    /// The session could not do its work: the engine's or the link's message.
    case failed(String)
    /// News of a `SessionWork`, of the type its screen expects.
    case payload(any Sendable)
}

/// The models of the sessions whose data is too large to copy with the state on every batch (log lines,
/// layer trees, inspect documents): kept by session id beside the state, created when a reducer opens
/// the session, changed only by `Reducer.receive`, read by reduce and draw through `ScreenContext`,
/// and dropped with the session. Owned by the screen thread.
public final class SessionModels {
    public private(set) var logs: [SessionID: LogModel] = [:]
    public private(set) var layers: [SessionID: LayerModel] = [:]
    public private(set) var inspects: [SessionID: InspectModel] = [:]

    public init() {}

    public func log(_ id: SessionID?) -> LogModel? { id.flatMap { logs[$0] } }
    public func layer(_ id: SessionID?) -> LayerModel? { id.flatMap { layers[$0] } }
    public func inspect(_ id: SessionID?) -> InspectModel? { id.flatMap { inspects[$0] } }

    @discardableResult public func add(_ model: LogModel, for id: SessionID) -> LogModel {
        logs[id] = model
        return model
    }

    @discardableResult public func add(_ model: LayerModel, for id: SessionID) -> LayerModel {
        layers[id] = model
        return model
    }

    @discardableResult public func add(_ model: InspectModel, for id: SessionID) -> InspectModel {
        inspects[id] = model
        return model
    }

    /// Drops the models of sessions no longer held.
    public func retain(_ held: Set<SessionID>) {
        logs = logs.filter { held.contains($0.key) }
        layers = layers.filter { held.contains($0.key) }
        inspects = inspects.filter { held.contains($0.key) }
    }

    public var ids: Set<SessionID> { Set(logs.keys).union(layers.keys).union(inspects.keys) }
}

/// The detail pane's few live lines of the selected container.
public struct DetailLogs: Sendable, Equatable {
    public var session: SessionID
    public var source: LogSession.Source
    public var containerID: String { source.id }
}

extension UIState {
    /// A fresh session id.
    public mutating func newSession() -> SessionID {
        nextSession += 1
        return SessionID(nextSession)
    }

    /// Every session a screen (or the detail pane) holds: the registry closes the others.
    public var heldSessions: Set<SessionID> {
        var held = Set(screens.flatMap { $0.base.sessions })
        if let detail = detailLogs { held.insert(detail.session) }
        return held
    }
}
