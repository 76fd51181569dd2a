import DockerEngine
import SwtopStore
import TermCanvas

enum ComposeReducer {
    /// `c` on the containers list: the selected row's compose project (its header, or a member); on any
    /// other row (or none), the project in swtop's own folder, on the selected row's engine.
    static func open(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        let keys = RowKeys.of(snapshot, state)
        let selected = state.selection[.containers].flatMap { keys.contains($0) ? $0 : nil } ?? keys.first
        var found: (name: String, engine: String)?
        switch selected {
        case let .composeGroup(name, engine)?: found = (name, engine)
        case let .container(id)?:
            if let item = snapshot.containers.first(where: { $0.id == id }), let project = item.composeProject { found = (project, item.engine) }
        default: break
        }
        let project: ComposeProject
        let engine: String
        if let found {
            let labels = snapshot.containers.filter { $0.composeProject == found.name && $0.engine == found.engine }.map(\.labels)
            project = ComposeProject(name: found.name, labels: labels) ?? ComposeProject(name: found.name)
            engine = found.engine
        } else {
            // Named by the probe (Compose reads the folder's files); the engine: the selected row's, else the first.
            project = ComposeProject(name: "", workingDirectory: state.workingDirectory)
            engine = ResourceReducer.engine(state, snapshot)
        }
        var screen = ComposeScreen(project: project, engine: engine)
        let probe = state.newSession()
        screen.probe = probe
        state.screens.append(.compose(screen))
        state.showHelp = false
        return (state, [.openSession(probe, .work(AnyWork(ComposeProbeWork(engine: engine, project: project))))])
    }

    static func reduce(_ state: UIState, _ screen: ComposeScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        if let asking = screen.asking {
            screen.asking = nil
            if key == .char("y") || key == .char("Y") || key == .enter { return start(state, screen, asking) }
            state.notice = ActionResult(text: "\(asking.title) cancelled: nothing sent", isError: false)
            state.replaceTop(screen)
            return (state, [])
        }
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let rows = ComposeView.outputRows(state)
        let last = max(0, screen.output.lines.count - rows)
        switch binding.command {
        case .composeBack:
            state.screens.removeLast()
            if screen.running != nil, !screen.output.finished {
                state.notice = ActionResult(text: "compose \(screen.running ?? "") of \(screen.project.name) stopped (SIGTERM)", isError: false)
            }
            return (state, [])
        case .composeUp: return compose(state, screen, .up)
        case .composeUpAttached: return compose(state, screen, .upAttached)
        case .composeDown:
            if screen.status?.problem != nil { return ask(state, screen, .engine(.down)) }
            return compose(state, screen, .down)
        case .composeDownVolumes: return compose(state, screen, .downVolumes)
        case .composePull: return compose(state, screen, .pull)
        case .composeBuild: return compose(state, screen, .build)
        case .composeRestart: return compose(state, screen, .restart)
        case .composeConfig: return compose(state, screen, .config)
        case .composeStop: return start(state, screen, .engine(.stop))
        case .composeStart: return start(state, screen, .engine(.start))
        case .composeRemove: return ask(state, screen, .engine(.remove))
        case .moveDown: screen.scroll = (screen.follow ? last : screen.scroll) + 1
        case .moveUp: screen.scroll = (screen.follow ? last : screen.scroll) - 1
        case .pageDown: screen.scroll = (screen.follow ? last : screen.scroll) + max(1, rows - 1)
        case .pageUp: screen.scroll = (screen.follow ? last : screen.scroll) - max(1, rows - 1)
        case .top: screen.scroll = 0
        case .bottom: screen.scroll = last
        default: return (state, [])
        }
        screen.scroll = min(max(0, screen.scroll), last)
        screen.follow = screen.scroll >= last
        state.replaceTop(screen)
        return (state, [])
    }

    /// A Compose action: refused with the reason when Compose cannot run the project from here.
    static func compose(_ state: UIState, _ screen: ComposeScreen, _ action: ComposeAction) -> (UIState, [Effect]) {
        var state = state
        guard let status = screen.status, !screen.project.name.isEmpty else {
            state.notice = ActionResult(text: "still checking the project's files and Compose…", isError: false)
            return (state, [])
        }
        if status.problem != nil {
            // The reason is on the screen's second row, whole; the status line says what still works.
            state.notice = ActionResult(text: "Compose cannot run \(screen.project.name) from here (above) — s, S, x and d work through the engine alone",
                                        isError: true)
            return (state, [])
        }
        if action == .downVolumes { return ask(state, screen, .compose(action)) }
        return start(state, screen, .compose(action))
    }

