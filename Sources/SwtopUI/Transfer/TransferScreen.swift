import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// `P` (pull a reference) and `u` (push the selected image): the engine's progress, one line per
/// layer, the total at the bottom; Esc cancels (the request is dropped: the engine stops).
public struct TransferScreen: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case pull, push
    }

    public var kind: Kind
    public var reference: String
    public var engine: String
    public var session: SessionID?
    public var progress = TransferProgress()
    /// Why it could not start (a bad reference, config.json unreadable, the engine away).
    public var error: String?
    public var scroll = 0

    public init(kind: Kind, reference: String, engine: String) {
        self.kind = kind
        self.reference = reference
        self.engine = engine
    }

    public var finished: Bool { progress.finished || error != nil }
    public var failed: Bool { error != nil || progress.error != nil }
}

/// Pulls or pushes through the engine with the docker CLI's credentials for the registry; the progress
/// goes to the screen at most ten times a second (an engine sends hundreds of lines), and once at the end.
struct TransferWork: SessionWork {
    let kind: TransferScreen.Kind
    let reference: String
    let engine: String

    func run(_ api: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async {
        guard let reference = ImageReference(reference) else {
            post(.failed("“\(self.reference)” is not an image reference ([REGISTRY/]NAME[:TAG][@DIGEST], lower case)"))
            return
        }
        let auth: RegistryAuth
        do {
            auth = try RegistryAuth.lookup(reference.registry, environment: ProcessInfo.processInfo.environment)
        } catch {
            post(.failed("credentials for \(reference.registry): \((error as? DockerError)?.userMessage ?? String(describing: error))"))
            return
        }
        var progress = TransferProgress()
        let clock = ContinuousClock()
        var posted = clock.now
        do {
            let stream = kind == .pull ? try await api.pullImage(reference, auth: auth) : try await api.pushImage(reference, auth: auth)
            for try await message in stream {
                progress.apply(message)
                if clock.now - posted >= .milliseconds(100) {
                    post(.payload(progress))
                    posted = clock.now
                }
            }
        } catch is CancellationError {
            return
        } catch {
            if Task.isCancelled { return }
            progress.error = (error as? DockerError)?.userMessage ?? String(describing: error)
        }
        if let error = progress.error { progress.error = RegistryAuth.explain(error, registry: reference.registry, auth: auth) }
        progress.finished = true
        post(.payload(progress))
    }
}

enum TransferReducer {
    /// `P`: asks for the reference to pull.
    static func askPull(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        let engine = ResourceReducer.engine(state, snapshot)
        state.prompt = Prompt(purpose: .pull, target: Target(id: "", name: engine, engine: engine), values: [])
        state.editCursor = 0
        return (state, [])
    }

    /// `u`: pushes the selected image under its tag (the one the filter names, else the first).
    static func push(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        guard let (image, engine) = ResourceReducer.selectedImage(state, snapshot) else {
            state.notice = ActionResult(text: "no image selected", isError: true)
            return (state, [])
        }
        guard let tag = ResourceReducer.meantTag(image.tags, state) else {
            state.notice = ActionResult(text: "u: an untagged image has no repository to push to: t tags it first", isError: true)
            return (state, [])
        }
        return open(state, .push, tag, engine: engine)
    }

    static func open(_ state: UIState, _ kind: TransferScreen.Kind, _ reference: String, engine: String) -> (UIState, [Effect]) {
        var state = state
        var screen = TransferScreen(kind: kind, reference: reference, engine: engine)
        let id = state.newSession()
        screen.session = id
        state.screens.append(.transfer(screen))
        state.showHelp = false
        return (state, [.openSession(id, .work(AnyWork(TransferWork(kind: kind, reference: reference, engine: engine))))])
    }

    static func reduce(_ state: UIState, _ screen: TransferScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let last = max(0, TransferView.lines(screen).count - TransferView.rows(state))
        switch binding.command {
        case .transferBack:
            state.screens.removeLast()
            if !screen.finished {
                state.notice = ActionResult(text: "\(screen.kind.rawValue) of \(screen.reference) cancelled", isError: false)
            }
            return (state, [])
        case .moveDown: screen.scroll += 1
        case .moveUp: screen.scroll -= 1
        case .top: screen.scroll = 0
        case .bottom: screen.scroll = last
        default: break
        }
        screen.scroll = min(max(0, screen.scroll), last)
        state.replaceTop(screen)
        return (state, [])
    }
}

extension TransferScreen: SessionScreen {
    public var screenName: ScreenName { .transfer }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        TransferReducer.reduce(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        TransferView.draw(&frame.buffer, state, self)
    }

    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        switch news {
        case let .payload(progress as TransferProgress): self.progress = progress
        case let .failed(message): error = message
        default: break
        }
    }
}

