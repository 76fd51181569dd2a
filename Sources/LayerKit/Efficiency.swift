// Space efficiency, computed as dive 0.13.1 computes it (so `swtop layers --ci` is a drop-in for
// `dive --ci`), next to what dive leaves out.
//
// dive's rule, in words: every leaf of each layer's own tree (an entry with no other entry of the same
// layer beneath it) is recorded under its path with its tar size — 0 for directories and links; a
// whiteout records 0, or, when it removes a directory, the sizes of everything that directory held.
// A path recorded in two or more layers is inefficient; wasted bytes are the sum of all its recorded
// sizes (the copy that is kept included); efficiency = Σ smallest recorded size per path / Σ all
// recorded sizes; user wasted percent = wasted / (image size − first layer), image size being the sum
// of the layers' regular file sizes.
//
// What swtop adds: reclaimable bytes — bytes the layers store that the final image does not show
// (overwritten, deleted, or hidden by an opaque directory), i.e. what squashing would free. That counts
// the copy that is kept zero times and sees opaque directories, which dive's figure does not.

public struct InefficientFile: Sendable, Equatable {
    public var path: String
    /// Layers that record the path.
    public var count: Int
    /// Sum of its recorded sizes.
    public var size: Int64
}

public struct EfficiencyReport: Sendable, Equatable {
    /// 0…1 (1 when nothing is recorded).
    public var efficiency: Double
    public var wastedBytes: Int64
    /// A ratio, 0…1 (dive prints it × 100 with a % sign).
    public var userWastedPercent: Double
    public var reclaimableBytes: Int64
    /// Sum of each layer's regular file sizes (dive's image size).
    public var imageSize: Int64
    /// Largest waste first.
    public var inefficientFiles: [InefficientFile]
    /// Per layer: its regular files' sizes (dive's layer size).
    public var layerSizes: [Int64]
}

public enum Efficiency {
    /// One pass over the stack: `imageLayerCount` layers count (a container's read/write layer on top does
    /// not); `changes` receives every layer's changes as they are judged.
    public static func report(layers: [LayerFiles], imageLayerCount: Int? = nil, lookup: HashLookup? = nil,
                              changes: ((Int, [LayerChange]) -> Void)? = nil) -> EfficiencyReport {
        struct Seen { var count = 0; var total: Int64 = 0; var minimum: Int64 = -1 }
        var seen: [String: Seen] = [:]
        var order: [String] = []
        var stack = ImageStack(lookup: lookup)
        var layerSizes: [Int64] = []
        var stored: Int64 = 0
        let counted = min(imageLayerCount ?? layers.count, layers.count)
        var visible: Int64 = 0
        for (index, layer) in layers.enumerated() {
            // Sizes of what a whiteout removes come from the image as it stood below this layer.
            var removedSize: [String: Int64] = [:]
            var parents = Set<Substring>()
            for record in layer.records {
                var path = Substring(record.path)
                while let slash = path.lastIndex(of: "/"), slash != path.startIndex {
                    path = path[..<slash]
                    if !parents.insert(path).inserted { break }
                }
            }
            let judged = stack.apply(layer) { record, victim in
                if let victim, victim.isDirectory { removedSize[record.path] = victim.totalSize }
            }
            changes?(index, judged)
            guard index < counted else { continue }
            if index == counted - 1 { visible = stack.root.totalSize }
            var layerSize: Int64 = 0
            for record in layer.records {
                if record.kind == .file { layerSize += record.size }
                guard !parents.contains(Substring(record.path)) else { continue } // not a leaf
                let size: Int64
                switch record.kind {
                case .file: size = record.size
                case .whiteout: size = removedSize[record.path] ?? 0
                default: size = 0
                }
                var entry = seen[record.path] ?? Seen()
                entry.count += 1
                if entry.count == 2 { order.append(record.path) } // dive lists a path when it is seen twice
                entry.total += size
                if entry.minimum < 0 || size < entry.minimum { entry.minimum = size }
                seen[record.path] = entry
            }
            layerSizes.append(layerSize)
            stored += layerSize
        }
        var minimumSum: Int64 = 0
        var totalSum: Int64 = 0
        var wasted: Int64 = 0
        var inefficient: [InefficientFile] = []
        for entry in seen.values {
            minimumSum += entry.minimum
            totalSum += entry.total
        }
        for path in order {
            let entry = seen[path]!
            wasted += entry.total
            inefficient.append(InefficientFile(path: path, count: entry.count, size: entry.total))
        }
        // dive sorts ascending (stable up to 12 entries) and prints from the end: largest first, ties in
        // reverse of the order they became inefficient.
        inefficient = Self.stableSorted(inefficient) { $0.size < $1.size }.reversed()
        let imageSize = layerSizes.reduce(0, +)
        let userBytes = imageSize - (layerSizes.first ?? 0)
        return EfficiencyReport(
            efficiency: totalSum == 0 ? 1 : Double(minimumSum) / Double(totalSum),
            wastedBytes: wasted,
            userWastedPercent: userBytes == 0 ? 0 : Double(wasted) / Double(userBytes),
            reclaimableBytes: max(0, stored - visible),
            imageSize: imageSize,
            inefficientFiles: inefficient,
            layerSizes: layerSizes)
    }

    static func stableSorted<T>(_ items: [T], by less: (T, T) -> Bool) -> [T] {
        items.enumerated().sorted { a, b in
            less(a.element, b.element) || (!less(b.element, a.element) && a.offset < b.offset)
        }.map(\.element)
    }
}
