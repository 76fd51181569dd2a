import DockerEngine
import SwtopStore
import TermCanvas

/// Stands in the stack for a screen while `Reducer.receive` changes it.
private struct Vacant: StackScreen {
    var screenName: ScreenName { .global }
    func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) { (state, []) }
    func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {}
}

/// Turns a key into a new view state and the effects the app must run. Pure: no IO, no clock.
public enum Reducer {
    public static func reduce(_ state: UIState, _ key: Key, _ snapshot: StoreSnapshot,
                              models: SessionModels = SessionModels()) -> (UIState, [Effect]) {
        var (next, effects) = reduceKey(state, key, snapshot, models)
        if let top = next.screens.last {
            top.base.settle(models)
        } else if next.width >= UIState.minimumWidth, next.height >= UIState.minimumHeight {
            // The list's first row shown, kept here: the renderer draws from it and writes nothing back.
            next.scroll[next.view] = Layout.listTop(next, snapshot)
        }
        return (next, effects)
    }

    /// News from a session: each screen holding that session takes it (and changes its model, if it has
    /// one); the detail pane takes its own lines. The one way a session's news reaches the state.
    @discardableResult
    public static func receive(_ state: inout UIState, _ id: SessionID, _ news: SessionNews, _ models: SessionModels) -> [Effect] {
        if let detail = state.detailLogs, detail.session == id, case let .logs(batch) = news {
            let model = models.log(id) ?? models.add(DetailPane.logModel(state, detail), for: id)
            model.ingest(batch)
        }
        for index in state.screens.indices where state.screens[index].base.sessions.contains(id) {
            // Taken out of the stack while it changes: a screen's lines (`x`'s output) are then not shared
            // with the stack's copy, and an append does not copy them all.
            var screen = state.screens[index].base
            state.screens[index] = Screen(Vacant())
            screen.receive(news, from: id, state, models)
            state.screens[index] = Screen(screen)
        }
        guard let top = state.screens.last, let (next, effects) = top.base.followUp(state) else { return [] }
        state = next
        return effects
    }

    /// The detail pane shows the selected container's last lines: a session follows that container while
    /// the pane is open (a new one when the selection moves), none when it is closed.
    public static func followDetails(_ state: inout UIState, _ snapshot: StoreSnapshot) -> [Effect] {
        var wanted: LogSession.Source?
        if state.showDetails, state.view == .containers, let id = state.selection[.containers]?.containerID,
           let item = snapshot.containers.first(where: { $0.id == id }) {
            wanted = LogSession.Source(id: id, name: item.name, engine: item.engine)
        }
        guard wanted?.id != state.detailLogs?.containerID else { return [] }
        guard let wanted else {
            state.detailLogs = nil
            return []
        }
        let id = state.newSession()
        state.detailLogs = DetailLogs(session: id, source: wanted)
        // Enough lines to fill the pane's log rows at once (the pane is at most the terminal's height).
        return [.openSession(id, .logs([wanted], LogSession.Options(tail: DetailPane.tail(state))))]
    }

