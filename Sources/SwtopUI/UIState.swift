import DockerEngine
import SwtopStore
import TermCanvas

public enum ViewKind: Int, CaseIterable, Sendable, Hashable {
    case containers, images, volumes, networks

    public var title: String {
        switch self {
        case .containers: return "Containers"
        case .images: return "Images"
        case .volumes: return "Volumes"
        case .networks: return "Networks"
        }
    }
}

/// What a row stands for, so a selection survives rows moving around. Typed, never a rendered text
/// or a prefixed string. Every case but a container's names its engine (a dashboard of several engines
/// lists the same image id, volume name or compose project on two of them); container ids are
/// random 256-bit numbers and never meet.
public enum RowKey: Sendable, Hashable {
    case container(String)
    case composeGroup(String, engine: String = "")
    /// The header of an engine's rows when the list is grouped by engine (`@`).
    case engineGroup(String)
    case image(String, engine: String = "")
    case volume(String, engine: String = "")
    case network(String, engine: String = "")

    public var containerID: String? {
        if case let .container(id) = self { return id }
        return nil
    }

    /// The engine's id (or name, for volumes, compose projects and engines) of what the row stands for.
    public var id: String {
        switch self {
        case let .container(id), let .composeGroup(id, _), let .engineGroup(id), let .image(id, _), let .volume(id, _),
             let .network(id, _): return id
        }
    }

    /// The engine named in the key (nil for a container: its row says).
    public var engine: String? {
        switch self {
        case .container: return nil
        case let .engineGroup(name): return name
        case let .composeGroup(_, engine), let .image(_, engine), let .volume(_, engine), let .network(_, engine): return engine
        }
    }
}

public struct SortOrder: Sendable, Hashable {
    public var column: Int
    public var reversed: Bool

    public init(column: Int = 0, reversed: Bool = false) {
        self.column = column
        self.reversed = reversed
    }
}

/// The one confirmation: a question over whichever screen asked it, and what a yes sends. `y`, `Y` or
/// Enter sends `effects`; `n`, `N`, Esc or `q` says `cancelled` and sends nothing; other keys wait.
public struct Confirmation: Sendable, Equatable {
    public var question: String
    public var effects: [Effect]
    public var cancelled: String
    /// A yes also clears the containers' marks (the action went to the marked ones).
    public var clearsMarks: Bool

    public init(question: String, effects: [Effect], cancelled: String = "cancelled: nothing sent", clearsMarks: Bool = false) {
        self.question = question
        self.effects = effects
        self.cancelled = cancelled
        self.clearsMarks = clearsMarks
    }

    /// A container action on these targets.
    public init(_ action: ContainerAction, _ targets: [Target], question: String) {
        self.init(question: question, effects: [.perform(action, targets)], cancelled: "\(action) cancelled", clearsMarks: true)
    }

    /// The reducer's answer to a key while the question is up.
    static func reduce(_ state: UIState, _ key: Key) -> (UIState, [Effect]) {
        var state = state
        guard let confirm = state.confirm else { return (state, []) }
        switch key {
        case .char("y"), .char("Y"), .enter:
            state.confirm = nil
            if confirm.clearsMarks { state.marked.removeAll() }
            // A custom command asked first: its pane opens now.
            let effects = confirm.effects.flatMap { effect -> [Effect] in
                if case let .runCustom(run) = effect { return CustomReducer.effects(&state, run) }
                return [effect]
            }
            return (state, effects)
        case .char("n"), .char("N"), .escape, .char("q"):
            state.confirm = nil
            state.notice = ActionResult(text: confirm.cancelled, isError: false)
        default:
            break
        }
        return (state, [])
    }

    /// Drawn over whichever screen is shown.
    static func draw(_ confirm: Confirmation, _ buffer: inout ScreenBuffer) {
        let dialog = Dialog(title: "Confirm", message: [TerminalSafe.sanitize(confirm.question)],
                            buttons: [KeyHint("y", "yes"), KeyHint("n", "no")])
        _ = dialog.draw(into: &buffer, in: buffer.bounds)
    }
}

public struct Target: Sendable, Hashable {
    public var id: String
    public var name: String
    /// The engine the container runs on: where actions, logs, exec and layers go.
    public var engine: String

    public init(id: String, name: String, engine: String = "") {
        self.id = id
        self.name = name
        self.engine = engine
    }
}

