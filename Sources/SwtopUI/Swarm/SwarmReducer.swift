import DockerEngine
import SwtopStore
import TermCanvas

/// Keys of the swarm screens, and `S` / `N` on the dashboard.
enum SwarmReducer {
    /// `S` or `N`: only on a swarm manager; the screen opens with what an open swarm screen already has.
    static func open(_ state: UIState, _ kind: SwarmScreen.Kind, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        // One engine: its own name (every engine has one; none is "the only one" by an empty name).
        var engine = snapshot.members.first?.name ?? snapshot.engine
        var role = snapshot.swarm
        if snapshot.members.count > 1 {
            // Several engines: the selected row's engine, else the one manager among them.
            let selected = state.selection[.containers]
            let rowEngine = selected?.containerID.flatMap { id in snapshot.containers.first { $0.id == id }?.engine } ?? selected?.engine
            let managers = snapshot.members.filter { $0.swarm?.isManager == true }
            if let name = rowEngine, let member = snapshot.members.first(where: { $0.name == name }),
               member.swarm?.isManager == true || managers.count != 1 {
                engine = member.name
                role = member.swarm
            } else if let only = managers.first, managers.count == 1 {
                engine = only.name
                role = only.swarm
            } else {
                state.notice = ActionResult(text: managers.isEmpty ? "no engine of the dashboard is a swarm manager"
                                                : "select a row of the swarm manager's engine (\(managers.map(\.name).joined(separator: ", ")))",
                                            isError: true)
                return (state, [])
            }
        }
        guard let role else {
            state.notice = ActionResult(text: "the engine has not answered yet: whether it is a swarm manager is not known",
                                        isError: true)
            return (state, [])
        }
        guard role.isManager else {
            state.notice = ActionResult(text: role.notManagerText, isError: true)
            return (state, [])
        }
        let open = state.isOpen(SwarmScreen.self)
            && state.swarmEngine == engine
        if !open { state.screens.removeAll { $0.base is SwarmScreen } }
        state.swarmEngine = engine
        let listing = state.screens.lazy.compactMap { $0.screen(SwarmScreen.self)?.listing }.last
        // The swarm screens on the stack share one session.
        let held = state.screens.lazy.compactMap { $0.screen(SwarmScreen.self)?.session }.last
        let session = held ?? state.newSession()
        state.screens.append(.swarm(SwarmScreen(kind: kind, listing: listing, session: session)))
        state.showHelp = false
        return (state, held != nil ? [] : [.openSession(session, .swarm(engine: engine))])
    }

    static func reduce(_ state: UIState, _ screen: SwarmScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        if screen.scaleInput != nil { return typing(state, screen, key) }
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let count = screen.rowCount
        let page = max(1, SwarmView.rows(state) - 1)
        switch binding.command {
        case .swarmBack:
            state.screens.removeLast()
            return (state, [])
        case .moveDown, .moveUp, .pageDown, .pageUp, .top, .bottom:
            screen.cursor = ListCursor.moved(screen.cursor, binding.command, count: count, page: page)
        case .swarmTasks:
            guard let service = screen.selectedService else { return noSelection(state, "service") }
            state.screens.append(.swarm(SwarmScreen(kind: .tasks(serviceID: service.ID, name: service.name),
                                                    listing: screen.listing, session: screen.session)))
            return (state, [])
        case .swarmNodes, .swarmServices:
            // From one list to the other: replace the top screen, so Esc goes back to the dashboard.
            let kind: SwarmScreen.Kind = binding.command == .swarmNodes ? .nodes : .services
            state.screens[state.screens.count - 1] = .swarm(SwarmScreen(kind: kind, listing: screen.listing, session: screen.session))
            return (state, [])
        case .swarmScaleUp, .swarmScaleDown, .swarmScaleTo:
            guard let service = screen.selectedService else { return noSelection(state, "service") }
            guard case let .replicated(replicas) = service.mode else {
                state.notice = ActionResult(text: "\(service.name) is a \(service.mode) service: only a replicated one scales",
                                            isError: true)
                return (state, [])
            }
            switch binding.command {
            case .swarmScaleUp:
                state.confirm = confirmation(.scale(serviceID: service.ID, name: service.name, replicas: replicas + 1), state, screen)
            case .swarmScaleDown:
                guard replicas > 0 else {
                    state.notice = ActionResult(text: "\(service.name) already has 0 replicas", isError: true)
                    return (state, [])
                }
                state.confirm = confirmation(.scale(serviceID: service.ID, name: service.name, replicas: replicas - 1), state, screen)
            default:
                screen.scaleInput = ""
            }
        case .swarmLogs:
            let target: (id: String, name: String)
            if case let .tasks(id, name) = screen.kind {
                target = (id, name)
            } else if let service = screen.selectedService {
                target = (service.ID, service.name)
            } else {
                return noSelection(state, "service")
            }
            let sources = [LogSession.Source(service: target.id, name: target.name, engine: state.swarmEngine)]
            state.screens[state.screens.count - 1] = .swarm(screen)
            let open = LogScreen.open(LogScreen(sources: sources, tail: state.logTail), &state)
            return (state, [open])
        case .swarmDrain, .swarmActivate:
            guard let node = screen.selectedNode else { return noSelection(state, "node") }
            let wanted: NodeAvailability = binding.command == .swarmDrain ? .drain : .active
            if node.availability == wanted.rawValue {
                state.notice = ActionResult(text: "\(node.hostname) is already \(wanted.rawValue)", isError: false)
                return (state, [])
            }
            state.confirm = confirmation(.setAvailability(nodeID: node.ID, hostname: node.hostname, wanted), state, screen)
        default:
            break
        }
        screen.cursor = min(max(0, screen.cursor), max(0, count - 1))
        state.screens[state.screens.count - 1] = .swarm(screen)
        return (state, [])
    }

