// Gets an image's layers from wherever is cheapest: the cache, the overlay2 diff directories of a local
// engine, or the engine's image export, in that order (`--source` forces one).
import DockerEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

public enum LayerSourceChoice: String, Sendable, CaseIterable {
    /// Cache, else overlay2 when readable, else the export.
    case auto
    /// overlay2 diff directories only (an error when not readable).
    case overlay
    /// The engine's image export only (`GET /images/{name}/get`).
    case export
}

public enum LayerOrigin: String, Sendable {
    case cache, overlay, export, changes
}

public struct LoadProgress: Sendable, Equatable {
    public var layersDone: Int
    public var layersTotal: Int
    public var bytesRead: Int64
    /// An estimate (the engine's image size); 0 when reading directories.
    public var bytesTotal: Int64
    public var origin: LayerOrigin

    public init(layersDone: Int, layersTotal: Int, bytesRead: Int64, bytesTotal: Int64, origin: LayerOrigin) {
        self.layersDone = layersDone; self.layersTotal = layersTotal; self.bytesRead = bytesRead
        self.bytesTotal = bytesTotal; self.origin = origin
    }
}

public struct LoadedImage: Sendable {
    public var metadata: ImageMetadata
    /// Lowest first; a container's read/write layer last when there is one.
    public var layers: [LayerFiles]
    public var origins: [LayerOrigin]
    /// Per layer, where its files can be read for hashing on demand (overlay path), else nil.
    public var directories: [String?]
    /// Set when the top layer is a container's read/write layer.
    public var containerName: String?

    public init(metadata: ImageMetadata, layers: [LayerFiles], origins: [LayerOrigin], directories: [String?],
                containerName: String? = nil) {
        self.metadata = metadata; self.layers = layers; self.origins = origins; self.directories = directories
        self.containerName = containerName
    }

    /// Reads a content hash the records lack from the layer's directory.
    public var hashLookup: HashLookup {
        let directories = directories
        return { layer, record in
            guard layer >= 0, layer < directories.count, let dir = directories[layer] else { return nil }
            return ContentHash.ofFile(at: dir + record.path)
        }
    }
}

public struct LayerLoadError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum ImageLoader {
    /// Inspect + history: enough to draw the stack at once.
    public static func metadata(client: DockerClient, reference: String) async throws -> ImageMetadata {
        async let details = client.inspectImage(reference)
        async let history = client.imageHistory(reference)
        return ImageMetadata(details: try await details, history: try await history)
    }

