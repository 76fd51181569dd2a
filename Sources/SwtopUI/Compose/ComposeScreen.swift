import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// `c` on a compose project's row (its header or a member): the project — where its files are, its
/// containers as the engine has them now — and what Compose does with it (up, down, pull, build,
/// restart, config), its output below. Without the files or without Compose, what the engine alone can
/// do: stop, start, remove the containers, down without the files. The screen keeps the project after a
/// `down` has taken every container away, so `u` brings it up again.
public struct ComposeScreen: Sendable, Equatable {
    public var project: ComposeProject
    public var engine: String
    /// The check of the files and of Compose (a session: it reads this machine's files).
    public var probe: SessionID?
    /// nil while checking.
    public var status: ComposeStatus?
    /// The action running now, or the last one.
    public var session: SessionID?
    public var running: String?
    public var output = CommandOutput()
    public var scroll = 0
    public var follow = true
    /// An action that asks first (down with volumes, the engine-only down and remove): `y` runs it.
    public var asking: ComposeStep?

    public init(project: ComposeProject, engine: String) {
        self.project = project
        self.engine = engine
    }
}

/// What the check found.
public struct ComposeStatus: Sendable, Equatable {
    /// Why Compose cannot run the project from here (the files are elsewhere, no Compose, an engine the
    /// CLI cannot reach); nil: it can.
    public var problem: String?
    /// The Compose that runs it.
    public var tool: String?
    /// The project found in swtop's folder (`c` away from a project's rows).
    public var project: ComposeProject?

    public init(problem: String?, tool: String?, project: ComposeProject? = nil) {
        self.problem = problem
        self.tool = tool
        self.project = project
    }
}

/// One thing the screen does: through Compose, or through the engine alone.
public enum ComposeStep: Sendable, Equatable {
    case compose(ComposeAction)
    case engine(ComposeEngineStep)

    var title: String {
        switch self {
        case let .compose(action): return action.title
        case let .engine(step): return step.title
        }
    }
}

/// What the engine does for a project without its files: its containers found by the project's label.
public enum ComposeEngineStep: String, Sendable, Equatable {
    case stop, start, remove, down

    var title: String {
        switch self {
        case .stop: return "stop (engine)"
        case .start: return "start (engine)"
        case .remove: return "remove containers (engine)"
        case .down: return "down without the files (engine)"
        }
    }
}

// MARK: - Work

/// Checks the project's files and finds Compose (this machine's files: off the screen thread).
struct ComposeProbeWork: SessionWork {
    let engine: String
    let project: ComposeProject

    func run(_ api: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async {
        let environment = ProcessInfo.processInfo.environment
        if project.name.isEmpty, let directory = project.workingDirectory {
            let (found, problem) = await ComposeTool.discover(in: directory, environment: environment)
            post(.payload(ComposeStatus(problem: problem, tool: ComposeTool.locate(environment), project: found)))
            return
        }
        var problem = ComposeTool.problem(project, environment: environment)
        if problem == nil, api.cliEnvironment == nil {
            problem = "Compose cannot reach this engine: swtop has no address the docker CLI could use for it"
        }
        post(.payload(ComposeStatus(problem: problem, tool: ComposeTool.locate(environment))))
    }
}

/// Runs Compose for the project against the row's engine; its output as it comes.
struct ComposeWork: SessionWork {
    let engine: String
    let project: ComposeProject
    let action: ComposeAction

    func run(_ api: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async {
        let environment = ProcessInfo.processInfo.environment
        guard let cli = api.cliEnvironment else {
            post(.failed("Compose cannot reach this engine: swtop has no address the docker CLI could use for it"))
            return
        }
        guard let command = ComposeTool.command(action, project, cli: cli, environment: environment) else {
            post(.failed(ComposeTool.problem(project, environment: environment) ?? "Compose cannot run here"))
            return
        }
        post(.output(.system, Array(("$ DOCKER_HOST=\(cli.host) " + command.display + "\n").utf8)))
        switch await LocalProcess.run(command, output: { post(.output(.stdout, $0)) }) {
        case let .exited(code): post(.ended(exitCode: Int(code), error: nil))
        case let .notStarted(reason): post(.failed("\(command.path) could not start: \(reason)"))
        case .cancelled: break
        }
    }
}

/// What the engine alone does for a project (no files, no Compose): its containers by label, then for
/// `down` its networks by label; its volumes are kept, as `docker compose down` keeps them.
struct ComposeEngineWork: SessionWork {
    let engine: String
    let project: String
    let step: ComposeEngineStep

    func run(_ api: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async {
        func say(_ line: String, _ stream: LogStream = .stdout) { post(.output(stream, Array((line + "\n").utf8))) }
        let label = "\(ComposeProject.projectLabel)=\(project)"
        var failures = 0
        do {
            let containers = try await api.containers(all: true, filters: ["label": [label]])
                .sorted { ($0.Names?.first ?? $0.Id) < ($1.Names?.first ?? $1.Id) }
            if containers.isEmpty { say("no container of \(project) on \(engine)") }
            for container in containers {
                if Task.isCancelled { return }
                let name = String((container.Names?.first ?? String(container.Id.prefix(12))).drop { $0 == "/" })
                let running = container.State == "running" || container.State == "restarting" || container.State == "paused"
                var actions: [ContainerAction] = []
                switch step {
                case .stop: if running { actions = [.stop(timeoutSeconds: nil)] }
                case .start: if !running { actions = [.start] }
                case .remove: actions = [.remove(force: true, volumes: false)]
                case .down: actions = (running ? [.stop(timeoutSeconds: nil)] : []) + [.remove(force: false, volumes: false)]
                }
                if actions.isEmpty { say("\(name): already \(step == .stop ? "stopped" : "running")") }
                for action in actions {
                    do {
                        try await api.perform(action, on: container.Id)
                        say("\(name): \(action.wording.past)")
                    } catch {
                        failures += 1
                        say("\(name): \(action.wording.verb) failed: \((error as? DockerError)?.userMessage ?? String(describing: error))", .stderr)
                    }
                }
            }
            if step == .down {
                let networks = try await api.networks().filter { $0.Labels?[ComposeProject.projectLabel] == project }
                for network in networks {
                    if Task.isCancelled { return }
                    let name = network.Name ?? String(network.Id.prefix(12))
                    do {
                        try await api.removeNetwork(network.Id)
                        say("network \(name): removed")
                    } catch {
                        failures += 1
                        say("network \(name): remove failed: \((error as? DockerError)?.userMessage ?? String(describing: error))", .stderr)
                    }
                }
                let volumes = try await api.volumes().filter { $0.Labels?[ComposeProject.projectLabel] == project }
                if !volumes.isEmpty { say("volumes kept: " + volumes.map(\.Name).sorted().joined(separator: ", ")) }
            }
        } catch {
            if Task.isCancelled { return }
            post(.failed((error as? DockerError)?.userMessage ?? String(describing: error)))
            return
        }
        post(.ended(exitCode: failures == 0 ? 0 : 1, error: nil))
    }
}

/// A command on this machine given the terminal: an attached `compose up`, a custom command.
public struct LocalHandOver: Sendable, Equatable {
    public enum Plan: Sendable, Equatable {
        case compose(ComposeAction, ComposeProject)
        case custom(CustomRun)
    }

    /// The engine whose address the command gets (`DOCKER_HOST`).
    public var engine: String
    /// What the banner and the status line call it.
    public var title: String
    public var plan: Plan

    public init(engine: String, title: String, plan: Plan) {
        self.engine = engine
        self.title = title
        self.plan = plan
    }
}
