import ArgumentParser
import DockerEngine
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import SwtopStore

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dashboard", abstract: "The interactive dashboard (the default).")

    @OptionGroup var engine: EngineOptions
    @Flag(help: "Refuse every key that changes the engine (start, stop, remove...).") var readOnly = false
    @Option(help: "Write swtop's own log (and anything on stderr) to this file; nothing reaches the screen.") var logFile: String?
    @Option(help: "Log level for --log-file: critical, error, warning, info, debug, trace.") var logLevel: String = "info"
    @Flag(help: "Sample stats through the engine API even when cgroup files are readable.") var apiStats = false
    @Option(help: "Seconds between full resyncs; events keep the screen current in between.") var resyncSeconds: Double = 15

    func run() async throws {
        let endpoint: EngineEndpoint
        do {
            endpoint = try engine.endpoint()
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
        let store = SwtopStore(endpoint: endpoint, settings: settings)
        let app = DashboardApp(store: store, readOnly: readOnly)
        let outcome = await app.run()
        await store.stop()
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
