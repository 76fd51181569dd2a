/// An image reference as the docker CLI reads one: `[REGISTRY/]REPOSITORY[:TAG][@DIGEST]`. The first
/// part is a registry when it has a `.` or a `:`, or is `localhost`; otherwise the image is Docker Hub's
/// (`docker.io`, and a one-part name is under `library/`).
public struct ImageReference: Sendable, Equatable, CustomStringConvertible {
    /// `docker.io`, `localhost:5000`, `registry.example.com`.
    public var registry: String
    /// The repository as the engine names it (`swtop/app`, `localhost:5000/team/app`, `busybox`).
    public var repository: String
    public var tag: String?
    public var digest: String?

    public static let dockerHub = "docker.io"

    public init?(_ text: String) {
        let text = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        guard !text.isEmpty, !text.contains(" "), !text.hasPrefix("/"), !text.hasSuffix("/") else { return nil }
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            guard let digest, digest.contains(":"), !digest.hasSuffix(":") else { return nil }
        }
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard let tag, !tag.isEmpty, tag.count <= 128,
                  tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }) else { return nil }
        }
        guard !rest.isEmpty else { return nil }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: \.isEmpty) else { return nil }
        let first = parts[0]
        if parts.count > 1, first.contains(".") || first.contains(":") || first == "localhost" {
            registry = String(first)
            repository = String(rest)
            let path = parts.dropFirst()
            guard path.allSatisfy(Self.validComponent) else { return nil }
        } else {
            registry = Self.dockerHub
            repository = String(rest)
            guard parts.allSatisfy(Self.validComponent) else { return nil }
        }
    }

    /// Lower case letters, digits and separators (`.`, `_`, `-`) inside.
    static func validComponent(_ part: Substring) -> Bool {
        guard let first = part.first, let last = part.last, first.isLetter || first.isNumber, last.isLetter || last.isNumber else {
            return false
        }
        return part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }
    }

    /// The reference as given back: the repository, `:tag` and `@digest` when present.
    public var description: String {
        repository + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0 } ?? "")
    }

    /// What the engine pulls or pushes when no tag is given.
    public var tagOrLatest: String { tag ?? "latest" }
}
