import DockerEngine
import SwtopStore
import TermCanvas

/// Keys of the inspect view. Pure like the dashboard's reducer: it reads the model's rows and matches
/// and changes view state only; the fetch is the session's, opened and closed by effects.
enum InspectReducer {
    static func reduce(_ state: UIState, _ screen: InspectScreen, _ key: Key, _ model: InspectModel?) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        if screen.editingSearch {
            editSearch(&screen, &state, key, model)
            clamp(&screen, state, model)
            return (replace(state, screen), [])
        }
        var effects: [Effect] = []
        guard let binding = KeyDispatch.action(key, state) else { return (state, effects) }
        let rows = model?.rows(screen) ?? []
        let row = model?.rowIndex(of: screen.cursor, screen)
        func moveTo(_ index: Int) {
            guard !rows.isEmpty else { return }
            screen.cursor = rows[max(0, min(rows.count - 1, index))].node
        }
        let page = max(1, InspectLayout.treeRows(state) - 1)
        switch binding.command {
        case .inspectBack, .closeScreen:
            if binding.command == .inspectBack, !screen.search.isEmpty {
                screen.search = ""
                break
            }
            state.screens.removeLast()
            return (state, [])
        case .moveDown: moveTo((row ?? -1) + 1)
        case .moveUp: moveTo((row ?? 1) - 1)
        case .pageDown: moveTo((row ?? 0) + page)
        case .pageUp: moveTo((row ?? 0) - page)
        case .top: moveTo(0)
        case .bottom: moveTo(rows.count - 1)
        case .inspectFold, .inspectExpand, .inspectCollapse:
            guard let model, let row, rows.indices.contains(row) else { break }
            let current = rows[row]
            let foldable = !model.nodes[current.node].children.isEmpty
            switch binding.command {
            case .inspectFold:
                if foldable { toggle(&screen, current.node) }
            case .inspectExpand:
                if foldable, !current.open { toggle(&screen, current.node) } else if current.open { moveTo(row + 1) }
            default:
                if current.open {
                    toggle(&screen, current.node)
                } else if let parent = model.nodes[current.node].parent, parent != 0 {
                    screen.cursor = parent
                }
            }
        case .inspectFoldAll:
            screen.foldAll = screen.foldAll == .open ? .closed : .open
            screen.toggled = []
            state.notice = ActionResult(text: screen.foldAll == .open ? "every fold open (z closes them all)" : "every fold closed",
                                        isError: false)
        case .inspectSearch:
            screen.editingSearch = true
            screen.search = ""
            screen.searchOrigin = screen.cursor
        case .inspectNextMatch, .inspectPreviousMatch:
            guard let model, !screen.search.isEmpty else {
                state.notice = ActionResult(text: "no search: / to search", isError: false)
                break
            }
            let forward = binding.command == .inspectNextMatch
            let found = forward ? model.matches(screen).first { $0 > screen.cursor } : model.matches(screen).last { $0 < screen.cursor }
            if let target = found ?? (forward ? model.matches(screen).first : model.matches(screen).last) {
                if found == nil { state.notice = ActionResult(text: forward ? "search wrapped to the top" : "search wrapped to the bottom",
                                                              isError: false) }
                jump(&screen, to: target, model, state)
            } else {
                state.notice = ActionResult(text: "nothing matches “\(screen.search)”", isError: true)
            }
        case .inspectReveal, .inspectRevealAll:
            guard let model, model.loaded else { break }
            let scope = binding.command == .inspectRevealAll ? 0 : screen.cursor
            let secrets = model.secrets(under: scope, screen)
            guard !secrets.isEmpty else {
                state.notice = ActionResult(text: binding.command == .inspectRevealAll ? "no hidden values in this document"
                                                : "m reveals a hidden value: nothing hidden here", isError: false)
                break
            }
            let hidden = secrets.filter { !screen.revealed.contains($0) }
            if hidden.isEmpty {
                screen.revealed.subtract(secrets)
                state.notice = ActionResult(text: secrets.count == 1 ? "hidden again" : "\(secrets.count) values hidden again",
                                            isError: false)
            } else {
                screen.revealed.formUnion(hidden)
                state.notice = ActionResult(text: hidden.count == 1 ? "revealed (m hides it again)"
                                                : "\(hidden.count) values revealed (\(binding.keyText) hides them again)",
                                            isError: false)
            }
        case .inspectCopy:
            guard let model, model.loaded else { break }
            switch model.copyText(screen.cursor, screen) {
            case let .success(text):
                effects = [.copy(text)]
                state.notice = ActionResult(text: "copied \(text.utf8.count) bytes (OSC 52; your terminal must allow it)",
                                            isError: false)
            case let .failure(refusal):
                state.notice = ActionResult(text: refusal.message, isError: true)
            }
        default:
            break
        }
        clamp(&screen, state, model)
        return (replace(state, screen), effects)
    }

    private static func toggle(_ screen: inout InspectScreen, _ id: Int) {
        if screen.toggled.contains(id) { screen.toggled.remove(id) } else { screen.toggled.insert(id) }
    }

    /// Puts the cursor on `id`, opening the folds that hide it; a row off the screen is brought to its
    /// upper third, so what follows the match shows too.
    static func jump(_ screen: inout InspectScreen, to id: Int, _ model: InspectModel, _ state: UIState) {
        for ancestor in model.ancestors(of: id) where !model.isOpen(ancestor, screen) {
            toggle(&screen, ancestor)
        }
        screen.cursor = id
        let height = InspectLayout.treeRows(state)
        if let index = model.rowIndex(of: id, screen), index < screen.scroll || index >= screen.scroll + height {
            screen.scroll = max(0, index - height / 3)
        }
    }

    /// Typing a search: each key searches again from where `/` was pressed; Enter keeps it, Esc clears it.
    private static func editSearch(_ screen: inout InspectScreen, _ state: inout UIState, _ key: Key, _ model: InspectModel?) {
        switch LineEditor.edit(key, &screen.search, &state, history: .inspectSearch) {
        case .submit:
            screen.editingSearch = false
            if !screen.search.isEmpty, let model, model.matches(screen).isEmpty {
                state.notice = ActionResult(text: "nothing matches “\(screen.search)”", isError: true)
            }
            return
        case .cancel:
            screen.editingSearch = false
            screen.search = ""
            if let origin = screen.searchOrigin { screen.cursor = origin }
            return
        case .changed:
            break
        case .moved, .other:
            return
        }
        guard let model, !screen.search.isEmpty else { return }
        let origin = screen.searchOrigin ?? 0
        let matches = model.matches(screen)
        if let target = matches.first(where: { $0 >= origin }) ?? matches.first {
            jump(&screen, to: target, model, state)
        }
    }

    /// Keeps the cursor on a visible row and in view.
    static func clamp(_ screen: inout InspectScreen, _ state: UIState, _ model: InspectModel?) {
        guard let model, model.loaded else { return }
        let rows = model.rows(screen)
        guard let index = model.rowIndex(of: screen.cursor, screen), rows.indices.contains(index) else {
            screen.scroll = 0
            return
        }
        screen.cursor = rows[index].node
        let height = InspectLayout.treeRows(state)
        if index < screen.scroll { screen.scroll = index }
        if height > 0, index >= screen.scroll + height { screen.scroll = index - height + 1 }
        screen.scroll = max(0, min(screen.scroll, max(0, rows.count - height)))
    }

    private static func replace(_ state: UIState, _ screen: InspectScreen) -> UIState {
        var state = state
        if state.top(InspectScreen.self) != nil { state.screens[state.screens.count - 1] = .inspect(screen) }
        return state
    }
}

