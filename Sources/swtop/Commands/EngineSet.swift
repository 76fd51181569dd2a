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

    /// Every engine the options name, in order; names made unique (`name-2`); the same address twice is
    /// refused (its rows would come twice).
    static func resolve(_ options: EngineOptions) throws -> [NamedEndpoint] {
        guard options.host.count > 1 else {
            let endpoint = try options.endpoint()
            let given = options.host.first.flatMap { split($0).name }
            return [NamedEndpoint(name: given ?? Fleet.defaultName(for: endpoint.address), endpoint: endpoint)]
        }
        var result: [NamedEndpoint] = []
        for text in options.host {
            let (given, url) = split(text)
            let endpoint = try EndpointResolver.resolve(explicitHost: url)
            if let twin = result.first(where: { $0.endpoint.address == endpoint.address }) {
                throw CLIFailure(message: "-H \(url): the same engine as \(twin.name) (\(twin.endpoint.address))")
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
}
