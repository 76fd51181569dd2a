// An image's metadata as swtop shows it: the layers (diff ids, lowest first) and the history entries that
// made them, with the metadata-only instructions between. The image config document (from the archive or
// the engine's image store) says exactly which history entries made a layer (`empty_layer`); without it
// (metadata first, before any file is read) the engine's `/history` is matched by a rule that holds for
// both builders: an entry made no layer when it has no size and its instruction only sets metadata.
import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct ImageConfigDocument: Decodable, Sendable {
    public struct History: Decodable, Sendable {
        public var created: String?
        public var created_by: String?
        public var empty_layer: Bool?
        public var comment: String?
    }
    public struct RootFS: Decodable, Sendable {
        public var diff_ids: [String]?
    }
    public var rootfs: RootFS?
    public var history: [History]?

    static func isConfig(_ bytes: [UInt8]) -> Bool {
        guard let doc = try? JSONDecoder().decode(ImageConfigDocument.self, from: Data(bytes)) else { return false }
        return doc.rootfs?.diff_ids != nil
    }

    public static func decode(_ bytes: [UInt8]) -> ImageConfigDocument? {
        try? JSONDecoder().decode(ImageConfigDocument.self, from: Data(bytes))
    }
}

/// One instruction of the image's history.
public struct HistoryStep: Sendable, Equatable {
    /// The instruction, cleaned: "/bin/sh -c #(nop) " and "|N k=v /bin/sh -c" prefixes removed.
    public var command: String
    /// Seconds since 1970, when known.
    public var created: Int64?
    /// The layer it made (index into the layers), nil for a metadata-only step.
    public var layer: Int?
    /// The engine's size for this step (0 for metadata-only).
    public var size: Int64
    public var comment: String

    public init(command: String, created: Int64?, layer: Int?, size: Int64, comment: String = "") {
        self.command = command; self.created = created; self.layer = layer; self.size = size; self.comment = comment
    }
}

public struct ImageMetadata: Sendable, Equatable {
    public var id: String
    public var tags: [String]
    /// Engine's image size (bytes of all layers).
    public var size: Int64
    /// Diff ids, lowest first.
    public var layers: [String]
    /// Oldest first.
    public var steps: [HistoryStep]
    public var graphDriver: String?
    public var graphData: [String: String]

    public init(id: String, tags: [String], size: Int64, layers: [String], steps: [HistoryStep],
                graphDriver: String?, graphData: [String: String]) {
        self.id = id; self.tags = tags; self.size = size; self.layers = layers; self.steps = steps
        self.graphDriver = graphDriver; self.graphData = graphData
    }

    /// The history step that made layer `index`.
    public func step(forLayer index: Int) -> HistoryStep? { steps.first { $0.layer == index } }

    public var name: String { tags.first ?? ShortID.image(id) }

    public init(details: ImageDetails, history: [ImageHistoryEntry]) {
        let layers = details.RootFS?.Layers ?? []
        // The layers' own sizes, as `docker history` shows them: with the classic store their sum is
        // `Size`; the containerd image store's `Size` is the compressed content instead (an image of 10 MB
        // that compresses to 1 MB says 1 MB), which is not what the layer view adds up.
        let unpacked = history.reduce(Int64(0)) { $0 + max(0, $1.Size ?? 0) }
        self.init(id: details.Id, tags: (details.RepoTags ?? []).filter { $0 != "<none>:<none>" },
                  size: unpacked > 0 ? unpacked : details.Size ?? 0, layers: layers,
                  steps: Self.match(history: history.reversed(), layerCount: layers.count),
                  graphDriver: details.GraphDriver?.Name, graphData: details.GraphDriver?.Data ?? [:])
    }

    /// Steps from the engine's `/history` (given oldest first).
    static func match(history: [ImageHistoryEntry], layerCount: Int) -> [HistoryStep] {
        var made = history.map { entry in (entry.Size ?? 0) > 0 || !Self.isMetadataOnly(entry.CreatedBy ?? "") }
        // More candidates than layers: the zero-size ones that are not sure to be layers go first,
        // newest first; fewer: zero-size metadata steps become layers, oldest first. Both are guesses
        // the config document replaces when it arrives.
        var count = made.filter { $0 }.count
        var i = history.count - 1
        while count > layerCount, i >= 0 {
            if made[i], (history[i].Size ?? 0) == 0 { made[i] = false; count -= 1 }
            i -= 1
        }
        i = 0
        while count < layerCount, i < history.count {
            if !made[i] { made[i] = true; count += 1 }
            i += 1
        }
        var layer = 0
        return history.indices.map { index in
            let entry = history[index]
            defer { if made[index] { layer += 1 } }
            return HistoryStep(command: Self.clean(entry.CreatedBy ?? ""), created: entry.Created,
                               layer: made[index] && layer < layerCount ? layer : nil,
                               size: entry.Size ?? 0, comment: entry.Comment ?? "")
        }
    }

    /// Re-labels steps with the config's exact `empty_layer` flags (same number of entries expected).
    public mutating func apply(config: ImageConfigDocument) {
        guard let history = config.history, history.count == steps.count else { return }
        var layer = 0
        for (index, entry) in history.enumerated() {
            if entry.empty_layer == true {
                steps[index].layer = nil
            } else {
                steps[index].layer = layer < layers.count ? layer : nil
                layer += 1
            }
        }
    }

    static let metadataInstructions: Set<String> = [
        "ENV", "LABEL", "CMD", "ENTRYPOINT", "EXPOSE", "USER", "WORKDIR", "ARG", "STOPSIGNAL", "HEALTHCHECK",
        "SHELL", "VOLUME", "ONBUILD", "MAINTAINER",
    ]

    static func isMetadataOnly(_ createdBy: String) -> Bool {
        if let nop = createdBy.firstRange(of: "#(nop) ") {
            // classic builder: "#(nop) COPY …" and "#(nop) ADD …" do make layers
            let word = firstWord(createdBy[nop.upperBound...])
            return !(word.hasPrefix("COPY") || word.hasPrefix("ADD"))
        }
        return metadataInstructions.contains(firstWord(Substring(createdBy)).uppercased())
    }

    /// "/bin/sh -c #(nop)  CMD [\"sh\"]" → "CMD [\"sh\"]"; "/bin/sh -c ln -s …" → "RUN ln -s …";
    /// buildkit's "RUN |2 A=1 B=2 /bin/sh -c make" → "RUN make".
    public static func clean(_ createdBy: String) -> String {
        var text = trimmed(Substring(createdBy))
        if let range = text.firstRange(of: "#(nop) ") {
            return String(trimmed(text[range.upperBound...]))
        }
        if text.hasSuffix(" # buildkit") { text = text.dropLast(" # buildkit".count) }
        if text.hasPrefix("RUN |"), let shell = text.firstRange(of: "/bin/sh -c ") {
            // "RUN |N k=v … /bin/sh -c CMD"
            return "RUN " + text[shell.upperBound...]
        }
        if text.hasPrefix("/bin/sh -c ") { return "RUN " + text.dropFirst("/bin/sh -c ".count) }
        return String(text)
    }

    static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = text.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return text[first...last]
    }

    static func firstWord(_ text: Substring) -> String {
        String(trimmed(text).prefix { $0 != " " && $0 != "\t" })
    }
}
