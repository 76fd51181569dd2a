#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A compose project as its containers' labels describe it: the name, and where its files were when
/// it was brought up (`com.docker.compose.project.working_dir`, `…config_files`, `…environment_file`).
public struct ComposeProject: Sendable, Equatable {
    public static let projectLabel = "com.docker.compose.project"
    public static let workingDirLabel = "com.docker.compose.project.working_dir"
    public static let configFilesLabel = "com.docker.compose.project.config_files"
    public static let environmentFileLabel = "com.docker.compose.project.environment_file"

    public var name: String
    public var workingDirectory: String?
    public var configFiles: [String]
    public var environmentFiles: [String]

    public init(name: String, workingDirectory: String? = nil, configFiles: [String] = [], environmentFiles: [String] = []) {
        self.name = name
        self.workingDirectory = workingDirectory
        self.configFiles = configFiles
        self.environmentFiles = environmentFiles
    }

    /// The project of these containers' labels (the first container that names the files wins: members
    /// made by one `up` carry the same ones).
    public init?(name: String, labels: [[String: String]]) {
        guard !name.isEmpty else { return nil }
        self.init(name: name)
        for set in labels where set[Self.projectLabel] == name {
            if workingDirectory == nil, let dir = set[Self.workingDirLabel], !dir.isEmpty { workingDirectory = dir }
            if configFiles.isEmpty, let files = set[Self.configFilesLabel] {
                configFiles = Self.split(files)
            }
            if environmentFiles.isEmpty, let files = set[Self.environmentFileLabel] {
                environmentFiles = Self.split(files)
            }
        }
    }

    static func split(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmedWhitespace }.filter { !$0.isEmpty }
    }

    /// The config files as Compose takes them: absolute, or relative to the working directory.
    public var resolvedConfigFiles: [String] {
        configFiles.map { $0.hasPrefix("/") || workingDirectory == nil ? $0 : workingDirectory! + "/" + $0 }
    }

    /// Why Compose cannot run this project from this machine, or nil when its files are all here.
    public func filesProblem(exists: (String) -> Bool = ComposeProject.fileExists) -> String? {
        guard let dir = workingDirectory else {
            return "the containers of \(name) do not say where its compose files are (no \(Self.workingDirLabel) label)"
        }
        guard !configFiles.isEmpty else {
            return "the containers of \(name) do not name its compose files (no \(Self.configFilesLabel) label)"
        }
        guard exists(dir) else {
            return "the compose files of \(name) are not on this machine: \(dir) does not exist here (a remote engine, or a moved directory)"
        }
        let missing = resolvedConfigFiles.filter { !exists($0) }
        if !missing.isEmpty {
            return "the compose files of \(name) are not on this machine: \(missing.joined(separator: ", ")) \(missing.count == 1 ? "does" : "do") not exist here"
        }
        return nil
    }

    public static func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}

/// What swtop asks of Compose for a project.
public enum ComposeAction: String, Sendable, CaseIterable, Equatable {
    case up, upAttached, down, downVolumes, pull, build, restart, config

    /// The subcommand and its options.
    public var arguments: [String] {
        switch self {
        case .up: return ["up", "--detach"]
        case .upAttached: return ["up"]
        case .down: return ["down"]
        case .downVolumes: return ["down", "--volumes"]
        case .pull: return ["pull"]
        case .build: return ["build"]
        case .restart: return ["restart"]
        case .config: return ["config"]
        }
    }

    /// As the pane's title says it.
    public var title: String {
        switch self {
        case .up: return "up"
        case .upAttached: return "up (attached)"
        case .down: return "down"
        case .downVolumes: return "down --volumes"
        case .pull: return "pull"
        case .build: return "build"
        case .restart: return "restart"
        case .config: return "config"
        }
    }

    /// Changes the engine (refused under --read-only).
    public var mutating: Bool { self != .config }
}

/// How the docker CLI (and Compose) reaches one engine: `DOCKER_HOST` and, for TLS, the certificates.
public struct DockerCLIEnvironment: Sendable, Equatable {
    /// `unix:///…` (an ssh:// engine's is the tunnel's local socket) or `tcp://host:port`.
    public var host: String
    public var tls: TLSMaterial?

    public init(host: String, tls: TLSMaterial? = nil) {
        self.host = host
        self.tls = tls
    }

    /// Variables that would point the command elsewhere are dropped (a context, another host, another
    /// TLS setting); this engine's are set.
    public func applied(to base: [String: String]) -> [String: String] {
        var env = base
        for name in ["DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"] { env[name] = nil }
        env["DOCKER_HOST"] = host
        if let tls {
            env["DOCKER_TLS"] = "1"
            if tls.verify { env["DOCKER_TLS_VERIFY"] = "1" }
            // The CLI takes one folder holding ca.pem, cert.pem and key.pem.
            if let folder = [tls.caFile, tls.certFile, tls.keyFile].compactMap({ $0 }).first.map({ PlainPath.directory(of: $0) }) {
                env["DOCKER_CERT_PATH"] = folder
            }
        }
        return env
    }
}

/// Finds Compose and says how to run it for a project.
public enum ComposeTool {
    /// Where the docker CLI looks for its plugins, in its order.
    static func pluginDirectories(_ environment: [String: String]) -> [String] {
        var dirs: [String] = []
        if let config = environment["DOCKER_CONFIG"], !config.isEmpty { dirs.append(config + "/cli-plugins") }
        else if let home = environment["HOME"], !home.isEmpty { dirs.append(home + "/.docker/cli-plugins") }
        dirs += ["/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
                 "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins"]
        return dirs
    }

