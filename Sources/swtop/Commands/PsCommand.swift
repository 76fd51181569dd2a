import ArgumentParser
import DockerEngine
import Foundation
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
    let id: String
    let name: String
    let image: String
    let imageId: String
    let command: String
    let state: String
    let status: String
    let created: Int64
    let ports: [String]
    let labels: [String: String]

    init(_ c: ContainerSummary) {
        id = c.Id
        name = c.name
        image = c.Image ?? ""
        imageId = c.ImageID ?? ""
        command = c.Command ?? ""
        state = c.State ?? ""
        status = c.Status ?? ""
        created = c.Created ?? 0
        ports = (c.Ports ?? []).map(PortText.one)
        labels = c.Labels ?? [:]
    }
}

enum PortText {
    static func one(_ p: PortBinding) -> String {
        let inner = "\(p.PrivatePort ?? 0)/\(p.Type ?? "tcp")"
        guard let published = p.PublicPort else { return inner }
        let ip = p.IP ?? ""
        return "\(ip.isEmpty ? "" : ip + ":")\(published)->\(inner)"
    }

    /// Distinct bindings (the engine lists one per address family), in a stable order.
    static func summary(_ ports: [PortBinding]) -> String {
        var seen = Set<String>()
        return ports.map(one).filter { seen.insert($0).inserted }.sorted().joined(separator: ", ")
    }
}