    static func ask(_ state: UIState, _ screen: ComposeScreen, _ step: ComposeStep) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        screen.asking = step
        state.replaceTop(screen)
        return (state, [])
    }

    /// Starts a step in a fresh session (the last one's output goes); `up` attached gets the terminal.
    static func start(_ state: UIState, _ screen: ComposeScreen, _ step: ComposeStep) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        guard !screen.project.name.isEmpty else {
            state.notice = ActionResult(text: screen.status?.problem ?? "still checking the project's files and Compose…", isError: true)
            return (state, [])
        }
        if case .compose(.upAttached) = step {
            state.replaceTop(screen)
            return (state, [.handOverLocal(LocalHandOver(engine: screen.engine, title: "compose up \(screen.project.name)",
                                                         plan: .compose(.upAttached, screen.project)))])
        }
        let id = state.newSession()
        screen.session = id
        screen.running = step.title
        screen.output = CommandOutput()
        screen.scroll = 0
        screen.follow = true
        state.replaceTop(screen)
        let work: AnyWork
        switch step {
        case let .compose(action): work = AnyWork(ComposeWork(engine: screen.engine, project: screen.project, action: action))
        case let .engine(engineStep): work = AnyWork(ComposeEngineWork(engine: screen.engine, project: screen.project.name, step: engineStep))
        }
        return (state, [.openSession(id, .work(work))])
    }
}

extension ComposeScreen: StackScreen {
    public var screenName: ScreenName { .compose }

    public var sessions: [SessionID] { [probe, session].compactMap { $0 } }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        ComposeReducer.reduce(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        ComposeView.draw(&frame.buffer, state, self, context.snapshot)
    }

    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        if id == probe {
            if case let .payload(status as ComposeStatus) = news {
                self.status = status
                if let found = status.project { project = found }
            }
            if case let .failed(message) = news { status = ComposeStatus(problem: message, tool: nil) }
            return
        }
        guard id == session else { return }
        switch news {
        case let .output(stream, bytes): output.append(stream, bytes)
        case let .ended(code, error): output.finish(exitCode: code, error: error)
        case let .failed(message): output.finish(exitCode: nil, error: message)
        default: break
        }
    }
}

extension Screen {
    public static func compose(_ screen: ComposeScreen) -> Screen { Screen(screen) }
}

extension Keymap {
    /// The compose project screen's keys.
    public static let compose: [Binding] = [
        Binding([.escape, .char("q")], .composeBack, "back (an action still running is stopped)", hint: "back"),
        Binding([.char("u")], .composeUp, "up: create and start the project's containers (detached)", mutating: true, hint: "up"),
        Binding([.char("U")], .composeUpAttached, "up attached: the terminal is handed over (Ctrl-C stops it)", mutating: true),
        Binding([.char("d")], .composeDown, "down: stop and remove the containers and networks (volumes kept); without the files, through the engine",
                mutating: true, hint: "down"),
        Binding([.char("V")], .composeDownVolumes, "down and remove the named volumes too (asks first)", mutating: true),
        Binding([.char("P")], .composePull, "pull the services' images", mutating: true, hint: "pull"),
        Binding([.char("b")], .composeBuild, "build the services' images", mutating: true, hint: "build"),
        Binding([.char("r")], .composeRestart, "restart the services", mutating: true, hint: "restart"),
        Binding([.char("c")], .composeConfig, "the project's resolved config (docker compose config)", hint: "config"),
        Binding([.char("s")], .composeStop, "stop the project's containers (the engine alone)", mutating: true),
        Binding([.char("S")], .composeStart, "start the project's containers (the engine alone)", mutating: true),
        Binding([.char("x")], .composeRemove, "remove the project's containers (the engine alone; asks first)", mutating: true),
        Binding([.char("j"), .down], .moveDown, "scroll the output down"),
        Binding([.char("k"), .up], .moveUp, "scroll the output up"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "to the top"),
        Binding([.char("G"), .end], .bottom, "to the bottom (follow)"),
    ]
}

