#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1

/// What `GET /_ping` tells before any version is chosen.
public struct PingInfo: Sendable, Equatable {
    public var apiVersion: APIVersion?
    public var osType: String?
    public var experimental: Bool
    /// podman's own API version (its ping sends `Libpod-Api-Version`); nil for Docker's engines.
    public var libpodVersion: String? = nil

    /// podman behind its Docker-compatible API: some answers differ (see DESIGN §6).
    public var isPodman: Bool { libpodVersion != nil }
}

/// A connection to one engine, at the API version negotiated when it connected.
/// Immutable: to follow an engine that restarted (perhaps upgraded), connect again.
public final class DockerClient: Sendable {
    public let endpoint: EngineEndpoint
    public let apiVersion: APIVersion
    public let ping: PingInfo
    let transport: HTTPTransport

    private init(endpoint: EngineEndpoint, transport: HTTPTransport, ping: PingInfo, apiVersion: APIVersion) {
        self.endpoint = endpoint
        self.transport = transport
        self.ping = ping
        self.apiVersion = apiVersion
    }

    /// Connects, pings and negotiates: min(engine's maximum, newest version swtop is tested with).
    /// Throws `.unreachable` with the address tried when nothing answers.
    public static func connect(_ endpoint: EngineEndpoint, pinnedVersion: APIVersion? = nil) async throws -> DockerClient {
        // A missing or refused unix socket is known at once, without a request.
        if case let .unix(path) = endpoint.address, let reason = UnixSocketProbe.failure(path) {
            throw DockerError.unreachable(address: endpoint.address.description, reason: reason)
        }
        // ssh://: one ssh process forwards a private local socket; everything below speaks http+unix to it.
        var tunnel: SSHTunnel?
        if case .ssh = endpoint.address { tunnel = try await SSHTunnel.open(endpoint.address) }
        let transport: HTTPTransport
        do {
            transport = try HTTPTransport(endpoint: endpoint, tunnel: tunnel)
        } catch {
            await tunnel?.stop()
            throw error
        }
        do {
            let ping = try await Self.ping(transport)
            let version = pinnedVersion ?? APIVersion.negotiate(engineMaximum: ping.apiVersion)
            return DockerClient(endpoint: endpoint, transport: transport, ping: ping, apiVersion: version)
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    /// True when the engine runs on this machine (its files, e.g. overlay2 directories and cgroups, are
    /// this machine's): only a unix socket says so; an ssh:// engine's local socket is a forward.
    public var isLocal: Bool {
        if case .unix = endpoint.address { return true }
        return false
    }

    /// For a unix socket: whether something listens there now (one connect(2), no request to the engine).
    /// nil for other addresses.
    public static func socketListening(_ endpoint: EngineEndpoint) -> Bool? {
        guard case let .unix(path) = endpoint.address else { return nil }
        return UnixSocketProbe.failure(path) == nil
    }

    /// `DOCKER_HOST` for this engine: its socket, its tcp address (with its TLS material), or for an
    /// ssh:// engine the local end of swtop's own tunnel (so Compose and a custom command go through the
    /// one ssh connection swtop already has).
    public var cliEnvironment: DockerCLIEnvironment? {
        switch endpoint.address {
        case let .unix(path): return DockerCLIEnvironment(host: "unix://" + path)
        case let .tcp(host, port, tls):
            let shown = host.contains(":") ? "[\(host)]" : host
            return DockerCLIEnvironment(host: "tcp://\(shown):\(port)", tls: tls ? (endpoint.tls ?? TLSMaterial(verify: false)) : nil)
        case .ssh:
            return sshTunnel.map { DockerCLIEnvironment(host: "unix://" + $0.localSocket) }
        }
    }

    /// The ssh client process of an ssh:// engine, nil for others.
    public var sshTunnel: SSHTunnel? { transport.tunnel }

    /// Why the connection's streams ended when the client knows better than "the stream ended": for an
    /// ssh:// engine whose ssh process is gone, that (with what ssh said). Nil otherwise.
    /// (The streams may see the closed socket a moment before ssh is reaped: wait up to 0.5 s for it.)
    public func lostConnectionReason() async -> String? {
        guard let tunnel = transport.tunnel else { return nil }
        for _ in 0..<25 where !tunnel.exited { try? await Task.sleep(for: .milliseconds(20)) }
        guard tunnel.exited else { return nil }
        return "the ssh connection ended" + (tunnel.diagnosis().map { " (\($0))" } ?? "")
    }

    /// Must be called before the client is dropped (it closes the kept-alive connections). Ends the ssh process of
    /// an ssh:// engine.
    public func shutdown() async {
        await transport.shutdown()
    }

    static func ping(_ transport: HTTPTransport) async throws -> PingInfo {
        let request = try transport.makeRequest(.GET, "/_ping")
        let (status, headers, body) = try await transport.call(request, timeout: .seconds(10))
        guard status == 200 else {
            if let text = TLSFailureText.plainHTTPToTLS(status: status, body: body, endpoint: transport.endpoint) {
                throw DockerError.unreachable(address: transport.endpoint.address.description, reason: text)
            }
            throw DockerError.fromResponse(status: status, body: body, path: "/_ping")
        }
        return PingInfo(apiVersion: headers.first(name: "Api-Version").flatMap(APIVersion.init),
                        osType: headers.first(name: "OSType"),
                        experimental: headers.first(name: "Docker-Experimental") == "true",
                        libpodVersion: headers.first(name: "Libpod-Api-Version"))
    }

    // MARK: - Plumbing

    func versioned(_ path: String, _ query: [(String, String)] = []) -> String {
        var text = "/v\(apiVersion)\(path)"
        if !query.isEmpty {
            text += "?" + query.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        return text
    }

    /// Percent-encodes everything but RFC 3986's unreserved ASCII characters, byte by byte of the UTF-8
    /// (so a non-ASCII letter in a name is encoded, not sent raw).
    static func escape(_ value: String) -> String {
        PercentEncoding.encode(value)
    }

    static func filtersJSON(_ filters: [String: [String]]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(filters)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Sends a request and returns its body; any non-2xx status (except those in `accepting`) throws the
    /// engine's message.
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: Data? = nil,
              accepting: Set<Int> = [], timeout: TimeAmount = .seconds(60)) async throws -> (status: Int, body: [UInt8]) {
        let full = versioned(path, query)
        let request = try transport.makeRequest(method, full, json: json)
        let (status, _, body) = try await transport.call(request, timeout: timeout)
        guard (200..<300).contains(status) || accepting.contains(status) else {
            throw DockerError.fromResponse(status: status, body: body, path: path)
        }
        return (status, body)
    }

    func get<T: Decodable>(_ type: T.Type, _ path: String, query: [(String, String)] = []) async throws -> T {
        let (_, body) = try await send(.GET, path, query: query)
        return try Self.decode(type, from: body, what: path)
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw DockerError.malformed(what: "payload of \(what)", detail: Self.describeDecoding(error))
        }
    }

    static func describeDecoding(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        switch error {
        case let .dataCorrupted(context): return "not valid JSON (\(context.debugDescription))"
        case let .keyNotFound(key, context): return "missing '\(key.stringValue)' at \(path(context))"
        case let .typeMismatch(type, context): return "expected \(type) at \(path(context))"
        case let .valueNotFound(type, context): return "null where \(type) belongs at \(path(context))"
        @unknown default: return String(describing: error)
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.isEmpty ? "top level" : text
    }

    // MARK: - System

    public func version() async throws -> EngineVersion { try await get(EngineVersion.self, "/version") }
    public func info() async throws -> EngineInfo { try await get(EngineInfo.self, "/info") }

    // MARK: - Lists and inspect

    public func containers(all: Bool = true, filters: [String: [String]] = [:]) async throws -> [ContainerSummary] {
        var query = [("all", all ? "1" : "0")]
        if !filters.isEmpty { query.append(("filters", Self.filtersJSON(filters))) }
        return try await get(LossyArray<ContainerSummary>.self, "/containers/json", query: query).elements
    }

    public func inspectContainer(_ id: String) async throws -> ContainerDetails {
        try await get(ContainerDetails.self, "/containers/\(Self.escape(id))/json")
    }

    public func images(all: Bool = false) async throws -> [ImageSummary] {
        try await get(LossyArray<ImageSummary>.self, "/images/json", query: [("all", all ? "1" : "0")]).elements
    }

    public func inspectImage(_ reference: String) async throws -> ImageDetails {
        try await get(ImageDetails.self, "/images/\(Self.escape(reference))/json")
    }

    public func imageHistory(_ reference: String) async throws -> [ImageHistoryEntry] {
        try await get(LossyArray<ImageHistoryEntry>.self, "/images/\(Self.escape(reference))/history").elements
    }

    /// `GET /containers/{id}/changes`: what the container's read/write layer adds, changes and deletes.
    /// Engine 26.1 answers `null` when nothing changed (a created or fresh container): an empty layer.
    public func containerChanges(_ id: String) async throws -> [ContainerChange] {
        let path = "/containers/\(Self.escape(id))/changes"
        let (_, body) = try await send(.GET, path)
        let significant = body.filter { $0 > 0x20 }
        if significant.isEmpty || significant.elementsEqual("null".utf8) { return [] }
        return try Self.decode(LossyArray<ContainerChange>.self, from: body, what: path).elements
    }

    public func volumes() async throws -> [Volume] {
        try await get(VolumeList.self, "/volumes").Volumes?.elements ?? []
    }

    public func networks() async throws -> [Network] {
        try await get(LossyArray<Network>.self, "/networks").elements
    }

    /// One stats sample, returned at once (`one-shot` skips the engine's second sampling pass).
    public func stats(_ id: String) async throws -> StatsSample {
        try await get(StatsSample.self, "/containers/\(Self.escape(id))/stats",
                      query: [("stream", "false"), ("one-shot", "true")])
    }
}
