import ArgumentParser
import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build", abstract: "Build an image from a Dockerfile with the engine's classic builder; each step as it runs.")

    @OptionGroup var engine: EngineOptions
    @Argument(help: "The build context: a directory (its .dockerignore is honoured).") var context: String = "."
    @Option(name: .shortAndLong, help: "The Dockerfile, inside the context (default: Dockerfile).") var file: String = "Dockerfile"
    @Option(name: .shortAndLong, help: "Name and tag the image (repeat for several).") var tag: [String] = []
    @Option(name: .customLong("build-arg"), help: "A build argument KEY=VALUE (repeat for several).") var buildArg: [String] = []
    @Flag(name: .customLong("no-cache"), help: "Do not use the cache.") var noCache = false

    func run() async throws {
        try await failing {
            let (request, problem) = BuildRequestText.parse(context: context, file: file, tags: tag, args: buildArg)
            guard let request else { throw CLIFailure(message: problem ?? "the options do not read") }
            var options = request.options
            options.noCache = noCache
            let upload: ContextUpload
            do {
                upload = try ContextUpload(root: request.context, dockerfile: options.dockerfile)
            } catch {
                throw CLIFailure(message: String(describing: error))
            }
            Console.out("sending the context: \(upload.entries) entries, \(ByteCount.text(upload.size))\n")
            let progress = try await withClient(engine) { client -> BuildProgress in
                var progress = BuildProgress()
                var shownSteps = 0
                var shownLines: [Int: Int] = [:]
                func show() {
                    for (index, step) in progress.steps.enumerated() {
                        if index >= shownSteps {
                            Console.out("Step \(step.number)/\(step.total) : \(CLIText.safe(step.instruction))\n")
                            shownSteps = index + 1
                        }
                        let seen = shownLines[index] ?? 0
                        let fresh = step.outputLines - seen
                        for line in step.output.suffix(max(0, min(fresh, step.output.count))) { Console.out("  " + CLIText.safe(line) + "\n") }
                        shownLines[index] = step.outputLines
                    }
                }
                do {
                    for try await message in try await client.build(upload, options) {
                        progress.apply(message)
                        show()
                    }
                } catch let error as DockerError {
                    progress.error = error.userMessage
                }
                progress.finish()
                show()
                return progress
            }
            if let error = progress.error {
                let step = progress.steps.last { $0.failed }.map { "step \($0.number)/\($0.total) (\(CLIText.safe($0.instruction))) failed: " } ?? ""
                throw CLIFailure(message: step + error)
            }
            let cached = progress.steps.filter(\.cached).count
            Console.out("built \(progress.imageID ?? "?")\(progress.tagged.isEmpty ? "" : " tagged " + progress.tagged.joined(separator: ", "))"
                        + " · \(progress.steps.count) steps, \(cached) from the cache\n")
        }
    }
}

/// The command line's form of a build request (the dashboard's `b` reads the same fields).
enum BuildRequestText {
    static func parse(context: String, file: String, tags: [String], args: [String]) -> (BuildRequestFields?, String?) {
        var root = context
        if !root.hasPrefix("/") { root = FileManager.default.currentDirectoryPath + "/" + root }
        for tag in tags where ImageReference(tag) == nil {
            return (nil, "“\(tag)” is not a tag ([REGISTRY/]NAME[:TAG], lower case)")
        }
        var buildArgs: [String: String] = [:]
        for arg in args {
            guard let equals = arg.firstIndex(of: "="), equals != arg.startIndex else { return (nil, "--build-arg takes KEY=VALUE: “\(arg)”") }
            buildArgs[String(arg[..<equals])] = String(arg[arg.index(after: equals)...])
        }
        return (BuildRequestFields(context: root, options: BuildOptions(dockerfile: file, tags: tags, buildArgs: buildArgs)), nil)
    }
}

struct BuildRequestFields {
    var context: String
    var options: BuildOptions
}
