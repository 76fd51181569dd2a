import DockerEngine
import SwtopStore
import TermCanvas

/// `r` on an image: what the primer teaches `docker run` to take, as a form; under it the equivalent
/// `docker run …` line as typed (`y` copies it). Enter on a field edits it (Enter again keeps it),
/// Space flips a yes/no field, Enter on the Run row (or `R` anywhere) creates and starts the container:
/// the engine's refusal shows in the form and nothing half-made is left; the new container is selected
/// in the list; with a terminal asked for, it is handed over as `e` does.
public struct RunFormScreen: Sendable, Equatable {
    public enum Field: Int, CaseIterable, Sendable {
        case name, command, ports, volumes, env, network, restart, autoRemove, user, workdir, tty, run

        public var label: String {
            switch self {
            case .name: "name"
            case .command: "command"
            case .ports: "ports (-p)"
            case .volumes: "volumes (-v)"
            case .env: "environment (-e)"
            case .network: "network"
            case .restart: "restart"
            case .autoRemove: "remove on exit (--rm)"
            case .user: "user (-u)"
            case .workdir: "working dir (-w)"
            case .tty: "terminal (-it)"
            case .run: "▶ run"
            }
        }

        public var placeholder: String {
            switch self {
            case .name: "(the engine picks one)"
            case .command: "(the image's)"
            case .ports: "8080:80 127.0.0.1:5432:5432/tcp"
            case .volumes: "data:/data /srv/www:/usr/share/www:ro"
            case .env: "KEY=value OTHER=\"two words\""
            case .network: "(bridge)"
            case .restart: "no · always · unless-stopped · on-failure[:N]"
            case .user: "(the image's)"
            case .workdir: "(the image's)"
            default: ""
            }
        }

        public var isToggle: Bool { self == .autoRemove || self == .tty }
    }

    public var image: String
    public var engine: String
    public var values: [Field: String] = [:]
    public var autoRemove = false
    public var tty = false
    public var cursor: Field = .name
    public var editing = false
    /// The field's text before this edit (Esc puts it back).
    public var before = ""
    public var session: SessionID?
    /// Creating and starting now.
    public var running = false
    public var error: String?
    /// Which field the error is about.
    public var errorField: Field?
    public var done = false
    public var startedID: String?
    /// Names whose values are secrets (masked on screen).
    public var secretNames: [String]

    public init(image: String, engine: String, secretNames: [String] = SecretNames.defaults) {
        self.image = image
        self.engine = engine
        self.secretNames = secretNames
    }

    public func value(_ field: Field) -> String { values[field] ?? "" }

