/// A pull's or a push's progress, as the engine reports it line by line: one entry per layer (its last
/// status, bytes done of total), the lines about the whole image, and how it ended.
public struct TransferProgress: Sendable, Equatable {
    public struct Layer: Sendable, Equatable {
        public var id: String
        public var status: String
        public var current: Int64?
        public var total: Int64?

        /// Nothing more will happen to it.
        public var done: Bool {
            let status = status.lowercased()
            return status.hasPrefix("pull complete") || status.hasPrefix("already exists") || status.hasPrefix("pushed")
                || status.hasPrefix("layer already exists") || status.hasPrefix("mounted from")
        }
    }

    public var layers: [Layer] = []
    /// Lines without a layer: "Pulling from …", "Digest: …", "Status: …", a push's "latest: digest: … size: …".
    public var notes: [String] = []
    public var error: String?
    /// The stream ended (successfully unless `error`).
    public var finished = false
    /// Messages taken (for tests and the figures).
    public var messages = 0

    public init() {}

    public mutating func apply(_ message: ProgressMessage) {
        messages += 1
        if let error = message.errorMessage {
            self.error = error
            return
        }
        guard let status = message.status else { return }
        guard let id = message.id, !id.isEmpty, !Self.isImageLevel(status, id: id) else {
            let line = message.id.map { "\($0): \(status)" } ?? status
            if notes.last != line { notes.append(line) }
            if notes.count > 50 { notes.removeFirst(notes.count - 50) }
            return
        }
        let detail = message.progressDetail
        if let index = layers.firstIndex(where: { $0.id == id }) {
            layers[index].status = status
            layers[index].current = detail?.current ?? (layers[index].total != nil && Self.completes(status) ? layers[index].total : nil)
            if let total = detail?.total, total > 0 { layers[index].total = total }
        } else {
            layers.append(Layer(id: id, status: status, current: detail?.current, total: (detail?.total ?? 0) > 0 ? detail?.total : nil))
        }
    }

    /// A pull's first line names the tag (`latest: Pulling from library/busybox`) with the tag as its id.
    static func isImageLevel(_ status: String, id: String) -> Bool {
        status.hasPrefix("Pulling from") || status.hasPrefix("Digest:") || status.hasPrefix("Status:")
            || status.hasPrefix("The push refers to") || status.contains(": digest: ")
    }

    static func completes(_ status: String) -> Bool {
        status.hasPrefix("Download complete") || status.hasPrefix("Pull complete") || status.hasPrefix("Pushed")
    }

    /// Layers done, of all; bytes moved of those known.
    public var summary: (done: Int, layers: Int, current: Int64, total: Int64) {
        let done = layers.filter(\.done).count
        let current = layers.reduce(Int64(0)) { $0 + min($1.current ?? 0, $1.total ?? $1.current ?? 0) }
        let total = layers.reduce(Int64(0)) { $0 + ($1.total ?? 0) }
        return (done, layers.count, current, total)
    }

    /// The digest the registry gave (push: `TAG: digest: sha256:… size: N`; pull: `Digest: sha256:…`).
    public var digest: String? {
        for note in notes.reversed() {
            if let range = note.firstRange(of: "digest: ") ?? note.firstRange(of: "Digest: ") {
                return String(note[range.upperBound...].prefix { $0 != " " })
            }
        }
        return nil
    }
}

extension RegistryAuth {
    /// What a refusal by the registry says, with how to log in; other errors as they are.
    public static func explain(_ error: String, registry: String, auth: RegistryAuth?) -> String {
        let lower = error.lowercased()
        let refused = lower.contains("unauthorized") || lower.contains("authentication required") || lower.contains("no basic auth")
            || lower.contains("denied") || lower.contains("401")
        guard refused else { return error }
        let how = registry == ImageReference.dockerHub ? "docker login" : "docker login \(registry)"
        let sent = auth?.isAnonymous == false ? "the credentials from \(auth?.source ?? "config.json") were refused"
            : "no credentials were found for it"
        return "the registry \(registry) refused: \(error) (\(sent); log in with `\(how)`: swtop reads the docker CLI's config.json)"
    }
}
