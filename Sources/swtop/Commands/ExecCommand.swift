import ArgumentParser
import DockerEngine
import Glibc

/// `swtop exec`: `docker exec` through the engine API, for scripts and hosts without the docker CLI.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in a running container (like docker exec, through the engine API).",
        discussion: """
            Options go before the container; everything after it is the command. Exit code: the command's; \
            0 after detaching (the command goes on); 125 when swtop or the engine could not run it (not \
            running, no such container, unreachable engine, bad options).
            """)

    @OptionGroup var engine: EngineOptions
    @Flag(name: .shortAndLong, help: "Keep standard input open and send it to the command.") var interactive = false
    @Flag(name: .shortAndLong, help: "Give the command a terminal (with -i: your terminal in raw mode until it ends).") var tty = false
    @Option(name: .shortAndLong, help: "User (name or uid[:gid]) to run as.") var user: String?
    @Option(name: .shortAndLong, help: "Working directory inside the container.") var workdir: String?
    @Option(name: .shortAndLong, help: "Set an environment variable (K=V); repeat for more.") var env: [String] = []
    @Option(help: "Keys that detach from a -it session, docker's spelling (default: config.json's detachKeys, else ctrl-p,ctrl-q).")
    var detachKeys: String?
    @Argument(help: "Container name or id.") var container: String
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.") var command: [String] = []

    func run() async throws {
        let code = await execute()
        if code != 0 { throw ExitCode(code) }
    }

    private func fail(_ message: String) -> Int32 {
        Console.error("swtop: \(message)\n")
        return 125
    }

    private func execute() async -> Int32 {
        guard !command.isEmpty else { return fail("exec needs a command after the container (e.g. swtop exec web sh)") }
        if let bad = env.first(where: { !$0.contains("=") || $0.hasPrefix("=") }) {
            return fail("-e takes K=V, not \(bad)")
        }
        let keys: DetachKeys
        do { keys = try DetachKeys.resolve(flag: detachKeys) } catch { return fail(String(describing: error)) }
        let interactiveTerminal = interactive && tty
        if interactiveTerminal, isatty(0) == 0 { return fail("the input device is not a TTY (drop -t, or run from a terminal)") }
        let client: DockerClient
        do { client = try await engine.connect() } catch { return fail(String(describing: error)) }
        let spec = ExecSpec(command: command, tty: tty, stdin: interactive, user: user, workingDir: workdir, env: env,
                            detachKeys: keys.spec)
        let session = ExecSessions.exec(client: { client }, container: container, spec: spec)
        let wake = TerminalPump.Pipe()
        Signals.install(wakeFD: wake.writeFD)
        let options = TerminalPump.Options(raw: interactiveTerminal, forwardStdin: interactive, quitFD: wake.readFD,
                                           shouldQuit: { Signals.quitRequested }, detachKeys: interactive ? keys : nil)
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<HandOverOutcome, Never>) in
            OSThread.start(stackSize: 1 << 20) {
                continuation.resume(returning: TerminalPump.run(options, interrupted: .interrupted, session: session))
            }
        }
        await client.shutdown()
        switch outcome {
        case let .ended(.exited(code)):
            return Int32(truncatingIfNeeded: code)
        case .ended(.detached):
            if interactiveTerminal { Console.error("\r\nswtop: detached (\(keys.display)); the command goes on\r\n") }
            return 0
        case let .failed(message):
            return fail("exec in \(container): \(message)")
        case .interrupted:
            return fail("interrupted; the command may still be running in \(container)")
        }
    }
}
