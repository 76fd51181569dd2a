import DockerEngine
import SwtopStore
import TermCanvas

/// Keys of exec, attach, run and processes: starting them from the dashboard, the prompt they may ask
/// with, and the run and processes views.
enum ExecReducer {
    static let historyLimit = 50

    /// `e`, `E`, `a`, `x`, `T` on the dashboard (read-only refusal already done by the caller).
    static func start(_ state: UIState, _ command: Command, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        var unmarked = state
        unmarked.marked = []  // the selected row: one container at a time
        let selected = Targets.of(unmarked, snapshot)
        guard selected.count == 1, let item = selected.first else {
            state.notice = ActionResult(text: selected.isEmpty ? "no container selected"
                                            : "select one container (a compose group has several)", isError: true)
            return (state, [])
        }
        let target = item.target
        state.showHelp = false
        switch command {
        case .exec:
            return (state, [.handOver(HandOverRequest(target: target, kind: .exec(command: nil, user: nil)))])
        case .attach:
            return (state, [.handOver(HandOverRequest(target: target, kind: .attach))])
        case .execCommand:
            state.prompt = Prompt(purpose: .exec, target: target, values: state.promptHistory[.exec]?.last ?? [])
        case .runCommand:
            state.prompt = Prompt(purpose: .run, target: target, values: state.promptHistory[.run]?.last ?? [])
        case .processes:
            var screen = ProcessScreen(target: target)
            screen.session = state.newSession()
            state.screens.append(.processes(screen))
            return (state, [.openSession(screen.session!, .processes(target))])
        default:
            break
        }
        return (state, [])
    }

    // MARK: - The prompt

    static func prompting(_ state: UIState, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        guard var prompt = state.prompt else { return (state, []) }
        let history = state.promptHistory[prompt.purpose] ?? []
        let typed = LineEditor.apply(key, &prompt.values[prompt.field], &state.editCursor)
        switch typed {
        case .cancel:
            state.prompt = nil
            return (state, [])
        case .changed, .moved, .other:
            break
        case .submit:
            let values = prompt.values.map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
            state.prompt = nil
            if prompt.purpose == .run, values[0].isEmpty {
                state.notice = ActionResult(text: "x: no command given", isError: true)
                return (state, [])
            }
            var list = history.filter { $0 != values }
            list.append(values)
            state.promptHistory[prompt.purpose] = Array(list.suffix(historyLimit))
            switch prompt.purpose {
            case .exec:
                // Through the container's shell, as `x` runs its line: `id; whoami`, pipes and $VARS work.
                let line = values[0].trimmingWhitespace
                let request = HandOverRequest(target: prompt.target,
                                              kind: .exec(command: line.isEmpty ? nil : ["/bin/sh", "-c", line],
                                                          user: values[1].isEmpty ? nil : values[1]))
                return (state, [.handOver(request)])
            case .run:
                var screen = RunScreen(request: RunRequest(target: prompt.target, commandLine: values[0]))
                let id = state.newSession()
                screen.session = id
                state.screens.append(.run(screen))
                return (state, [.openSession(id, .run(screen.request))])
            case .tag, .newVolume, .newNetwork:
                return ResourceReducer.submit(state, prompt, values)
            case .pull:
                guard !values[0].isEmpty else {
                    state.notice = ActionResult(text: "P: no image given", isError: true)
                    return (state, [])
                }
                return TransferReducer.open(state, .pull, values[0], engine: prompt.target.engine)
            case .build:
                return BuildReducer.submit(state, prompt, values)
            }
        }
        guard typed == .other else {
            state.prompt = prompt
            return (state, [])
        }
        switch key {
        case .tab, .backTab:
            prompt.field = (prompt.field + 1) % prompt.labels.count
            state.editCursor = 0
        case .up, .down:
            guard !history.isEmpty else { break }
            var index = prompt.historyIndex ?? history.count
            index = key == .up ? max(0, index - 1) : min(history.count, index + 1)
            prompt.historyIndex = index
            let entry = index < history.count ? history[index] : []
            prompt.values = prompt.labels.indices.map { $0 < entry.count ? entry[$0] : "" }
            state.editCursor = 0
        default:
            break
        }
        state.prompt = prompt
        return (state, [])
    }

