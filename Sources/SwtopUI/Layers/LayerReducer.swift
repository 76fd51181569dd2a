import LayerKit
import SwtopStore
import TermCanvas

/// Keys of the layer view. Pure like the dashboard's reducer: it reads the model's rows (built and cached
/// by the model) and changes only view state; loading is the session's, opened and closed by effects.
enum LayerReducer {
    static func reduce(_ state: UIState, _ screen: LayerScreen, _ key: Key, _ model: LayerModel?) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        if screen.editingFilter {
            editFilter(&screen, &state, key)
            clamp(&screen, state, model)
            return (replace(state, screen), [])
        }
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let layerCount = model?.layerCount ?? 0
        let rows = model?.rows(screen) ?? []
        func selectLayer(_ index: Int) {
            let clamped = max(0, min(index, max(0, layerCount - 1)))
            if clamped != screen.layer {
                screen.layer = clamped
                screen.cursor = 0
                screen.scroll = 0
            }
        }
        let page = max(1, LayerLayout.treeRows(state) - 1)
        switch binding.command {
        case .layerBack, .closeScreen:
            if binding.command == .layerBack, !screen.filter.isEmpty {
                screen.filter = ""
                screen.toggled = []
                break
            }
            state.screens.removeLast()
            return (state, screen.quitOnClose ? [.quit] : [])
        case .layerFocus:
            screen.focus = screen.focus == .stack ? .tree : .stack
        case .moveDown, .moveUp, .pageDown, .pageUp, .top, .bottom:
            let step: Int
            switch binding.command {
            case .moveDown: step = 1
            case .moveUp: step = -1
            case .pageDown: step = page
            case .pageUp: step = -page
            case .top: step = Int.min / 2
            default: step = Int.max / 2
            }
            if screen.focus == .stack {
                selectLayer(screen.layer.addingReportingOverflow(step).partialValue)
            } else {
                screen.cursor = max(0, min(rows.count - 1, screen.cursor.addingReportingOverflow(step).partialValue))
            }
        case .layerNext:
            selectLayer(screen.layer + 1)
        case .layerPrevious:
            selectLayer(screen.layer - 1)
        case .layerMode:
            screen.mode = screen.mode == .layer ? .image : .layer
            screen.cursor = 0
            screen.scroll = 0
            state.notice = ActionResult(text: screen.mode == .image
                ? "tree: the whole image as it stands at this layer (c: only this layer's changes)"
                : "tree: this layer's changes only", isError: false)
        case .layerOnlyChanges:
            if screen.mode == .layer {
                screen.mode = .image
                screen.onlyChanges = true
            } else {
                screen.onlyChanges.toggle()
            }
            screen.toggled = [] // folds mean the opposite while only changes are shown (all open)
            screen.cursor = 0
            screen.scroll = 0
        case .layerSort:
            screen.sort = screen.sort == .name ? .size : .name
            state.notice = ActionResult(text: screen.sort == .size ? "tree sorted by size, largest first" : "tree sorted by name",
                                        isError: false)
        case .layerFold, .layerExpand, .layerCollapse:
            if screen.focus == .stack {
                if binding.command != .layerCollapse { screen.focus = .tree }
                break
            }
            guard rows.indices.contains(screen.cursor) else { break }
            let row = rows[screen.cursor]
            let foldable = row.node.isDirectory && !row.node.children.isEmpty
            switch binding.command {
            case .layerFold:
                if foldable { toggle(&screen, row.node.path) }
            case .layerExpand:
                if foldable, !row.open { toggle(&screen, row.node.path) }
                else if row.open { screen.cursor += 1 }
            default:
                if row.open {
                    toggle(&screen, row.node.path)
                } else if row.depth == 0 {
                    screen.focus = .stack
                } else if let parent = rows[..<screen.cursor].lastIndex(where: { $0.depth == row.depth - 1 }) {
                    screen.cursor = parent
                }
            }
        case .layerFoldAll:
            let open = !(screen.openByDefault[screen.mode] ?? false)
            screen.openByDefault[screen.mode] = open
            screen.toggled = []
            screen.cursor = 0
            screen.scroll = 0
        case .layerFilter:
            screen.editingFilter = true
            screen.focus = .tree
        default:
            break
        }
        clamp(&screen, state, model)
        return (replace(state, screen), [])
    }

    private static func toggle(_ screen: inout LayerScreen, _ path: String) {
        if screen.toggled.contains(path) { screen.toggled.remove(path) } else { screen.toggled.insert(path) }
    }

    private static func editFilter(_ screen: inout LayerScreen, _ state: inout UIState, _ key: Key) {
        let wasEmpty = screen.filter.isEmpty
        defer { if wasEmpty != screen.filter.isEmpty { screen.toggled = [] } } // a filter opens what leads to matches
        switch LineEditor.edit(key, &screen.filter, &state, history: .layerFilter) {
        case .submit:
            screen.editingFilter = false
        case .cancel:
            screen.editingFilter = false
            screen.filter = ""
        case .changed:
            break
        case .moved, .other:
            return
        }
        screen.cursor = 0
        screen.scroll = 0
    }

    /// Keeps the cursor on a row and in view, and the selected layer in the stack's view.
    static func clamp(_ screen: inout LayerScreen, _ state: UIState, _ model: LayerModel?) {
        let count = model?.rows(screen).count ?? 0
        screen.cursor = max(0, min(screen.cursor, count - 1))
        let height = LayerLayout.treeRows(state)
        if screen.cursor < screen.scroll { screen.scroll = screen.cursor }
        if height > 0, screen.cursor >= screen.scroll + height { screen.scroll = screen.cursor - height + 1 }
        screen.scroll = max(0, min(screen.scroll, max(0, count - height)))
        let stackHeight = LayerLayout.stackRows(state)
        let line = LayerStackLines.line(ofLayer: screen.layer, model)
        if line < screen.stackScroll { screen.stackScroll = line }
        if stackHeight > 0, line >= screen.stackScroll + stackHeight { screen.stackScroll = line - stackHeight + 1 }
        screen.stackScroll = max(0, screen.stackScroll)
    }

    private static func replace(_ state: UIState, _ screen: LayerScreen) -> UIState {
        var state = state
        if state.top(LayerScreen.self) != nil { state.screens[state.screens.count - 1] = .layers(screen) }
        return state
    }
}

