import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LayerKit
import SwtopStore
import SwtopUI

/// What each kind of session does on its task, off the screen thread: the engine calls, and the news
/// posted to the screen thread as it goes. `connect` gives the engine connection of the moment (nil
/// while it is unreachable).
enum Work {
    typealias Connect = @Sendable () async -> (any EngineAPI)?
    typealias Post = @Sendable (SessionNews) -> Void

    static let unreachable = "the engine is unreachable; close the view and try again when it is back"

    static func message(_ error: Error) -> String {
        (error as? DockerError)?.userMessage ?? String(describing: error)
    }

    /// The layer view's loading: metadata first (drawn at once), then the files with progress, then the
    /// analysis; what other images share each layer on the side.
    static func layers(_ request: LayerRequest, _ connect: @escaping Connect, _ post: @escaping Post) async {
        // The store may still be connecting (a view opened at start): wait for it, up to 30 s.
        guard let engine = await connected(connect, tries: 60) else {
            if !Task.isCancelled { post(.failed(unreachable)) }
            return
        }
        // The layers are read from the engine's image archives, through a Docker engine connection.
        guard let client = engine as? DockerClient else {
            post(.failed("the layer view reads image archives over the Engine API; this connection cannot"))
            return
        }
        do {
            let cache = LayerCache.standard()
            let report: @Sendable (LoadProgress) -> Void = { post(.layerProgress($0)) }
            let loaded: LoadedImage
            switch request.target {
            case let .image(id, _):
                let metadata = try await ImageLoader.metadata(client: client, reference: id)
                post(.layerMetadata(metadata))
                async let sharing = ImageLoader.sharing(client: client, metadata: metadata)
                loaded = try await ImageLoader.load(client: client, metadata: metadata, cache: cache, progress: report)
                post(.layerSharing(await sharing))
            case let .container(id, _):
                let details = try await client.inspectContainer(id)
                let metadata = try await ImageLoader.metadata(client: client, reference: details.Image ?? id)
                post(.layerMetadata(metadata))
                async let sharing = ImageLoader.sharing(client: client, metadata: metadata)
                loaded = try await ImageLoader.loadContainer(client: client, id: id, cache: cache, details: details,
                                                             imageMetadata: metadata, progress: report)
                post(.layerSharing(await sharing))
            }
            try Task.checkCancellation()
            post(.layerAnalysis(ImageAnalysis(loaded)))
        } catch is CancellationError {
            return
        } catch {
            post(.failed(String(describing: error)))
        }
    }

    /// The inspect view's fetch: the engine's document, parsed into an ordered tree here (not on the
    /// screen thread), or the engine's message.
    static func inspect(_ request: InspectRequest, _ connect: @escaping Connect, _ post: @escaping Post) async {
        guard let client = await connected(connect, tries: 20) else {
            if !Task.isCancelled { post(.failed(unreachable)) }
            return
        }
        do {
            let bytes = try await client.inspectRaw(request.kind, request.id)
            try Task.checkCancellation()
            do {
                post(.document(try OrderedJSONParser.parse(bytes)))
            } catch {
                post(.failed("the engine's \(request.kind.rawValue) document is not valid JSON: \(error)"))
            }
        } catch is CancellationError {
            return
        } catch {
            post(.failed(message(error)))
        }
    }