    // MARK: - The run pane

    static func run(_ state: UIState, _ screen: RunScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let page = max(1, RunView.textRows(state) - 1)
        let last = max(0, screen.lines.count - RunView.textRows(state))
        switch binding.command {
        case .runBack:
            state.screens.removeLast()
            return (state, [])
        case .runAgain:
            var again = RunScreen(request: screen.request)
            again.title = screen.title
            again.rerun = screen.rerun
            let id = state.newSession()
            again.session = id
            state.screens[state.screens.count - 1] = .run(again)
            return (state, [.openSession(id, screen.rerun ?? .run(again.request))])
        case .moveDown: screen.scroll += 1
        case .moveUp: screen.scroll -= 1
        case .pageDown: screen.scroll += page
        case .pageUp: screen.scroll -= page
        case .top: screen.scroll = 0
        case .bottom: screen.scroll = last
        default: break
        }
        screen.scroll = min(max(0, screen.scroll), last)
        screen.follow = screen.scroll >= last
        state.screens[state.screens.count - 1] = .run(screen)
        return (state, [])
    }

    // MARK: - The processes view

    static func processes(_ state: UIState, _ screen: ProcessScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let count = screen.list?.Processes.count ?? 0
        let page = max(1, ProcessView.rows(state) - 1)
        switch binding.command {
        case .processesBack:
            state.screens.removeLast()
            return (state, [])
        case .moveDown, .moveUp, .pageDown, .pageUp, .top, .bottom:
            screen.cursor = ListCursor.moved(screen.cursor, binding.command, count: count, page: page)
        default: break
        }
        screen.cursor = min(max(0, screen.cursor), max(0, count - 1))
        state.screens[state.screens.count - 1] = .processes(screen)
        return (state, [])
    }
}

/// Splits what a user typed for `E` into words as a shell would for the simple cases: blanks separate,
/// single and double quotes group, a backslash escapes the next character.
public enum ShellWords {
    public static func split(_ text: String) -> [String] { scan(text).words }

    /// The words, or nil when a quote is left open (a form says so rather than guess).
    public static func checked(_ text: String) -> [String]? {
        let (words, open) = scan(text)
        return open ? nil : words
    }

    /// A word as a shell takes it back: quoted when it holds anything but safe characters.
    public static func quote(_ word: String) -> String {
        let safe = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:=@,+%^".contains($0)) }
        return safe ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    static func scan(_ text: String) -> (words: [String], open: Bool) {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped {
                current.append(c)
                escaped = false
                inWord = true
            } else if c == "\\" && quote != "'" {
                escaped = true
            } else if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return (words, quote != nil || escaped)
    }
}

extension RunScreen: SessionScreen {
    public var screenName: ScreenName { .run }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        ExecReducer.run(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        RunView.draw(&frame.buffer, state, self)
    }

    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        switch news {
        case let .output(stream, bytes): append(stream, bytes)
        case let .ended(code, error): finish(exitCode: code, error: error)
        case let .failed(message): finish(exitCode: nil, error: message)
        default: break
        }
    }
}

extension ProcessScreen: SessionScreen {
    public var screenName: ScreenName { .processes }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        ExecReducer.processes(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        ProcessView.draw(&frame.buffer, state, self)
    }

    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        switch news {
        case let .processes(list, containerPIDs):
            self.list = list
            self.containerPIDs = containerPIDs
            error = nil
            updates += 1
        case let .failed(message): error = message
        default: break
        }
    }

    public func clickTarget(y: Int, _ state: UIState, _ context: ScreenContext) -> (row: Int, cursor: Int)? {
        ListWindow.click(y: y, count: list?.Processes.count ?? 0, cursor: cursor, scroll: scroll, visible: ProcessView.rows(state))
    }
}

extension Screen {
    public static func run(_ screen: RunScreen) -> Screen { Screen(screen) }
    public static func processes(_ screen: ProcessScreen) -> Screen { Screen(screen) }
}
