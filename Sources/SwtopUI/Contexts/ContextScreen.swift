/// One docker context as the picker lists it (read from disk by the app, off the screen thread).
public struct ContextEntry: Sendable, Equatable {
    public var name: String
    public var description: String
    /// The docker endpoint as written in the context (`unix://...`, `tcp://...`, `ssh://...`).
    public var endpoint: String
    public var tls: Bool
    /// The context the docker CLI would use now (`*` in `docker context ls`).
    public var isCurrent: Bool
    /// The dashboard watches this context's engine now.
    public var isWatched: Bool

    public init(name: String, description: String = "", endpoint: String, tls: Bool = false, isCurrent: Bool = false,
                isWatched: Bool = false) {
        self.name = name
        self.description = description
        self.endpoint = endpoint
        self.tls = tls
        self.isCurrent = isCurrent
        self.isWatched = isWatched
    }
}

/// The `C` picker: the contexts on disk; Enter uses the one under the cursor, or the marked ones.
public struct ContextScreen: Sendable, Equatable {
    /// nil until the app has read them.
    public var entries: [ContextEntry]?
    /// Why the list could not be read, or folders that were skipped.
    public var error: String?
    public var cursor = 0
    public var scroll = 0
    /// Names marked with Space, in the order they were marked.
    public var marked: [String] = []
    /// The session reading the contexts.
    public var session: SessionID?

    public init(entries: [ContextEntry]? = nil, error: String? = nil) {
        self.entries = entries
        self.error = error
    }

    /// Puts the cursor on the first watched context when the list arrives.
    public mutating func load(_ entries: [ContextEntry], error: String?) {
        self.entries = entries
        self.error = error
        cursor = entries.firstIndex { $0.isWatched } ?? entries.firstIndex { $0.isCurrent } ?? 0
        marked = marked.filter { name in entries.contains { $0.name == name } }
    }

    /// What Enter chooses: the marked contexts in list order, else the one under the cursor.
    public var chosen: [String] {
        guard let entries, !entries.isEmpty else { return [] }
        if !marked.isEmpty { return entries.map(\.name).filter { marked.contains($0) } }
        return [entries[min(max(0, cursor), entries.count - 1)].name]
    }
}