    /// `=`: digits, then Enter asks for confirmation; Esc cancels.
    static func typing(_ state: UIState, _ screen: SwarmScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        var text = screen.scaleInput ?? ""
        switch LineEditor.edit(key, &text, &state, accept: { c, typed in c.isASCII && c.isNumber && typed.count < 5 }) {
        case .cancel:
            screen.scaleInput = nil
            state.notice = ActionResult(text: "cancelled: nothing sent", isError: false)
        case .submit:
            screen.scaleInput = nil
            if let service = screen.selectedService, let replicas = UInt64(text), replicas <= 10_000 {
                state.confirm = confirmation(.scale(serviceID: service.ID, name: service.name, replicas: replicas), state, screen)
            } else {
                state.notice = ActionResult(text: "scale: type a number of replicas (0–10000)", isError: true)
            }
        case .changed, .moved:
            screen.scaleInput = text
        case .other:
            break
        }
        state.screens[state.screens.count - 1] = .swarm(screen)
        return (state, [])
    }

    /// A swarm change waits for the one confirmation; a yes sends it to the swarm session.
    static func confirmation(_ action: SwarmAction, _ state: UIState, _ screen: SwarmScreen) -> Confirmation {
        Confirmation(question: action.question, effects: [.swarm(action, engine: state.swarmEngine, refresh: screen.session)])
    }

    static func noSelection(_ state: UIState, _ what: String) -> (UIState, [Effect]) {
        var state = state
        state.notice = ActionResult(text: "no \(what) selected", isError: true)
        return (state, [])
    }
}

extension SwarmScreen: SessionScreen {
    public var screenName: ScreenName {
        switch kind {
        case .services: .services
        case .tasks: .tasks
        case .nodes: .nodes
        }
    }

    public var isTyping: Bool { scaleInput != nil }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        SwarmReducer.reduce(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        SwarmView.draw(&frame.buffer, state, self, now: context.now)
    }

    /// Every swarm screen on the stack holds the same session: each takes the new listing.
    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        switch news {
        case let .swarm(listing):
            self.listing = listing
            error = nil
        case let .failed(message): error = message
        default: return
        }
        cursor = min(cursor, max(0, rowCount - 1))
    }

    /// The table below the title and its header row, scrolled as the view scrolls it.
    public func clickTarget(y: Int, _ state: UIState, _ context: ScreenContext) -> (row: Int, cursor: Int)? {
        let count = rowCount
        guard count > 0 else { return nil }
        let cursor = min(self.cursor, count - 1)
        let visible = SwarmView.rows(state)
        let top = Table.scrollOffset(selected: cursor, current: 0, visibleRows: visible, rowCount: count)
        return ListWindow.row(at: y, firstY: 2, visible: visible, top: top, count: count).map { ($0, cursor) }
    }
}

extension Screen {
    public static func swarm(_ screen: SwarmScreen) -> Screen { Screen(screen) }
}
