import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// `b`: a build from a Dockerfile, live: each step, the cache's part, each layer's id and the step's own
/// output; Esc cancels; a failing step shows its output and exit code; on success the new image's layer
/// view opens on its top layer, each instruction beside the layer it made.
public struct BuildScreen: Sendable, Equatable {
    public var request: BuildRequest
    public var session: SessionID?
    public var progress = BuildProgress()
    /// The context as sent: entries and bytes.
    public var context: (entries: Int, bytes: Int64)?
    public var error: String?
    public var scroll = 0
    /// Keep the newest line in view.
    public var follow = true
    /// The layer view was opened once (on success); Esc there comes back here.
    public var layersOpened = false

    public init(request: BuildRequest) { self.request = request }

    public var finished: Bool { progress.finished || error != nil }

    public static func == (lhs: BuildScreen, rhs: BuildScreen) -> Bool {
        lhs.request == rhs.request && lhs.session == rhs.session && lhs.progress == rhs.progress
            && lhs.context?.entries == rhs.context?.entries && lhs.context?.bytes == rhs.context?.bytes && lhs.error == rhs.error
            && lhs.scroll == rhs.scroll && lhs.follow == rhs.follow && lhs.layersOpened == rhs.layersOpened
    }
}

/// What `b`'s form asked for.
public struct BuildRequest: Sendable, Equatable {
    /// The context directory, absolute.
    public var context: String
    public var options: BuildOptions
    public var engine: String

    public init(context: String, options: BuildOptions, engine: String) {
        self.context = context
        self.options = options
        self.engine = engine
    }

    /// The form's fields: context (relative to `workingDirectory`), Dockerfile, tags and build args
    /// (separated by spaces or commas); nil and why when one does not read.
    public static func parse(_ values: [String], workingDirectory: String, engine: String) -> (BuildRequest?, String?) {
        var context = values[0].isEmpty ? "." : values[0]
        if !context.hasPrefix("/") { context = (workingDirectory.isEmpty ? "/" : workingDirectory) + "/" + context }
        let parts = context.split(separator: "/").reduce(into: [String]()) { out, part in
            if part == "." { return }
            if part == ".." { if !out.isEmpty { out.removeLast() }; return }
            out.append(String(part))
        }
        context = "/" + parts.joined(separator: "/")
        let words = { (text: String) in text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) }
        let tags = words(values[2])
        for tag in tags where ImageReference(tag) == nil {
            return (nil, "b: “\(tag)” is not a tag ([REGISTRY/]NAME[:TAG], lower case)")
        }
        var args: [String: String] = [:]
        for word in words(values[3]) {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                return (nil, "b: build args are KEY=VALUE: “\(word)”")
            }
            args[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        let dockerfile = values[1].isEmpty ? "Dockerfile" : values[1]
        return (BuildRequest(context: context, options: BuildOptions(dockerfile: dockerfile, tags: tags, buildArgs: args), engine: engine),
                nil)
    }
}

/// What the build session posts.
public enum BuildNews: Sendable, Equatable {
    case context(entries: Int, bytes: Int64)
    case progress(BuildProgress)
}

/// Archives the context (into a temporary file: memory stays flat), sends it, and reports the build
/// at most ten times a second and once at the end.
struct BuildWork: SessionWork {
    let request: BuildRequest
    var engine: String { request.engine }

    func run(_ api: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async {
        let upload: ContextUpload
        do {
            upload = try ContextUpload(root: request.context, dockerfile: request.options.dockerfile)
        } catch {
            post(.failed(String(describing: error)))
            return
        }
        post(.payload(BuildNews.context(entries: upload.entries, bytes: upload.size)))
        var progress = BuildProgress()
        let clock = ContinuousClock()
        var posted = clock.now
        do {
            for try await message in try await api.build(upload, request.options) {
                progress.apply(message)
                if clock.now - posted >= .milliseconds(100) {
                    post(.payload(BuildNews.progress(progress)))
                    posted = clock.now
                }
            }
        } catch is CancellationError {
            return
        } catch {
            if Task.isCancelled { return }
            progress.error = (error as? DockerError)?.userMessage ?? String(describing: error)
        }
        progress.finish()
        post(.payload(BuildNews.progress(progress)))
    }
}

enum BuildReducer {
    /// `b`: the form, its fields filled with the working directory and `Dockerfile`.
    static func ask(_ state: UIState, _ snapshot: StoreSnapshot) -> (UIState, [Effect]) {
        var state = state
        let engine = ResourceReducer.engine(state, snapshot)
        let last = state.promptHistory[.build]?.last
        state.prompt = Prompt(purpose: .build, target: Target(id: "", name: engine, engine: engine),
                              values: last ?? [state.workingDirectory.isEmpty ? "." : state.workingDirectory, "Dockerfile", "", ""])
        state.editCursor = 0
        return (state, [])
    }

