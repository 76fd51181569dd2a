import DockerEngine

/// What an inspect view shows: one engine object's inspect document.
public struct InspectRequest: Sendable, Hashable {
    public var kind: InspectKind
    /// What the engine is asked for: a container or image id, a volume name, a network id.
    public var id: String
    /// What the title shows.
    public var name: String
    /// The engine that holds it.
    public var engine: String

    public init(kind: InspectKind, id: String, name: String, engine: String = "") {
        self.kind = kind
        self.id = id
        self.name = name
        self.engine = engine
    }
}

/// Names of environment variables and labels whose values are hidden until revealed: a name holding
/// one of these (case-insensitively) is a secret. `--secret-names` replaces the list.
public enum SecretNames {
    public static let defaults = ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE", "AUTH", "CERT"]

    public static func isSecret(_ name: String, _ words: [String]) -> Bool {
        let upper = name.uppercased()
        return words.contains { !$0.isEmpty && upper.contains($0.uppercased()) }
    }

    /// `A,B,C` from the command line: trimmed, empty items dropped.
    public static func parse(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
    }
}

/// The inspect view's state. The document and its tree live in `InspectModel`, beside it; nodes are
/// named by their index in the document's pre-order walk, which is fixed for a document.
public struct InspectScreen: Sendable, Equatable {
    public enum FoldAll: Sendable, Equatable { case open, closed }

    public var request: InspectRequest
    /// The session that fetches the document (its model holds it).
    public var session: SessionID?
    /// Names that make an env entry or a label a secret (`SecretNames`).
    public var secretNames: [String]
    /// nil: the default folds (see `InspectModel.openByDefault`); else every fold open or closed (`z`).
    public var foldAll: FoldAll?
    /// Nodes whose fold differs from the default.
    public var toggled: Set<Int> = []
    /// Secret entries the user revealed.
    public var revealed: Set<Int> = []
    /// The node under the cursor (not a row index: folding elsewhere keeps it on the same entry).
    public var cursor = 1
    /// First row shown.
    public var scroll = 0
    public var search = ""
    public var editingSearch = false
    /// The node the cursor was on when `/` was pressed: typing searches from there.
    public var searchOrigin: Int?

    public init(request: InspectRequest, secretNames: [String] = SecretNames.defaults, session: SessionID? = nil) {
        self.request = request
        self.secretNames = secretNames
        self.session = session
    }
}

extension StringProtocol {
    /// Without leading and trailing white space.
    var trimmingWhitespace: String {
        var text = self[...]
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
