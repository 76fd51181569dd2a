import DockerEngine
import SwtopStore
import TermCanvas

enum RunFormReducer {
    /// `r` on an image: the form for it.
    static func open(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        guard let (image, engine) = ResourceReducer.selectedImage(state, snapshot) else {
            state.notice = ActionResult(text: "no image selected", isError: true)
            return (state, [])
        }
        let screen = RunFormScreen(image: ResourceReducer.meantTag(image.tags, state) ?? image.Id, engine: engine,
                                   secretNames: state.secretNames)
        state.screens.append(.runForm(screen))
        state.showHelp = false
        return (state, [])
    }

    static func reduce(_ state: UIState, _ screen: RunFormScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        if screen.editing {
            var text = screen.value(screen.cursor)
            switch LineEditor.apply(key, &text, &state.editCursor) {
            case .submit:
                screen.editing = false
            case .cancel:
                screen.editing = false
                text = screen.before
            case .changed, .moved:
                break
            case .other:
                if key == .tab || key == .down || key == .up || key == .backTab {
                    // Tab keeps what is typed and goes on to the next field, as in any form.
                    screen.editing = false
                    screen.values[screen.cursor] = text
                    move(&screen, key == .tab || key == .down ? 1 : -1)
                    state.replaceTop(screen)
                    return (state, [])
                }
            }
            screen.values[screen.cursor] = text
            if screen.errorField == screen.cursor { screen.error = nil; screen.errorField = nil }
            state.replaceTop(screen)
            return (state, [])
        }
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        switch binding.command {
        case .runFormBack:
            state.screens.removeLast()
            return (state, [])
        case .moveDown: move(&screen, 1)
        case .moveUp: move(&screen, -1)
        case .top: screen.cursor = .name
        case .bottom: screen.cursor = .run
        case .runFormToggle:
            toggle(&screen)
        case .runFormEdit:
            if screen.cursor == .run { return go(state, screen) }
            if screen.cursor.isToggle {
                toggle(&screen)
            } else {
                screen.editing = true
                screen.before = screen.value(screen.cursor)
                state.editCursor = 0
            }
        case .runFormCopy:
            let line = screen.commandLine(reveal: true)
            let secrets = ShellWords.split(screen.value(.env)).map { String($0.prefix { $0 != "=" }) }
                .filter { SecretNames.isSecret($0, screen.secretNames) }
            state.notice = ActionResult(text: "copied the docker run line" + (secrets.isEmpty ? "" : " (it holds the value of \(secrets.joined(separator: ", ")))"),
                                        isError: false)
            state.replaceTop(screen)
            return (state, [.copy(line)])
        case .runFormGo:
            return go(state, screen)
        default:
            break
        }
        state.replaceTop(screen)
        return (state, [])
    }

    static func move(_ screen: inout RunFormScreen, _ step: Int) {
        let all = RunFormScreen.Field.allCases
        screen.cursor = all[(screen.cursor.rawValue + step + all.count) % all.count]
    }

    static func toggle(_ screen: inout RunFormScreen) {
        switch screen.cursor {
        case .autoRemove: screen.autoRemove.toggle()
        case .tty: screen.tty.toggle()
        default: return
        }
        if screen.errorField == screen.cursor { screen.error = nil; screen.errorField = nil }
    }

    /// Checks the form, then creates and starts through a session; a field that does not read is said there.
    static func go(_ state: UIState, _ screen: RunFormScreen) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        guard !screen.running else { return (state, []) }
        switch screen.spec {
        case let .failure(problem):
            screen.error = problem.message
            screen.errorField = problem.field
            screen.cursor = problem.field
            state.replaceTop(screen)
            return (state, [])
        case let .success(spec):
            let id = state.newSession()
            screen.session = id
            screen.running = true
            screen.error = nil
            screen.errorField = nil
            state.replaceTop(screen)
            return (state, [.openSession(id, .work(AnyWork(RunContainerWork(spec: spec, engine: screen.engine))))])
        }
    }
}

extension RunFormScreen: SessionScreen {
    public var screenName: ScreenName { .runForm }
    public var isTyping: Bool { editing }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        RunFormReducer.reduce(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        RunFormView.draw(&frame.buffer, state, self)
    }

    public func clickTarget(y: Int, _ state: UIState, _ context: ScreenContext) -> (row: Int, cursor: Int)? {
        let row = y - RunFormView.firstRow
        guard row >= 0, row < Field.allCases.count, !editing else { return nil }
        return (row, cursor.rawValue)
    }

    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        switch news {
        case let .payload(RunNews.started(id)):
            running = false
            done = true
            startedID = id
        case let .failed(message):
            running = false
            error = message
            errorField = nil
        default: break
        }
    }

    /// Started: the form goes, the new container is selected in the list, and with a terminal asked
    /// for it is handed over as `e` does.
    public func followUp(_ state: UIState) -> (UIState, [Effect])? {
        guard done, let id = startedID else { return nil }
        var state = state
        state.screens.removeLast()
        state.view = .containers
        state.selection[.containers] = .container(id)
        state.filter[.containers] = nil
        let name = value(.name).trimmedSpaces.isEmpty ? ShortID.container(id) : value(.name).trimmedSpaces
        state.notice = ActionResult(text: "started \(name) from \(image)", isError: false)
        guard tty else { return (state, []) }
        return (state, [.handOver(HandOverRequest(target: Target(id: id, name: name, engine: engine), kind: .attach))])
    }
}

