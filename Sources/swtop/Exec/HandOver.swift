import DockerEngine
import NCursesBackend
import SwtopStore
import SwtopUI
import TermCanvas
import Synchronization
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The hand-over of the terminal to `e`, `E` and `a`.
struct HandOver {
    let app: DashboardApp

    /// The engine names containers by their 64-digit id in messages: 12 digits say the same in a
    /// status line.
    static func shortenIDs(_ text: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += run.count == 64 ? String(run.prefix(12)) : run
            run = ""
        }
        for c in text {
            if c.isHexDigit, c.isASCII, !c.isUppercase { run.append(c) } else {
                flush()
                out.append(c)
            }
        }
        flush()
        return out
    }

    /// `e`, `E`, `a`: curses leaves the screen once the engine has accepted the session, the session
    /// has the terminal until it ends or the user detaches, then the dashboard comes back as it was.
    /// Returns the line for the status bar.
    func handOver(_ request: HandOverRequest, terminal: Terminal) -> ActionResult {
        let name = TerminalSafe.sanitize(request.target.name)
        let keys = app.exec.detachKeys
        let client: @Sendable () async -> DockerClient? = { [app, engine = request.target.engine] in await app.store(engine)?.currentClient() }
        // stderr may be redirected to --log-file: everything goes to the terminal. The last bytes are
        // kept: when the command could not start (126, 127) the runtime's reason goes in the status line.
        let tail = OutputTail()
        let output: @Sendable (LogStream, [UInt8]) -> Void = { _, bytes in
            tail.add(bytes)
            SessionOutput.write(.stdout, bytes)
        }
        let session: TerminalPump.Session<HandOverOutcome>
        let what: String
        switch request.kind {
        case let .exec(command, user):
            let argv = command ?? app.exec.shell ?? ExecSessions.defaultShell
            // `E`'s line runs as sh -c LINE: the line is what the user knows it by.
            let typed = command.map { $0.count == 3 && $0[0] == "/bin/sh" && $0[1] == "-c" ? $0[2] : $0.joined(separator: " ") }
            what = typed ?? app.exec.shell?.joined(separator: " ") ?? "shell"
            let spec = ExecSpec(command: argv, tty: true, stdin: true, user: user, detachKeys: keys.spec)
            session = ExecSessions.exec(client: client, container: request.target.id, spec: spec, output: output)
        case .attach:
            what = "attach"
            session = ExecSessions.attach(client: client, container: request.target.id, detachKeys: keys, output: output)
        }
        let options = TerminalPump.Options(raw: true, forwardStdin: true, quitFD: app.mailbox.readFD,
                                           shouldQuit: { Signals.quitRequested }, detachKeys: keys)
        var handedOver = false
        let outcome = TerminalPump.run(options, interrupted: .interrupted, enter: {
            handedOver = true
            terminal.suspend()
            let banner = "[swtop] \(what) in \(name) · \(request.kind == .attach ? "" : "exit or ")\(keys.display) returns to swtop\r\n"
            SessionOutput.write(.stdout, Array(banner.utf8))
        }, session: session)
        if handedOver {
            // A command typed for `E` may print and end at once: its output stays until a key is pressed.
            if case .exec(command: _?, user: _) = request.kind, case let .ended(.exited(code)) = outcome {
                TerminalPump.waitForKey("[swtop] \(what) exited with code \(code) · press a key to return to swtop",
                                        quitFD: app.mailbox.readFD, shouldQuit: { Signals.quitRequested })
            }
            terminal.resume()
        }
        switch outcome {
        case let .ended(.exited(code)):
            let verb = request.kind == .attach ? "the container's main process" : what
            var text = "\(what) in \(name): \(verb == what ? "" : "\(verb) ")exited with code \(code)"
            if code == 126 || code == 127, let reason = tail.lastLine() { text += " — " + reason }
            return ActionResult(text: text, isError: code != 0)
        case .ended(.detached):
            return ActionResult(text: "detached from \(what) in \(name) (\(keys.display)); it goes on running", isError: false)
        case let .failed(message):
            return ActionResult(text: "\(what) in \(name): \(Self.shortenIDs(message))", isError: true)
        case .interrupted:
            return ActionResult(text: "\(what) in \(name) interrupted", isError: true)
        }
    }
}

/// The last bytes a session printed, for the status line when a command could not start.
final class OutputTail: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    func add(_ chunk: [UInt8]) {
        bytes.withLock { kept in
            kept.append(contentsOf: chunk.suffix(512))
            if kept.count > 512 { kept.removeFirst(kept.count - 512) }
        }
    }

    /// The last line with something printable in it, sanitised.
    func lastLine() -> String? {
        let text = String(decoding: bytes.withLock { $0 }, as: UTF8.self)
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { line -> String in
                let clean = TerminalSafe.sanitize(String(line))
                return String(clean.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
            }
            .last { !$0.isEmpty }
    }
}

extension HandOver {
    /// An attached `compose up` or a custom command given the terminal: curses leaves the screen, the
    /// command runs in the terminal's foreground (Ctrl-C reaches it, not swtop), and once it ends its last
    /// words stay until a key is pressed. Returns the line for the status bar.
    func handOver(_ request: LocalHandOver, terminal: Terminal) -> ActionResult {
        let title = TerminalSafe.sanitize(request.title)
        let environment = ProcessInfo.processInfo.environment
        // The engine's address as the docker CLI takes it (an ssh:// engine's: swtop's own tunnel).
        let cli = Blocking.wait { [app, engine = request.engine] in await app.client(engine)?.cliEnvironment }
        guard let cli else {
            return ActionResult(text: "\(title): no address the docker CLI could use for \(TerminalSafe.sanitize(request.engine)) (is it reachable?)",
                                isError: true)
        }
        let command: LocalCommand
        switch request.plan {
        case let .compose(action, project):
            guard let made = ComposeTool.command(action, project, cli: cli, environment: environment) else {
                return ActionResult(text: ComposeTool.problem(project, environment: environment) ?? "\(title): Compose cannot run here", isError: true)
            }
            command = made
        case let .custom(run):
            let (made, problem) = run.local(cli: cli, environment: environment)
            guard let made else { return ActionResult(text: problem ?? "\(title) cannot run", isError: true) }
            command = made
        }
        terminal.suspend()
        SessionOutput.write(.stdout, Array("[swtop] \(title) · $ \(TerminalSafe.sanitize(command.display))\r\n".utf8))
        let outcome = LocalProcess.foreground(command, ttyFD: isatty(0) != 0 ? 0 : -1)
        switch outcome {
        case let .exited(code):
            TerminalPump.waitForKey("[swtop] \(title) exited with code \(code) · press a key to return to swtop",
                                    quitFD: app.mailbox.readFD, shouldQuit: { Signals.quitRequested })
        default:
            break
        }
        terminal.resume()
        switch outcome {
        case let .exited(code): return ActionResult(text: "\(title): exited with code \(code)", isError: code != 0)
        case let .notStarted(reason): return ActionResult(text: "\(title): could not start: \(reason)", isError: true)
        case .cancelled: return ActionResult(text: "\(title): stopped", isError: true)
        }
    }
}

/// The answer of async work, waited for on the screen thread (a hand-over, which has the user's full
/// attention anyway).
enum Blocking {
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let box = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await work()
            box.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return box.withLock { $0! }
    }
}
