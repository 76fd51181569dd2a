#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where an engine listens.
public enum EngineAddress: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int, tls: Bool)
    /// `ssh://[user@]host[:port][/path/to/docker.sock]`: the remote socket (`socket`, default
    /// `/var/run/docker.sock`) forwarded by one OpenSSH client process (see `SSHTunnel`).
    case ssh(user: String?, host: String, port: Int?, socket: String?)

    public static let defaultUnixSocket = "/var/run/docker.sock"

    /// Parses what `DOCKER_HOST` or `--host` may hold: `unix:///path`, `/path`, `tcp://host[:port]`,
    /// `http://`, `https://`, `ssh://[user@]host[:port][/path/to/socket]`.
    public init(parsing raw: String, tlsRequested: Bool = false) throws {
        let text = raw.trimmedWhitespace
        if text.hasPrefix("/") {
            self = .unix(path: text)
            return
        }
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw DockerError.invalidHost("'\(raw)' has no scheme; use unix:///path/to/docker.sock or tcp://host:port")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let rest = String(text[schemeEnd.upperBound...])
        switch scheme {
        case "unix":
            guard rest.hasPrefix("/") else { throw DockerError.invalidHost("'\(raw)': a unix socket path must be absolute") }
            self = .unix(path: rest)
        case "tcp", "http", "https":
            let tls = scheme == "https" || tlsRequested
            let hostPort = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
            let (host, port) = try Self.splitHostPort(hostPort, raw: raw)
            guard !host.isEmpty else { throw DockerError.invalidHost("'\(raw)' names no host") }
            self = .tcp(host: host, port: port ?? (tls ? 2376 : 2375), tls: tls)
        case "ssh":
            var authority = rest
            var socket: String?
            if let slash = rest.firstIndex(of: "/") {
                authority = String(rest[..<slash])
                let path = String(rest[slash...])
                if path != "/" { socket = path }
            }
            var user: String?
            if let at = authority.lastIndex(of: "@") {
                user = String(authority[..<at])
                authority = String(authority[authority.index(after: at)...])
            }
            let (host, port) = try Self.splitHostPort(authority, raw: raw)
            guard !host.isEmpty else { throw DockerError.invalidHost("'\(raw)' names no host") }
            // Handed to ssh as arguments: nothing that ssh could take for an option or a forward's separator.
            if host.hasPrefix("-") || (user?.hasPrefix("-") ?? false) || user == "" {
                throw DockerError.invalidHost("'\(raw)': a user or host may not be empty or start with '-'")
            }
            if let bad = (host + (user ?? "")).unicodeScalars.first(where: { $0.value < 0x21 || $0 == "\u{7F}" }) {
                throw DockerError.invalidHost("'\(raw)': control or space character U+\(String(bad.value, radix: 16, uppercase: true)) in the user or host")
            }
            if let socket, socket.contains(":") || socket.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{7F}" }) {
                throw DockerError.invalidHost("'\(raw)': the remote socket path may not hold ':' or control characters")
            }
            self = .ssh(user: user, host: host, port: port, socket: socket)
        default:
            throw DockerError.invalidHost("'\(raw)': scheme '\(scheme)' is not supported (use unix://, tcp:// or ssh://)")
        }
    }

    private static func splitHostPort(_ text: String, raw: String) throws -> (String, Int?) {
        if text.hasPrefix("[") {  // [::1]:2375
            guard let close = text.firstIndex(of: "]") else { throw DockerError.invalidHost("'\(raw)': unclosed [") }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                guard let port = Int(after.dropFirst()), (1...65535).contains(port) else {
                    throw DockerError.invalidHost("'\(raw)': bad port")
                }
                return (host, port)
            }
            return (host, nil)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else {
                throw DockerError.invalidHost("'\(raw)': bad port '\(parts[1])'")
            }
            return (String(parts[0]), port)
        }
        return (text, nil)
    }

    public var description: String {
        switch self {
        case let .unix(path): return "unix://\(path)"
        case let .tcp(host, port, tls):
            let shown = host.contains(":") ? "[\(host)]" : host
            return "\(tls ? "https" : "tcp")://\(shown):\(port)"
        case let .ssh(user, host, port, socket):
            let shown = host.contains(":") ? "[\(host)]" : host
            return "ssh://\(user.map { "\($0)@" } ?? "")\(shown)\(port.map { ":\($0)" } ?? "")\(socket ?? "")"
        }
    }
}

/// Client certificates for a TLS engine (`DOCKER_CERT_PATH` or a context's TLS folder).
public struct TLSMaterial: Sendable, Equatable {
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var verify: Bool

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, verify: Bool) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.verify = verify
    }

    /// The files the docker CLI looks for in a certificate folder, those that exist.
    static func fromFolder(_ folder: String, verify: Bool) -> TLSMaterial {
        func existing(_ name: String) -> String? {
            let path = PlainPath.join(folder, name)
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        return TLSMaterial(caFile: existing("ca.pem"), certFile: existing("cert.pem"), keyFile: existing("key.pem"),
                           verify: verify)
    }
}

/// A resolved engine: its address, TLS material, and where the choice came from (shown to users).
public struct EngineEndpoint: Sendable, Equatable {
    public var address: EngineAddress
    public var tls: TLSMaterial?
    public var source: String

    public init(address: EngineAddress, tls: TLSMaterial? = nil, source: String) {
        self.address = address
        self.tls = tls
        self.source = source
    }
}
