#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One docker context as the CLI stores it: `contexts/meta/<sha256 of the name>/meta.json` and TLS files
/// under `contexts/tls/<same>/docker/{ca,cert,key}.pem`.
public struct DockerContext: Sendable, Equatable {
    public var name: String
    public var description: String
    /// The docker endpoint's `Host` as written in meta.json (`unix://...`, `tcp://...`, `ssh://...`).
    public var host: String
    public var skipTLSVerify: Bool
    /// The context's TLS folder when it exists (it holds ca.pem, cert.pem and/or key.pem).
    public var tlsFolder: String?
    /// The implicit `default` context (DOCKER_HOST or the default socket), not a folder on disk.
    public var isDefault: Bool

    public init(name: String, description: String = "", host: String, skipTLSVerify: Bool = false,
                tlsFolder: String? = nil, isDefault: Bool = false) {
        self.name = name
        self.description = description
        self.host = host
        self.skipTLSVerify = skipTLSVerify
        self.tlsFolder = tlsFolder
        self.isDefault = isDefault
    }

    /// The CLI uses TLS for a context that has TLS files or skips verification.
    public var usesTLS: Bool { tlsFolder != nil || skipTLSVerify }

    /// The endpoint swtop connects to for this context.
    public func endpoint(source: String? = nil) throws -> EngineEndpoint {
        let address = try EngineAddress(parsing: host, tlsRequested: usesTLS)
        var tls: TLSMaterial?
        if usesTLS || address.usesTLS {
            tls = tlsFolder.map { TLSMaterial.fromFolder($0, verify: !skipTLSVerify) } ?? TLSMaterial(verify: !skipTLSVerify)
        }
        return EngineEndpoint(address: address, tls: tls, source: source ?? "context '\(name)'")
    }
}

/// The contexts on disk, read the way the docker CLI reads them.
public enum ContextCatalog {
    public static let defaultName = "default"

    /// Every context under `configDir/contexts/meta`, sorted by name, after the implicit `default` one
    /// (whose endpoint is DOCKER_HOST, else the default socket). Folders whose meta.json cannot be read
    /// are left out; `problems` says why.
    public static func list(configDir: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> [DockerContext] {
        listWithProblems(configDir: configDir, environment: environment).contexts
    }

    public static func listWithProblems(configDir: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (contexts: [DockerContext], problems: [String]) {
        var contexts: [DockerContext] = []
        var problems: [String] = []
        let metaRoot = PlainPath.join(configDir, "contexts/meta")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: metaRoot)) ?? []
        for folder in folders.sorted() {
            let path = "\(metaRoot)/\(folder)/meta.json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                let meta = try JSONDecoder().decode(ContextMetaFile.self, from: data)
                guard let name = meta.Name, !name.isEmpty else {
                    problems.append("\(path): no Name")
                    continue
                }
                guard name != defaultName else { continue }
                contexts.append(context(name: name, meta: meta, configDir: configDir))
            } catch {
                problems.append("\(path): not a context's meta.json")
            }
        }
        contexts.sort { $0.name < $1.name }
        return ([implicitDefault(environment: environment)] + contexts, problems)
    }

    /// The `default` context: what DOCKER_HOST says, else the default socket.
    public static func implicitDefault(environment: [String: String]) -> DockerContext {
        let host = environment["DOCKER_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "unix://\(EngineAddress.defaultUnixSocket)"
        return DockerContext(name: defaultName, description: "Current DOCKER_HOST based configuration", host: host,
                             isDefault: true)
    }

    /// One context by name; throws a message naming the folder looked at when it is missing.
    public static func context(named name: String, configDir: String, environment: [String: String]) throws -> DockerContext {
        if name == defaultName { return implicitDefault(environment: environment) }
        let metaPath = "\(configDir)/contexts/meta/\(folderName(name))/meta.json"
        guard let data = FileManager.default.contents(atPath: metaPath) else {
            throw DockerError.invalidHost("docker context '\(name)' not found (no \(metaPath)); `swtop context ls` lists them")
        }
        guard let meta = try? JSONDecoder().decode(ContextMetaFile.self, from: data) else {
            throw DockerError.invalidHost("docker context '\(name)': \(metaPath) is not a context's meta.json")
        }
        guard meta.Endpoints?["docker"]?.Host?.isEmpty == false else {
            throw DockerError.invalidHost("docker context '\(name)' has no docker endpoint in \(metaPath)")
        }
        return context(name: name, meta: meta, configDir: configDir)
    }

    /// The folder name the CLI gives a context: the SHA-256 of its name, in hex.
    public static func folderName(_ name: String) -> String {
        SHA256.hex(Array(name.utf8))
    }

    /// The context the docker CLI would use with no --host/--context: DOCKER_HOST means `default`, then
    /// DOCKER_CONTEXT, then config.json's currentContext, then `default`.
    public static func currentName(configDir: String, environment: [String: String]) -> String {
        if environment["DOCKER_HOST"].map({ !$0.isEmpty }) == true { return defaultName }
        if let name = environment["DOCKER_CONTEXT"], !name.isEmpty { return name }
        return EndpointResolver.currentContext(configDir: configDir).flatMap { $0.isEmpty ? nil : $0 } ?? defaultName
    }

    private static func context(name: String, meta: ContextMetaFile, configDir: String) -> DockerContext {
        let docker = meta.Endpoints?["docker"]
        let tlsFolder = "\(configDir)/contexts/tls/\(folderName(name))/docker"
        let hasTLS = FileManager.default.fileExists(atPath: tlsFolder)
        return DockerContext(name: name, description: meta.Metadata?.Description ?? "", host: docker?.Host ?? "",
                             skipTLSVerify: docker?.SkipTLSVerify ?? false, tlsFolder: hasTLS ? tlsFolder : nil)
    }

    struct ContextMetaFile: Decodable {
        struct Endpoint: Decodable {
            var Host: String?
            var SkipTLSVerify: Bool?
        }
        struct Meta: Decodable {
            var Description: String?
        }
        var Name: String?
        var Metadata: Meta?
        var Endpoints: [String: Endpoint]?
    }
}

extension EngineAddress {
    /// True for `tcp` with TLS (https).
    var usesTLS: Bool {
        if case .tcp(_, _, true) = self { return true }
        return false
    }
}