extension Screen {
    public static func runForm(_ screen: RunFormScreen) -> Screen { Screen(screen) }
}

extension Keymap {
    /// The run form's keys (while a field is edited, keys go to it: Enter keeps, Esc puts it back).
    public static let runForm: [Binding] = [
        Binding([.escape, .char("q")], .runFormBack, "back to the images, nothing made", hint: "back"),
        Binding([.char("j"), .down, .tab], .moveDown, "next field"),
        Binding([.char("k"), .up, .backTab], .moveUp, "previous field"),
        Binding([.char("g"), .home], .top, "first field"),
        Binding([.char("G"), .end], .bottom, "the Run row"),
        Binding([.enter], .runFormEdit, "edit the field (Enter keeps it); on ▶ run: create and start", hint: "edit"),
        Binding([.char(" ")], .runFormToggle, "flip a yes/no field", hint: "flip"),
        Binding([.char("y")], .runFormCopy, "copy the docker run line", hint: "copy"),
        Binding([.char("R")], .runFormGo, "create and start the container", mutating: true, hint: "run"),
    ]
}

/// The fields, each on a row, then the `docker run` line as typed.
enum RunFormView {
    static let firstRow = 2

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: RunFormScreen) {
        let (body, status) = ScreenChrome.frame(&buffer, title: "run \(TerminalSafe.sanitize(screen.image)) · \(TerminalSafe.sanitize(screen.engine))")
        let labelWidth = 24
        for field in RunFormScreen.Field.allCases {
            let y = firstRow + field.rawValue
            guard y < body.maxY else { break }
            let selected = field == screen.cursor
            let row = Rect(x: body.x, y: y, width: body.width, height: 1)
            if selected, !screen.editing { buffer.fill(row, style: .selected) }
            let style: Style = selected && !screen.editing ? .selected : field == screen.errorField ? Style(.error, bold: true) : .normal
            var x = body.x
            x += buffer.put(" " + DisplayWidth.fit(field.label, toColumns: labelWidth), x: x, y: y,
                            style: field == .run ? Style(style.role, bold: true) : style, maxWidth: row.maxX - x)
            if field.isToggle {
                let on = field == .autoRemove ? screen.autoRemove : screen.tty
                buffer.put(on ? "[x] yes" : "[ ] no", x: x, y: y, style: style, maxWidth: row.maxX - x)
                continue
            }
            guard field != .run else {
                let text = screen.running ? "creating and starting…" : "Enter or R creates and starts it"
                buffer.put(text, x: x, y: y, style: screen.running ? Style(.accent, bold: true) : (selected ? style : .dimmed),
                           maxWidth: row.maxX - x)
                continue
            }
            var value = screen.value(field)
            if field == .env, !(selected && screen.editing) {
                value = ShellWords.split(value).map { pair in
                    let key = String(pair.prefix { $0 != "=" })
                    return SecretNames.isSecret(key, screen.secretNames) && pair.contains("=") ? key + "=••••••" : pair
                }.joined(separator: " ")
            }
            if selected, screen.editing {
                buffer.put(LineEditor.shown(TerminalSafe.sanitize(value), state.editCursor), x: x, y: y, style: Style(.accent, bold: true),
                           maxWidth: row.maxX - x)
            } else if value.isEmpty {
                buffer.put(field.placeholder, x: x, y: y, style: selected ? style : .dimmed, maxWidth: row.maxX - x)
            } else {
                buffer.put(TerminalSafe.sanitize(value), x: x, y: y, style: style, maxWidth: row.maxX - x)
            }
        }
        var y = firstRow + RunFormScreen.Field.allCases.count + 1
        if y < body.maxY {
            buffer.put(" the same with the docker CLI (y copies it):", x: body.x, y: y, style: .dimmed, maxWidth: body.width)
            y += 1
        }
        // The line, wrapped.
        let line = TerminalSafe.sanitize(screen.commandLine(reveal: false))
        var left = Substring(line)
        while !left.isEmpty, y < body.maxY {
            let piece = left.prefix(max(1, body.width - 3))
            buffer.put("   " + piece, x: body.x, y: y, style: Style(.title), maxWidth: body.width)
            left = left.dropFirst(piece.count)
            y += 1
        }
        let message = status.row(0)
        if let error = screen.error {
            let field = screen.errorField.map { "\($0.label): " } ?? ""
            buffer.put("✗ " + field + TerminalSafe.sanitize(error), x: message.x, y: message.y, style: Style(.error, bold: true),
                       maxWidth: message.width)
        } else if let notice = state.notice {
            buffer.put(notice.text, x: message.x, y: message.y, style: notice.isError ? Style(.error, bold: true) : .ok,
                       maxWidth: message.width)
        }
        let hints = screen.editing ? [KeyHint("Enter", "keep"), KeyHint("Esc", "undo"), KeyHint("Tab", "next field")] : state.hints()
        StatusBar(left: "", right: "", hints: hints).draw(into: &buffer, in: status.row(1))
    }
}
