import NIOCore
import NIOPosix
import NIOSSL

/// Where an engine's connections go: unix, tcp (+TLS), or for an ssh:// engine the local socket of its
/// tunnel (each connection one more channel of the one SSH connection). The HTTP calls and streams and the
/// hijacked exec and attach sessions all connect here; `initialize` adds their handlers on the event loop.
/// Made once per transport: the TLS context (the certificate files read) is shared by every connection.
struct EngineSocket: Sendable {
    let endpoint: EngineEndpoint
    /// The tunnel's local socket for an ssh:// engine.
    let forwardedSocket: String?
    let tls: NIOSSLContext?

    init(_ endpoint: EngineEndpoint, forwardedSocket: String?) throws {
        self.endpoint = endpoint
        self.forwardedSocket = forwardedSocket
        guard case .tcp(_, _, true) = endpoint.address else {
            tls = nil
            return
        }
        do {
            tls = try NIOSSLContext(configuration: HTTPTransport.tlsConfiguration(endpoint.tls ?? TLSMaterial(verify: true)))
        } catch let error as DockerError {
            throw error
        } catch {
            // Worded as a failed connection is (the context was made at each connection before).
            throw DockerError.unreachable(address: endpoint.address.description, reason: HTTPTransport.describe(error, endpoint: endpoint))
        }
    }

    func connect<Output: Sendable>(allowHalfClosure: Bool = false,
                                   initialize: @escaping @Sendable (any Channel) throws -> Output) async throws -> Output {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: allowHalfClosure)
        do {
            switch endpoint.address {
            case let .unix(path):
                return try await bootstrap.connect(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture { try initialize(channel) }
                }
            case let .tcp(host, port, _):
                let context = tls
                let serverName = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
                return try await bootstrap.connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let context {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                        }
                        return try initialize(channel)
                    }
                }
            case .ssh:
                guard let path = forwardedSocket else {
                    throw DockerError.invalidHost("\(endpoint.address): no local socket for the ssh forward")
                }
                return try await bootstrap.connect(unixDomainSocketPath: path) { channel in
                    channel.eventLoop.makeCompletedFuture { try initialize(channel) }
                }
            }
        } catch let error as DockerError {
            throw error
        } catch {
            throw DockerError.unreachable(address: endpoint.address.description, reason: HTTPTransport.describe(error, endpoint: endpoint))
        }
    }

    /// The Host header: the engine rejects HTTP/1.1 without one; over a socket any name does.
    var hostHeader: String {
        if case let .tcp(name, port, _) = endpoint.address { return name.contains(":") ? "[\(name)]:\(port)" : "\(name):\(port)" }
        return "docker"
    }
}