extension LayerScreen: SessionScreen {
    public var screenName: ScreenName { .layers }
    public var isTyping: Bool { editingFilter }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        LayerReducer.reduce(state, self, key, context.models.layer(session))
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        LayerView.draw(&frame.buffer, state, self, context.models.layer(session), now: context.now)
    }

    /// Metadata, progress, sharing, the analysis (or why it failed) go into the view's model.
    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        let model = models.layer(id) ?? models.add(LayerModel(), for: id)
        switch news {
        case let .layerMetadata(metadata):
            model.ingest(metadata: metadata)
            if startAtTop {
                startAtTop = false
                layer = max(0, metadata.layers.count - 1)
                LayerReducer.clamp(&self, state, model)
            }
        case let .layerProgress(progress): model.ingest(progress: progress)
        case let .layerSharing(sharing): model.ingest(sharing: sharing)
        case let .layerAnalysis(analysis): model.ingest(analysis: analysis)
        case let .failed(message): model.ingest(error: message)
        default: break
        }
    }

    /// Puts a layer view over the others, its session under a fresh id; the effect starts that session.
    public static func open(_ screen: LayerScreen, _ state: inout UIState) -> Effect {
        var screen = screen
        let id = state.newSession()
        screen.session = id
        state.screens.append(.layers(screen))
        return .openSession(id, .layers(screen.request))
    }
}

extension Screen {
    public static func layers(_ screen: LayerScreen) -> Screen { Screen(screen) }
}
