import DockerEngine
import SwtopStore
import TermCanvas

/// Keys of the disk usage (`D`) and prune (`X`) screens, and their opening from any list.
enum DiskReducer {
    static func openDisk(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        var screen = DiskScreen(engine: ResourceReducer.engine(state, snapshot))
        let id = state.newSession()
        screen.session = id
        state.screens.append(.disk(screen))
        state.showHelp = false
        return (state, [.openSession(id, .work(AnyWork(DiskUsageWork(engine: screen.engine))))])
    }

    /// Networks of `engine` that no container uses and the engine lets a prune remove.
    static func unusedNetworks(_ snapshot: StoreSnapshot, engine: String) -> [String] {
        let several = snapshot.members.count > 1
        let used = Set(snapshot.containers.filter { !several || $0.engine == engine }.flatMap(\.networks))
        return snapshot.networks.filter { network in
            guard !several || (network.engine ?? "") == engine, let name = network.Name else { return false }
            return !used.contains(name) && !ResourceReducer.predefinedNetworks.contains(name) && network.Scope != "swarm"
                && name != "ingress" && name != "docker_gwbridge"
        }.compactMap(\.Name).sorted()
    }

    static func openPrune(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        let engine = ResourceReducer.engine(state, snapshot)
        var screen = PruneScreen(engine: engine, unusedNetworks: unusedNetworks(snapshot, engine: engine))
        let id = state.newSession()
        screen.session = id
        state.screens.append(.prune(screen))
        state.showHelp = false
        return (state, [.openSession(id, .work(AnyWork(DiskUsageWork(engine: engine))))])
    }

    static func disk(_ state: UIState, _ screen: DiskScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let lines = DiskView.lines(screen, width: state.width).count
        let page = max(1, DiskView.rows(state) - 1)
        let last = max(0, lines - DiskView.rows(state))
        switch binding.command {
        case .diskBack:
            state.screens.removeLast()
            return (state, [])
        case .moveDown: screen.scroll += 1
        case .moveUp: screen.scroll -= 1
        case .pageDown: screen.scroll += page
        case .pageUp: screen.scroll -= page
        case .top: screen.scroll = 0
        case .bottom: screen.scroll = last
        case .diskRefresh:
            let id = state.newSession()
            screen.session = id
            screen.error = nil
            state.replaceTop(screen)
            return (state, [.openSession(id, .work(AnyWork(DiskUsageWork(engine: screen.engine))))])
        default: break
        }
        screen.scroll = min(max(0, screen.scroll), last)
        state.replaceTop(screen)
        return (state, [])
    }

    static func prune(_ state: UIState, _ screen: PruneScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let kinds = PruneKind.allCases
        switch binding.command {
        case .pruneBack:
            state.screens.removeLast()
            return (state, [])
        case .moveDown, .moveUp, .pageDown, .pageUp, .top, .bottom:
            screen.cursor = ListCursor.moved(screen.cursor, binding.command, count: kinds.count, page: kinds.count)
        case .pruneToggle:
            guard screen.phase == .choosing else { break }
            let kind = kinds[min(screen.cursor, kinds.count - 1)]
            if screen.chosen.contains(kind) {
                screen.chosen.remove(kind)
            } else {
                screen.chosen.insert(kind)
                // All unused images include the dangling ones: one or the other.
                if kind == .unusedImages { screen.chosen.remove(.danglingImages) }
                if kind == .danglingImages { screen.chosen.remove(.unusedImages) }
            }
            screen.cursor = min(screen.cursor + 1, kinds.count - 1)
        case .pruneGo:
            if screen.phase == .done {
                state.screens.removeLast()
                return (state, [])
            }
            guard screen.phase == .choosing, let plan = screen.plan else { break }
            guard !screen.chosen.isEmpty else {
                state.notice = ActionResult(text: "nothing chosen: Space marks what to prune", isError: true)
                break
            }
            // The session that will prune, named now: the screen holds it, the question's yes starts it.
            let id = state.newSession()
            screen.session = id
            screen.asked = plan
            let bytes = ByteCount.text(plan.bytes) + (plan.parts.contains(where: \.atLeast) ? " at least" : "")
            let what = plan.parts.filter { !$0.items.isEmpty }.map { "\($0.items.count) \($0.kind.title)" }
            let question = what.isEmpty ? "Prune \(screen.chosen.count == 1 ? "it" : "them")? Nothing is unused now."
                : "Remove \(what.joined(separator: ", ")) and free \(bytes)?"
            state.confirm = Confirmation(question: question,
                                         effects: [.openSession(id, .work(AnyWork(PruneWork(engine: screen.engine,
                                                                                             kinds: Array(screen.chosen)))))])
        default: break
        }
        state.replaceTop(screen)
        return (state, [])
    }
}

extension DiskScreen: SessionScreen {
    public var screenName: ScreenName { .disk }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        DiskReducer.disk(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        DiskView.draw(&frame.buffer, state, self)
    }

    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        switch news {
        case let .payload(usage as DiskUsage):
            self.usage = usage
            error = nil
        case let .failed(message): error = message
        default: break
        }
    }
}

extension PruneScreen: SessionScreen {
    public var screenName: ScreenName { .prune }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        DiskReducer.prune(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        PruneView.draw(&frame.buffer, state, self)
    }

    public func clickTarget(y: Int, _ state: UIState, _ context: ScreenContext) -> (row: Int, cursor: Int)? {
        ListWindow.row(at: y, firstY: PruneView.firstRow, visible: PruneKind.allCases.count, top: 0, count: PruneKind.allCases.count)
            .map { ($0, cursor) }
    }

    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        switch news {
        case let .payload(usage as DiskUsage):
            self.usage = usage
            if phase == .loading { phase = .choosing }
        case let .payload(news as PruneNews):
            switch news {
            case .started: phase = .pruning
            case let .pruned(kind, report): reports[kind] = report
            case let .failed(kind, message): failures[kind] = message
            case .finished: phase = .done
            }
        case let .failed(message):
            error = message
            if phase == .loading || phase == .pruning { phase = usage == nil ? .loading : .done }
        default: break
        }
    }
}

extension Screen {
    public static func disk(_ screen: DiskScreen) -> Screen { Screen(screen) }
    public static func prune(_ screen: PruneScreen) -> Screen { Screen(screen) }
}

extension Keymap {
    /// The disk usage screen's keys.
    public static let disk: [Binding] = [
        Binding([.escape, .char("q")], .diskBack, "back to the dashboard", hint: "back"),
        Binding([.char("j"), .down], .moveDown, "scroll down"),
        Binding([.char("k"), .up], .moveUp, "scroll up"),
        Binding([.char("g"), .home], .top, "to the top"),
        Binding([.char("G"), .end], .bottom, "to the bottom"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.char("r")], .diskRefresh, "ask the engine again", hint: "refresh"),
    ]

    /// The prune screen's keys.
    public static let prune: [Binding] = [
        Binding([.escape, .char("q")], .pruneBack, "back to the dashboard, nothing removed", hint: "back"),
        Binding([.char("j"), .down], .moveDown, "next kind"),
        Binding([.char("k"), .up], .moveUp, "previous kind"),
        Binding([.char("g"), .home], .top, "first kind"),
        Binding([.char("G"), .end], .bottom, "last kind"),
        Binding([.char(" ")], .pruneToggle, "prune this kind or not", hint: "mark"),
        Binding([.enter], .pruneGo, "prune the marked kinds (asks first); when done, back", mutating: true, hint: "prune"),
    ]
}
