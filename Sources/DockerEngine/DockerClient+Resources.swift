#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `DELETE /images/{name}` did: each tag taken off and each layer deleted, in the engine's order.
public struct ImageDeleteItem: Decodable, Sendable, Equatable {
    public var Untagged: String?
    public var Deleted: String?
}

/// `GET /system/df`: what the engine's objects take on disk. `LayersSize` is the engine's own total of
/// image layers (each counted once); summing the images' sizes counts shared layers twice.
public struct DiskUsage: Decodable, Sendable, Equatable {
    public struct Image: Decodable, Sendable, Equatable {
        public var Id: String
        public var RepoTags: [String]?
        public var Created: Int64?
        public var Size: Int64?
        public var SharedSize: Int64?
        /// Containers using it (-1: not counted).
        public var Containers: Int?

        public var tags: [String] { (RepoTags ?? []).filter { $0 != "<none>:<none>" } }
        public var dangling: Bool { tags.isEmpty }
        /// Bytes only this image holds: what removing it alone frees.
        public var uniqueSize: Int64 { max(0, (Size ?? 0) - max(0, SharedSize ?? 0)) }
    }

    public struct Container: Decodable, Sendable, Equatable {
        public var Id: String
        public var Names: [String]?
        public var Image: String?
        public var ImageID: String?
        public var State: String?
        /// The read/write layer.
        public var SizeRw: Int64?
        public var SizeRootFs: Int64?

        public var name: String { (Names?.first ?? Id).drop { $0 == "/" }.description }
        public var running: Bool { State == "running" || State == "restarting" || State == "paused" }
    }

    public struct Volume: Decodable, Sendable, Equatable {
        public struct Usage: Decodable, Sendable, Equatable {
            /// -1 when the engine did not measure it.
            public var Size: Int64?
            public var RefCount: Int?
        }

        public var Name: String
        public var Driver: String?
        public var Labels: [String: String]?
        public var UsageData: Usage?

        public var size: Int64 { max(0, UsageData?.Size ?? 0) }
        public var inUse: Bool { (UsageData?.RefCount ?? 0) > 0 }
    }

    public struct BuildCacheRecord: Decodable, Sendable, Equatable {
        public var ID: String
        public var `Type`: String?
        public var Description: String?
        public var InUse: Bool?
        public var Shared: Bool?
        public var Size: Int64?
        public var UsageCount: Int?
    }

    public var LayersSize: Int64?
    public var Images: [Image]?
    public var Containers: [Container]?
    public var Volumes: [Volume]?
    public var BuildCache: [BuildCacheRecord]?

    public init(LayersSize: Int64? = nil, Images: [Image]? = nil, Containers: [Container]? = nil, Volumes: [Volume]? = nil,
                BuildCache: [BuildCacheRecord]? = nil) {
        self.LayersSize = LayersSize
        self.Images = Images
        self.Containers = Containers
        self.Volumes = Volumes
        self.BuildCache = BuildCache
    }
}

/// What a prune removed, as the engine reports it.
public struct PruneReport: Sendable, Equatable {
    public var removed: [String]
    public var spaceReclaimed: Int64

    public init(removed: [String], spaceReclaimed: Int64) {
        self.removed = removed
        self.spaceReclaimed = spaceReclaimed
    }
}

/// What `X` can prune, as `docker system prune` names them.
public enum PruneKind: String, Sendable, Hashable, CaseIterable, Codable {
    case containers, danglingImages, unusedImages, volumes, networks, buildCache

    public var title: String {
        switch self {
        case .containers: "stopped containers"
        case .danglingImages: "dangling images"
        case .unusedImages: "unused images (tagged too)"
        case .volumes: "unused volumes"
        case .networks: "unused networks"
        case .buildCache: "build cache"
        }
    }
}

extension DockerClient {
    /// Untags and deletes an image; `force` takes it from stopped containers that use it too (a running
    /// one keeps it: the engine refuses).
    public func removeImage(_ name: String, force: Bool) async throws -> [ImageDeleteItem] {
        let (_, body) = try await send(.DELETE, "/images/\(Self.escape(name))", query: [("force", force ? "1" : "0")])
        return try Self.decode([ImageDeleteItem].self, from: body, what: "image delete")
    }

    public func removeVolume(_ name: String) async throws {
        try await send(.DELETE, "/volumes/\(Self.escape(name))")
    }

    public func removeNetwork(_ id: String) async throws {
        try await send(.DELETE, "/networks/\(Self.escape(id))")
    }

    /// `docker tag IMAGE REPO[:TAG]`.
    public func tagImage(_ image: String, repository: String, tag: String?) async throws {
        var query = [("repo", repository)]
        if let tag { query.append(("tag", tag)) }
        try await send(.POST, "/images/\(Self.escape(image))/tag", query: query)
    }

    public func createVolume(name: String, driver: String? = nil) async throws {
        var body: [String: String] = ["Name": name]
        if let driver { body["Driver"] = driver }
        try await send(.POST, "/volumes/create", json: try JSONEncoder().encode(body))
    }

    public func createNetwork(name: String, driver: String? = nil) async throws {
        var body: [String: String] = ["Name": name]
        if let driver { body["Driver"] = driver }
        try await send(.POST, "/networks/create", json: try JSONEncoder().encode(body))
    }

    /// `docker system df -v`'s data (the engine walks every layer and volume: it can take a while).
    public func diskUsage() async throws -> DiskUsage {
        let (_, body) = try await send(.GET, "/system/df", timeout: .seconds(300))
        return try Self.decode(DiskUsage.self, from: body, what: "/system/df")
    }

    private struct PruneAnswer: Decodable {
        struct Deleted: Decodable { var Untagged: String?; var Deleted: String? }
        var ContainersDeleted: [String]?
        var ImagesDeleted: [Deleted]?
        var VolumesDeleted: [String]?
        var NetworksDeleted: [String]?
        var CachesDeleted: [String]?
        var SpaceReclaimed: Int64?
    }

    /// Removes what `kind` names that nothing uses, and says what went and the bytes freed.
    public func prune(_ kind: PruneKind) async throws -> PruneReport {
        let path: String
        var filters: [String: [String]] = [:]
        switch kind {
        case .containers: path = "/containers/prune"
        case .danglingImages: path = "/images/prune"
        case .unusedImages:
            path = "/images/prune"
            filters["dangling"] = ["false"]
        case .volumes:
            path = "/volumes/prune"
            // From API 1.42 only anonymous volumes go unless asked for all (what `docker volume prune -a` does).
            if apiVersion >= APIVersion(1, 42) { filters["all"] = ["true"] }
        case .networks: path = "/networks/prune"
        case .buildCache: path = "/build/prune"
        }
        let query = filters.isEmpty ? [] : [("filters", Self.filtersJSON(filters))]
        // An image prune lists each deleted layer as "Deleted" too: the images are those the engine listed.
        let images = kind == .danglingImages || kind == .unusedImages ? Set(try await self.images(all: true).map(\.Id)) : []
        let (_, body) = try await send(.POST, path, query: query, timeout: .seconds(600))
        let answer = try Self.decode(PruneAnswer.self, from: body, what: path)
        let removed = (answer.ContainersDeleted ?? []) + (answer.ImagesDeleted ?? []).compactMap(\.Deleted).filter(images.contains)
            + (answer.VolumesDeleted ?? []) + (answer.NetworksDeleted ?? []) + (answer.CachesDeleted ?? [])
        return PruneReport(removed: removed, spaceReclaimed: answer.SpaceReclaimed ?? 0)
    }
}