    public static func load(client: DockerClient, metadata: ImageMetadata, choice: LayerSourceChoice = .auto,
                            cache: LayerCache?,
                            progress: @escaping @Sendable (LoadProgress) -> Void = { _ in }) async throws -> LoadedImage {
        var metadata = metadata
        let count = metadata.layers.count
        var layers = [LayerFiles?](repeating: nil, count: count)
        var origins = [LayerOrigin](repeating: .cache, count: count)
        var directories = [String?](repeating: nil, count: count)
        // An ssh:// engine's paths are the remote machine's: never read this machine's files for them.
        let dirs = choice == .export || !client.isLocal ? nil
            : OverlayReader.diffDirectories(driver: metadata.graphDriver, data: metadata.graphData, layerCount: count)
        if choice == .overlay, dirs == nil {
            throw LayerLoadError("the overlay2 diff directories of \(metadata.name) are not readable here "
                + "(graph driver \(metadata.graphDriver ?? "unknown"); a local engine and root are needed)")
        }
        if let dirs { directories = dirs.map { Optional($0) } }
        // The cache first (unless a source is forced): an export needs complete hashes, the overlay path
        // hashes on demand.
        if choice == .auto, let cache {
            for (index, id) in metadata.layers.enumerated() {
                if let hit = cache.load(id), hit.fullyHashed || dirs != nil { layers[index] = hit }
            }
        }
        var done = layers.filter { $0 != nil }.count
        progress(LoadProgress(layersDone: done, layersTotal: count, bytesRead: 0, bytesTotal: 0, origin: .cache))
        if let dirs {
            if let config = await configFromDisk(client: client, id: metadata.id) { metadata.apply(config: config) }
            let missing = layers.indices.filter { layers[$0] == nil }
            try await withThrowingTaskGroup(of: (Int, LayerFiles).self) { group in
                var next = 0
                func launch() {
                    let index = missing[next]
                    let dir = dirs[index], id = metadata.layers[index]
                    group.addTask { (index, try OverlayReader.read(directory: dir, diffID: id)) }
                    next += 1
                }
                while next < missing.count, next < 4 { launch() }
                for try await (index, layer) in group {
                    layers[index] = layer
                    origins[index] = .overlay
                    cache?.store(layer)
                    done += 1
                    progress(LoadProgress(layersDone: done, layersTotal: count, bytesRead: 0, bytesTotal: 0, origin: .overlay))
                    if next < missing.count { launch() }
                }
            }
        } else if layers.contains(where: { $0 == nil }) {
            let wanted = Set(metadata.layers.indices.filter { layers[$0] == nil }.map { metadata.layers[$0] })
            var reader = ImageArchiveReader(wanted: wanted)
            var stream = try await client.openImageExport(metadata.id)
            var lastReport: Int64 = 0
            while let chunk = try await stream.next() {
                try Task.checkCancellation()
                try chunk.withUnsafeReadableBytes { try reader.push($0) }
                for layer in reader.takeLayers() {
                    for index in metadata.layers.indices where metadata.layers[index] == layer.diffID && layers[index] == nil {
                        layers[index] = layer
                        origins[index] = .export
                        done += 1
                    }
                    cache?.store(layer)
                }
                let bytes = reader.progress.bytes
                if bytes - lastReport >= 1 << 20 {
                    lastReport = bytes
                    progress(LoadProgress(layersDone: done, layersTotal: count, bytesRead: bytes,
                                          bytesTotal: metadata.size, origin: .export))
                }
            }
            try reader.finish()
            if let bytes = reader.config, let config = ImageConfigDocument.decode(bytes) { metadata.apply(config: config) }
        }
        let missing = metadata.layers.indices.filter { layers[$0] == nil }.map { metadata.layers[$0] }
        guard missing.isEmpty else { throw LayerLoadError(ArchiveError.missingLayers(missing).description) }
        return LoadedImage(metadata: metadata, layers: layers.map { $0! }, origins: origins, directories: directories)
    }

    /// The image config from the engine's own store (`<DockerRootDir>/image/overlay2/imagedb/content/…`),
    /// readable when the engine is local and swtop runs as root: exact `empty_layer` flags at once.
    static func configFromDisk(client: DockerClient, id: String) async -> ImageConfigDocument? {
        guard let root = try? await client.info().DockerRootDir else { return nil }
        let hex = id.hasPrefix("sha256:") ? String(id.dropFirst(7)) : id
        guard let bytes = LayerCache.readAll(root + "/image/overlay2/imagedb/content/sha256/" + hex) else { return nil }
        return ImageConfigDocument.decode(bytes)
    }