    static func reduceKey(_ state: UIState, _ key: Key, _ snapshot: StoreSnapshot, _ models: SessionModels) -> (UIState, [Effect]) {
        var state = state
        if case let .resize(width, height) = key {
            // Not a key the user pressed: the message stays (a size change during an exec session
            // arrives as one when the dashboard comes back).
            state.width = width
            state.height = height
            return (state, [])
        }
        if case let .mouse(event) = key {
            return MouseInput.reduce(state, event, snapshot, models)
        }
        state.notice = nil
        // The help and messages overlays, over any screen, take the key: their own key, Esc or q close
        // them; the moving keys scroll them.
        if state.showHelp {
            let keys = state.bindings
            let closing = keys.first { $0.command == .help }?.keys.first ?? .char("?")
            if OverlayScroll.reduce(key, &state.helpScroll, closing: closing,
                                    page: HelpOverlay.rowsShown(keys, width: state.width, height: state.height),
                                    last: HelpOverlay.maxScroll(keys, width: state.width, height: state.height)) {
                state.showHelp = false
            }
            return (state, [])
        }
        if state.showMessages {
            let closing = state.bindings.first { $0.command == .messages }?.keys.first ?? .char("M")
            if OverlayScroll.reduce(key, &state.messagesScroll, closing: closing, page: state.height - 4,
                                    last: MessagesOverlay.maxScroll(state.messages, width: state.width, height: state.height)) {
                state.showMessages = false
            }
            return (state, [])
        }
        // A question, over any screen, takes every key until it is answered.
        if state.confirm != nil { return Confirmation.reduce(state, key) }
        if state.prompt != nil { return ExecReducer.prompting(state, key) }
        if let top = state.screens.last {
            if !top.base.isTyping {
                switch KeyDispatch.resolve(key, state) {
                case let .done(next, effects): return (next, effects)
                case let .act(binding):
                    if case let .custom(name) = binding.command { return CustomReducer.run(state, name, snapshot) }
                case .unbound: break
                }
            }
            return top.base.reduce(state, key, ScreenContext(snapshot, models: models))
        }
        if state.editingFilter { return editingFilter(state, key, snapshot) }
        let binding: Binding
        switch KeyDispatch.resolve(key, state) {
        case let .done(state, effects): return (state, effects)
        case let .act(found): binding = found
        case .unbound:
            // A key of the containers list pressed on another list says where it acts.
            if state.view != .containers, let elsewhere = state.keys.binding(for: key, on: .containers) {
                state.notice = ActionResult(text: notHere(elsewhere, state.view), isError: false)
            }
            return (state, [])
        }
        if case let .custom(name) = binding.command { return CustomReducer.run(state, name, snapshot) }
        if binding.mutating {
            if [.exec, .execCommand, .attach, .runCommand].contains(binding.command) {
                return ExecReducer.start(state, binding.command, snapshot)
            }
            if binding.command == .remove, state.view != .containers { return ResourceReducer.remove(state, snapshot) }
            if binding.command == .tag { return ResourceReducer.tag(state, snapshot) }
            if binding.command == .create { return ResourceReducer.create(state, snapshot) }
            if binding.command == .prune { return DiskReducer.openPrune(state, snapshot) }
            if binding.command == .pull { return TransferReducer.askPull(state, snapshot) }
            if binding.command == .build { return BuildReducer.ask(state, snapshot) }
            if binding.command == .runImage { return RunFormReducer.open(state, snapshot) }
            if binding.command == .push { return TransferReducer.push(state, snapshot) }
            return act(state, binding, snapshot)
        }
        if binding.command == .processes { return ExecReducer.start(state, binding.command, snapshot) }
        if binding.command == .swarmServices { return SwarmReducer.open(state, .services, snapshot) }
        if binding.command == .swarmNodes { return SwarmReducer.open(state, .nodes, snapshot) }
        if binding.command == .contexts { return ContextReducer.open(state, snapshot) }
        if binding.command == .diskUsage { return DiskReducer.openDisk(state, snapshot) }
        if binding.command == .compose { return ComposeReducer.open(state, snapshot) }
        if binding.command == .stats { return StatsReducer.open(state, snapshot) }
        return navigate(state, binding.command, snapshot)
    }

    // MARK: - Navigation

