import ArgumentParser
import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `swtop context ls` (also `swtop contexts`): the docker contexts on disk, like `docker context ls`.
struct ContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context", abstract: "List the docker contexts (name, description, docker endpoint; * marks the current one).",
        aliases: ["contexts"])

    @Argument(help: "ls (the only action; the default).") var action: String = "ls"
    @OptionGroup var engine: EngineOptions
    @Flag(help: "Print a JSON array: name, current, description, dockerEndpoint, tls, skipTLSVerify.") var json = false

    func run() async throws {
        try await failing {
            guard ["ls", "list"].contains(action) else {
                throw CLIFailure(message: "context: unknown action '\(action)' (use `swtop context ls`)")
            }
            let environment = ProcessInfo.processInfo.environment
            let configDir = EndpointResolver.configDirectory(environment: environment)
            let (contexts, problems) = ContextCatalog.listWithProblems(configDir: configDir, environment: environment)
            let current = engine.context.flatMap { $0.contains(",") ? nil : $0 }
                ?? ContextCatalog.currentName(configDir: configDir, environment: environment)
            let records = contexts.map { ContextRecord($0, current: $0.name == current) }
            if json {
                printJSON(records)
            } else {
                printTable(header: ["NAME", "DESCRIPTION", "DOCKER ENDPOINT"],
                           rows: records.map { [$0.name + ($0.current ? " *" : ""), $0.description, $0.dockerEndpoint] })
            }
            for problem in problems { Console.error("swtop: skipped \(CLIText.safe(problem))\n") }
        }
    }
}

struct ContextRecord: Encodable {
    let name: String
    let current: Bool
    let description: String
    let dockerEndpoint: String
    let tls: Bool
    let skipTLSVerify: Bool

    init(_ context: DockerContext, current: Bool) {
        name = context.name
        self.current = current
        description = context.description
        dockerEndpoint = context.host
        tls = context.usesTLS
        skipTLSVerify = context.skipTLSVerify
    }
}
