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

    public init(_ image: LoadedImage) {
        self.image = image
        // The container's read/write layer is not part of the image's efficiency.
        let imageLayers = image.containerName == nil ? image.layers : Array(image.layers.dropLast())
        efficiency = Efficiency.report(layers: imageLayers)
        changes = ImageStack.changes(of: image.layers, lookup: image.hashLookup)
        summaries = changes.enumerated().map { index, list in
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
            return summary
        }
    }
}
