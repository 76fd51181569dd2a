#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `docker run` sets up, as the create call takes it: the command, ports, volumes and binds,
/// environment, network, restart policy, `--rm`, user, working directory and a terminal.
public struct ContainerSpec: Sendable, Equatable {
    public struct Port: Sendable, Equatable {
        public var hostIP: String?
        public var hostPort: String?
        public var containerPort: String
        public var proto: String

        public init(hostIP: String? = nil, hostPort: String?, containerPort: String, proto: String = "tcp") {
            self.hostIP = hostIP
            self.hostPort = hostPort
            self.containerPort = containerPort
            self.proto = proto
        }
    }

    public var image: String
    public var name: String?
    /// Empty: the image's own.
    public var command: [String] = []
    public var ports: [Port] = []
    /// `-v` as written: `volume:/path[:ro]` or `/host:/path[:ro]`.
    public var binds: [String] = []
    public var env: [String] = []
    public var network: String?
    /// `no`, `always`, `unless-stopped`, `on-failure[:N]`.
    public var restart: String?
    public var autoRemove = false
    public var user: String?
    public var workingDir: String?
    /// `-it`: a terminal and stdin kept open.
    public var tty = false

    public init(image: String) { self.image = image }
}

extension DockerClient {
    private struct CreateBody: Encodable {
        struct Host: Encodable {
            struct Binding: Encodable { var HostIp: String; var HostPort: String }
            struct Restart: Encodable { var Name: String; var MaximumRetryCount: Int }
            var PortBindings: [String: [Binding]]?
            var Binds: [String]?
            var NetworkMode: String?
            var RestartPolicy: Restart?
            var AutoRemove: Bool?
        }

        struct Empty: Encodable {}

        var Image: String
        var Cmd: [String]?
        var Env: [String]?
        var User: String?
        var WorkingDir: String?
        var Tty: Bool
        var OpenStdin: Bool
        var AttachStdin: Bool
        var AttachStdout: Bool
        var AttachStderr: Bool
        var ExposedPorts: [String: Empty]?
        var HostConfig: Host
    }

    private struct Created: Decodable { var Id: String }

    /// `POST /containers/create`: the new container's id; the engine's message when it refuses
    /// (no such image, a name taken, a bad port).
    public func createContainer(_ spec: ContainerSpec) async throws -> String {
        var ports: [String: [CreateBody.Host.Binding]] = [:]
        var exposed: [String: CreateBody.Empty] = [:]
        for port in spec.ports {
            let key = "\(port.containerPort)/\(port.proto)"
            exposed[key] = CreateBody.Empty()
            if port.hostPort != nil || port.hostIP != nil {
                ports[key, default: []].append(.init(HostIp: port.hostIP ?? "", HostPort: port.hostPort ?? ""))
            }
        }
        var restart: CreateBody.Host.Restart?
        if let policy = spec.restart, !policy.isEmpty {
            let parts = policy.split(separator: ":", maxSplits: 1)
            restart = .init(Name: String(parts[0]), MaximumRetryCount: parts.count > 1 ? Int(parts[1]) ?? 0 : 0)
        }
        let body = CreateBody(
            Image: spec.image, Cmd: spec.command.isEmpty ? nil : spec.command, Env: spec.env.isEmpty ? nil : spec.env,
            User: spec.user, WorkingDir: spec.workingDir, Tty: spec.tty, OpenStdin: spec.tty, AttachStdin: spec.tty,
            AttachStdout: spec.tty, AttachStderr: spec.tty, ExposedPorts: exposed.isEmpty ? nil : exposed,
            HostConfig: .init(PortBindings: ports.isEmpty ? nil : ports, Binds: spec.binds.isEmpty ? nil : spec.binds,
                              NetworkMode: spec.network, RestartPolicy: restart, AutoRemove: spec.autoRemove ? true : nil))
        var query: [(String, String)] = []
        if let name = spec.name, !name.isEmpty { query.append(("name", name)) }
        let (_, reply) = try await send(.POST, "/containers/create", query: query, json: try JSONEncoder().encode(body))
        return try Self.decode(Created.self, from: reply, what: "container create").Id
    }
}
