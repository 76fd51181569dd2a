#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// HTTP/1.1 to one engine on SwiftNIO: kept-alive connections for calls (one exchange at a time each, up
/// to 8 kept idle for 30 s), a connection of its own for each stream (events, logs, progress) that closes
/// when its reader stops. The same sockets as the hijacked exec and attach sessions (`EngineSocket`).
/// An `ssh://` engine is HTTP over the local socket of its `SSHTunnel`, which this transport owns.
final class HTTPTransport: Sendable {
    let endpoint: EngineEndpoint
    /// The ssh forward of an `ssh://` engine: stopped with the transport.
    let tunnel: SSHTunnel?
    /// Where every connection of this engine goes (its TLS context made once).
    let socket: EngineSocket
    private let host: String
    /// Kept-alive connections waiting for a call; none are kept once the transport is shut down.
    private let pool = NIOLockedValueBox(Pool())

    private struct Pool {
        var idle: [EngineConnection] = []
        var closed = false
    }

    init(endpoint: EngineEndpoint, tunnel: SSHTunnel? = nil) throws {
        self.endpoint = endpoint
        self.tunnel = tunnel
        if case .ssh = endpoint.address, tunnel == nil {
            throw DockerError.invalidHost("\(endpoint.address): an ssh engine needs its tunnel")
        }
        // The certificate files are read here, once: a missing one is said when connecting.
        socket = try EngineSocket(endpoint, forwardedSocket: tunnel?.localSocket)
        host = socket.hostHeader
    }