    /// `SWTOP_COMPOSE` (a path), else the docker CLI's Compose plugin, else `docker-compose` on `PATH`.
    /// The plugin's binary runs on its own as well as under `docker`.
    public static func locate(_ environment: [String: String]) -> String? {
        if let chosen = environment["SWTOP_COMPOSE"], !chosen.isEmpty { return LocalCommand.which(chosen, environment: environment) }
        for dir in pluginDirectories(environment) {
            let candidate = dir + "/docker-compose"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return LocalCommand.which("docker-compose", environment: environment)
    }

    /// Why a project's Compose action cannot run here (no Compose, the files elsewhere), or nil.
    public static func problem(_ project: ComposeProject, environment: [String: String],
                               exists: (String) -> Bool = ComposeProject.fileExists) -> String? {
        if let files = project.filesProblem(exists: exists) { return files }
        if locate(environment) == nil {
            return "no Compose on this machine: neither the docker CLI's compose plugin nor docker-compose on PATH (or set SWTOP_COMPOSE)"
        }
        return nil
    }

    /// The files `docker compose` reads in a folder when none is named: the first of its four names, and
    /// the override file beside it.
    public static func defaultFiles(in directory: String, exists: (String) -> Bool = ComposeProject.fileExists) -> [String] {
        for (base, override) in [("compose.yaml", "compose.override.yaml"), ("compose.yml", "compose.override.yml"),
                                 ("docker-compose.yaml", "docker-compose.override.yaml"),
                                 ("docker-compose.yml", "docker-compose.override.yml")] {
            let file = PlainPath.join(directory, base)
            guard exists(file) else { continue }
            let extra = PlainPath.join(directory, override)
            return exists(extra) ? [file, extra] : [file]
        }
        return []
    }

    /// The project in `directory` (swtop's own folder, for `c` away from a project's rows): its files,
    /// and its name as Compose resolves it (`name:` in the file, else the folder's), asked of Compose
    /// itself. A problem when there is no compose file there or no Compose.
    public static func discover(in directory: String, environment: [String: String]) async -> (ComposeProject?, String?) {
        let files = defaultFiles(in: directory)
        guard !files.isEmpty else {
            return (nil, "no compose project here: \(directory) has no compose.yaml (select a project's row, or start swtop in a project's folder)")
        }
        guard let tool = locate(environment) else {
            return (ComposeProject(name: defaultName(directory), workingDirectory: directory, configFiles: files),
                    "no Compose on this machine: neither the docker CLI's compose plugin nor docker-compose on PATH (or set SWTOP_COMPOSE)")
        }
        var arguments = ["--ansi", "never", "--project-directory", directory]
        for file in files { arguments += ["--file", file] }
        arguments += ["config", "--format", "json"]
        let env = environment
        let output = OutputCollector()
        let exit = await LocalProcess.run(LocalCommand(path: tool, arguments: arguments, environment: env, directory: directory),
                                          output: { output.add($0) })
        struct Named: Decodable { var name: String? }
        let bytes = output.bytes
        if case .exited(0) = exit, let start = bytes.firstIndex(of: UInt8(ascii: "{")),
           let named = try? JSONDecoder().decode(Named.self, from: Data(bytes[start...])), let name = named.name, !name.isEmpty {
            return (ComposeProject(name: name, workingDirectory: directory, configFiles: files), nil)
        }
        let said = String(decoding: bytes.suffix(300), as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        return (ComposeProject(name: defaultName(directory), workingDirectory: directory, configFiles: files),
                "Compose could not read the project in \(directory)" + (said.isEmpty ? "" : ": " + said))
    }

    /// Compose's default project name: the folder's name, lower case, only letters, digits, `-` and `_`.
    public static func defaultName(_ directory: String) -> String {
        let base = directory.split(separator: "/").last.map(String.init) ?? directory
        return String(base.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
            .map(Character.init))
    }

    /// The command for `action` on `project`, pointed at the engine `cli` describes, with the project's
    /// own files and directory; nil when `problem` says why not.
    public static func command(_ action: ComposeAction, _ project: ComposeProject, cli: DockerCLIEnvironment,
                               environment: [String: String]) -> LocalCommand? {
        guard problem(project, environment: environment) == nil, let tool = locate(environment),
              let dir = project.workingDirectory else { return nil }
        var arguments = ["--ansi", "never"]
        if action != .upAttached { arguments += ["--progress", "plain"] }
        arguments += ["--project-name", project.name, "--project-directory", dir]
        for file in project.resolvedConfigFiles { arguments += ["--file", file] }
        for file in project.environmentFiles where ComposeProject.fileExists(file) { arguments += ["--env-file", file] }
        arguments += action.arguments
        return LocalCommand(path: tool, arguments: arguments, environment: cli.applied(to: environment), directory: dir)
    }
}

/// A command's output kept whole (up to 1 MiB), from the thread that reads it.
final class OutputCollector: Sendable {
    private let kept = Mutex<[UInt8]>([])

    func add(_ chunk: [UInt8]) {
        kept.withLock { if $0.count < 1 << 20 { $0.append(contentsOf: chunk) } }
    }

    var bytes: [UInt8] { kept.withLock { $0 } }
}
