#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// TLS settings given on the command line (docker's `--tls`, `--tlsverify`, `--tlscacert`, `--tlscert`,
/// `--tlskey`); the environment (DOCKER_TLS, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) fills in the rest.
public struct TLSOptions: Sendable, Equatable {
    public var tls: Bool
    public var verify: Bool
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?

    public init(tls: Bool = false, verify: Bool = false, caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.tls = tls
        self.verify = verify
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }

    var isEmpty: Bool { self == TLSOptions() }
}

/// Chooses the engine the way the docker CLI does (cli/command/cli.go, resolveContextName):
/// `--host` and `--context` together are an error; `--context` wins; then `--host`, then `DOCKER_HOST`
/// (both mean the `default` context), then `DOCKER_CONTEXT`, then `currentContext` in
/// `$DOCKER_CONFIG/config.json` (default `~/.docker`), else the default socket.
/// TLS for the default context comes from the flags and DOCKER_TLS / DOCKER_TLS_VERIFY (any non-empty value
/// turns them on, "0" included, as in the CLI) with files from the flags or DOCKER_CERT_PATH (else the config
/// folder); a context brings its own TLS files.
public enum EndpointResolver {
    public static func resolve(explicitHost: String?, context explicitContext: String? = nil,
                               tlsOptions: TLSOptions = TLSOptions(),
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               homeDirectory: String = EndpointResolver.homeDirectory()) throws -> EngineEndpoint {
        let host = explicitHost.flatMap { $0.isEmpty ? nil : $0 }
        let contextFlag = explicitContext.flatMap { $0.isEmpty ? nil : $0 }
        if host != nil, contextFlag != nil {
            throw DockerError.invalidHost("conflicting options: either give --host or --context, not both")
        }
        let configDir = configDirectory(environment: environment, homeDirectory: homeDirectory)

        func fromHost(_ host: String, source: String) throws -> EngineEndpoint {
            try hostEndpoint(host, source: source, tlsOptions: tlsOptions, configDir: configDir, environment: environment)
        }
        func named(_ name: String, source: String) throws -> EngineEndpoint {
            if name == ContextCatalog.defaultName {
                if let envHost = nonEmpty(environment["DOCKER_HOST"]) { return try fromHost(envHost, source: "DOCKER_HOST") }
                return try fromHost("unix://\(EngineAddress.defaultUnixSocket)", source: "default socket")
            }
            do {
                return try ContextCatalog.context(named: name, configDir: configDir, environment: environment)
                    .endpoint(source: "context '\(name)'")
            } catch let error as DockerError {
                if case let .invalidHost(text) = error { throw DockerError.invalidHost("\(text) [from \(source)]") }
                throw error
            }
        }

        if let name = contextFlag { return try named(name, source: "--context") }
        if let host { return try fromHost(host, source: "--host") }
        if let envHost = nonEmpty(environment["DOCKER_HOST"]) { return try fromHost(envHost, source: "DOCKER_HOST") }
        if let name = nonEmpty(environment["DOCKER_CONTEXT"]) { return try named(name, source: "DOCKER_CONTEXT") }
        if let name = nonEmpty(currentContext(configDir: configDir)) {
            return try named(name, source: "currentContext in \(configDir)/config.json")
        }
        return try named(ContextCatalog.defaultName, source: "default")
    }

    /// `--context a,b` or several `-H`: one endpoint each, in order, duplicates dropped. With neither, the
    /// single endpoint `resolve` picks.
    public static func resolveAll(hosts: [String], contexts: [String], tlsOptions: TLSOptions = TLSOptions(),
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  homeDirectory: String = EndpointResolver.homeDirectory()) throws -> [EngineEndpoint] {
        let hostList = hosts.flatMap(splitList)
        let contextList = contexts.flatMap(splitList)
        if !hostList.isEmpty, !contextList.isEmpty {
            throw DockerError.invalidHost("conflicting options: either give --host or --context, not both")
        }
        var seen: Set<String> = []
        var result: [EngineEndpoint] = []
        func add(_ endpoint: EngineEndpoint) {
            if seen.insert(endpoint.address.description).inserted { result.append(endpoint) }
        }
        for host in hostList {
            add(try resolve(explicitHost: host, tlsOptions: tlsOptions, environment: environment, homeDirectory: homeDirectory))
        }
        for name in contextList {
            add(try resolve(explicitHost: nil, context: name, tlsOptions: tlsOptions, environment: environment,
                            homeDirectory: homeDirectory))
        }
        if result.isEmpty {
            add(try resolve(explicitHost: nil, tlsOptions: tlsOptions, environment: environment, homeDirectory: homeDirectory))
        }
        return result
    }

    public static func splitList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmedWhitespace }.filter { !$0.isEmpty }
    }

    /// `$DOCKER_CONFIG`, else `~/.docker`.
    public static func configDirectory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                       homeDirectory: String = EndpointResolver.homeDirectory()) -> String {
        nonEmpty(environment["DOCKER_CONFIG"]) ?? PlainPath.join(homeDirectory, ".docker")
    }

    /// The default context's endpoint for a host string: TLS from the flags and the environment.
    static func hostEndpoint(_ host: String, source: String, tlsOptions: TLSOptions, configDir: String,
                             environment: [String: String]) throws -> EngineEndpoint {
        let verify = tlsOptions.verify || nonEmpty(environment["DOCKER_TLS_VERIFY"]) != nil
        let tlsWanted = tlsOptions.tls || verify || nonEmpty(environment["DOCKER_TLS"]) != nil
        let address = try EngineAddress(parsing: host, tlsRequested: tlsWanted)
        guard address.usesTLS else { return EngineEndpoint(address: address, source: source) }
        let certDir = nonEmpty(environment["DOCKER_CERT_PATH"]) ?? configDir
        func file(_ given: String?, _ flag: String, _ name: String) throws -> String? {
            if let given {
                guard FileManager.default.fileExists(atPath: given) else {
                    throw DockerError.invalidHost("\(flag) \(given): no such file")
                }
                return given
            }
            let path = PlainPath.join(certDir, name)
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        // An https:// address with no TLS flag or variable verifies (what a browser would do).
        let ca = try file(tlsOptions.caFile, "--tlscacert", "ca.pem")
        let cert = try file(tlsOptions.certFile, "--tlscert", "cert.pem")
        let key = try file(tlsOptions.keyFile, "--tlskey", "key.pem")
        let material = TLSMaterial(caFile: ca, certFile: cert, keyFile: key, verify: verify || !tlsWanted)
        return EngineEndpoint(address: address, tls: material, source: source)
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
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
}
