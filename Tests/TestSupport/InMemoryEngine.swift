import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import Synchronization

/// An engine in memory, for unit tests of the store and the sessions: the faults a real engine cannot
/// produce on demand. It answers with JSON texts that go through the same decoding as `DockerClient`'s
/// (a list keeps its good rows; anything else malformed is `.malformed`), and serves logs as the bytes an
/// engine sends (8-byte frames, or raw for a TTY) through the same `LogReader`. A test can make it
/// unreachable, slow one call, end or break the events stream, and count every call.
public final class InMemoryEngine: EngineAPI {
    /// What each call answers: the engine's JSON, as text.
    public struct Answers: Sendable {
        public var version = #"{"Version":"20.10.24+dfsg1","ApiVersion":"1.41"}"#
        public var info = #"{"MemTotal":8000000000,"Swarm":{"LocalNodeState":"inactive"}}"#
        public var containers = "[]"
        public var images = "[]"
        public var volumes = "[]"
        public var networks = "[]"
        /// `/containers/{id}/json` by id; a missing id answers 404.
        public var details: [String: String] = [:]
        /// Inspect documents by `kind/id` (`container/abc`, `volume/data`); a missing one answers 404.
        public var documents: [String: String] = [:]
        /// Swarm lists; nil: not a swarm manager (503, as the engine says it).
        public var services: String?
        public var tasks = "[]"
        public var nodes = "[]"
        /// `/containers/{id}/top` by id, per `ps_args` ("" for none); a missing one answers 500 as an
        /// engine whose `ps` refused the options does.
        public var top: [String: [String: String]] = [:]
        /// What an exec in a container prints (stream 1 stdout, 2 stderr) and its exit code; a container
        /// without one answers 409 "is not running".
        public var execs: [String: (output: [(stream: UInt8, text: String)], exitCode: Int)] = [:]
        public var isPodman = false
        /// `/system/df` as the engine sends it.
        public var diskUsage = #"{"LayersSize":0,"Images":[],"Containers":[],"Volumes":[],"BuildCache":[]}"#
        /// What each prune reports.
        public var pruned: [PruneKind: PruneReport] = [:]
        /// What a pull or a push of a reference streams (JSON lines as the engine sends them); a missing
        /// one answers 404 as for an unknown image.
        public var transfers: [String: [String]] = [:]
        /// What a build streams (JSON lines as the engine sends them), whatever the context.
        public var build: [String]?
        /// Engine refusals by call and name (`remove-image sha256:…`): status and message.
        public var refusals: [String: (status: Int, message: String)] = [:]

        public init() {}
    }

    /// How a log stream ends once its chunks are read.
    public enum LogEnd: Sendable {
        case end
        case fail(DockerError)
        /// It stays open with nothing more (a quiet container).
        case hang
    }

    struct Subscriber {
        var filters: [String: [String]]
        var continuation: AsyncThrowingStream<EngineEvent, Error>.Continuation
    }

    struct LogScript {
        var chunks: [ByteBuffer]
        var raw: Bool
        var end: LogEnd
    }

    struct State {
        var answers = Answers()
        var reachable = true
        var unreachableReason = "connection refused"
        var delays: [String: Duration] = [:]
        var calls: [String: Int] = [:]
        var subscribers: [Int: Subscriber] = [:]
        var nextSubscriber = 0
        var logs: [String: LogScript] = [:]
        var performed: [String] = []
    }

    private let state = Mutex(State())
    public let apiVersion = APIVersion(1, 41)

    public init(_ answers: Answers = Answers()) {
        state.withLock { $0.answers = answers }
    }

    // MARK: - What a test changes

    public func update(_ change: (inout Answers) -> Void) {
        state.withLock { change(&$0.answers) }
    }

    /// Slows every later `call` (`containers`, `images`, `info`, `logs`, …) by `delay`.
    public func slow(_ call: String, by delay: Duration) {
        state.withLock { $0.delays[call] = delay }
    }

