/// `docker system df`'s four lines, computed as the docker CLI does from `/system/df`.
public struct DiskUsageTotals: Sendable, Equatable, Encodable {
    public struct Line: Sendable, Equatable, Encodable {
        public var total: Int
        public var active: Int
        public var size: Int64
        public var reclaimable: Int64
    }

    public var images: Line
    public var containers: Line
    public var volumes: Line
    public var buildCache: Line
}

extension DiskUsage {
    public var totals: DiskUsageTotals {
        let images = Images ?? []
        let containers = Containers ?? []
        let volumes = Volumes ?? []
        let cache = BuildCache ?? []
        // Images: the engine's own total of layers (each once); reclaimable is what the images no
        // container uses hold alone.
        let layers = max(0, LayersSize ?? images.reduce(0) { $0 + max(0, $1.Size ?? 0) })
        let used = images.filter { ($0.Containers ?? 0) > 0 }.reduce(Int64(0)) { $0 + $1.uniqueSize }
        let rw = containers.reduce(Int64(0)) { $0 + max(0, $1.SizeRw ?? 0) }
        let stoppedRW = containers.filter { !$0.running }.reduce(Int64(0)) { $0 + max(0, $1.SizeRw ?? 0) }
        return DiskUsageTotals(
            images: .init(total: images.count, active: images.filter { ($0.Containers ?? 0) > 0 }.count,
                          size: layers, reclaimable: max(0, layers - used)),
            containers: .init(total: containers.count, active: containers.filter(\.running).count, size: rw, reclaimable: stoppedRW),
            volumes: .init(total: volumes.count, active: volumes.filter(\.inUse).count,
                           size: volumes.reduce(0) { $0 + $1.size },
                           reclaimable: volumes.filter { !$0.inUse }.reduce(0) { $0 + $1.size }),
            buildCache: .init(total: cache.count, active: cache.filter { $0.InUse == true }.count,
                              size: cache.filter { $0.Shared != true }.reduce(0) { $0 + max(0, $1.Size ?? 0) },
                              reclaimable: cache.filter { $0.InUse != true && $0.Shared != true }.reduce(0) { $0 + max(0, $1.Size ?? 0) }))
    }
}

/// What a prune of some kinds would remove and free, worked out from `/system/df` before anything is
/// sent (the engine removes the same: stopped containers first, then what no remaining container uses).
public struct PrunePlan: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public var kind: PruneKind
        /// What goes: names (containers, volumes, networks), tags or short ids (images), ids (cache).
        public var items: [String]
        public var bytes: Int64
        /// Removed images share layers among themselves (not with a kept image): those bytes are freed
        /// too but `/system/df` cannot tell how many, so `bytes` is a lower bound.
        public var atLeast: Bool
    }

    public var parts: [Part]

    public var bytes: Int64 { parts.reduce(0) { $0 + $1.bytes } }
    public var count: Int { parts.reduce(0) { $0 + $1.items.count } }

    /// `networks`: the engine's networks that no container uses and it lets go (not the predefined ones).
    public init(_ usage: DiskUsage, kinds: Set<PruneKind>, unusedNetworks: [String]) {
        var parts: [Part] = []
        let containers = usage.Containers ?? []
        let removedContainers = kinds.contains(.containers) ? containers.filter { !$0.running } : []
        if kinds.contains(.containers) {
            parts.append(Part(kind: .containers, items: removedContainers.map(\.name),
                              bytes: removedContainers.reduce(0) { $0 + max(0, $1.SizeRw ?? 0) }, atLeast: false))
        }
        if kinds.contains(.danglingImages) || kinds.contains(.unusedImages) {
            let gone = Set(removedContainers.map(\.Id))
            let stillUsed = Set(containers.filter { !gone.contains($0.Id) }.compactMap(\.ImageID))
            let all = kinds.contains(.unusedImages)
            let images = (usage.Images ?? []).filter { image in
                (all || image.dangling) && !stillUsed.contains(image.Id)
                    && ((image.Containers ?? 0) <= 0 || removedContainers.contains { $0.ImageID == image.Id })
            }
            let shared = images.count > 1 && images.contains { ($0.SharedSize ?? 0) > 0 }
            parts.append(Part(kind: all ? .unusedImages : .danglingImages,
                              items: images.map { $0.tags.first ?? String($0.Id.split(separator: ":").last?.prefix(12) ?? "") },
                              bytes: images.reduce(0) { $0 + $1.uniqueSize }, atLeast: shared))
        }
        if kinds.contains(.volumes) {
            let volumes = (usage.Volumes ?? []).filter { !$0.inUse }
            parts.append(Part(kind: .volumes, items: volumes.map(\.Name), bytes: volumes.reduce(0) { $0 + $1.size }, atLeast: false))
        }
        if kinds.contains(.networks) {
            parts.append(Part(kind: .networks, items: unusedNetworks, bytes: 0, atLeast: false))
        }
        if kinds.contains(.buildCache) {
            let records = (usage.BuildCache ?? []).filter { $0.InUse != true }
            parts.append(Part(kind: .buildCache, items: records.map(\.ID),
                              bytes: records.filter { $0.Shared != true }.reduce(0) { $0 + max(0, $1.Size ?? 0) }, atLeast: false))
        }
        self.parts = parts
    }
}