    static func submit(_ state: UIState, _ prompt: Prompt, _ values: [String]) -> (UIState, [Effect]) {
        var state = state
        let (request, problem) = BuildRequest.parse(values, workingDirectory: state.workingDirectory, engine: prompt.target.engine)
        guard let request else {
            state.notice = ActionResult(text: problem ?? "b: the form does not read", isError: true)
            return (state, [])
        }
        var screen = BuildScreen(request: request)
        let id = state.newSession()
        screen.session = id
        state.screens.append(.build(screen))
        return (state, [.openSession(id, .work(AnyWork(BuildWork(request: request))))])
    }

    static func reduce(_ state: UIState, _ screen: BuildScreen, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        var screen = screen
        guard let binding = KeyDispatch.action(key, state) else { return (state, []) }
        let lines = BuildView.lines(screen).count
        let rows = BuildView.rows(state)
        let last = max(0, lines - rows)
        let page = max(1, rows - 1)
        switch binding.command {
        case .buildBack:
            state.screens.removeLast()
            if !screen.finished {
                state.notice = ActionResult(text: "build of \(screen.request.context) cancelled", isError: false)
            }
            return (state, [])
        case .buildLayers:
            guard screen.progress.succeeded, let id = screen.progress.imageID else {
                state.notice = ActionResult(text: "no image yet: the layers open once the build succeeds", isError: false)
                break
            }
            state.replaceTop(screen)
            return open(state, image: id, screen)
        case .moveDown: screen.scroll = (screen.follow ? last : screen.scroll) + 1
        case .moveUp: screen.scroll = (screen.follow ? last : screen.scroll) - 1
        case .pageDown: screen.scroll = (screen.follow ? last : screen.scroll) + page
        case .pageUp: screen.scroll = (screen.follow ? last : screen.scroll) - page
        case .top: screen.scroll = 0
        case .bottom: screen.scroll = last
        default: break
        }
        screen.scroll = min(max(0, screen.scroll), last)
        screen.follow = screen.scroll >= last
        state.replaceTop(screen)
        return (state, [])
    }

    /// The built image's layer view over the build, on its top layer.
    static func open(_ state: UIState, image: String, _ screen: BuildScreen) -> (UIState, [Effect]) {
        var state = state
        let name = screen.progress.tagged.first ?? screen.request.options.tags.first ?? ShortID.image(image)
        var layers = LayerScreen(request: LayerRequest(target: .image(id: image, name: name), engine: screen.request.engine))
        layers.startAtTop = true
        let effect = LayerScreen.open(layers, &state)
        return (state, [effect])
    }
}

extension BuildScreen: SessionScreen {
    public var screenName: ScreenName { .build }

    public func reduce(_ state: UIState, _ key: Key, _ context: ScreenContext) -> (UIState, [Effect]) {
        BuildReducer.reduce(state, self, key)
    }

    public func draw(_ frame: inout Frame, _ state: UIState, _ context: ScreenContext) {
        BuildView.draw(&frame.buffer, state, self)
    }

    public mutating func receive(_ news: SessionNews, from id: SessionID, _ state: UIState, _ models: SessionModels) {
        switch news {
        case let .payload(news as BuildNews):
            switch news {
            case let .context(entries, bytes): context = (entries, bytes)
            case let .progress(progress): self.progress = progress
            }
        case let .failed(message): error = message
        default: break
        }
    }

