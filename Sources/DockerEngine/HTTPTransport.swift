import AsyncHTTPClient
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// HTTP to one engine over AsyncHTTPClient. Two clients: one for calls (with a read timeout) and one for
/// long-lived streams (events, logs) whose reads may be idle for hours. AHC's deadline only covers the
/// response head, so a stream's body is bounded by the read timeout alone — hence the split.
/// An `ssh://` engine is http+unix to the local end of its `SSHTunnel`, which this transport owns.
final class HTTPTransport: Sendable {
    let endpoint: EngineEndpoint
    /// The ssh forward of an `ssh://` engine: stopped with the transport.
    let tunnel: SSHTunnel?
    private let calls: HTTPClient
    private let streams: HTTPClient

    init(endpoint: EngineEndpoint, tunnel: SSHTunnel? = nil) throws {
        self.endpoint = endpoint
        self.tunnel = tunnel
        if case .ssh = endpoint.address, tunnel == nil {
            throw DockerError.invalidHost("\(endpoint.address): an ssh engine needs its tunnel")
        }
        var tls: TLSConfiguration?
        if case .tcp(_, _, true) = endpoint.address {
            tls = try Self.tlsConfiguration(endpoint.tls ?? TLSMaterial(verify: true))
        }
        func configuration(read: TimeAmount?) -> HTTPClient.Configuration {
            var config = HTTPClient.Configuration(
                tlsConfiguration: tls,
                timeout: .init(connect: .seconds(5), read: read),
                connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64),
                decompression: .disabled)
            config.httpVersion = .http1Only
            // A failed TLS handshake is not transient: say why at once instead of retrying until the
            // request's deadline.
            if tls != nil { config.connectionPool.retryConnectionEstablishment = false }
            return config
        }
        calls = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(read: .seconds(120)))
        streams = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration(read: nil))
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
        try? await calls.shutdown()
        try? await streams.shutdown()
        await tunnel?.stop()
    }

    func makeRequest(_ method: HTTPMethod, _ pathAndQuery: String, json body: Data? = nil,
                     headers extra: [(String, String)] = []) throws -> HTTPClientRequest {
        let url: String
        switch endpoint.address {
        case let .unix(path):
            guard let built = URL(httpURLWithSocketPath: path, uri: pathAndQuery) else {
                throw DockerError.invalidHost("socket path \(path)")
            }
            url = built.absoluteString
        case let .tcp(host, port, tls):
            let shown = host.contains(":") ? "[\(host)]" : host
            url = "\(tls ? "https" : "http")://\(shown):\(port)\(pathAndQuery)"
        case .ssh:
            guard let tunnel, let built = URL(httpURLWithSocketPath: tunnel.localSocket, uri: pathAndQuery) else {
                throw DockerError.invalidHost("\(endpoint.address): no local socket for the ssh forward")
            }
            url = built.absoluteString
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        // Over a unix socket AHC sends no Host header, and the engine rejects HTTP/1.1 without one.
        switch endpoint.address {
        case .unix, .ssh: request.headers.replaceOrAdd(name: "Host", value: "docker")
        case .tcp: break
        }
        request.headers.add(name: "User-Agent", value: "swtop")
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    /// A request whose whole body is read. Non-2xx statuses are returned, not thrown: callers decide
    /// (304 on start/stop is success).
    func call(_ request: HTTPClientRequest, timeout: TimeAmount = .seconds(60),
              maxBody: Int = 256 << 20) async throws -> (status: Int, headers: HTTPHeaders, body: [UInt8]) {
        try checkTunnel()
        do {
            let response = try await calls.execute(request, timeout: timeout)
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: maxBody)
            } catch is NIOTooManyBytesError {
                throw DockerError.malformed(what: "response", detail: "body larger than \(maxBody) bytes")
            }
            return (Int(response.status.code), response.headers, Array(body.readableBytesView))
        } catch {
            throw mapError(error)
        }
    }

    /// Opens a streaming request; throws the engine's error for a non-2xx status.
    func open(_ request: HTTPClientRequest, path: String) async throws -> HTTPClientResponse {
        try checkTunnel()
        let response: HTTPClientResponse
        do {
            response = try await streams.execute(request, timeout: .seconds(30))
        } catch {
            throw mapError(error)
        }
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            var body: [UInt8] = []
            for try await chunk in response.body {
                body.append(contentsOf: chunk.readableBytesView)
                if body.count > 65_536 { break }
            }
            throw DockerError.fromResponse(status: status, body: body, path: path)
        }
        return response
    }

    /// A dead ssh fails a call at once (AsyncHTTPClient would retry the refused socket until its connect
    /// timeout).
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
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "connection timed out"
            case .readTimeout: return "the engine stopped answering (read timed out)"
            case .deadlineExceeded: return "no answer in time"
            case .remoteConnectionClosed: return "the engine closed the connection"
            default: return String(describing: client)
            }
        }
        if let ssl = error as? NIOSSLError { return "TLS: \(ssl)" }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "connection timed out" }
        return String(describing: error)
    }
}