    /// The create call's spec, or the field that does not read and why.
    public var spec: Result<ContainerSpec, RunFormProblem> {
        var spec = ContainerSpec(image: image)
        let name = value(.name).trimmedSpaces
        if !name.isEmpty {
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }), name.first?.isLetter == true || name.first?.isNumber == true else {
                return .failure(RunFormProblem(field: .name, message: "a name is letters, digits, _ . - (starting with a letter or digit)"))
            }
            spec.name = name
        }
        guard let command = ShellWords.checked(value(.command)) else {
            return .failure(RunFormProblem(field: .command, message: "a quote is not closed"))
        }
        spec.command = command
        guard let ports = ShellWords.checked(value(.ports)) else { return .failure(RunFormProblem(field: .ports, message: "a quote is not closed")) }
        for text in ports {
            guard let port = Self.port(text) else {
                return .failure(RunFormProblem(field: .ports, message: "“\(text)” is not [IP:]HOST:CONTAINER[/tcp|udp] or CONTAINER"))
            }
            spec.ports.append(port)
        }
        guard let volumes = ShellWords.checked(value(.volumes)) else {
            return .failure(RunFormProblem(field: .volumes, message: "a quote is not closed"))
        }
        for text in volumes {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || (parts.count == 3 && ["ro", "rw", "z", "Z"].contains(parts[2])), !parts[0].isEmpty,
                  parts[1].hasPrefix("/") else {
                return .failure(RunFormProblem(field: .volumes, message: "“\(text)” is not VOLUME:/PATH or /HOST:/PATH[:ro]"))
            }
            spec.binds.append(text)
        }
        guard let env = ShellWords.checked(value(.env)) else { return .failure(RunFormProblem(field: .env, message: "a quote is not closed")) }
        for text in env {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                return .failure(RunFormProblem(field: .env, message: "“\(text)” is not KEY=value"))
            }
            spec.env.append(text)
        }
        let network = value(.network).trimmedSpaces
        if !network.isEmpty { spec.network = network }
        let restart = value(.restart).trimmedSpaces
        if !restart.isEmpty {
            let parts = restart.split(separator: ":", maxSplits: 1)
            let known = ["no", "always", "unless-stopped", "on-failure"].contains(String(parts[0]))
            let count = parts.count == 1 || (parts[0] == "on-failure" && Int(parts[1]) != nil)
            guard known, count else {
                return .failure(RunFormProblem(field: .restart, message: "no, always, unless-stopped or on-failure[:N]"))
            }
            spec.restart = restart
        }
        if autoRemove, let policy = spec.restart, policy != "no" {
            return .failure(RunFormProblem(field: .autoRemove, message: "--rm and a restart policy do not go together"))
        }
        spec.autoRemove = autoRemove
        let user = value(.user).trimmedSpaces
        if !user.isEmpty { spec.user = user }
        let workdir = value(.workdir).trimmedSpaces
        if !workdir.isEmpty {
            guard workdir.hasPrefix("/") else { return .failure(RunFormProblem(field: .workdir, message: "an absolute path")) }
            spec.workingDir = workdir
        }
        spec.tty = tty
        return .success(spec)
    }

    /// `8080:80`, `127.0.0.1:8080:80/udp`, `80` (exposed only), `:80` (any host port).
    static func port(_ text: String) -> ContainerSpec.Port? {
        var body = Substring(text)
        var proto = "tcp"
        if let slash = body.lastIndex(of: "/") {
            proto = String(body[body.index(after: slash)...])
            body = body[..<slash]
            guard ["tcp", "udp", "sctp"].contains(proto) else { return nil }
        }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func number(_ s: String) -> Bool { Int(s).map { (1...65535).contains($0) } ?? false }
        switch parts.count {
        case 1 where number(parts[0]): return ContainerSpec.Port(hostPort: nil, containerPort: parts[0], proto: proto)
        case 2 where number(parts[1]) && (parts[0].isEmpty || number(parts[0])):
            return ContainerSpec.Port(hostPort: parts[0], containerPort: parts[1], proto: proto)
        case 3 where number(parts[2]) && (parts[1].isEmpty || number(parts[1])) && !parts[0].isEmpty:
            return ContainerSpec.Port(hostIP: parts[0], hostPort: parts[1], containerPort: parts[2], proto: proto)
        default: return nil
        }
    }

    /// The `docker run` line for what is typed; secret values masked unless `reveal`.
    public func commandLine(reveal: Bool) -> String {
        var words = ["docker", "run", tty ? "-it" : "-d"]
        let name = value(.name).trimmedSpaces
        if !name.isEmpty { words += ["--name", name] }
        for port in ShellWords.split(value(.ports)) { words += ["-p", port] }
        for volume in ShellWords.split(value(.volumes)) { words += ["-v", volume] }
        for pair in ShellWords.split(value(.env)) {
            let key = String(pair.prefix { $0 != "=" })
            let secret = !reveal && SecretNames.isSecret(key, secretNames) && pair.contains("=")
            words += ["-e", secret ? key + "=••••••" : pair]
        }
        let network = value(.network).trimmedSpaces
        if !network.isEmpty { words += ["--network", network] }
        let restart = value(.restart).trimmedSpaces
        if !restart.isEmpty { words += ["--restart", restart] }
        if autoRemove { words.append("--rm") }
        let user = value(.user).trimmedSpaces
        if !user.isEmpty { words += ["-u", user] }
        let workdir = value(.workdir).trimmedSpaces
        if !workdir.isEmpty { words += ["-w", workdir] }
        words.append(image)
        words += ShellWords.split(value(.command))
        return words.map(ShellWords.quote).joined(separator: " ")
    }
}

public struct RunFormProblem: Error, Sendable, Equatable {
    public var field: RunFormScreen.Field
    public var message: String
}

extension String {
    var trimmedSpaces: String { String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
}

/// What the run session posts.
public enum RunNews: Sendable, Equatable {
    case started(id: String)
}

/// Creates, then starts; a container that would not start is removed again (nothing half-made is left).
struct RunContainerWork: SessionWork {
    let spec: ContainerSpec
    let engine: String

    func run(_ api: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async {
        let id: String
        do {
            id = try await api.createContainer(spec)
        } catch {
            post(.failed((error as? DockerError)?.userMessage ?? String(describing: error)))
            return
        }
        do {
            try await api.perform(.start, on: id)
            post(.payload(RunNews.started(id: id)))
        } catch {
            let message = (error as? DockerError)?.userMessage ?? String(describing: error)
            try? await api.perform(.remove(force: true, volumes: true), on: id)
            post(.failed("it would not start: \(message) (the container made for it was removed)"))
        }
    }
}
