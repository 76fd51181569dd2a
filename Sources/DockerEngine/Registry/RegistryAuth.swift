import CSpawn
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Registry credentials as the docker CLI keeps them, for the engine's `X-Registry-Auth` header: from
/// `config.json` in `$DOCKER_CONFIG` (else `~/.docker`): `credHelpers[registry]` or `credsStore` runs
/// `docker-credential-NAME get`, else `auths[registry]` (`auth` is base64 `user:password`, or an
/// `identitytoken`). Nothing found: an empty header, which a public or anonymous registry accepts.
public struct RegistryAuth: Sendable, Equatable {
    public var username: String?
    public var password: String?
    public var identityToken: String?
    public var serverAddress: String
    /// Where they came from, for messages: "config.json", "docker-credential-pass", or nil for none.
    public var source: String?

    /// The `X-Registry-Auth` value: base64url JSON (`{}` when there are no credentials).
    public var header: String {
        var object: [String: String] = [:]
        if let identityToken {
            object["identitytoken"] = identityToken
        } else if let username, let password {
            object["username"] = username
            object["password"] = password
        }
        if !object.isEmpty { object["serveraddress"] = serverAddress }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(object)) ?? Data("{}".utf8)
        return String(json.base64EncodedString().map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    public var isAnonymous: Bool { identityToken == nil && (username == nil || password == nil) }

    /// The keys `config.json` may file a registry under.
    static func keys(for registry: String) -> [String] {
        if registry == ImageReference.dockerHub || registry == "index.docker.io" || registry == "registry-1.docker.io" {
            return ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "https://index.docker.io/v1"]
        }
        return [registry, "https://\(registry)", "http://\(registry)", "https://\(registry)/", "https://\(registry)/v1/",
                "https://\(registry)/v2/"]
    }

    /// The configuration folder the docker CLI reads.
    public static func configDirectory(_ environment: [String: String]) -> String {
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty { return dir }
        return (environment["HOME"] ?? "/root") + "/.docker"
    }

    private struct ConfigFile: Decodable {
        struct Entry: Decodable {
            var auth: String?
            var identitytoken: String?
            var username: String?
            var password: String?
        }

        var auths: [String: Entry]?
        var credsStore: String?
        var credHelpers: [String: String]?
    }

    private struct HelperAnswer: Decodable {
        var ServerURL: String?
        var Username: String?
        var Secret: String?
    }

    /// The credentials for `registry`, or why they could not be read (a broken config or helper is said,
    /// not silently dropped).
    public static func lookup(_ registry: String, environment: [String: String]) throws -> RegistryAuth {
        let serverAddress = keys(for: registry)[0]
        let anonymous = RegistryAuth(username: nil, password: nil, identityToken: nil, serverAddress: serverAddress, source: nil)
        let path = configDirectory(environment) + "/config.json"
        guard let bytes = FileManager.default.contents(atPath: path) else { return anonymous }
        let config: ConfigFile
        do {
            config = try JSONDecoder().decode(ConfigFile.self, from: bytes)
        } catch {
            throw DockerError.malformed(what: path, detail: "not the docker CLI's config.json: \(error)")
        }
        let keys = keys(for: registry)
        if let helper = keys.lazy.compactMap({ config.credHelpers?[$0] }).first ?? config.credsStore, !helper.isEmpty {
            if let found = try helperLookup(helper, registry: serverAddress, environment: environment) { return found }
            // Nothing stored for it there: an entry in `auths` may still name it.
        }
        for key in keys {
            guard let entry = config.auths?[key] else { continue }
            if let token = entry.identitytoken, !token.isEmpty {
                return RegistryAuth(username: nil, password: nil, identityToken: token, serverAddress: key, source: path)
            }
            if let auth = entry.auth, !auth.isEmpty {
                guard let data = Data(base64Encoded: auth), let text = String(data: data, encoding: .utf8),
                      let colon = text.firstIndex(of: ":") else {
                    throw DockerError.malformed(what: path, detail: "the auth of \(key) is not base64 of user:password")
                }
                return RegistryAuth(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]),
                                    identityToken: nil, serverAddress: key, source: path)
            }
            if let username = entry.username, let password = entry.password {
                return RegistryAuth(username: username, password: password, identityToken: nil, serverAddress: key, source: path)
            }
        }
        return anonymous
    }

    /// `docker-credential-NAME get`, the server on stdin: `{ServerURL, Username, Secret}`; a username of
    /// `<token>` means the secret is an identity token. "credentials not found" is nil.
    static func helperLookup(_ helper: String, registry: String, environment: [String: String]) throws -> RegistryAuth? {
        let name = "docker-credential-" + helper
        guard let path = LocalCommand.which(name, environment: environment) else {
            throw DockerError.malformed(what: "credentials", detail: "config.json names the helper \(name), which is not on PATH")
        }
        let (status, output) = try run(path, input: Array(registry.utf8))
        let text = String(decoding: output, as: UTF8.self)
        guard status == 0 else {
            if text.lowercased().contains("credentials not found") { return nil }
            throw DockerError.malformed(what: "credentials", detail: "\(name) get failed (exit \(status)): "
                                            + String(String(text.prefix(200)).drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()))
        }
        let answer: HelperAnswer
        do {
            answer = try JSONDecoder().decode(HelperAnswer.self, from: Data(output))
        } catch {
            throw DockerError.malformed(what: "credentials", detail: "\(name) answered something that is not its JSON")
        }
        guard let secret = answer.Secret, !secret.isEmpty else { return nil }
        if answer.Username == "<token>" {
            return RegistryAuth(username: nil, password: nil, identityToken: secret, serverAddress: registry, source: name)
        }
        return RegistryAuth(username: answer.Username, password: secret, identityToken: nil, serverAddress: registry, source: name)
    }

    /// Runs a helper with `input` on its stdin; its stdout (64 KiB at most) and exit status. Blocking:
    /// call it off the screen thread.
    static func run(_ path: String, input: [UInt8]) throws -> (Int32, [UInt8]) {
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard swtop_pipe_cloexec(&toChild) == 0 else { throw SpawnError(code: errno) }
        guard swtop_pipe_cloexec(&fromChild) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw SpawnError(code: errno)
        }
        let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
        var cStrings: [UnsafeMutablePointer<CChar>?] = [strdup(path), strdup("get"), nil]
        let pid = cStrings.withUnsafeMutableBufferPointer { argv in
            swtop_spawn_io(path, argv.baseAddress!, toChild[0], fromChild[1], devNull)
        }
        let spawnErrno = errno
        for pointer in cStrings { free(pointer) }
        close(toChild[0]); close(fromChild[1]); close(devNull)
        guard pid > 0 else {
            close(toChild[1]); close(fromChild[0])
            throw SpawnError(code: spawnErrno)
        }
        _ = input.withUnsafeBytes { write(toChild[1], $0.baseAddress, $0.count) }
        close(toChild[1])
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while output.count < 65_536 {
            let n = read(fromChild[0], &buffer, buffer.count)
            if n > 0 { output.append(contentsOf: buffer[0..<n]) } else if n < 0, errno == EINTR { continue } else { break }
        }
        close(fromChild[0])
        let status = swtop_wait_child(pid)
        return (status, output)
    }
}
