#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Chooses the engine the way the docker CLI does: `--host`, else `DOCKER_HOST`, else `DOCKER_CONTEXT`,
/// else `currentContext` in `$DOCKER_CONFIG/config.json` (default `~/.docker`), else the default socket.
public enum EndpointResolver {
    public static func resolve(explicitHost: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               homeDirectory: String = EndpointResolver.homeDirectory()) throws -> EngineEndpoint {
        let tlsVerify = isSet(environment["DOCKER_TLS_VERIFY"])
        let tlsWanted = tlsVerify || isSet(environment["DOCKER_TLS"])
        let configDir = environment["DOCKER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? PlainPath.join(homeDirectory, ".docker")
        let certDir = environment["DOCKER_CERT_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? configDir

        func fromHost(_ host: String, source: String) throws -> EngineEndpoint {
            let address = try EngineAddress(parsing: host, tlsRequested: tlsWanted)
            var tls: TLSMaterial?
            if case .tcp(_, _, true) = address {
                tls = TLSMaterial.fromFolder(certDir, verify: tlsVerify || !isSet(environment["DOCKER_TLS"]))
            }
            return EngineEndpoint(address: address, tls: tls, source: source)
        }

        if let host = explicitHost, !host.isEmpty { return try fromHost(host, source: "--host") }
        if let host = environment["DOCKER_HOST"], !host.isEmpty { return try fromHost(host, source: "DOCKER_HOST") }

        var contextName = environment["DOCKER_CONTEXT"].flatMap { $0.isEmpty ? nil : $0 }
        var contextSource = "DOCKER_CONTEXT"
        if contextName == nil {
            contextName = currentContext(configDir: configDir)
            contextSource = "\(configDir)/config.json"
        }
        if let name = contextName, name != "default" {
            return try contextEndpoint(name: name, configDir: configDir, source: contextSource)
        }
        return EngineEndpoint(address: .unix(path: EngineAddress.defaultUnixSocket), source: "default socket")
    }

    static func isSet(_ value: String?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        return value != "0" && value.lowercased() != "false"
    }

    static func currentContext(configDir: String) -> String? {
        let path = PlainPath.join(configDir, "config.json")
        guard let data = FileManager.default.contents(atPath: path),
              let config = try? JSONDecoder().decode(CLIConfig.self, from: data) else { return nil }
        return config.currentContext
    }

    /// `$HOME`, else the passwd entry's home folder (what NSHomeDirectory does).
    public static func homeDirectory() -> String {
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { return String(cString: dir) }
        return "/"
    }

    /// The parts of the CLI's config.json and a context's meta.json that swtop reads.
    struct CLIConfig: Decodable {
        var currentContext: String?
        var detachKeys: String?
    }

    /// `detachKeys` of the CLI's config.json, as the docker CLI reads it for exec and attach.
    public static func configuredDetachKeys(environment: [String: String] = ProcessInfo.processInfo.environment,
                                            homeDirectory: String = EndpointResolver.homeDirectory()) -> String? {
        let configDir = environment["DOCKER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            ?? PlainPath.join(homeDirectory, ".docker")
        guard let data = FileManager.default.contents(atPath: PlainPath.join(configDir, "config.json")),
              let config = try? JSONDecoder().decode(CLIConfig.self, from: data) else { return nil }
        return config.detachKeys
    }

    struct ContextMeta: Decodable {
        struct Endpoint: Decodable {
            var Host: String?
            var SkipTLSVerify: Bool?
        }
        var Endpoints: [String: Endpoint]?
    }

    /// Contexts live under `contexts/meta/<sha256 of the name>/meta.json`, TLS files under
    /// `contexts/tls/<same>/docker/`.
    static func contextEndpoint(name: String, configDir: String, source: String) throws -> EngineEndpoint {
        let digest = SHA256.hex(Array(name.utf8))
        let metaPath = "\(configDir)/contexts/meta/\(digest)/meta.json"
        guard let data = FileManager.default.contents(atPath: metaPath) else {
            throw DockerError.invalidHost("docker context '\(name)' (from \(source)) not found at \(metaPath)")
        }
        guard let meta = try? JSONDecoder().decode(ContextMeta.self, from: data),
              let docker = meta.Endpoints?["docker"], let host = docker.Host else {
            throw DockerError.invalidHost("docker context '\(name)' has no docker endpoint in \(metaPath)")
        }
        let skipVerify = docker.SkipTLSVerify ?? false
        let tlsDir = "\(configDir)/contexts/tls/\(digest)/docker"
        let hasTLS = FileManager.default.fileExists(atPath: tlsDir)
        let address = try EngineAddress(parsing: host, tlsRequested: hasTLS)
        let tls = hasTLS ? TLSMaterial.fromFolder(tlsDir, verify: !skipVerify) : nil
        return EngineEndpoint(address: address, tls: tls, source: "context '\(name)'")
    }
}
