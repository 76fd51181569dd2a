import ArgumentParser
import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct ImagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "images", abstract: "List every image.")

    @OptionGroup var engine: EngineOptions
    @Flag(help: "Print a JSON array: id, tags ([] when untagged, on every engine), size, created (unix seconds), containers.")
    var json = false

    func run() async throws {
        try await failing {
            let images = try await withClient(engine) { try await $0.images() }
            if json {
                printJSON(images.map(ImageRecord.init))
            } else {
                let rows = images.map { image in
                    [ShortID.image(image.Id), image.tags.isEmpty ? "<untagged>" : image.tags.joined(separator: ", "),
                     ByteCount.text(image.Size ?? 0), RelativeTime.ago(image.Created ?? 0)]
                }
                printTable(header: ["IMAGE ID", "TAGS", "SIZE", "CREATED"], rows: rows)
            }
        }
    }
}

struct ImageRecord: Encodable {
    let id: String
    let tags: [String]
    let digests: [String]
    let size: Int64
    let created: Int64
    let containers: Int?

    init(_ image: ImageSummary) {
        id = image.Id
        tags = image.tags
        digests = image.RepoDigests ?? []
        size = image.Size ?? 0
        created = image.Created ?? 0
        // -1 means "not computed" on the engine side; say so by leaving it out.
        containers = image.Containers.flatMap { $0 < 0 ? nil : $0 }
    }
}