    /// The swarm screens' data: services, tasks and nodes every 2 s while a swarm screen is open, at
    /// once when an action asks (`poke`).
    static func swarm(_ connect: @escaping Connect, _ poke: Poke, _ post: @escaping Post) async {
        while !Task.isCancelled {
            if let client = await connected(connect, tries: 10) {
                do {
                    async let services = client.services()
                    async let tasks = client.tasks()
                    async let nodes = client.nodes()
                    post(.swarm(try await SwarmListing(services: services, tasks: tasks, nodes: nodes)))
                } catch is CancellationError {
                    return
                } catch let error as DockerError {
                    post(.failed(error.isNotSwarmManager ? "not a swarm manager: \(error.userMessage)" : error.userMessage))
                } catch {
                    post(.failed(String(describing: error)))
                }
            } else {
                post(.failed("the engine is unreachable"))
            }
            // 2 s, less when an action asked for a fresh list (looked at every 100 ms: a few cheap
            // wake-ups while a swarm screen is open, none otherwise).
            for _ in 0..<20 {
                if Task.isCancelled || poke.take() { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// A swarm action; the result goes to the status line.
    static func perform(_ action: SwarmAction, client: (any EngineAPI)?) async -> ActionResult {
        guard let client else { return ActionResult(text: "the engine is unreachable: nothing sent", isError: true) }
        do {
            switch action {
            case let .scale(id, name, replicas):
                try await client.scaleService(id, replicas: replicas)
                return ActionResult(text: "\(name) scaled to \(replicas)", isError: false)
            case let .setAvailability(id, host, availability):
                try await client.setNodeAvailability(id, availability)
                return ActionResult(text: "\(host) set to \(availability.rawValue)", isError: false)
            }
        } catch {
            return ActionResult(text: "\(action.question.dropLast()) failed: \(message(error))", isError: true)
        }
    }

    /// `x`: `sh -c LINE` without a terminal or input; stdout and stderr apart, then the exit code.
    static func run(_ request: RunRequest, _ connect: @escaping Connect, _ post: @escaping Post) async {
        guard let client = await connect() else {
            post(.ended(exitCode: nil, error: "the engine is unreachable"))
            return
        }
        do {
            let spec = ExecSpec(command: request.argv ?? ["/bin/sh", "-c", request.commandLine], tty: false, stdin: false)
            let id = try await client.createExec(request.target.id, spec)
            let (input, feed) = AsyncStream<SessionInput>.makeStream()
            feed.finish()
            let end = try await client.runExec(id, tty: false, input: input) { stream, bytes in post(.output(stream, bytes)) }
            switch end {
            case let .exited(code): post(.ended(exitCode: code, error: nil))
            case .detached: post(.ended(exitCode: nil, error: "the command still runs"))
            }
        } catch is CancellationError {
        } catch {
            post(.ended(exitCode: nil, error: message(error)))
        }
    }

    /// `T`: the engine's `ps` every 2 s while the view is open. The columns to ask for, best first:
    /// Docker's engines run the host's `ps` (any ps options); podman takes only its own descriptors,
    /// answers `-o …` with an empty 200, and numbers PIDs inside the container. An answer that is an
    /// error, empty or not JSON moves down the list; nil is the engine's default columns.
    static func processes(_ target: Target, _ connect: @escaping Connect, _ post: @escaping Post) async {
        var ladder: [String?] = ProcessView.psArgsLadder
        while !Task.isCancelled {
            if let client = await connect() {
                let psArgs = ladder.first ?? nil
                do {
                    let list = try await client.top(target.id, psArgs: psArgs)
                    guard !list.Titles.isEmpty || ladder.count == 1 else { throw DockerError.malformed(what: "top", detail: "no columns") }
                    post(.processes(list, containerPIDs: client.isPodman))
                } catch let error as DockerError where ladder.count > 1 && (error.status == 500 || error.isMalformed) {
                    ladder.removeFirst()
                    continue
                } catch is CancellationError {
                    return
                } catch {
                    post(.failed(message(error)))
                }
            } else {
                post(.failed("the engine is unreachable"))
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    /// The `C` picker's data: the contexts on disk (read here, never on the screen thread).
    static func contexts(watched: [String], environment: [String: String], _ post: @escaping Post) async {
        let configDir = EndpointResolver.configDirectory(environment: environment)
        let (contexts, problems) = ContextCatalog.listWithProblems(configDir: configDir, environment: environment)
        let current = ContextCatalog.currentName(configDir: configDir, environment: environment)
        let entries = contexts.map { context in
            let endpoint = try? context.endpoint()
            return ContextEntry(name: context.name, description: context.description, endpoint: context.host,
                                tls: endpoint?.tls != nil, isCurrent: context.name == current,
                                isWatched: endpoint.map { watched.contains($0.address.description) } ?? false)
        }
        let problem = problems.isEmpty ? nil : "skipped \(problems.count): " + problems.joined(separator: "; ")
        post(.contexts(entries, problem: problem))
    }
}
