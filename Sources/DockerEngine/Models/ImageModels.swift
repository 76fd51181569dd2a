// Wire models: the engine's JSON as sent, fields spelled exactly as the Engine API spells them (so no
// mapping can drift). All but the id are optional: engines of different ages omit different fields, and a
// missing one must never fail a list (lists are decoded element by element, see LossyArray).

public struct ImageSummary: Decodable, Sendable, Hashable {
    /// The engine it was listed from, set by swtop (never in the engine's JSON): several engines can
    /// hold the same image id, volume name or network name.
    public var engine: String?
    public var Id: String
    public var ParentId: String?
    /// API < 1.43 lists an untagged image as `["<none>:<none>"]`, newer ones as `[]` or null.
    public var RepoTags: [String]?
    public var RepoDigests: [String]?
    public var Created: Int64?
    public var Size: Int64?
    public var SharedSize: Int64?
    public var Containers: Int?
    public var Labels: [String: String]?

    public init(Id: String, ParentId: String? = nil, RepoTags: [String]? = nil, RepoDigests: [String]? = nil,
                Created: Int64? = nil, Size: Int64? = nil, SharedSize: Int64? = nil, Containers: Int? = nil,
                Labels: [String: String]? = nil) {
        self.Id = Id; self.ParentId = ParentId; self.RepoTags = RepoTags; self.RepoDigests = RepoDigests
        self.Created = Created; self.Size = Size; self.SharedSize = SharedSize; self.Containers = Containers
        self.Labels = Labels
    }

    /// Real tags only: the placeholder `<none>:<none>` of old engines is dropped, so an untagged image
    /// looks the same on every engine.
    public var tags: [String] {
        (RepoTags ?? []).filter { $0 != "<none>:<none>" && !$0.isEmpty }
    }
}

public struct ImageDetails: Decodable, Sendable, Hashable {
    public var Id: String
    public var RepoTags: [String]?
    public var RepoDigests: [String]?
    public var Parent: String?
    public var Created: String?
    public var Architecture: String?
    public var Os: String?
    public var Size: Int64?
    public var RootFS: RootFS?
    public var GraphDriver: GraphDriver?
    public var Config: ContainerConfig?
}

public struct RootFS: Decodable, Sendable, Hashable {
    public var `Type`: String?
    /// Diff ids, lowest layer first.
    public var Layers: [String]?
}

public struct ImageHistoryEntry: Decodable, Sendable, Hashable {
    public var Id: String?
    public var Created: Int64?
    public var CreatedBy: String?
    public var Tags: [String]?
    public var Size: Int64?
    public var Comment: String?
}

/// One entry of `GET /containers/{id}/changes`: Kind 0 modified, 1 added, 2 deleted.
public struct ContainerChange: Decodable, Sendable, Hashable {
    public var Path: String
    public var Kind: Int

    public init(Path: String, Kind: Int) { self.Path = Path; self.Kind = Kind }
}
