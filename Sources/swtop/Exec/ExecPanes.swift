import DockerEngine
import NCursesBackend
import SwtopStore
import SwtopUI
import TermCanvas
import Synchronization

/// `x` and `T` off the screen thread: each a task whose results wait in an inbox the screen thread
/// drains (it wakes it, like the log and layer sessions).
final class PaneSession: Sendable {
    enum News: Sendable {
        case output(LogStream, [UInt8])
        case ended(exitCode: Int?, error: String?)
        case processes(ProcessList, containerPIDs: Bool)
        case processesFailed(String)
    }

    private let inbox: SessionInbox<News>

    init(wake: @escaping @Sendable () -> Void) { inbox = SessionInbox(wake: wake) }

    func post(_ news: News) { inbox.post(news) }

    func drain() -> [News] { inbox.drain() }

    func start(_ body: @escaping @Sendable (PaneSession) async -> Void) { inbox.run { [self] in await body(self) } }

    func stop() { inbox.stop() }

    /// `x`: `sh -c LINE` without a terminal or input; stdout and stderr apart, then the exit code.
    static func run(_ request: RunRequest, client: @escaping @Sendable () async -> DockerClient?) -> @Sendable (PaneSession) async -> Void {
        return { session in
            guard let client = await client() else {
                session.post(.ended(exitCode: nil, error: "the engine is unreachable"))
                return
            }
            do {
                let spec = ExecSpec(command: ["/bin/sh", "-c", request.commandLine], tty: false, stdin: false)
                let id = try await client.createExec(request.target.id, spec)
                let (input, feed) = AsyncStream<SessionInput>.makeStream()
                feed.finish()
                let end = try await client.runExec(id, tty: false, input: input) { stream, bytes in
                    session.post(.output(stream, bytes))
                }
                switch end {
                case let .exited(code): session.post(.ended(exitCode: code, error: nil))
                case .detached: session.post(.ended(exitCode: nil, error: "the command still runs"))
                }
            } catch is CancellationError {
            } catch let error as DockerError {
                session.post(.ended(exitCode: nil, error: error.userMessage))
            } catch {
                session.post(.ended(exitCode: nil, error: String(describing: error)))
            }
        }
    }

    /// `T`: the engine's `ps` every 2 s while the view is open.
    static func processes(_ target: Target, client: @escaping @Sendable () async -> DockerClient?) -> @Sendable (PaneSession) async -> Void {
        return { session in
            // The columns to ask for, best first: Docker's engines run the host's `ps` (any ps options); podman
            // takes only its own descriptors, answers `-o …` with an empty 200, and numbers PIDs inside the
            // container. An answer that is an error, empty or not JSON moves down the list; nil is the
            // engine's default columns.
            var ladder: [String?] = ProcessView.psArgsLadder
            while !Task.isCancelled {
                if let client = await client() {
                    let psArgs = ladder.first ?? nil
                    do {
                        let list = try await client.top(target.id, psArgs: psArgs)
                        guard !list.Titles.isEmpty || ladder.count == 1 else { throw DockerError.malformed(what: "top", detail: "no columns") }
                        session.post(.processes(list, containerPIDs: client.ping.isPodman))
                    } catch let error as DockerError where ladder.count > 1 && (error.status == 500 || error.isMalformed) {
                        ladder.removeFirst()
                        continue
                    } catch let error as DockerError {
                        session.post(.processesFailed(error.userMessage))
                    } catch is CancellationError {
                        return
                    } catch {
                        session.post(.processesFailed(String(describing: error)))
                    }
                } else {
                    session.post(.processesFailed("the engine is unreachable"))
                }
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }
}

/// The screen loop's side of `x`, `T` and the hand-over.
struct ExecPanes {
    let app: DashboardApp
    private var run: PaneSession?
    private var processes: PaneSession?

    init(app: DashboardApp) { self.app = app }

    mutating func openRun(_ request: RunRequest) {
        run?.stop()
        let session = PaneSession(wake: { [mailbox = app.mailbox] in mailbox.wake() })
        session.start(PaneSession.run(request, client: { [app, engine = request.target.engine] in await app.client(engine) }))
        run = session
    }

    mutating func closeRun() {
        run?.stop()
        run = nil
    }

    mutating func openProcesses(_ target: Target) {
        processes?.stop()
        let session = PaneSession(wake: { [mailbox = app.mailbox] in mailbox.wake() })
        session.start(PaneSession.processes(target, client: { [app, engine = target.engine] in await app.client(engine) }))
        processes = session
    }

    mutating func closeProcesses() {
        processes?.stop()
        processes = nil
    }

    mutating func closeAll() {
        closeRun()
        closeProcesses()
    }

    /// Applies what arrived to the screens it belongs to; true when something changed.
    func drain(_ state: inout UIState) -> Bool {
        var changed = false
        if let news = run?.drain(), !news.isEmpty,
           case (let index, var screen)? = state.topmost(RunScreen.self) {
            // Left in the stack the screen shares its lines with `screen`, and the first append would copy
            // all of them: a placeholder stands there until the screen goes back.
            state.screens[index] = .run(RunScreen(request: screen.request))
            for item in news {
                switch item {
                case let .output(stream, bytes): screen.append(stream, bytes)
                case let .ended(code, error): screen.finish(exitCode: code, error: error)
                default: break
                }
            }
            state.screens[index] = .run(screen)
            changed = true
        }
        if let news = processes?.drain(), !news.isEmpty,
           case (let index, var screen)? = state.topmost(ProcessScreen.self) {
            for item in news {
                switch item {
                case let .processes(list, containerPIDs):
                    screen.list = list
                    screen.containerPIDs = containerPIDs
                    screen.error = nil
                    screen.updates += 1
                case let .processesFailed(message): screen.error = message
                default: break
                }
            }
            state.screens[index] = .processes(screen)
            changed = true
        }
        return changed
    }

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
        let client: @Sendable () async -> DockerClient? = { [app, engine = request.target.engine] in await app.client(engine) }
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