    /// How many times `call` was made (`connect`, `events`, `containers`, `logs`, …).
    public func calls(_ call: String) -> Int {
        state.withLock { $0.calls[call] ?? 0 }
    }

    /// Each action as `VERB ID`, in the order they arrived.
    public var performed: [String] { state.withLock { $0.performed } }

    /// The engine goes away (every open events stream fails, connects fail) or comes back.
    public func setReachable(_ reachable: Bool, reason: String = "connection refused") {
        let ended = state.withLock { state -> [Subscriber] in
            state.reachable = reachable
            state.unreachableReason = reason
            guard !reachable else { return [] }
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for subscriber in ended {
            subscriber.continuation.finish(throwing: DockerError.unreachable(address: Self.address, reason: reason))
        }
    }

    /// An event, as the engine's JSON line, to every subscriber whose filters take it. A line that does
    /// not decode breaks each stream as a real one does.
    public func emit(_ json: String) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        let event: EngineEvent
        do {
            event = try EnginePayload.object(EngineEvent.self, Array(json.utf8), what: "/events")
        } catch {
            for subscriber in subscribers { subscriber.continuation.finish(throwing: error) }
            return
        }
        for subscriber in subscribers where Self.matches(event, subscriber.filters) {
            subscriber.continuation.yield(event)
        }
    }

