// Everything the layer view and `swtop layers` show, computed once from the loaded layers.

public struct LayerSummary: Sendable, Equatable {
    public var added = 0
    public var modified = 0
    public var removed = 0
    /// Regular file bytes the layer stores (dive's layer size).
    public var size: Int64 = 0
}

public struct ImageAnalysis: Sendable {
    public var image: LoadedImage
    /// Per layer, judged against the image below it; `.unchanged` entries (written again identically)
    /// are kept: they cost space.
    public var changes: [[LayerChange]]
    public var summaries: [LayerSummary]
    public var efficiency: EfficiencyReport

    /// `keepChanges: false` when only the figures are wanted (`--ci`): each layer's changes are counted and
    /// dropped, not kept.
    public init(_ image: LoadedImage, keepChanges: Bool = true) {
        self.image = image
        var changes: [[LayerChange]] = []
        var summaries: [LayerSummary] = []
        // One stacking pass; the container's read/write layer is judged but not part of the image's efficiency.
        efficiency = Efficiency.report(layers: image.layers,
                                       imageLayerCount: image.containerName == nil ? nil : image.layers.count - 1,
                                       lookup: image.hashLookup) { index, list in
            var summary = LayerSummary()
            for change in list {
                switch change.change {
                case .added: summary.added += 1
                case .modified: summary.modified += 1
                case .removed: summary.removed += 1
                case .unchanged: break
                }
            }
            summary.size = image.layers[index].records.reduce(0) { $0 + ($1.kind == .file ? $1.size : 0) }
            summaries.append(summary)
            if keepChanges { changes.append(list) }
        }
        self.changes = changes
        self.summaries = summaries
    }
}