extension Screen {
    public static func transfer(_ screen: TransferScreen) -> Screen { Screen(screen) }
}

extension Keymap {
    /// The pull / push screen's keys.
    public static let transfer: [Binding] = [
        Binding([.escape, .char("q")], .transferBack, "back (a pull or push still going is cancelled)", hint: "back"),
        Binding([.char("j"), .down], .moveDown, "scroll down"),
        Binding([.char("k"), .up], .moveUp, "scroll up"),
        Binding([.char("g"), .home], .top, "to the top"),
        Binding([.char("G"), .end], .bottom, "to the bottom"),
    ]
}

/// The layers' lines as the engine reports them, then the lines about the whole image.
enum TransferView {
    static func rows(_ state: UIState) -> Int { max(1, state.height - 5) }

    static func bar(_ current: Int64?, _ total: Int64?, width: Int) -> String {
        guard let total, total > 0, let current else { return String(repeating: " ", count: width + 2) }
        let filled = Int(min(1, Double(current) / Double(total)) * Double(width))
        return "[" + String(repeating: "=", count: filled) + (filled < width ? ">" : "")
            + String(repeating: " ", count: max(0, width - filled - 1)) + "]"
    }

    static func lines(_ screen: TransferScreen) -> [(String, Style)] {
        var lines: [(String, Style)] = []
        for note in screen.progress.notes.prefix(1) { lines.append((" " + note, .dimmed)) }
        for layer in screen.progress.layers {
            let bytes: String
            if let total = layer.total, let current = layer.current, !layer.done {
                bytes = "\(ByteCount.text(current)) / \(ByteCount.text(total))"
            } else if let total = layer.total {
                bytes = ByteCount.text(total)
            } else {
                bytes = ""
            }
            let status = DisplayWidth.fit(TerminalSafe.sanitize(layer.status), toColumns: 22)
            let id = DisplayWidth.fit(TerminalSafe.sanitize(String(layer.id.prefix(12))), toColumns: 12)
            lines.append(("   \(id)  \(status)  \(layer.done ? String(repeating: " ", count: 22) : bar(layer.current, layer.total, width: 20))  \(bytes)",
                          layer.done ? .ok : .normal))
        }
        for note in screen.progress.notes.dropFirst() { lines.append((" " + TerminalSafe.sanitize(note), .dimmed)) }
        return lines
    }

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: TransferScreen) {
        let (body, status) = ScreenChrome.frame(&buffer, title: "\(screen.kind.rawValue) \(TerminalSafe.sanitize(screen.reference)) · "
                                                    + TerminalSafe.sanitize(screen.engine), statusRows: 3)
        let lines = lines(screen)
        if lines.isEmpty, !screen.finished {
            buffer.put(" asking the engine to \(screen.kind.rawValue) \(TerminalSafe.sanitize(screen.reference))…", x: body.x, y: body.y,
                       style: .dimmed, maxWidth: body.width)
        }
        let top = min(screen.scroll, max(0, lines.count - body.height))
        for (offset, line) in lines.dropFirst(top).prefix(body.height).enumerated() {
            buffer.put(line.0, x: body.x, y: body.y + offset, style: line.1, maxWidth: body.width)
        }
        let summary = status.row(0)
        let figures = screen.progress.summary
        var text = " \(figures.done)/\(figures.layers) layers"
        if figures.total > 0 { text += " · \(ByteCount.text(figures.current)) of \(ByteCount.text(figures.total))" }
        if let error = screen.error ?? screen.progress.error {
            buffer.put("✗ " + TerminalSafe.sanitize(error), x: summary.x, y: summary.y, style: Style(.error, bold: true), maxWidth: summary.width)
        } else if screen.progress.finished {
            let verb = screen.kind == .pull ? "pulled" : "pushed"
            let digest = screen.progress.digest.map { " · \($0)" } ?? ""
            buffer.put("✓ \(verb) \(TerminalSafe.sanitize(screen.reference))\(digest) ·\(text)", x: summary.x, y: summary.y,
                       style: Style(.ok, bold: true), maxWidth: summary.width)
        } else {
            buffer.put("\(screen.kind == .pull ? "pulling" : "pushing")…\(text)", x: summary.x, y: summary.y,
                       style: Style(.accent, bold: true), maxWidth: summary.width)
        }
        ScreenChrome.message(&buffer, status.row(1), state)
        StatusBar(left: "", right: "", hints: state.hints()).draw(into: &buffer, in: status.row(2))
    }
}