/// The project at the top (files, containers), the last action's output below.
enum ComposeView {
    /// Title, three header rows and a rule above; message and hints below.
    static func outputRows(_ state: UIState) -> Int { max(1, state.height - 7) }

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: ComposeScreen, _ snapshot: StoreSnapshot) {
        let name = screen.project.name.isEmpty ? "in " + TerminalSafe.sanitize(screen.project.workingDirectory ?? "?")
            : TerminalSafe.sanitize(screen.project.name)
        let (body, status) = ScreenChrome.frame(&buffer, title: "compose project \(name) on \(TerminalSafe.sanitize(screen.engine))")
        guard body.height >= 5 else { return }
        var y = body.y
        let files = screen.project.resolvedConfigFiles.map { TerminalSafe.sanitize($0) }.joined(separator: ", ")
        buffer.put(" files: " + (files.isEmpty ? "(not named by the labels)" : files), x: body.x, y: y, style: .normal, maxWidth: body.width)
        y += 1
        switch screen.status {
        case nil:
            buffer.put(" checking the files and Compose…", x: body.x, y: y, style: .dimmed, maxWidth: body.width)
        case let status? where status.problem != nil:
            buffer.put(" ✗ " + TerminalSafe.sanitize(status.problem!),
                       x: body.x, y: y, style: Style(.error, bold: true), maxWidth: body.width)
        case let status?:
            buffer.put(" compose: " + TerminalSafe.sanitize(status.tool ?? "?"), x: body.x, y: y, style: .dimmed, maxWidth: body.width)
        }
        y += 1
        let members = snapshot.containers.filter { $0.composeProject == screen.project.name && $0.engine == screen.engine }
            .sorted { $0.name < $1.name }
        let summary = members.isEmpty ? "no containers (down)"
            : members.map { "\(TerminalSafe.sanitize($0.name)) \($0.state.rawValue)" }.joined(separator: " · ")
        buffer.put(" containers: " + summary, x: body.x, y: y, style: members.isEmpty ? .dimmed : .normal, maxWidth: body.width)
        y += 1
        let rule = screen.running.map { "── \($0) " } ?? "── output "
        buffer.put(rule + String(repeating: "─", count: max(0, body.width - DisplayWidth.of(rule))), x: body.x, y: y, style: .dimmed,
                   maxWidth: body.width)
        y += 1
        let outputRect = Rect(x: body.x, y: y, width: body.width, height: body.maxY - y)
        if screen.running == nil {
            let offer = screen.status?.problem != nil
                ? "through the engine alone: s stop · S start · x remove the containers · d down without the files · ? every key"
                : "u up · d down · P pull · b build · r restart · c config · ? every key"
            buffer.put(offer, x: outputRect.x + 1, y: outputRect.y, style: .dimmed, maxWidth: outputRect.width - 1)
        } else {
            OutputLines.draw(&buffer, outputRect, screen.output, scroll: screen.scroll, follow: screen.follow)
        }
        let message = status.row(0)
        if let asking = screen.asking {
            let question: String
            switch asking {
            case .compose(.downVolumes): question = "down \(name) and remove its named volumes too (their data goes)? y/n"
            case .engine(.down): question = "down \(name) without its files: stop and remove its containers, remove its networks (volumes kept)? y/n"
            case .engine(.remove): question = "remove every container of \(name) (running ones too)? y/n"
            default: question = "\(asking.title)? y/n"
            }
            buffer.put(question, x: message.x, y: message.y, style: Style(.warning, bold: true), maxWidth: message.width)
        } else if state.notice != nil || screen.output.error != nil {
            ScreenChrome.message(&buffer, message, state, error: screen.output.error)
        } else if let code = screen.output.exitCode {
            buffer.put(code == 0 ? "✓ \(screen.running ?? "") done" : "✗ \(screen.running ?? "") exited with code \(code)",
                       x: message.x, y: message.y, style: code == 0 ? .ok : Style(.error, bold: true), maxWidth: message.width)
        } else if let running = screen.running {
            buffer.put("\(running)… (\(screen.output.lines.count) lines so far)", x: message.x, y: message.y, style: .accent, maxWidth: message.width)
        }
        StatusBar(left: "", right: "", hints: state.hints()).draw(into: &buffer, in: status.row(1))
    }
}
