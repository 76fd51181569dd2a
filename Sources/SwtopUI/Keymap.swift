import TermCanvas

/// What a key asks for. Kept apart from the keys, so the keymap is data.
public enum Command: Sendable, Hashable {
    case moveUp, moveDown, top, bottom, pageUp, pageDown
    case nextView, previousView, showView(ViewKind)
    case details, back
    case filter, sortNext, sortReverse, mark, toggleStopped
    case startStop, restart, pauseResume, kill, remove
    case help, quit, suspend, redraw
}

/// One binding: its keys, what it does, and how it is treated.
public struct Binding: Sendable {
    public var keys: [Key]
    public var command: Command
    public var description: String
    /// Asks for confirmation first.
    public var dangerous: Bool
    /// Changes the engine; refused in --read-only.
    public var mutating: Bool
    /// Short label for the status bar; nil keeps it out of the hints.
    public var hint: String?
    /// The views where it does something (its hint shows only there); nil: every view.
    public var views: Set<ViewKind>?

    public init(_ keys: [Key], _ command: Command, _ description: String, dangerous: Bool = false,
                mutating: Bool = false, hint: String? = nil, views: Set<ViewKind>? = nil) {
        self.keys = keys
        self.command = command
        self.description = description
        self.dangerous = dangerous
        self.mutating = mutating
        self.hint = hint
        self.views = views
    }

    public func applies(to view: ViewKind) -> Bool { views?.contains(view) ?? true }

    /// In the status bar for this view: it has a hint, acts here, and is not refused by --read-only.
    public func hinted(in view: ViewKind, readOnly: Bool) -> Bool {
        hint != nil && applies(to: view) && !(mutating && readOnly)
    }

    public var keyText: String { keys.map(\.description).joined(separator: "/") }
}

/// The default keymap. The help screen and the status-bar hints are rendered from it. The keys
/// l, e, i, x, a and T are left unbound on purpose: logs, exec and inspect take them.
public enum Keymap {
    public static let defaults: [Binding] = [
        Binding([.char("j"), .down], .moveDown, "move down"),
        Binding([.char("k"), .up], .moveUp, "move up"),
        Binding([.char("g"), .home], .top, "go to the top"),
        Binding([.char("G"), .end], .bottom, "go to the bottom"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.tab], .nextView, "next view", hint: "views"),
        Binding([.backTab], .previousView, "previous view"),
        Binding([.char("1")], .showView(.containers), "containers view"),
        Binding([.char("2")], .showView(.images), "images view"),
        Binding([.char("3")], .showView(.volumes), "volumes view"),
        Binding([.char("4")], .showView(.networks), "networks view"),
        Binding([.enter], .details, "details of the container / fold a compose group", hint: "details", views: [.containers]),
        Binding([.escape], .back, "back: close a pane, clear the filter"),
        Binding([.char("/")], .filter, "filter the list as you type (Enter keeps, Esc clears)", hint: "filter"),
        Binding([.char("o")], .sortNext, "sort by the next column", hint: "sort"),
        Binding([.char("O")], .sortReverse, "reverse the sort order"),
        Binding([.char(" ")], .mark, "mark the row (actions apply to marked rows)", views: [.containers]),
        Binding([.char("H")], .toggleStopped, "hide / show stopped containers", views: [.containers]),
        Binding([.char("s")], .startStop, "start or stop", mutating: true, hint: "start/stop", views: [.containers]),
        Binding([.char("r")], .restart, "restart", mutating: true, hint: "restart", views: [.containers]),
        Binding([.char("p")], .pauseResume, "pause or unpause", mutating: true, hint: "pause", views: [.containers]),
        Binding([.ctrl("k")], .kill, "kill (SIGKILL)", dangerous: true, mutating: true, views: [.containers]),
        Binding([.char("d")], .remove, "remove (marked rows too)", dangerous: true, mutating: true, hint: "remove",
                views: [.containers]),
        Binding([.char("?")], .help, "help: this list", hint: "help"),
        Binding([.char("q"), .ctrl("c")], .quit, "quit", hint: "quit"),
        Binding([.ctrl("z")], .suspend, "suspend to the shell (fg to return)"),
        Binding([.ctrl("l")], .redraw, "redraw the screen"),
    ]

    public static func binding(for key: Key, in bindings: [Binding] = defaults) -> Binding? {
        bindings.first { $0.keys.contains(key) }
    }
}