    static func tlsConfiguration(_ material: TLSMaterial) throws -> TLSConfiguration {
        var config = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = material.caFile { config.trustRoots = .file(ca) }
            if let cert = material.certFile {
                config.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            }
            if let key = material.keyFile { config.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)) }
        } catch {
            throw DockerError.invalidHost("cannot read TLS certificates: \(error)")
        }
        config.certificateVerification = material.verify ? .fullVerification : .none
        return config
    }

    func shutdown() async {
        let idle = pool.withLockedValue { pool in
            pool.closed = true
            defer { pool.idle.removeAll() }
            return pool.idle
        }
        for connection in idle { connection.close() }
        await tunnel?.stop()
    }

    func makeRequest(_ method: HTTPMethod, _ pathAndQuery: String, json body: Data? = nil,
                     headers extra: [(String, String)] = []) throws -> EngineRequest {
        var request = EngineRequest(method: method, uri: pathAndQuery, headers: HTTPHeaders(extra))
        if let body {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    /// A kept-alive connection, or a new one.
    private func connection() async throws -> (EngineConnection, reused: Bool) {
        while let kept = pool.withLockedValue({ $0.idle.popLast() }) {
            if kept.isFresh { return (kept, true) }
            kept.close()
        }
        return (try await EngineConnection.open(socket), false)
    }

    /// Back into the idle list (called on the connection's event loop when its response ended).
    private func keep(_ connection: EngineConnection) {
        connection.markIdle()
        let kept = pool.withLockedValue { pool -> Bool in
            guard !pool.closed, pool.idle.count < 8 else { return false }
            pool.idle.append(connection)
            return true
        }
        if !kept { connection.close() }
    }

    /// One exchange on a kept-alive connection. A GET whose reused connection turned out closed (the engine
    /// may drop an idle one at any moment) is sent once more on a new connection.
    private func exchange(_ request: EngineRequest, deadline: TimeAmount) async throws -> EngineResponse {
        try checkTunnel()
        let (connection, reused) = try await connection()
        do {
            return try await connection.exchange(request, host: host, deadline: deadline) { [weak self] in
                self?.keep(connection)
            }
        } catch let error where reused && request.method == .GET && !(error is CancellationError)
                    && (error as? ExchangeFailure) != .timedOut {
            let fresh = try await EngineConnection.open(socket)
            return try await fresh.exchange(request, host: host, deadline: deadline) { [weak self] in
                self?.keep(fresh)
            }
        }
    }

    /// A request whose whole body is read. Non-2xx statuses are returned, not thrown: callers decide
    /// (304 on start/stop is success).
    func call(_ request: EngineRequest, timeout: TimeAmount = .seconds(60),
              maxBody: Int = 256 << 20) async throws -> (status: Int, headers: HTTPHeaders, body: [UInt8]) {
        do {
            let response = try await exchange(request, deadline: timeout)
            return (response.status, response.headers, try await response.body.collect(upTo: maxBody))
        } catch {
            throw mapError(error)
        }
    }

    /// Opens a streaming request (30 s for its head; its body may be idle for hours); throws the engine's
    /// error for a non-2xx status.
    func open(_ request: EngineRequest, path: String) async throws -> EngineResponse {
        try checkTunnel()
        let response: EngineResponse
        do {
            // A stream's connection is its own: it is not kept when the stream ends early.
            let connection = try await EngineConnection.open(socket)
            response = try await connection.exchange(request, host: host, deadline: .seconds(30)) { connection.close() }
        } catch {
            throw mapError(error)
        }
        guard (200..<300).contains(response.status) else {
            var body: [UInt8] = []
            for try await chunk in response.body {
                body.append(contentsOf: chunk.readableBytesView)
                if body.count > 65_536 { break }
            }
            throw DockerError.fromResponse(status: response.status, body: body, path: path)
        }
        return response
    }

    /// A dead ssh fails a call at once (not after the connect timeout of its refused socket).
    func checkTunnel() throws {
        if let tunnel, tunnel.exited {
            throw DockerError.unreachable(address: endpoint.address.description,
                                          reason: "the ssh connection ended" + (tunnel.diagnosis().map { " (\($0))" } ?? ""))
        }
    }

    func mapError(_ error: Error) -> Error {
        if error is DockerError || error is CancellationError { return error }
        return DockerError.unreachable(address: endpoint.address.description, reason: reason(for: error))
    }

    /// `describe`, with TLS failures worded for this endpoint's certificate files.
    func describeForEndpoint(_ error: Error) -> String {
        Self.describe(error, endpoint: endpoint)
    }

    static func describe(_ error: Error, endpoint: EngineEndpoint) -> String {
        if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first {
            return describe(first.error, endpoint: endpoint)
        }
        return TLSFailureText.describe(error, endpoint: endpoint) ?? describe(error)
    }

    /// `mapError` for a stream that broke: a closed socket may be seen a moment before the ssh process
    /// behind it is reaped, so wait for that (up to 0.5 s) to name the real cause.
    func mapErrorSettled(_ error: Error) async -> Error {
        if let tunnel, !(error is DockerError), !(error is CancellationError) {
            for _ in 0..<25 where !tunnel.exited { try? await Task.sleep(for: .milliseconds(20)) }
        }
        return mapError(error)
    }

    /// For an ssh engine, what ssh said beats what the local socket saw (it only sees a closed connection);
    /// for a TLS engine, the failure is worded for its certificate files.
    func reason(for error: Error) -> String {
        if let tunnel {
            if tunnel.exited { return "the ssh connection ended" + (tunnel.diagnosis().map { " (\($0))" } ?? "") }
            if let said = tunnel.diagnosis() { return "\(Self.describe(error)); \(said)" }
        }
        return describeForEndpoint(error)
    }

    static func describe(_ error: Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ENOENT: return "no socket there (is the engine running?)"
            case ECONNREFUSED: return "connection refused (is the engine running?)"
            case EACCES: return "permission denied (are you in the docker group?)"
            default: return String(cString: strerror(io.errnoCode))
            }
        }
        if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first {
            return describe(first.error)
        }
        if let failure = error as? ExchangeFailure {
            switch failure {
            case .closed: return "the engine closed the connection"
            case .timedOut: return "no answer in time"
            }
        }
        if let ssl = error as? NIOSSLError { return "TLS: \(ssl)" }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "connection timed out" }
        return String(describing: error)
    }
}