    /// A container's image with the container's read/write layer on top: from its overlay2 upper
    /// directory when readable (sizes, modes, whiteouts), else from `/containers/{id}/changes`.
    /// `details` and `imageMetadata` when the caller has them already (the layer view draws the stack first).
    public static func loadContainer(client: DockerClient, id: String, choice: LayerSourceChoice = .auto, cache: LayerCache?,
                                     details known: ContainerDetails? = nil, imageMetadata: ImageMetadata? = nil,
                                     progress: @escaping @Sendable (LoadProgress) -> Void = { _ in }) async throws -> LoadedImage {
        let details: ContainerDetails
        if let known { details = known } else { details = try await client.inspectContainer(id) }
        guard let imageID = details.Image else { throw LayerLoadError("container \(id) names no image") }
        let name = (details.Name ?? id).hasPrefix("/") ? String((details.Name ?? id).dropFirst()) : (details.Name ?? id)
        let meta: ImageMetadata
        if let imageMetadata { meta = imageMetadata } else { meta = try await metadata(client: client, reference: imageID) }
        var image = try await load(client: client, metadata: meta, choice: choice, cache: cache, progress: progress)
        let rwID = "container:" + details.Id
        if choice != .export, client.isLocal, OverlayReader.isDiffDriver(details.GraphDriver?.Name), let upper = details.GraphDriver?.Data?["UpperDir"],
           access(upper, R_OK | X_OK) == 0 {
            image.layers.append(try OverlayReader.read(directory: upper, diffID: rwID))
            image.origins.append(.overlay)
            image.directories.append(upper)
        } else {
            let changes = try await client.containerChanges(id)
            image.layers.append(LayerFiles(diffID: rwID, records: changesRecords(changes, below: image.layers), fullyHashed: false))
            image.origins.append(.changes)
            image.directories.append(nil)
        }
        image.containerName = name
        return image
    }

    /// `/changes` says only what happened to a path: deleted paths become whiteouts, the others entries
    /// of unknown size. A changed path's type is the one the image's layers give it (podman lists an
    /// untouched `/etc` as changed, with no child: it stays the image's directory); a path the image does
    /// not have is a directory when another changed path lies under it, else a file.
    static func changesRecords(_ changes: [ContainerChange], below layers: [LayerFiles] = []) -> [FileRecord] {
        let changed = Set(changes.map(\.Path))
        var inImage: [String: FileRecord] = [:]
        for layer in layers {
            for record in layer.records where changed.contains(record.path) {
                inImage[record.path] = record.kind == .whiteout ? nil : record
            }
        }
        let sorted = changes.sorted { $0.Path < $1.Path }
        let parents = Set(sorted.flatMap { change -> [Substring] in
            var out: [Substring] = []
            var path = Substring(change.Path)
            while let slash = path.lastIndex(of: "/"), slash != path.startIndex {
                path = path[..<slash]
                out.append(path)
            }
            return out
        })
        return sorted.map { change in
            if change.Kind == 2 { return FileRecord(path: change.Path, kind: .whiteout) }
            if let known = inImage[change.Path] {
                // The type is the image's; what changed about it is unknown (no mode, owner or target).
                return FileRecord(path: change.Path, kind: known.kind, mode: known.kind == .directory ? 0o755 : 0o644)
            }
            let isDir = parents.contains(Substring(change.Path))
            return FileRecord(path: change.Path, kind: isDir ? .directory : .file, mode: isDir ? 0o755 : 0o644)
        }
    }

    /// For each layer, how many other local images hold it (the same layer chain up to it).
    public static func sharing(client: DockerClient, metadata: ImageMetadata) async -> [Int] {
        guard let images = try? await client.images(all: false) else { return [] }
        let others = images.map(\.Id).filter { $0 != metadata.id }
        var chains: [[String]] = []
        await withTaskGroup(of: [String]?.self) { group in
            var next = 0
            func launch() {
                let id = others[next]
                group.addTask { try? await client.inspectImage(id).RootFS?.Layers }
                next += 1
            }
            while next < others.count, next < 8 { launch() }
            for await layers in group {
                if let layers { chains.append(layers) }
                if next < others.count { launch() }
            }
        }
        return LayerSharing.counts(layers: metadata.layers, others: chains)
    }
}

public enum LayerSharing {
    /// Layer i is shared with another image when that image's first i+1 layers are the same (the engine
    /// stores layers by chain, so only then is it the same layer on disk).
    public static func counts(layers: [String], others: [[String]]) -> [Int] {
        layers.indices.map { index in
            others.filter { other in
                other.count > index && other[0...index].elementsEqual(layers[0...index])
            }.count
        }
    }
}
