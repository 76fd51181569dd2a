import NIOCore

/// The calls the store and the sessions make of an engine. `DockerClient` answers them over the Engine
/// API; an in-memory engine answers them in unit tests (reconnects, streams that end at once, malformed
/// payloads, slow answers), through the same payload decoding and log framing.
public protocol EngineAPI: Sendable {
    /// The API version spoken (negotiated at connect).
    var apiVersion: APIVersion { get }
    func version() async throws -> EngineVersion
    func info() async throws -> EngineInfo
    func containers(all: Bool, filters: [String: [String]]) async throws -> [ContainerSummary]
    func inspectContainer(_ id: String) async throws -> ContainerDetails
    func images(all: Bool) async throws -> [ImageSummary]
    func volumes() async throws -> [Volume]
    func networks() async throws -> [Network]
    /// One stats sample, at once.
    func stats(_ id: String) async throws -> StatsSample
    func perform(_ action: ContainerAction, on id: String) async throws
    /// The events stream from now on; it ends (or throws) when the connection does.
    func subscribeEvents(filters: [String: [String]]) async throws -> AsyncThrowingStream<EngineEvent, Error>
    func openLogs(_ id: String, options: LogOptions, tty: Bool?) async throws -> LogReader
    func openServiceLogs(_ id: String, options: LogOptions, tty: Bool?, details: Bool) async throws -> LogReader
    func inspectService(_ id: String) async throws -> SwarmService
    func tasks(services: [String]) async throws -> [SwarmTask]
    func services(filters: [String: [String]]) async throws -> [SwarmService]
    func nodes() async throws -> [SwarmNode]
    func scaleService(_ id: String, replicas: UInt64) async throws
    func setNodeAvailability(_ id: String, _ availability: NodeAvailability) async throws
    /// The inspect document as the engine sent it (keys in its order).
    func inspectRaw(_ kind: InspectKind, _ id: String) async throws -> [UInt8]
    /// `docker top` with these `ps` options (nil: the engine's default columns).
    func top(_ container: String, psArgs: String?) async throws -> ProcessList
    func createExec(_ container: String, _ spec: ExecSpec) async throws -> String
    /// Starts an exec and pumps it until it ends or the user detaches.
    func runExec(_ id: String, tty: Bool, input: AsyncStream<SessionInput>,
                 output: @escaping @Sendable (LogStream, [UInt8]) -> Void) async throws -> SessionEnd
    /// podman behind its Docker-compatible API (some answers differ).
    var isPodman: Bool { get }
    /// `GET /system/df`.
    func diskUsage() async throws -> DiskUsage
    func prune(_ kind: PruneKind) async throws -> PruneReport
    func removeImage(_ name: String, force: Bool) async throws -> [ImageDeleteItem]
    func removeVolume(_ name: String) async throws
    func removeNetwork(_ id: String) async throws
    func tagImage(_ image: String, repository: String, tag: String?) async throws
    func createVolume(name: String, driver: String?) async throws
    func createNetwork(name: String, driver: String?) async throws
    func pullImage(_ reference: ImageReference, auth: RegistryAuth?) async throws -> AsyncThrowingStream<ProgressMessage, Error>
    func pushImage(_ reference: ImageReference, auth: RegistryAuth?) async throws -> AsyncThrowingStream<ProgressMessage, Error>
    func createContainer(_ spec: ContainerSpec) async throws -> String
    /// A classic build of the context (`POST /build`, version 1).
    func build(_ context: ContextUpload, _ options: BuildOptions) async throws -> AsyncThrowingStream<ProgressMessage, Error>
    /// How the docker CLI and Compose reach this engine (nil: they cannot, as for an in-memory engine).
    var cliEnvironment: DockerCLIEnvironment? { get }
    /// Why the connection ended, when it did (the ssh client's last words, say).
    func lostConnectionReason() async -> String?
    func shutdown() async
}

extension EngineAPI {
    public var cliEnvironment: DockerCLIEnvironment? { nil }
    public func containers(all: Bool = true) async throws -> [ContainerSummary] { try await containers(all: all, filters: [:]) }
    public func images() async throws -> [ImageSummary] { try await images(all: false) }
    public func subscribeEvents() async throws -> AsyncThrowingStream<EngineEvent, Error> { try await subscribeEvents(filters: [:]) }
    public func openLogs(_ id: String, options: LogOptions) async throws -> LogReader { try await openLogs(id, options: options, tty: nil) }
    public func openServiceLogs(_ id: String, options: LogOptions, details: Bool) async throws -> LogReader {
        try await openServiceLogs(id, options: options, tty: nil, details: details)
    }
    public func tasks() async throws -> [SwarmTask] { try await tasks(services: []) }
    public func services() async throws -> [SwarmService] { try await services(filters: [:]) }
}

extension DockerClient: EngineAPI {
    public var isPodman: Bool { ping.isPodman }
}

/// Reads an engine's JSON answers as `DockerClient` does: a list keeps the elements that decode (each
/// failure is dropped, not the whole list); anything else that does not decode is `.malformed`.
public enum EnginePayload {
    public static func list<T: Decodable>(_ type: T.Type, _ body: [UInt8], what: String) throws -> [T] {
        try DockerClient.decode(LossyArray<T>.self, from: body, what: what).elements
    }

    public static func object<T: Decodable>(_ type: T.Type, _ body: [UInt8], what: String) throws -> T {
        try DockerClient.decode(type, from: body, what: what)
    }

    /// An error answer as a failed call reports it.
    public static func error(status: Int, _ body: [UInt8], path: String) -> DockerError {
        DockerError.fromResponse(status: status, body: body, path: path)
    }

    /// The head of a hijacked (exec, attach) answer: its status and the bytes after the blank line; nil
    /// while the head is incomplete; throws for what is not an HTTP answer or a head over 64 KiB.
    public static func hijackedHead(_ bytes: [UInt8]) throws -> (status: Int, rest: [UInt8])? {
        try UpgradeHead.parse(bytes).map { ($0.status, $0.rest) }
    }
}