extension Reducer {
    /// `i`: the selected row's inspect document, full screen over the dashboard. Reads only: allowed in
    /// --read-only.
    static func openInspect(_ state: UIState, _ snapshot: StoreSnapshot, _ row: RowKey?) -> (UIState, [Effect]) {
        var state = state
        let request: InspectRequest
        switch row {
        case let .container(id)?:
            let item = snapshot.containers.first { $0.id == id }
            request = InspectRequest(kind: .container, id: id, name: item?.name ?? ShortID.container(id), engine: item?.engine ?? "")
        case let .image(id, engine)?:
            let name = snapshot.images.first { $0.Id == id && ($0.engine ?? "") == engine }?.tags.first ?? ShortID.image(id)
            request = InspectRequest(kind: .image, id: id, name: name, engine: engine)
        case let .volume(name, engine)?:
            request = InspectRequest(kind: .volume, id: name, name: name, engine: engine)
        case let .network(id, engine)?:
            let name = snapshot.networks.first { $0.Id == id && ($0.engine ?? "") == engine }?.Name ?? ShortID.container(id)
            request = InspectRequest(kind: .network, id: id, name: name, engine: engine)
        case .engineGroup?:
            state.notice = ActionResult(text: "i: select a container of the engine to inspect", isError: false)
            return (state, [])
        case .composeGroup?:
            state.notice = ActionResult(text: "i: a compose group has no inspect document; select one of its containers",
                                        isError: false)
            return (state, [])
        case nil:
            state.notice = ActionResult(text: "nothing selected to inspect", isError: true)
            return (state, [])
        }
        var screen = InspectScreen(request: request, secretNames: state.secretNames)
        let id = state.newSession()
        screen.session = id
        state.screens.append(.inspect(screen))
        state.showHelp = false
        return (state, [.openSession(id, .inspect(request))])
    }
}

extension InspectScreen: SessionScreen {
    public var screenName: ScreenName { .inspect }
    public var isTyping: Bool { editingSearch }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        InspectReducer.reduce(state, self, key, context.models.inspect(session))
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        InspectView.draw(&frame.buffer, state, self, context.models.inspect(session))
    }

    /// The document (or why there is none) goes into the view's model.
    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        let model = models.inspect(id) ?? models.add(InspectModel(), for: id)
        switch news {
        case let .document(document): model.ingest(document: document)
        case let .failed(message): model.ingest(error: message)
        default: break
        }
    }

    public func clickTarget(y: Int, _ state: UIState, _ context: ScreenContext) -> (row: Int, cursor: Int)? {
        guard let model = context.models.inspect(session), model.loaded, let cursor = model.rowIndex(of: self.cursor, self) else { return nil }
        let tree = InspectLayout.parts(state.width, state.height).tree
        return ListWindow.row(at: y, firstY: tree.y, visible: tree.height, top: scroll, count: model.rows(self).count)
            .map { ($0, cursor) }
    }
}

extension Screen {
    public static func inspect(_ screen: InspectScreen) -> Screen { Screen(screen) }
}