    /// A build that just succeeded opens its image's layers, once.
    public func followUp(_ state: UIState) -> (UIState, [Effect])? {
        guard !layersOpened, progress.succeeded, let image = progress.imageID else { return nil }
        var state = state
        var screen = self
        screen.layersOpened = true
        state.replaceTop(screen)
        return BuildReducer.open(state, image: image, screen)
    }
}

extension Screen {
    public static func build(_ screen: BuildScreen) -> Screen { Screen(screen) }
}

extension Keymap {
    /// The build screen's keys.
    public static let build: [Binding] = [
        Binding([.escape, .char("q")], .buildBack, "back (a build still going is cancelled: the engine stops it)", hint: "back"),
        Binding([.char("L"), .enter], .buildLayers, "the built image's layers, each instruction beside its layer", hint: "layers"),
        Binding([.char("j"), .down], .moveDown, "scroll down"),
        Binding([.char("k"), .up], .moveUp, "scroll up"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "to the top"),
        Binding([.char("G"), .end], .bottom, "to the newest line (follows it)"),
    ]
}

/// Each step on a line of its own (cached, the layer it made), its output under it, the result at the bottom.
enum BuildView {
    static func rows(_ state: UIState) -> Int { max(1, state.height - 4) }

    static func lines(_ screen: BuildScreen) -> [(String, Style)] {
        var lines: [(String, Style)] = screen.progress.notes.map { (" " + TerminalSafe.sanitize($0), .dimmed) }
        for step in screen.progress.steps {
            var head = " Step \(step.number)/\(step.total) : \(TerminalSafe.sanitize(step.instruction))"
            if step.cached { head += "  · cached" }
            if let layer = step.layer { head += "  → \(layer.prefix(12))" }
            lines.append((head, step.failed ? Style(.error, bold: true) : Style(.title, bold: true)))
            if step.outputLines > step.output.count {
                lines.append(("   … \(step.outputLines - step.output.count) earlier lines", .dimmed))
            }
            for line in step.output { lines.append(("   " + TerminalSafe.sanitize(line), step.failed ? Style(.error) : .normal)) }
        }
        return lines
    }

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: BuildScreen) {
        let tags = screen.request.options.tags.isEmpty ? "" : " → " + screen.request.options.tags.joined(separator: ", ")
        let (body, status) = ScreenChrome.frame(&buffer, title: "build \(TerminalSafe.sanitize(screen.request.context))"
                                                    + "\(TerminalSafe.sanitize(tags)) · " + TerminalSafe.sanitize(screen.request.engine),
                                                statusRows: 3)
        let lines = lines(screen)
        if lines.isEmpty, !screen.finished {
            let sent = screen.context.map { "sending the context: \($0.entries) entries, \(ByteCount.text($0.bytes))…" }
            buffer.put(" " + (sent ?? "archiving \(TerminalSafe.sanitize(screen.request.context))…"), x: body.x, y: body.y,
                       style: .dimmed, maxWidth: body.width)
        }
        let last = max(0, lines.count - body.height)
        let top = screen.follow ? last : min(screen.scroll, last)
        for (offset, line) in lines.dropFirst(top).prefix(body.height).enumerated() {
            buffer.put(line.0, x: body.x, y: body.y + offset, style: line.1, maxWidth: body.width)
        }
        let result = status.row(0)
        let progress = screen.progress
        if let error = screen.error ?? progress.error {
            let code = progress.exitCode.map { " (exit code \($0))" } ?? ""
            let step = progress.steps.last { $0.failed }.map { "step \($0.number)/\($0.total) failed\(code): " } ?? ""
            buffer.put("✗ " + step + TerminalSafe.sanitize(error), x: result.x, y: result.y, style: Style(.error, bold: true),
                       maxWidth: result.width)
        } else if progress.succeeded, let id = progress.imageID {
            let tags = progress.tagged.isEmpty ? "" : " tagged " + progress.tagged.joined(separator: ", ")
            buffer.put("✓ built \(ShortID.image(id))\(TerminalSafe.sanitize(tags)) · \(progress.steps.count) steps, "
                           + "\(progress.steps.filter(\.cached).count) from the cache · L shows its layers",
                       x: result.x, y: result.y, style: Style(.ok, bold: true), maxWidth: result.width)
        } else if let step = progress.steps.last {
            buffer.put("building… step \(step.number)/\(step.total)", x: result.x, y: result.y, style: Style(.accent, bold: true),
                       maxWidth: result.width)
        }
        ScreenChrome.message(&buffer, status.row(1), state)
        StatusBar(left: "", right: "", hints: state.hints()).draw(into: &buffer, in: status.row(2))
    }
}