    /// Every events stream ends, as when the engine closes it.
    public func endEvents() {
        let ended = state.withLock { state -> [Subscriber] in
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for subscriber in ended { subscriber.continuation.finish() }
    }

    /// The open events streams.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// What a log request for `id` answers from now on: these lines (stdout, or `stream` 2 for stderr),
    /// each stamped as the engine stamps them when asked for timestamps, framed unless `raw`.
    public func setLogs(_ id: String, _ lines: [(stream: UInt8, time: String, text: String)], raw: Bool = false,
                        end: LogEnd = .end) {
        let chunks = lines.map { line -> ByteBuffer in
            let payload = Array("\(line.time) \(line.text)\n".utf8)
            return ByteBuffer(bytes: raw ? payload : Self.frame(line.stream, payload))
        }
        state.withLock { $0.logs[id] = LogScript(chunks: chunks, raw: raw, end: end) }
    }

    /// Raw bytes as the log body (a malformed frame, say).
    public func setLogBytes(_ id: String, _ bytes: [UInt8], raw: Bool = false, end: LogEnd = .end) {
        state.withLock { $0.logs[id] = LogScript(chunks: [ByteBuffer(bytes: bytes)], raw: raw, end: end) }
    }

    /// The 8-byte header of a multiplexed stream, then the payload.
    public static func frame(_ stream: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let n = UInt32(payload.count)
        return [stream, 0, 0, 0, UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + payload
    }

    public static let address = "memory://engine"
    public static let endpoint = EngineEndpoint(address: .tcp(host: "memory.invalid", port: 1, tls: false), source: "in-memory engine")

    /// For `SwtopStore.Settings.connect`: connecting counts as a call and fails while unreachable.
    public var connector: @Sendable (EngineEndpoint, APIVersion?) async throws -> any EngineAPI {
        { [self] _, _ in
            try await answer("connect") { _ in () }
            return self
        }
    }

    // MARK: - EngineAPI

    private func answer<T>(_ call: String, _ body: (Answers) throws -> T) async throws -> T {
        let (delay, reachable, reason) = state.withLock { state in
            state.calls[call, default: 0] += 1
            return (state.delays[call], state.reachable, state.unreachableReason)
        }
        if let delay { try await Task.sleep(for: delay) }
        guard reachable else { throw DockerError.unreachable(address: Self.address, reason: reason) }
        return try body(state.withLock { $0.answers })
    }

    public func version() async throws -> EngineVersion {
        try await answer("version") { try EnginePayload.object(EngineVersion.self, Array($0.version.utf8), what: "/version") }
    }

    public func info() async throws -> EngineInfo {
        try await answer("info") { try EnginePayload.object(EngineInfo.self, Array($0.info.utf8), what: "/info") }
    }

    public func containers(all: Bool, filters: [String: [String]]) async throws -> [ContainerSummary] {
        let list = try await answer("containers") {
            try EnginePayload.list(ContainerSummary.self, Array($0.containers.utf8), what: "/containers/json")
        }
        guard let ids = filters["id"] else { return list }
        return list.filter { item in ids.contains { item.Id.hasPrefix($0) } }
    }

    public func inspectContainer(_ id: String) async throws -> ContainerDetails {
        try await answer("inspect") { answers in
            guard let json = answers.details[id] else {
                throw DockerError.api(status: 404, message: "No such container: \(id)", path: "/containers/\(id)/json")
            }
            return try EnginePayload.object(ContainerDetails.self, Array(json.utf8), what: "/containers/\(id)/json")
        }
    }

    public func images(all: Bool) async throws -> [ImageSummary] {
        try await answer("images") { try EnginePayload.list(ImageSummary.self, Array($0.images.utf8), what: "/images/json") }
    }

    public func volumes() async throws -> [Volume] {
        try await answer("volumes") { try EnginePayload.list(Volume.self, Array($0.volumes.utf8), what: "/volumes") }
    }

    public func networks() async throws -> [Network] {
        try await answer("networks") { try EnginePayload.list(Network.self, Array($0.networks.utf8), what: "/networks") }
    }

    public func stats(_ id: String) async throws -> StatsSample {
        try await answer("stats") { _ in
            throw DockerError.api(status: 501, message: "no stats in memory", path: "/containers/\(id)/stats")
        }
    }

    /// Records the action, or throws the refusal set for it (`refusals["start"]`).
    public func perform(_ action: ContainerAction, on id: String) async throws {
        try await answer("perform") { answers in
            if let refusal = answers.refusals["\(action)"] {
                throw DockerError.api(status: refusal.status, message: refusal.message, path: "/containers/\(id)/\(action)")
            }
        }
        state.withLock { $0.performed.append("\(action) \(id)") }
    }

    public func subscribeEvents(filters: [String: [String]]) async throws -> AsyncThrowingStream<EngineEvent, Error> {
        try await answer("events") { _ in () }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: EngineEvent.self)
        let key = state.withLock { state -> Int in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = Subscriber(filters: filters, continuation: continuation)
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: key) }
        }
        return stream
    }

    public func openLogs(_ id: String, options: LogOptions, tty: Bool?) async throws -> LogReader {
        try await answer("logs") { _ in () }
        guard let script = state.withLock({ $0.logs[id] }) else {
            throw DockerError.api(status: 404, message: "No such container: \(id)", path: "/containers/\(id)/logs")
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        for chunk in script.chunks { continuation.yield(chunk) }
        switch script.end {
        case .end: continuation.finish()
        case let .fail(error): continuation.finish(throwing: error)
        case .hang: break
        }
        let box = IteratorBox(stream.makeAsyncIterator(), keeping: continuation)
        return LogReader(isRaw: tty ?? script.raw, timestamps: options.timestamps) { try await box.next() }
    }

    public func openServiceLogs(_ id: String, options: LogOptions, tty: Bool?, details: Bool) async throws -> LogReader {
        try await openLogs(id, options: options, tty: tty)
    }

    public func inspectService(_ id: String) async throws -> SwarmService {
        try await answer("service") { _ in
            throw DockerError.api(status: 503, message: "This node is not a swarm manager.", path: "/services/\(id)")
        }
    }

    public func tasks(services: [String]) async throws -> [SwarmTask] {
        try await answer("tasks") { answers in
            try Self.manager(answers, "/tasks")
            return try EnginePayload.list(SwarmTask.self, Array(answers.tasks.utf8), what: "/tasks")
        }
    }

    public func services(filters: [String: [String]]) async throws -> [SwarmService] {
        try await answer("services") { answers in
            try Self.manager(answers, "/services")
            return try EnginePayload.list(SwarmService.self, Array((answers.services ?? "[]").utf8), what: "/services")
        }
    }

    public func nodes() async throws -> [SwarmNode] {
        try await answer("nodes") { answers in
            try Self.manager(answers, "/nodes")
            return try EnginePayload.list(SwarmNode.self, Array(answers.nodes.utf8), what: "/nodes")
        }
    }

    private static func manager(_ answers: Answers, _ path: String) throws {
        guard answers.services != nil else {
            throw DockerError.api(status: 503, message: "This node is not a swarm manager. Use \"docker swarm init\" or "
                                  + "\"docker swarm join\" to connect this node to swarm and try again.", path: path)
        }
    }

    public func scaleService(_ id: String, replicas: UInt64) async throws {
        try await answer("scale") { try Self.manager($0, "/services/\(id)/update") }
        state.withLock { $0.performed.append("scale \(id) \(replicas)") }
    }

    public func setNodeAvailability(_ id: String, _ availability: NodeAvailability) async throws {
        try await answer("node-update") { try Self.manager($0, "/nodes/\(id)/update") }
        state.withLock { $0.performed.append("availability \(id) \(availability.rawValue)") }
    }

    public func inspectRaw(_ kind: InspectKind, _ id: String) async throws -> [UInt8] {
        try await answer("inspect-raw") { answers in
            guard let json = answers.documents["\(kind.rawValue)/\(id)"] else {
                throw DockerError.api(status: 404, message: "No such \(kind.rawValue): \(id)", path: "/\(kind.rawValue)s/\(id)/json")
            }
            return Array(json.utf8)
        }
    }

    public func top(_ container: String, psArgs: String?) async throws -> ProcessList {
        try await answer("top") { answers in
            guard let json = answers.top[container]?[psArgs ?? ""] else {
                throw DockerError.api(status: 500, message: "ps: unknown option", path: "/containers/\(container)/top")
            }
            return try EnginePayload.object(ProcessList.self, Array(json.utf8), what: "/containers/\(container)/top")
        }
    }

    public func createExec(_ container: String, _ spec: ExecSpec) async throws -> String {
        try await answer("exec-create") { answers in
            guard answers.execs[container] != nil else {
                throw DockerError.api(status: 409, message: "Container \(container) is not running", path: "/containers/\(container)/exec")
            }
            return container
        }
    }

    public func runExec(_ id: String, tty: Bool, input: AsyncStream<SessionInput>,
                        output: @escaping @Sendable (LogStream, [UInt8]) -> Void) async throws -> SessionEnd {
        let script = try await answer("exec-start") { answers in
            guard let script = answers.execs[id] else {
                throw DockerError.api(status: 404, message: "No such exec instance: \(id)", path: "/exec/\(id)/start")
            }
            return script
        }
        for (stream, text) in script.output { output(stream == 2 ? .stderr : .stdout, Array(text.utf8)) }
        return .exited(script.exitCode)
    }

    public var isPodman: Bool { state.withLock { $0.answers.isPodman } }

    public func diskUsage() async throws -> DiskUsage {
        try await answer("df") { try EnginePayload.object(DiskUsage.self, Array($0.diskUsage.utf8), what: "/system/df") }
    }

    public func prune(_ kind: PruneKind) async throws -> PruneReport {
        let report = try await answer("prune") { $0.pruned[kind] ?? PruneReport(removed: [], spaceReclaimed: 0) }
        state.withLock { $0.performed.append("prune \(kind.rawValue)") }
        return report
    }

    /// Records a change a test asked for, or throws the refusal set for it.
    private func change(_ call: String, _ name: String) async throws {
        try await answer(call) { answers in
            if let refusal = answers.refusals["\(call) \(name)"] {
                throw DockerError.api(status: refusal.status, message: refusal.message, path: call)
            }
        }
        state.withLock { $0.performed.append("\(call) \(name)") }
    }

    public func removeImage(_ name: String, force: Bool) async throws -> [ImageDeleteItem] {
        try await change(force ? "remove-image-force" : "remove-image", name)
        return []
    }

    public func removeVolume(_ name: String) async throws { try await change("remove-volume", name) }
    public func removeNetwork(_ id: String) async throws { try await change("remove-network", id) }

    public func tagImage(_ image: String, repository: String, tag: String?) async throws {
        try await change("tag", "\(image) \(repository):\(tag ?? "latest")")
    }

    public func createVolume(name: String, driver: String?) async throws { try await change("create-volume", name) }
    public func createNetwork(name: String, driver: String?) async throws { try await change("create-network", name) }

    public func pullImage(_ reference: ImageReference, auth: RegistryAuth?) async throws -> AsyncThrowingStream<ProgressMessage, Error> {
        try await transfer("pull", reference, auth)
    }

    public func pushImage(_ reference: ImageReference, auth: RegistryAuth?) async throws -> AsyncThrowingStream<ProgressMessage, Error> {
        try await transfer("push", reference, auth)
    }

    /// Creates a container (recorded as `create NAME IMAGE`) unless a refusal is set for it.
    public func createContainer(_ spec: ContainerSpec) async throws -> String {
        try await change("create", "\(spec.name ?? "-") \(spec.image)")
        return "c" + String(repeating: "0", count: 63)
    }

    public func build(_ context: ContextUpload, _ options: BuildOptions) async throws -> AsyncThrowingStream<ProgressMessage, Error> {
        let lines = try await answer("build") { answers in
            guard let lines = answers.build else {
                throw DockerError.api(status: 500, message: "no build in memory", path: "/build")
            }
            return lines
        }
        state.withLock {
            $0.performed.append("build \(options.dockerfile) tags=\(options.tags.joined(separator: ",")) entries=\(context.entries)")
        }
        let messages = try lines.map { try EnginePayload.object(ProgressMessage.self, Array($0.utf8), what: "/build") }
        return AsyncThrowingStream { continuation in
            for message in messages { continuation.yield(message) }
            continuation.finish()
        }
    }

    private func transfer(_ call: String, _ reference: ImageReference, _ auth: RegistryAuth?) async throws
        -> AsyncThrowingStream<ProgressMessage, Error> {
        let lines = try await answer(call) { answers in
            guard let lines = answers.transfers["\(call) \(reference)"] else {
                throw DockerError.api(status: 404, message: "repository \(reference.repository) not found", path: "/images/create")
            }
            return lines
        }
        state.withLock { $0.performed.append("\(call) \(reference) auth=\(auth?.isAnonymous == false ? "yes" : "no")") }
        let messages = try lines.map { try EnginePayload.object(ProgressMessage.self, Array($0.utf8), what: call) }
        return AsyncThrowingStream { continuation in
            for message in messages { continuation.yield(message) }
            continuation.finish()
        }
    }

    public func lostConnectionReason() async -> String? {
        state.withLock { $0.reachable ? nil : $0.unreachableReason }
    }

    public func shutdown() async {}

    static func matches(_ event: EngineEvent, _ filters: [String: [String]]) -> Bool {
        if let types = filters["type"], let type = event.Type, !types.contains(type) { return false }
        if let ids = filters["container"], !ids.contains(event.actorID) { return false }
        return true
    }
}

/// A log body's iterator, read by one reader at a time; it keeps a hanging stream's continuation alive.
private final class IteratorBox: @unchecked Sendable {
    private var iterator: AsyncThrowingStream<ByteBuffer, Error>.AsyncIterator
    private let continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation

    init(_ iterator: AsyncThrowingStream<ByteBuffer, Error>.AsyncIterator,
         keeping continuation: AsyncThrowingStream<ByteBuffer, Error>.Continuation) {
        self.iterator = iterator
        self.continuation = continuation
    }

    func next() async throws -> ByteBuffer? { try await iterator.next() }
}
