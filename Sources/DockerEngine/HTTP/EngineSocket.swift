import NIOCore
import NIOPosix
import NIOSSL

/// One connection to an engine's socket: unix, tcp (+TLS), or for an ssh:// engine the local socket of its
/// tunnel (each connection one more channel of the one SSH connection). The HTTP calls and streams and the
/// hijacked exec and attach sessions all connect here; `initialize` adds their handlers on the event loop.
enum EngineSocket {
    static func connect<Output: Sendable>(_ endpoint: EngineEndpoint, forwardedSocket: String?,
                                          allowHalfClosure: Bool = false,
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
            case let .tcp(host, port, tls):
                let context = try tls ? NIOSSLContext(configuration: HTTPTransport.tlsConfiguration(endpoint.tls ?? TLSMaterial(verify: true))) : nil
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
    static func hostHeader(_ address: EngineAddress) -> String {
        if case let .tcp(name, port, _) = address { return name.contains(":") ? "[\(name)]:\(port)" : "\(name):\(port)" }
        return "docker"
    }
}
