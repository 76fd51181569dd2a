import TermCanvas

/// The screens whose keys a config file names (`[keys.NAME]`, `swtop keys`), and `global`: the keys
/// every screen has unless it binds the same action itself (help, quit, suspend, redraw).
public enum ScreenName: String, CaseIterable, Sendable, Hashable, Comparable {
    case global, containers, images, volumes, networks, logs, layers, run, processes, inspect
    case services, tasks, nodes, contexts, disk, prune, transfer, build, runForm = "run-form", compose, stats

    public static func < (lhs: ScreenName, rhs: ScreenName) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// What `swtop keys` and the config's error messages call it.
    public var summary: String {
        switch self {
        case .global: "every screen, unless the screen binds the action itself"
        case .containers: "the containers list (1)"
        case .images: "the images list (2)"
        case .volumes: "the volumes list (3)"
        case .networks: "the networks list (4)"
        case .logs: "a log view (l)"
        case .layers: "the layer view (L, Enter on an image)"
        case .run: "a command's output (x)"
        case .processes: "the processes view (T)"
        case .inspect: "the inspect view (i)"
        case .services: "swarm services (S)"
        case .tasks: "a swarm service's tasks"
        case .nodes: "swarm nodes (N)"
        case .contexts: "the context picker (C)"
        case .disk: "disk usage (D)"
        case .prune: "prune (X)"
        case .transfer: "a pull or a push (P, u)"
        case .build: "a build (b)"
        case .runForm: "the run form (r on an image)"
        case .compose: "a compose project (c on its row)"
        case .stats: "a container's charts (m)"
        }
    }
}

extension ViewKind {
    /// The list's screen.
    public var screenName: ScreenName {
        switch self {
        case .containers: .containers
        case .images: .images
        case .volumes: .volumes
        case .networks: .networks
        }
    }
}

extension UIState {
    /// The screen that takes the keys: the top of the stack, else the list shown.
    public var screenName: ScreenName { screens.last?.name ?? view.screenName }

    /// The keys in effect on the screen that takes them.
    public var bindings: [Binding] { keys.bindings(screenName) }
}

extension UIState {
    /// The status-bar hints of the screen that takes the keys: each binding that has one, by its first
    /// key, except what `--read-only` refuses.
    public func hints(excluding: Set<Command> = []) -> [KeyHint] {
        bindings.filter { !($0.mutating && readOnly) && !excluding.contains($0.command) }
            .compactMap { binding in binding.hint.map { KeyHint(binding.keys[0].description, $0) } }
    }
}