    static func navigate(_ state: UIState, _ command: Command, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        let keys = RowKeys.of(snapshot, state)
        let index = state.selection[state.view].flatMap { keys.firstIndex(of: $0) } ?? 0
        func select(_ i: Int) -> [Effect] {
            guard !keys.isEmpty else { return [] }
            let clamped = min(max(i, 0), keys.count - 1)
            state.selection[state.view] = keys[clamped]
            if state.showDetails, let id = keys[clamped].containerID {
                return [.inspect(id, engine: snapshot.containers.first { $0.id == id }?.engine ?? "")]
            }
            return []
        }
        let page = Layout.pageSize(state)
        let target: Int?
        switch command {
        case .moveDown: target = index + 1
        case .moveUp: target = index - 1
        case .top: target = 0
        case .bottom: target = keys.count - 1
        case .pageDown: target = index + page
        case .pageUp: target = index - page
        default: target = nil
        }
        if let target {
            // Effects first: `select` changes `state`, which the tuple must carry.
            let effects = select(target)
            return (state, effects)
        }
        switch command {
        case .nextView, .previousView:
            let all = ViewKind.allCases
            let step = command == .nextView ? 1 : all.count - 1
            state.view = all[(state.view.rawValue + step) % all.count]
            state.showDetails = false
        case let .showView(view):
            state.view = view
            state.showDetails = false
        case .details:
            switch keys.indices.contains(index) ? keys[index] : nil {
            case let key? where key.isGroup:
                if state.collapsedGroups.contains(key) { state.collapsedGroups.remove(key) } else { state.collapsedGroups.insert(key) }
            case let .container(id)?:
                state.showDetails.toggle()
                if state.showDetails {
                    return (state, [.inspect(id, engine: snapshot.containers.first { $0.id == id }?.engine ?? "")])
                }
            case let .image(id, engine)?:
                return openLayers(state, snapshot, image: (id, engine))
            default:
                break
            }
        case .back:
            if state.showDetails {
                state.showDetails = false
            } else if !state.currentFilter.isEmpty {
                state.filter[state.view] = nil
            } else if !state.marked.isEmpty {
                state.marked.removeAll()
            }
        case .filter:
            state.editingFilter = true
        case .sortNext, .sortReverse:
            var order = state.currentSort
            let columns = Layout.sortColumns(state.view)
            if command == .sortNext {
                order.column = (order.column + 1) % columns.count
                order.reversed = false
            } else {
                order.reversed.toggle()
            }
            state.sort[state.view] = order
            let column = columns[min(order.column, columns.count - 1)]
            let direction = column.ascendingFirst != order.reversed ? "ascending" : "descending"
            state.notice = ActionResult(text: "sorted by \(column.name) \(column.marker(reversed: order.reversed)) \(direction)"
                                            + (order.reversed ? " (reversed; O again restores)" : ""), isError: false)
        case .mark:
            guard keys.indices.contains(index), let id = keys[index].containerID else { break }
            if state.marked.contains(id) { state.marked.remove(id) } else { state.marked.insert(id) }
            let effects = select(index + 1)
            return (state, effects)
        case .groupByEngine:
            guard snapshot.members.count > 1 else {
                state.notice = ActionResult(text: "@ groups rows by engine: swtop watches one engine (-H A -H B or --context A,B for several)",
                                            isError: false)
                return (state, [])
            }
            state.groupByEngine.toggle()
            state.notice = ActionResult(text: state.groupByEngine ? "grouped by engine (Enter on an engine folds it)"
                                            : "one list, ENGINE column", isError: false)
        case .toggleStopped:
            state.showStopped.toggle()
            state.notice = ActionResult(text: state.showStopped ? "showing stopped containers" : "hiding stopped containers",
                                        isError: false)
        case .logs:
            return openLogs(state, snapshot)
        case .layers:
            if state.view == .images {
                let image: (id: String, engine: String)? = keys.indices.contains(index) ? (keys[index].id, keys[index].engine ?? "") : nil
                return openLayers(state, snapshot, image: image)
            }
            return openLayers(state, snapshot, image: nil)
        case .inspect:
            return openInspect(state, snapshot, keys.indices.contains(index) ? keys[index] : nil)
        default:
            break
        }
        return (state, [])
    }

