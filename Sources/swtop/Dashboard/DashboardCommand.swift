import ArgumentParser
import DockerEngine
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import SwtopConfig
import SwtopStore
import SwtopUI

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dashboard", abstract: "The interactive dashboard (the default).")

    @OptionGroup var engine: EngineOptions
    @OptionGroup var config: ConfigOption
    @Flag(help: "Refuse every key that changes the engine (start, stop, remove...).") var readOnly = false
    @Option(help: "Write swtop's own log (and anything on stderr) to this file; nothing reaches the screen.") var logFile: String?
    @Option(help: "Log level for --log-file: critical, error, warning, info, debug, trace.") var logLevel: String = "info"
    @Flag(help: "Sample stats through the engine API even when cgroup files are readable.") var apiStats = false
    @Option(help: "Seconds between full resyncs; events keep the screen current in between (default 15).") var resyncSeconds: Double?
    @Option(help: "Lines a log view starts with (l); S in the view switches to all lines or a time span (default 1000).")
    var tail: Int?
    @Option(help: "Most lines a log view keeps; the oldest are dropped (and counted) beyond it (default 100000).") var logLines: Int?
    @Option(help: "Most bytes a log view keeps (e.g. 64MB, 1GB); the oldest lines are dropped beyond it (default 64MB).",
            transform: { try ByteSize.parse($0) }) var logBytes: Int?
    @Option(help: ArgumentHelp("Env and label names whose values the inspect view (i) hides until m / M reveals them: a name "
                               + "holding one of these words, in any case, is a secret. Replaces the default list "
                               + SecretNames.defaults.joined(separator: ",") + ".", valueName: "A,B,C"))
    var secretNames: String?

    @Option(help: "The command e runs in a container (default: bash when the container has it, else sh).") var shell: String?
    @Option(help: "Keys that leave an exec or attach session, docker's spelling (default: config.json's detachKeys, else ctrl-p,ctrl-q).")
    var detachKeys: String?
    @Flag(inversion: .prefixedNo, help: "Clicks select rows and tabs, a double click opens, the wheel scrolls (default: on).")
    var mouse: Bool?

    func run() async throws {
        let file = try config.load()
        let ui = file.ui
        var exec = ExecSettings()
        do {
            exec.detachKeys = try DetachKeys.resolve(flag: detachKeys ?? ui.detachKeys)
        } catch {
            Console.error("swtop: \(error)\n")
            throw ExitCode(1)
        }
        if let shell = shell ?? ui.shell {
            let words = ShellWords.split(shell)
            guard !words.isEmpty else {
                Console.error("swtop: --shell needs a command\n")
                throw ExitCode(1)
            }
            exec.shell = words
        }
        let limits = LogLimits(tail: max(0, tail ?? ui.logTail ?? 1000), lines: max(1, logLines ?? ui.logLines ?? 100_000),
                               bytes: logBytes ?? ui.logBytes ?? 64 << 20)
        try await Self.runDashboard(engine: Self.engines(engine, ui), readOnly: readOnly || ui.readOnly == true, logFile: logFile,
                                    logLevel: logLevel, apiStats: apiStats || ui.apiStats == true,
                                    resyncSeconds: resyncSeconds ?? ui.resyncSeconds ?? 15, limits: limits, exec: exec,
                                    secretNames: secretNames.map(SecretNames.parse) ?? ui.secretNames ?? SecretNames.defaults,
                                    config: file, mouse: mouse ?? ui.mouse ?? true)
    }

    /// The config's engines or contexts, unless the command line or DOCKER_HOST / DOCKER_CONTEXT name some.
    static func engines(_ options: EngineOptions, _ ui: UIOptions) -> EngineOptions {
        let environment = ProcessInfo.processInfo.environment
        guard options.host.isEmpty, options.context == nil, (environment["DOCKER_HOST"] ?? "").isEmpty,
              (environment["DOCKER_CONTEXT"] ?? "").isEmpty else { return options }
        var options = options
        if let engines = ui.engines { options.host = engines }
        if let contexts = ui.contexts { options.context = contexts.joined(separator: ",") }
        return options
    }

    /// The dashboard, optionally opening on a layer view (`swtop layers IMAGE --tui`).
    static func runDashboard(engine: EngineOptions, readOnly: Bool, logFile: String?, logLevel: String, apiStats: Bool,
                             resyncSeconds: Double, limits: LogLimits, initialLayers: LayerRequest? = nil,
                             exec: ExecSettings = ExecSettings(), secretNames: [String] = SecretNames.defaults,
                             config: SwtopConfig = SwtopConfig(), mouse: Bool = true) async throws {
        let engines: [NamedEndpoint]
        do {
            engines = try EngineSet.resolve(engine)
        } catch {
            Console.error("swtop: \(error)\n")
            throw ExitCode(1)
        }
        guard isatty(0) != 0, isatty(1) != 0 else {
            Console.error("swtop: the dashboard needs a terminal; for scripts use `swtop ps`, `swtop images` or `swtop engine`\n")
            throw ExitCode(1)
        }
        let redirect = try StderrRedirect(logFile: logFile)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logFile == nil ? .critical : Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        var settings = SwtopStore.Settings()
        do {
            settings.pinnedVersion = try engine.pinnedVersion()
        } catch {
            Console.error("swtop: \(error)\n")
            throw ExitCode(1)
        }
        settings.useCgroupFiles = !apiStats
        settings.resyncInterval = max(1, resyncSeconds)
        let stores = engines.map { named -> SwtopStore in
            var mine = settings
            mine.engineName = named.name
            return SwtopStore(endpoint: named.endpoint, settings: mine)
        }
        // `swtop layers IMAGE --tui` names no engine: the one it watches (every engine goes by its name).
        var initialLayers = initialLayers
        if initialLayers?.engine.isEmpty == true { initialLayers?.engine = engines.first?.name ?? "" }
        let app = DashboardApp(stores: stores, storeSettings: settings, readOnly: readOnly, logLimits: limits, initialLayers: initialLayers, exec: exec,
                               secretNames: secretNames, look: Look(config: config, mouse: mouse))
        let outcome = await app.run()
        for store in app.stores { await store.stop() }
        redirect.restore()
        if case let .failure(message) = outcome {
            Console.error("swtop: \(message)\n")
            throw ExitCode(1)
        }
    }
}

/// Sends fd 2 to the log file (or /dev/null) while curses owns the screen, so no library or runtime
/// message can garble it; puts it back afterwards.
struct StderrRedirect {
    let saved: Int32

    init(logFile: String?) throws {
        let path = logFile ?? "/dev/null"
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIFailure(message: "cannot open log file \(path): \(String(cString: strerror(errno)))") }
        saved = dup(2)
        dup2(fd, 2)
        close(fd)
    }

    func restore() {
        guard saved >= 0 else { return }
        dup2(saved, 2)
        close(saved)
    }
}
