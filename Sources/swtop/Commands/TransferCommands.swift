import ArgumentParser
import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `swtop pull REF` and `swtop push REF`: through the engine's API (no docker CLI), the registry's
/// credentials from the docker CLI's config.json; each layer's status as it changes, then the result.
enum Transfer {
    static func run(_ kind: String, _ text: String, _ options: EngineOptions) async throws {
        guard let reference = ImageReference(text) else {
            throw CLIFailure(message: "“\(text)” is not an image reference ([REGISTRY/]NAME[:TAG][@DIGEST], lower case)")
        }
        let auth: RegistryAuth
        do {
            auth = try RegistryAuth.lookup(reference.registry, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CLIFailure(message: "credentials for \(reference.registry): \((error as? DockerError)?.userMessage ?? "\(error)")")
        }
        let progress = try await withClient(options) { client -> TransferProgress in
            var progress = TransferProgress()
            var shown: [String: String] = [:]
            var notes = 0
            let stream: AsyncThrowingStream<ProgressMessage, Error>
            do {
                stream = kind == "pull" ? try await client.pullImage(reference, auth: auth) : try await client.pushImage(reference, auth: auth)
            } catch let error as DockerError where error.status != nil {
                // The engine refused at once (a registry that wants credentials answers so): its words, explained.
                progress.error = error.userMessage
                return progress
            }
            for try await message in stream {
                progress.apply(message)
                for layer in progress.layers where shown[layer.id] != layer.status {
                    shown[layer.id] = layer.status
                    let bytes = layer.total.map { " (\(ByteCount.text($0)))" } ?? ""
                    Console.out("\(layer.id): \(layer.status)\(bytes)\n")
                }
                while notes < progress.notes.count {
                    Console.out(progress.notes[notes] + "\n")
                    notes += 1
                }
            }
            return progress
        }
        if let error = progress.error {
            throw CLIFailure(message: RegistryAuth.explain(error, registry: reference.registry, auth: auth))
        }
        let figures = progress.summary
        Console.out("\(kind == "pull" ? "pulled" : "pushed") \(reference)\(progress.digest.map { " \($0)" } ?? "") · \(figures.layers) layers\n")
    }
}

struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pull", abstract: "Pull an image, each layer's progress shown.")

    @OptionGroup var engine: EngineOptions
    @Argument(help: "The image: [REGISTRY/]NAME[:TAG][@DIGEST].") var reference: String

    func run() async throws {
        try await failing { try await Transfer.run("pull", reference, engine) }
    }
}

struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "push", abstract: "Push an image to its registry, each layer's progress shown.")

    @OptionGroup var engine: EngineOptions
    @Argument(help: "The image: [REGISTRY/]NAME[:TAG].") var reference: String

    func run() async throws {
        try await failing { try await Transfer.run("push", reference, engine) }
    }
}