    /// `l`: the logs of the marked containers, else of the selected one (or its whole compose group),
    /// full screen over the dashboard.
    static func openLogs(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        let targets = Targets.of(state, snapshot)
        guard !targets.isEmpty else {
            state.notice = ActionResult(text: "no container selected", isError: true)
            return (state, [])
        }
        let sources = targets.map { LogSession.Source(id: $0.id, name: $0.name, engine: $0.engine) }
        state.showHelp = false
        let open = LogScreen.open(LogScreen(sources: sources, tail: state.logTail), &state)
        return (state, [open])
    }

    /// Enter on an image, `L` on an image or a container: the layer view over the dashboard. A container
    /// shows its image with the container's read/write layer on top.
    static func openLayers(_ state: UIState, _ snapshot: StoreSnapshot, image: (id: String, engine: String)?) -> (UIState, [Effect]) {
        var state = state
        let target: LayerTarget
        let engine: String
        if let image {
            let item = snapshot.images.first { $0.Id == image.id && ($0.engine ?? "") == image.engine }
            target = .image(id: image.id, name: item?.tags.first ?? ShortID.image(image.id))
            engine = image.engine
        } else {
            var unmarked = state
            unmarked.marked = []  // the selected row, not every marked one: one image at a time
            let selected = Targets.of(unmarked, snapshot)
            guard let container = selected.first else {
                state.notice = ActionResult(text: "no container selected", isError: true)
                return (state, [])
            }
            target = .container(id: container.id, name: container.name)
            engine = container.engine
        }
        state.showHelp = false
        let open = LayerScreen.open(LayerScreen(request: LayerRequest(target: target, engine: engine)), &state)
        return (state, [open])
    }

    /// What a key that acts elsewhere says in this view, instead of doing nothing.
    static func notHere(_ binding: Binding, _ view: ViewKind) -> String {
        if binding.command == .details {
            return "Enter: no detail pane for \(view.title.lowercased()); i shows the row's inspect document"
        }
        return "\(binding.keyText) (\(binding.description)) acts on containers: press 1 for the containers view"
    }

    // MARK: - Filter editing

    static func editingFilter(_ state: UIState, _ key: Key, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        var text = state.currentFilter
        switch LineEditor.apply(key, &text, &state.editCursor) {
        case .submit:
            state.editingFilter = false
        case .cancel:
            state.editingFilter = false
            text = ""
        case .changed, .moved:
            break
        case .other:
            guard [.down, .up, .pageDown, .pageUp].contains(key) else { return (state, []) }
            return navigate(state, key == .down ? .moveDown : key == .up ? .moveUp : key == .pageDown ? .pageDown : .pageUp, snapshot)
        }
        state.filter[state.view] = text.isEmpty ? nil : text
        // Keep a selection that is still listed, else the first row.
        let keys = RowKeys.of(snapshot, state)
        if let selected = state.selection[state.view], keys.contains(selected) { return (state, []) }
        state.selection[state.view] = keys.first
        return (state, [])
    }

    // MARK: - Actions

    static func act(_ state: UIState, _ binding: Binding, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        let targets = Targets.of(state, snapshot)
        guard !targets.isEmpty else {
            state.notice = ActionResult(text: "no container selected", isError: true)
            return (state, [])
        }
        let running = targets.filter { $0.state == .running || $0.state == .restarting }
        let paused = targets.filter { $0.state == .paused }
        let action: ContainerAction
        switch binding.command {
        case .startStop:
            // Every target running (or paused) → stop them; otherwise start the stopped ones.
            action = (running.count + paused.count) == targets.count ? .stop(timeoutSeconds: nil) : .start
        case .restart:
            action = .restart(timeoutSeconds: nil)
        case .pauseResume:
            if !paused.isEmpty && running.isEmpty {
                action = .unpause
            } else if !running.isEmpty {
                action = .pause
            } else {
                state.notice = ActionResult(text: "pause needs a running container", isError: true)
                return (state, [])
            }
        case .kill:
            action = .kill(signal: nil)
        case .remove:
            action = .remove(force: !running.isEmpty || !paused.isEmpty, volumes: false)
        default:
            return (state, [])
        }
        var chosen = targets
        switch action {
        case .start: chosen = targets.filter { !$0.state.isActive }
        case .pause: chosen = running
        case .unpause: chosen = paused
        case .kill: chosen = running + paused
        default: break
        }
        guard !chosen.isEmpty else {
            state.notice = ActionResult(text: "nothing to \(action) in the selection", isError: true)
            return (state, [])
        }
        let list = chosen.map(\.target)
        if binding.dangerous {
            let names = list.count <= 3 ? list.map(\.name).joined(separator: ", ") : "\(list.count) containers"
            var question = "\(action.description.capitalized) \(names)?"
            if case .remove(true, _) = action { question += " Running ones are stopped first (force)." }
            state.confirm = Confirmation(action, list, question: question)
            return (state, [])
        }
        state.marked.removeAll()
        return (state, [.perform(action, list)])
    }
}

