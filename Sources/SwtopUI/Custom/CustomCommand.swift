import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// A command of the user's (`[[commands]]` in config.toml), bound to a key on the lists it names: its
/// words are filled from the selected row's fields, each word one argument — never a shell line, so a
/// value with `;` or `$(…)` in it is only text.
public struct CustomCommand: Sendable, Equatable {
    /// Where a command applies: a list, a compose project's screen, the swarm services.
    public enum Scope: String, Sendable, CaseIterable, Equatable {
        case containers, images, volumes, networks, projects, services

        public var screen: ScreenName {
            switch self {
            case .containers: .containers
            case .images: .images
            case .volumes: .volumes
            case .networks: .networks
            case .projects: .compose
            case .services: .services
            }
        }
    }

    /// Where it runs.
    public enum Place: String, Sendable, CaseIterable, Equatable {
        /// A local process given the terminal (swtop comes back when it ends).
        case terminal
        /// A local process, its output in a pane.
        case pane
        /// Inside the selected container, without a terminal, its output in a pane (as `x` runs).
        case container
    }

    /// The fields a word may name, `{{.Name}}` (written exactly so).
    public static let fields = ["ID", "Name", "Image", "Project", "Engine", "Host"]

    public var name: String
    public var key: Key
    public var scopes: [Scope]
    /// The words, each with its `{{.Field}}`s.
    public var words: [String]
    public var place: Place
    public var confirm: Bool
    public var mutating: Bool
    public var description: String?

    public init(name: String, key: Key, scopes: [Scope], words: [String], place: Place = .pane, confirm: Bool = false,
                mutating: Bool = false, description: String? = nil) {
        self.name = name
        self.key = key
        self.scopes = scopes
        self.words = words
        self.place = place
        self.confirm = confirm
        self.mutating = mutating
        self.description = description
    }

    /// A field written in another case (`{{.name}}`, `{{.Id}}`): a config error, with the field meant.
    /// Any other `{{…}}` is left as written — it is the docker CLI's own template (`{{.State.Status}}`,
    /// `{{.Names}}`, `{{ .Name }}` with spaces).
    public static func miscasedFields(_ word: String) -> [(written: String, meant: String)] {
        var found: [(String, String)] = []
        var rest = word.startIndex
        while let open = word[rest...].firstRange(of: "{{."), let close = word[open.upperBound...].firstRange(of: "}}") {
            let inner = String(word[open.upperBound..<close.lowerBound])
            if !fields.contains(inner), let meant = fields.first(where: { $0.lowercased() == inner.lowercased() }) {
                found.append((inner, meant))
            }
            rest = close.upperBound
        }
        return found
    }

    /// Each `{{.Field}}` of a word (exactly so: no spaces) with its range.
    static func placeholders(_ word: String) -> [(range: Range<String.Index>, field: String)] {
        var found: [(Range<String.Index>, String)] = []
        var rest = word.startIndex
        while let open = word[rest...].firstRange(of: "{{."), let close = word[open.upperBound...].firstRange(of: "}}") {
            let inner = String(word[open.upperBound..<close.lowerBound])
            if fields.contains(inner) { found.append((open.lowerBound..<close.upperBound, inner)) }
            rest = close.upperBound
        }
        return found
    }

    /// The arguments for one row: each word with its fields put in (a field the row has not is empty).
    public func arguments(_ row: RowFields, host: String) -> [String] {
        words.map { word in
            var out = ""
            var at = word.startIndex
            for (range, field) in Self.placeholders(word) {
                out += word[at..<range.lowerBound]
                out += row.value(field, host: host)
                at = range.upperBound
            }
            return out + word[at...]
        }
    }

    /// What `?` and `swtop keys` say of it.
    public var summary: String {
        (description ?? name) + ": " + LocalCommand.display(words)
            + (place == .terminal ? " (in the terminal)" : place == .container ? " (inside the container)" : "")
    }
}

/// The selected row's fields a command's words may name.
public struct RowFields: Sendable, Equatable {
    public var id: String
    public var name: String
    public var image: String
    public var project: String
    public var engine: String

    public init(id: String = "", name: String = "", image: String = "", project: String = "", engine: String) {
        self.id = id
        self.name = name
        self.image = image
        self.project = project
        self.engine = engine
    }

    func value(_ field: String, host: String) -> String {
        switch field {
        case "ID": id
        case "Name": name
        case "Image": image
        case "Project": project
        case "Engine": engine
        case "Host": host
        default: ""
        }
    }
}


// MARK: - Running one

/// What a custom command's key asks for once its row's fields are known: a pane's work, or the terminal.
public struct CustomRun: Sendable, Equatable {
    public var command: CustomCommand
    public var row: RowFields

    public init(command: CustomCommand, row: RowFields) {
        self.command = command
        self.row = row
    }

    /// The local process, pointed at the row's engine (`DOCKER_HOST`, `{{.Host}}`); nil with the reason
    /// when the program is not found.
    public func local(cli: DockerCLIEnvironment, environment: [String: String]) -> (LocalCommand?, String?) {
        let arguments = command.arguments(row, host: cli.host)
        guard let program = arguments.first, !program.isEmpty else { return (nil, "\(command.name): the command is empty") }
        guard let path = LocalCommand.which(program, environment: environment) else {
            return (nil, "\(command.name): \(program) not found (on PATH: \(environment["PATH"] ?? "none"))")
        }
        return (LocalCommand(path: path, arguments: Array(arguments.dropFirst()), environment: cli.applied(to: environment)), nil)
    }
}

