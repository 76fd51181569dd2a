import DockerEngine
import SwtopStore

/// The engines of a dashboard: each `-H [NAME=]URL` (or the one engine the environment names), with the
/// name its rows are tagged with.
struct NamedEndpoint: Sendable {
    var name: String
    var endpoint: EngineEndpoint
}

enum EngineSet {
    /// `prod=ssh://host` → ("prod", "ssh://host"); a URL alone has no name. A name is letters, digits,
    /// `.`, `_` and `-` (a URL's `=` comes after its scheme, so it is never taken for a name).
    static func split(_ text: String) -> (name: String?, url: String) {
        guard let equals = text.firstIndex(of: "=") else { return (nil, text) }
        let name = text[..<equals]
        let allowed = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-" }
        guard !name.isEmpty, allowed else { return (nil, text) }
        return (String(name), String(text[text.index(after: equals)...]))
    }

    /// Every engine the options name, in order: each `-H [NAME=]URL`, or each context of `--context a,b`
    /// (named after the context), or the one engine DOCKER_HOST / DOCKER_CONTEXT / the docker config picks.
    /// Names are made unique (`name-2`); the same address twice is refused (its rows would come twice).
    static func resolve(_ options: EngineOptions) throws -> [NamedEndpoint] {
        let contexts = options.context.map { EndpointResolver.splitList($0) } ?? []
        if !options.host.isEmpty, !contexts.isEmpty {
            throw DockerError.invalidHost("conflicting options: either give --host or --context, not both")
        }
        var wanted: [(name: String?, endpoint: EngineEndpoint)] = []
        for text in options.host {
            let (given, url) = split(text)
            wanted.append((given, try EndpointResolver.resolve(explicitHost: url, tlsOptions: options.tlsOptions)))
        }
        for name in contexts {
            wanted.append((name, try EndpointResolver.resolve(explicitHost: nil, context: name, tlsOptions: options.tlsOptions)))
        }
        if wanted.isEmpty {
            let endpoint = try EndpointResolver.resolve(explicitHost: nil, tlsOptions: options.tlsOptions)
            wanted.append((contextName(endpoint.source), endpoint))
        }
        var result: [NamedEndpoint] = []
        for (given, endpoint) in wanted {
            if let twin = result.first(where: { $0.endpoint.address == endpoint.address }) {
                throw DockerError.invalidHost("\(endpoint.address) is named twice (as \(twin.name) too)")
            }
            var name = given ?? Fleet.defaultName(for: endpoint.address)
            if result.contains(where: { $0.name == name }) {
                var n = 2
                while result.contains(where: { $0.name == "\(name)-\(n)" }) { n += 1 }
                name = "\(name)-\(n)"
            }
            result.append(NamedEndpoint(name: name, endpoint: endpoint))
        }
        return result
    }

    /// `context 'prod'` (an endpoint's source) → `prod`.
    static func contextName(_ source: String) -> String? {
        guard source.hasPrefix("context '"), source.hasSuffix("'") else { return nil }
        return String(source.dropFirst("context '".count).dropLast())
    }
}