/// Row keys of the current view, in display order.
enum RowKeys {
    static func of(_ snapshot: StoreSnapshot, _ state: UIState) -> [RowKey] {
        switch state.view {
        case .containers: return ContainerRows.build(snapshot, state).map(\.key)
        case .images: return ResourceRows.imageKeys(snapshot, state)
        case .volumes: return ResourceRows.volumes(snapshot, state).map(\.key)
        case .networks: return ResourceRows.networks(snapshot, state).map(\.key)
        }
    }
}

/// The containers an action applies to: the marked ones, else the selected one (or its whole group).
enum Targets {
    static func of(_ state: UIState, _ snapshot: StoreSnapshot) -> [ContainerItem] {
        if !state.marked.isEmpty {
            return snapshot.containers.filter { state.marked.contains($0.id) }.sorted { $0.name < $1.name }
        }
        switch state.selection[.containers] ?? ContainerRows.build(snapshot, state).first?.key {
        case let .composeGroup(name, engine)?:
            return snapshot.containers.filter { $0.composeProject == name && $0.engine == engine }.sorted { $0.name < $1.name }
        case let .container(id)?:
            return snapshot.containers.filter { $0.id == id }
        default:
            return []
        }
    }
}

extension RowKey {
    /// A header that folds: a compose project or an engine.
    var isGroup: Bool {
        switch self {
        case .composeGroup, .engineGroup: return true
        default: return false
        }
    }
}

extension ContainerItem {
    /// Where an action on this container goes.
    public var target: Target { Target(id: id, name: name, engine: engine) }
}

/// j/k, PgUp/PgDn, g/G in a list screen (processes, contexts, swarm lists): the cursor's next row,
/// kept inside the list.
enum ListCursor {
    static func moved(_ cursor: Int, _ command: Command, count: Int, page: Int) -> Int {
        let next: Int
        switch command {
        case .moveDown: next = cursor + 1
        case .moveUp: next = cursor - 1
        case .pageDown: next = cursor + page
        case .pageUp: next = cursor - page
        case .top: next = 0
        case .bottom: next = count - 1
        default: next = cursor
        }
        return min(max(0, next), max(0, count - 1))
    }
}

/// A scrolling overlay's keys: j/k, PgUp/PgDn (and Space), g/G move `scroll` within 0…`last`; its own
/// key, Esc or q close it (true: closed, the scroll back at 0).
enum OverlayScroll {
    static func reduce(_ key: Key, _ scroll: inout Int, closing: Key, page: Int, last: Int) -> Bool {
        let page = max(1, page)
        switch key {
        case closing, .escape, .char("q"):
            scroll = 0
            return true
        case .char("j"), .down: scroll += 1
        case .char("k"), .up: scroll -= 1
        case .pageDown, .char(" "): scroll += page
        case .pageUp: scroll -= page
        case .char("g"), .home: scroll = 0
        case .char("G"), .end: scroll = last
        default: break
        }
        scroll = min(max(0, scroll), last)
        return false
    }
}