/// A pane command: the local process's output as it comes.
struct CustomCommandWork: SessionWork {
    let run: CustomRun
    var engine: String { run.row.engine }

    func run(_ api: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async {
        guard let cli = api.cliEnvironment else {
            post(.failed("\(run.command.name): swtop has no address the docker CLI could use for \(engine)"))
            return
        }
        let (command, problem) = run.local(cli: cli, environment: ProcessInfo.processInfo.environment)
        guard let command else {
            post(.failed(problem ?? "\(run.command.name) cannot run"))
            return
        }
        switch await LocalProcess.run(command, output: { post(.output(.stdout, $0)) }) {
        case let .exited(code): post(.ended(exitCode: Int(code), error: nil))
        case let .notStarted(reason): post(.failed("\(command.path) could not start: \(reason)"))
        case .cancelled: break
        }
    }
}

enum CustomReducer {
    /// The fields of what the top screen (or the list) has selected, for a command of `scope`.
    static func row(_ state: UIState, _ snapshot: StoreSnapshot) -> RowFields? {
        if let compose = state.top(ComposeScreen.self) {
            return RowFields(id: compose.project.name, name: compose.project.name, project: compose.project.name, engine: compose.engine)
        }
        if let swarm = state.top(SwarmScreen.self) {
            guard let service = swarm.selectedService else { return nil }
            return RowFields(id: service.ID, name: service.name, image: service.image, engine: state.swarmEngine)
        }
        guard state.screens.isEmpty, let key = ResourceReducer.selectedRow(state, snapshot) else { return nil }
        switch key {
        case let .container(id):
            guard let item = snapshot.containers.first(where: { $0.id == id }) else { return nil }
            return RowFields(id: item.id, name: item.name, image: item.image, project: item.composeProject ?? "", engine: item.engine)
        case let .composeGroup(name, engine):
            return RowFields(id: name, name: name, project: name, engine: engine)
        case let .image(id, engine):
            let image = snapshot.images.first { $0.Id == id && ($0.engine ?? "") == engine }
            let tag = image.flatMap { ResourceReducer.meantTag($0.tags, state) } ?? ShortID.image(id)
            return RowFields(id: id, name: tag, image: tag, engine: engine.isEmpty ? ResourceReducer.engine(state, snapshot) : engine)
        case let .volume(name, engine):
            let volume = snapshot.volumes.first { $0.Name == name && ($0.engine ?? "") == engine }
            return RowFields(id: name, name: name, project: volume?.Labels?[ComposeProject.projectLabel] ?? "",
                             engine: engine.isEmpty ? ResourceReducer.engine(state, snapshot) : engine)
        case let .network(id, engine):
            let network = snapshot.networks.first { $0.Id == id && ($0.engine ?? "") == engine }
            return RowFields(id: id, name: network?.Name ?? id, project: network?.Labels?[ComposeProject.projectLabel] ?? "",
                             engine: engine.isEmpty ? ResourceReducer.engine(state, snapshot) : engine)
        case .engineGroup:
            return nil
        }
    }

    /// A custom command's key: asks first when it says so, then runs where it says.
    static func run(_ state: UIState, _ name: String, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        guard let command = state.keys.customCommands[name] else { return (state, []) }
        guard let row = row(state, snapshot) else {
            state.notice = ActionResult(text: "\(command.name): nothing selected", isError: true)
            return (state, [])
        }
        if command.place == .container, !state.screens.isEmpty || snapshot.containers.first(where: { $0.id == row.id }) == nil {
            state.notice = ActionResult(text: "\(command.name) runs inside a container: select one", isError: true)
            return (state, [])
        }
        let run = CustomRun(command: command, row: row)
        if command.confirm {
            let preview = LocalCommand.display(command.arguments(row, host: "$DOCKER_HOST"))
            state.confirm = Confirmation(question: "\(command.name): \(preview)?", effects: [.runCustom(run)],
                                         cancelled: "\(command.name) cancelled: nothing run")
            return (state, [])
        }
        // Effects first: they push the pane onto `state`, which the tuple must carry.
        let go = effects(&state, run)
        return (state, go)
    }

    /// What running it takes: a pane pushed now (its session opened), or the terminal.
    static func effects(_ state: inout UIState, _ run: CustomRun) -> [Effect] {
        switch run.command.place {
        case .terminal:
            return [.handOverLocal(LocalHandOver(engine: run.row.engine, title: run.command.name, plan: .custom(run)))]
        case .pane:
            var pane = RunScreen(request: RunRequest(target: Target(id: run.row.id, name: run.row.name, engine: run.row.engine),
                                                     commandLine: LocalCommand.display(run.command.arguments(run.row, host: "$DOCKER_HOST"))))
            pane.title = "\(run.command.name) · \(run.row.name)"
            let id = state.newSession()
            pane.session = id
            pane.rerun = .work(AnyWork(CustomCommandWork(run: run)))
            state.screens.append(.run(pane))
            return [.openSession(id, pane.rerun!)]
        case .container:
            let arguments = run.command.arguments(run.row, host: "")
            var pane = RunScreen(request: RunRequest(target: Target(id: run.row.id, name: run.row.name, engine: run.row.engine),
                                                     commandLine: LocalCommand.display(arguments), argv: arguments))
            pane.title = "\(run.command.name) in \(run.row.name)"
            let id = state.newSession()
            pane.session = id
            state.screens.append(.run(pane))
            return [.openSession(id, .run(pane.request))]
        }
    }
}
