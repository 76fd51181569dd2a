import ArgumentParser
import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

struct PsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List every container, like `docker ps -a`.")

    @OptionGroup var engine: EngineOptions
    @Flag(help: "Print a JSON array: id, name, image, state, status, created (unix seconds), ports, labels.")
    var json = false

    func run() async throws {
        try await failing {
            let containers = try await withClient(engine) { try await $0.containers(all: true) }
            if json {
                printJSON(containers.map(ContainerRecord.init))
            } else {
                let rows = containers.map { c in
                    [String(c.Id.prefix(12)), c.name, c.Image ?? "", c.State ?? "", c.Status ?? "",
                     PortText.summary(c.Ports ?? [])]
                }
                printTable(header: ["CONTAINER ID", "NAME", "IMAGE", "STATE", "STATUS", "PORTS"], rows: rows)
            }
        }
    }
}

struct ContainerRecord: Encodable {
    let id, name, image, imageId, command, state, status: String
    let created: Int64
    let ports: [String]
    let labels: [String: String]

    init(_ summary: ContainerSummary) {
        let c = ContainerItem(summary)
        id = c.id
        name = c.name
        image = c.image
        imageId = c.imageID
        command = c.command
        state = summary.State ?? c.state.rawValue
        status = c.status
        created = c.created
        ports = c.ports.map { PortText.one($0) }
        labels = c.labels
    }
}