/// View state only: what is selected, scrolled, filtered, open. The data lives in the snapshot.
public struct UIState: Sendable {
    public var view: ViewKind = .containers
    /// Selected row per view.
    public var selection: [ViewKind: RowKey] = [:]
    public var scroll: [ViewKind: Int] = [:]
    public var filter: [ViewKind: String] = [:]
    public var editingFilter = false
    /// Where the cursor of the line being typed stands, in characters from its end (`LineEditor`).
    public var editCursor = 0
    public var sort: [ViewKind: SortOrder] = [:]
    public var marked: Set<String> = []
    public var showStopped = true
    /// The containers list's columns (`[ui] columns`); nil: swtop's choice for the terminal's width.
    public var columns: [ContainerColumn]?
    /// Collapsed compose projects and engines (`.composeGroup`, `.engineGroup` keys).
    public var collapsedGroups: Set<RowKey> = []
    /// Several engines: rows under a header per engine (`@`), else one list with an ENGINE column.
    public var groupByEngine = false
    /// The engine the swarm screens (S, N) show.
    public var swarmEngine = ""
    public var showDetails = false
    public var showHelp = false
    /// The first help line shown (the help scrolls when the terminal is too small for every key).
    public var helpScroll = 0
    /// Every message the status line showed (`M` lists them whole); the screen loop records them.
    public var messages = MessageLog()
    public var showMessages = false
    public var messagesScroll = 0
    public var confirm: Confirmation?
    public var readOnly = false
    /// A message of the UI's own (a refusal), shown until the next key.
    public var notice: ActionResult?
    public var width: Int
    public var height: Int
    /// Screens opened over the dashboard, top last; `Esc` pops. The dashboard (lists and detail pane)
    /// is what shows when this is empty.
    public var screens: [Screen] = []
    /// Initial lines of a log view (`--tail`).
    public var logTail = 1000
    /// What a full-screen log view keeps (`--log-lines`, `--log-bytes`).
    public var logLines = 100_000
    public var logBytes = 64 << 20
    /// Where swtop was started: `b`'s context defaults to it.
    public var workingDirectory = ""
    /// The last session id given out (`newSession()`).
    public var nextSession = 0
    /// The detail pane's log session, while the pane shows a container.
    public var detailLogs: DetailLogs?
    /// `E` or `x` asking for a command at the bottom.
    public var prompt: Prompt?
    /// What was typed at each prompt this session, oldest first.
    public var promptHistory: [Prompt.Purpose: [[String]]] = [:]
    /// What was typed at each one-line prompt (log search and save, layer filter, inspect search).
    public var lineHistory = LineHistory()
    /// Env and label names whose values the inspect view hides (`--secret-names`).
    public var secretNames = SecretNames.defaults
    /// Every screen's keys in effect (the defaults, or as the config file rebinds them).
    public var keys = KeymapSet.defaults
    /// Mouse reports act (`[ui] mouse`); false: they are dropped.
    public var mouse = true

    public init(width: Int, height: Int, readOnly: Bool = false) {
        self.width = width
        self.height = height
        self.readOnly = readOnly
    }

    public var currentFilter: String { filter[view] ?? "" }
    public var currentSort: SortOrder { sort[view] ?? SortOrder() }

    /// Below this size only a notice is drawn.
    public static let minimumWidth = 20
    public static let minimumHeight = 5
}

/// What the reducer asks the app to do.
public enum Effect: Sendable, Equatable {
    case perform(ContainerAction, [Target])
    /// A change to an image, a volume or a network of this engine.
    case resource(ResourceAction, engine: String)
    /// Fetch the details of a container (id, engine).
    case inspect(String, engine: String)
    /// Start a session under this id (the screen that asked holds the id; the session is closed when
    /// no screen holds it any more).
    case openSession(SessionID, SessionRequest)
    /// Write a log view's lines to `path`; `pickFreeName`: the default name, made unique rather than
    /// replacing a file.
    case saveLogs(SessionID, path: String, pickFreeName: Bool, timestamps: Bool)
    /// Leave the screen to a session inside a container, then come back.
    case handOver(HandOverRequest)
    /// A custom command a yes runs (in a confirmation's effects only: the yes opens its pane).
    case runCustom(CustomRun)
    /// Leave the screen to a command on this machine (an attached `compose up`, a custom command), then come back.
    case handOverLocal(LocalHandOver)
    /// A swarm action; the swarm session `refresh` lists again once it is done.
    case swarm(SwarmAction, engine: String, refresh: SessionID?)
    /// The picker's choice: watch the engines of these contexts (names, in list order).
    case useContexts([String])
    /// Put this text on the clipboard (OSC 52).
    case copy(String)
    case quit
    case suspend
    case redraw
}
