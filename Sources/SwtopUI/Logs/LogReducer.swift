import DockerEngine
import SwtopStore
import TermCanvas

/// Keys of the log view. Pure like `Reducer`: it reads the lines (`LogModel`) but changes only the view
/// state; the session and the file writing are effects.
enum LogReducer {
    static func reduce(_ state: UIState, _ screen: LogScreen, _ key: Key, _ model: LogModel?) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        if let prompt = screen.prompt {
            return typing(state, screen, prompt, key, model)
        }
        var effects: [Effect] = []
        guard let binding = KeyDispatch.action(key, state) else { return (state, effects) }
        let page = max(1, LogLayout.textHeight(state) - 1)
        switch binding.command {
        case .logBack:
            if key == .escape, screen.filterMode {
                screen.filterMode = false
            } else if key == .escape, !screen.query.isEmpty {
                screen.query = ""
                screen.currentMatch = nil
            } else {
                state.screens.removeLast()
                return (state, [])
            }
        case .moveUp: move(&screen, by: -1, model, state)
        case .moveDown: move(&screen, by: 1, model, state)
        case .pageUp: move(&screen, by: -page, model, state)
        case .pageDown: move(&screen, by: page, model, state)
        case .top:
            pause(&screen, model, state)
            if let model, model.shownCount > 0 { screen.top = model.shownPosition(0) }
        case .bottom:
            screen.follow = true
            screen.currentMatch = nil
        case .logSearch:
            screen.prompt = .search(screen.query)
        case .logNextMatch, .logPreviousMatch:
            guard let model, !screen.query.isEmpty else {
                state.notice = ActionResult(text: "no search: / to search", isError: false)
                break
            }
            let forward = binding.command == .logNextMatch
            let from = screen.currentMatch ?? (forward ? (screen.follow ? model.buffer.endIndex : screen.top - 1)
                                                        : (screen.follow ? model.buffer.endIndex : screen.top))
            if let found = forward ? model.match(after: from) : model.match(before: from) {
                jump(&screen, to: found, model, state)
            } else {
                state.notice = ActionResult(text: forward ? "no later match for “\(screen.query)”" : "no earlier match for “\(screen.query)”",
                                            isError: false)
            }
        case .logFilterMode:
            if screen.query.isEmpty {
                screen.filterMode = true
                screen.prompt = .search("")
            } else {
                screen.filterMode.toggle()
            }
            screen.currentMatch = nil
            if !screen.follow, let model { screen.top = model.buffer.startIndex }
        case .logRegex:
            screen.regex.toggle()
            state.notice = ActionResult(text: screen.regex ? "search: regular expression" : "search: plain text", isError: false)
        case .logWrap:
            screen.wrap.toggle()
            state.notice = ActionResult(text: screen.wrap ? "wrapping long lines" : "long lines cut at the edge", isError: false)
        case .logTimestamps:
            screen.timestamps.toggle()
        case .logStdout:
            screen.showStdout.toggle()
            state.notice = ActionResult(text: screen.showStdout ? "stdout shown" : "stdout hidden", isError: false)
        case .logStderr:
            screen.showStderr.toggle()
            state.notice = ActionResult(text: screen.showStderr ? "stderr shown" : "stderr hidden", isError: false)
        case .logSince:
            screen.since = screen.since.next
            screen.follow = true
            screen.currentMatch = nil
            state.notice = ActionResult(text: "since: \(screen.since.label(tail: screen.tail))", isError: false)
            // A new session from that moment on; the old one (no screen holds it) is closed.
            let id = state.newSession()
            screen.session = id
            effects = [.openSession(id, .logs(screen.sources, screen.sessionOptions))]
        case .logSave:
            screen.prompt = .save(defaultFileName(screen), isDefault: true)
        default:
            break
        }
        state.screens[state.screens.count - 1] = .logs(screen)
        return (state, effects)
    }

    static func defaultFileName(_ screen: LogScreen) -> String {
        let base = screen.sources.count == 1 ? screen.sources[0].name : LogScreen.mergedSaveName(screen.sources.map(\.name))
        let safe = String(base.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        return safe + ".log"
    }

    /// Stops following and keeps the lines that were on screen where they are.
    static func pause(_ screen: inout LogScreen, _ model: LogModel?, _ state: UIState) {
        guard screen.follow else { return }
        screen.follow = false
        screen.receivedAtPause = model?.buffer.received ?? 0
        // The first line the follow shows in this frame's size (the view draws the same lines).
        if let model, let top = LogView.followTop(screen, model, width: state.width, height: LogLayout.textHeight(state)) {
            screen.top = top
        }
    }

    static func move(_ screen: inout LogScreen, by delta: Int, _ model: LogModel?, _ state: UIState) {
        guard let model, model.shownCount > 0 else { return }
        if screen.follow {
            guard delta < 0 else { return }
            pause(&screen, model, state)
        }
        let ordinal = model.shownOrdinal(atOrAfter: screen.top)
        let last = max(0, model.shownCount - 1)
        screen.top = model.shownPosition(min(max(0, ordinal + delta), last))
    }

    /// Shows the line at `position` a few lines below the top, paused, as the current match.
    static func jump(_ screen: inout LogScreen, to position: Int, _ model: LogModel, _ state: UIState) {
        pause(&screen, model, state)
        screen.currentMatch = position
        let ordinal = model.shownOrdinal(atOrAfter: position)
        let context = min(3, LogLayout.textHeight(state) / 3)
        screen.top = model.shownCount > 0 ? model.shownPosition(max(0, min(ordinal, model.shownCount - 1) - context)) : position
    }

    static func typing(_ state: UIState, _ screen: LogScreen, _ prompt: LogPrompt, _ key: Key,
                       _ model: LogModel?) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        var effects: [Effect] = []
        switch prompt {
        case let .search(text):
            var text = text
            screen.currentMatch = nil
            if key == .ctrl("r") {
                screen.regex.toggle()
                break
            }
            switch LineEditor.edit(key, &text, &state, history: .logSearch) {
            case .submit:
                screen.prompt = nil
                screen.query = text
                if text.isEmpty { screen.filterMode = false }
            case .cancel:
                screen.prompt = nil
                screen.query = ""
                screen.filterMode = false
            case .changed, .moved:
                screen.prompt = .search(text)
                screen.query = text
            case .other:
                break
            }
        case let .save(text, isDefault):
            var text = text
            switch LineEditor.edit(key, &text, &state, history: .logSave) {
            case .submit:
                screen.prompt = nil
                if text.isEmpty {
                    state.notice = ActionResult(text: "save cancelled: no file name", isError: true)
                } else {
                    effects = screen.session.map { [.saveLogs($0, path: text, pickFreeName: isDefault, timestamps: screen.timestamps)] } ?? []
                }
            case .cancel:
                screen.prompt = nil
                state.notice = ActionResult(text: "save cancelled", isError: false)
            case .changed:
                screen.prompt = .save(text, isDefault: false)
            case .moved, .other:
                break
            }
        }
        state.screens[state.screens.count - 1] = .logs(screen)
        return (state, effects)
    }
}

extension LogScreen: SessionScreen {
    public var screenName: ScreenName { .logs }
    public var isTyping: Bool { prompt != nil }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        LogReducer.reduce(state, self, key, context.models.log(session))
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        LogView.draw(&frame.buffer, context.snapshot, state, self, context.models.log(session), now: context.now)
    }

    /// The lines go into the view's model (made with the first batch), its indexes brought to the view's search.
    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        guard case let .logs(batch) = news else { return }
        let model = models.log(id) ?? models.add(LogModel(sources: sources, maxLines: state.logLines, maxBytes: state.logBytes), for: id)
        model.ingest(batch)
        model.sync(self)
    }

    public func settle(_ models: SessionModels) { models.log(session)?.sync(self) }

    /// Puts a log view over the others, its session under a fresh id; the effect starts that session.
    public static func open(_ screen: LogScreen, _ state: inout UIState) -> Effect {
        var screen = screen
        let id = state.newSession()
        screen.session = id
        state.screens.append(.logs(screen))
        return .openSession(id, .logs(screen.sources, screen.sessionOptions))
    }
}

extension Screen {
    public static func logs(_ screen: LogScreen) -> Screen { Screen(screen) }
}
