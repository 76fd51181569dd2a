import ArgumentParser
import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct DiskUsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "df", abstract: "Disk usage of images, containers, volumes and build cache (docker system df -v).")

    @OptionGroup var engine: EngineOptions
    @Flag(help: "Print JSON: each item and the totals (the images' size is the engine's LayersSize: shared layers once).")
    var json = false

    func run() async throws {
        try await failing {
            let usage = try await withClient(engine) { try await $0.diskUsage() }
            let totals = usage.totals
            if json {
                printJSON(DiskUsageRecord(usage, totals))
                return
            }
            func line(_ name: String, _ line: DiskUsageTotals.Line) -> [String] {
                let percent = line.size > 0 ? " (\(line.reclaimable * 100 / line.size)%)" : ""
                return [name, String(line.total), String(line.active), ByteCount.text(line.size), ByteCount.text(line.reclaimable) + percent]
            }
            printTable(header: ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
                       rows: [line("Images", totals.images), line("Containers", totals.containers),
                              line("Local Volumes", totals.volumes), line("Build Cache", totals.buildCache)])
            Console.out("\nImages space usage:\n")
            printTable(header: ["REPOSITORY:TAG", "IMAGE ID", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"],
                       rows: (usage.Images ?? []).map { image in
                           [image.tags.first ?? "<none>", ShortID.image(image.Id), ByteCount.text(max(0, image.Size ?? 0)),
                            ByteCount.text(max(0, image.SharedSize ?? 0)), ByteCount.text(image.uniqueSize),
                            image.Containers.map { $0 < 0 ? "-" : String($0) } ?? "-"]
                       })
            Console.out("\nContainers space usage:\n")
            printTable(header: ["NAME", "CONTAINER ID", "IMAGE", "STATE", "SIZE"],
                       rows: (usage.Containers ?? []).map { container in
                           [container.name, ShortID.container(container.Id), container.Image ?? "",
                            container.State ?? "", ByteCount.text(max(0, container.SizeRw ?? 0))]
                       })
            Console.out("\nLocal Volumes space usage:\n")
            printTable(header: ["VOLUME NAME", "LINKS", "SIZE"],
                       rows: (usage.Volumes ?? []).map { volume in
                           [volume.Name, String(volume.UsageData?.RefCount ?? 0), ByteCount.text(volume.size)]
                       })
            Console.out("\nBuild cache usage: \(ByteCount.text(totals.buildCache.size))\n")
            printTable(header: ["CACHE ID", "CACHE TYPE", "SIZE", "IN USE", "SHARED"],
                       rows: (usage.BuildCache ?? []).map { record in
                           [String(record.ID.prefix(12)), record.Type ?? "", ByteCount.text(max(0, record.Size ?? 0)),
                            record.InUse == true ? "true" : "false", record.Shared == true ? "true" : "false"]
                       })
        }
    }
}

/// `swtop df --json`: every item, then the four totals as `docker system df` computes them.
struct DiskUsageRecord: Encodable {
    struct Image: Encodable { let id: String; let tags: [String]; let size: Int64; let shared: Int64; let unique: Int64; let containers: Int? }
    struct Container: Encodable { let id: String; let name: String; let image: String; let state: String; let size: Int64 }
    struct Volume: Encodable { let name: String; let driver: String; let links: Int; let size: Int64 }
    struct Cache: Encodable { let id: String; let type: String; let size: Int64; let inUse: Bool; let shared: Bool }

    let images: [Image]
    let containers: [Container]
    let volumes: [Volume]
    let buildCache: [Cache]
    let totals: DiskUsageTotals

    init(_ usage: DiskUsage, _ totals: DiskUsageTotals) {
        images = (usage.Images ?? []).map {
            Image(id: $0.Id, tags: $0.tags, size: max(0, $0.Size ?? 0), shared: max(0, $0.SharedSize ?? 0), unique: $0.uniqueSize,
                  containers: $0.Containers.flatMap { $0 < 0 ? nil : $0 })
        }
        containers = (usage.Containers ?? []).map {
            Container(id: $0.Id, name: $0.name, image: $0.Image ?? "", state: $0.State ?? "", size: max(0, $0.SizeRw ?? 0))
        }
        volumes = (usage.Volumes ?? []).map {
            Volume(name: $0.Name, driver: $0.Driver ?? "", links: max(0, $0.UsageData?.RefCount ?? 0), size: $0.size)
        }
        buildCache = (usage.BuildCache ?? []).map {
            Cache(id: $0.ID, type: $0.Type ?? "", size: max(0, $0.Size ?? 0), inUse: $0.InUse ?? false, shared: $0.Shared ?? false)
        }
        self.totals = totals
    }
}
