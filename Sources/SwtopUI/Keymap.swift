import TermCanvas

/// What a key asks for. Kept apart from the keys, so the keymap is data.
public enum Command: Sendable, Hashable {
    case moveUp, moveDown, top, bottom, pageUp, pageDown
    case nextView, previousView, showView(ViewKind)
    case details, back
    /// `q` on a screen whose Esc first clears a filter or a search: back at once.
    case closeScreen
    case filter, sortNext, sortReverse, mark, toggleStopped, groupByEngine
    case startStop, restart, pauseResume, kill, remove
    /// Images, volumes, networks (`t`, `n`), and every list (`X` prune, `D` disk usage).
    case tag, create, prune, diskUsage
    case help, messages, quit, suspend, redraw
    case logs
    // The log view's own.
    case logBack, logWrap, logTimestamps, logStdout, logStderr, logSince
    case logSearch, logNextMatch, logPreviousMatch, logFilterMode, logRegex, logSave
    case layers
    // The layer view's own.
    case layerBack, layerFocus, layerMode, layerOnlyChanges, layerSort, layerFold, layerExpand, layerCollapse
    case layerFoldAll, layerFilter, layerPrevious, layerNext
    // Inside a container.
    case exec, execCommand, attach, runCommand, processes
    case runBack, runAgain, processesBack
    case inspect
    // The inspect view's own.
    case inspectBack, inspectFold, inspectExpand, inspectCollapse, inspectFoldAll, inspectSearch, inspectNextMatch
    case inspectPreviousMatch, inspectReveal, inspectRevealAll, inspectCopy
    // Swarm screens (S, N on a manager).
    case swarmServices, swarmNodes, swarmBack, swarmTasks, swarmScaleUp, swarmScaleDown, swarmScaleTo, swarmLogs
    case swarmDrain, swarmActivate
    // The context picker (`C`) and its own.
    case contexts, contextsBack, contextChoose, contextMark
    // Disk usage (`D`) and prune (`X`).
    case diskBack, diskRefresh, pruneBack, pruneToggle, pruneGo
    // Pull (`P`), push (`u`) and their screen.
    case pull, push, transferBack
    // Build (`b`) and its screen.
    case build, buildBack, buildLayers
    // Run an image (`r`) and its form.
    case runImage, runFormBack, runFormEdit, runFormToggle, runFormCopy, runFormGo
    // A compose project (`c`) and its screen.
    /// A `[[commands]]` entry of the config, by its name.
    case custom(String)
    case compose, composeBack, composeUp, composeUpAttached, composeDown, composeDownVolumes, composePull, composeBuild
    case composeRestart, composeConfig, composeStop, composeStart, composeRemove
    // Charts of a container's figures (`m`) and their screen.
    case stats, statsBack
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

    public var keyText: String { keys.map(\.description).joined(separator: "/") }
}

/// The default keys of every screen (`KeymapSet.defaults` puts them together; a config file changes
/// that value, never these). The help screen and the status-bar hints are rendered from them.
public enum Keymap {
    /// What every screen has unless it binds the action itself.
    public static let global: [Binding] = [
        Binding([.char("?")], .help, "help: this list", hint: "help"),
        Binding([.ctrl("c")], .quit, "quit swtop"),
        Binding([.ctrl("z")], .suspend, "suspend to the shell (fg to return)"),
        Binding([.ctrl("l")], .redraw, "redraw the screen"),
    ]

    /// The four lists' keys (each list keeps those whose `views` name it).
    public static let dashboard: [Binding] = [
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
        Binding([.enter], .details, "details of the container / fold a compose group; an image's layers", hint: "details",
                views: [.containers, .images]),
        Binding([.escape], .back, "back: close a pane, clear the filter"),
        Binding([.char("/")], .filter, "filter the list as you type (Enter keeps, Esc clears)", hint: "filter"),
        Binding([.char("o")], .sortNext, "sort by the next column", hint: "sort"),
        Binding([.char("O")], .sortReverse, "reverse the sort order"),
        Binding([.char(" ")], .mark, "mark / unmark the row (✓) and move down; actions apply to every marked row", views: [.containers]),
        Binding([.char("H")], .toggleStopped, "hide / show stopped containers", views: [.containers]),
        Binding([.char("@")], .groupByEngine, "several engines: group the rows under each engine / one list with an ENGINE column",
                views: [.containers]),
        Binding([.char("s")], .startStop, "start or stop", mutating: true, hint: "start/stop", views: [.containers]),
        Binding([.char("r")], .restart, "restart", mutating: true, hint: "restart", views: [.containers]),
        Binding([.char("p")], .pauseResume, "pause or unpause", mutating: true, hint: "pause", views: [.containers]),
        Binding([.ctrl("k")], .kill, "kill (SIGKILL)", dangerous: true, mutating: true, views: [.containers]),
        Binding([.char("d")], .remove, "remove (marked rows too)",
                dangerous: true, mutating: true, hint: "remove"),
        Binding([.char("t")], .tag, "tag the image (REPOSITORY[:TAG])", mutating: true, hint: "tag", views: [.images]),
        Binding([.char("r")], .runImage, "run the image: a form with ports, volumes, env, network, restart…", mutating: true,
                hint: "run", views: [.images]),
        Binding([.char("b")], .build, "build an image from a Dockerfile (context, Dockerfile, tags, build args)", mutating: true,
                hint: "build", views: [.images]),
        Binding([.char("P")], .pull, "pull an image: its layers' progress, Esc cancels", mutating: true, hint: "pull",
                views: [.images]),
        Binding([.char("u")], .push, "push the image to its registry (credentials from ~/.docker/config.json)", mutating: true,
                hint: "push", views: [.images]),
        Binding([.char("n")], .create, "create a volume / a network", mutating: true, hint: "new", views: [.volumes, .networks]),
        Binding([.char("l")], .logs, "logs of the container (marked rows / compose group: merged)", hint: "logs",
                views: [.containers]),
        Binding([.char("c")], .compose, "the row's compose project: up, down, pull, build, restart, config, its output",
                views: [.containers]),
        Binding([.char("L")], .layers, "layers of the container's image, its read/write layer on top (images: Enter)",
                hint: "layers", views: [.containers, .images]),
        Binding([.char("e")], .exec, "shell in the container (bash, else sh); exit or the detach keys come back",
                mutating: true, hint: "shell", views: [.containers]),
        Binding([.char("E")], .execCommand, "exec a command you type, as a user you choose", mutating: true,
                views: [.containers]),
        Binding([.char("a")], .attach, "attach to the container's main process (the detach keys come back)", mutating: true,
                views: [.containers]),
        Binding([.char("x")], .runCommand, "run a command without a terminal and show its output", mutating: true,
                hint: "run", views: [.containers]),
        Binding([.char("T")], .processes, "the container's processes (docker top), refreshed", hint: "top",
                views: [.containers]),
        Binding([.char("m")], .stats, "charts: CPU, memory, network and block I/O over the last samples (marked rows side by side)",
                views: [.containers]),
        Binding([.char("i")], .inspect, "inspect the selected row: the engine's document, folding", hint: "inspect",
                views: [.containers, .images, .volumes, .networks]),
        Binding([.char("S")], .swarmServices, "swarm services (on a swarm manager)"),
        Binding([.char("N")], .swarmNodes, "swarm nodes (on a swarm manager)"),
        Binding([.char("C")], .contexts, "docker contexts: choose the engine(s) to watch"),
        Binding([.char("D")], .diskUsage, "disk usage: images, containers, volumes, build cache (docker system df -v)"),
        Binding([.char("X")], .prune, "prune: what would go and the bytes freed first, then what the engine removed",
                mutating: true),
        Binding([.char("M")], .messages, "messages: every status message, whole, with its time"),
        Binding([.char("q"), .ctrl("c")], .quit, "quit", hint: "quit"),
    ]

    /// The log view's keys.
    public static let logs: [Binding] = [
        Binding([.escape, .char("q")], .logBack, "back to the dashboard (Esc first closes a prompt, the filter, the search)",
                hint: "back"),
        Binding([.char("j"), .down], .moveDown, "scroll down a line"),
        Binding([.char("k"), .up], .moveUp, "scroll up a line (pauses the follow)"),
        Binding([.pageUp], .pageUp, "page up (pauses the follow)"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.char("g"), .home], .top, "oldest line (pauses the follow)"),
        Binding([.char("G"), .end], .bottom, "newest line: follow again", hint: "follow"),
        Binding([.char("/")], .logSearch, "search (Enter keeps it; following goes on)", hint: "search"),
        Binding([.char("n")], .logNextMatch, "next match"),
        Binding([.char("N")], .logPreviousMatch, "previous match"),
        Binding([.char("F")], .logFilterMode, "filter: show only the matching lines", hint: "filter"),
        Binding([.char("R")], .logRegex, "search text as a regular expression / as plain text"),
        Binding([.char("w")], .logWrap, "wrap long lines", hint: "wrap"),
        Binding([.char("t")], .logTimestamps, "timestamps", hint: "time"),
        Binding([.char("O")], .logStdout, "show / hide stdout"),
        Binding([.char("E")], .logStderr, "show / hide stderr (marked ┃ in red)"),
        Binding([.char("S")], .logSince, "since: last N lines → all → 1 h → 10 min → 1 min", hint: "since"),
        Binding([.char("s"), .ctrl("s")], .logSave, "save the lines to a file", hint: "save"),
    ]

    /// The layer view's keys.
    public static let layers: [Binding] = [
        Binding([.escape], .layerBack, "back (Esc first clears the filter)", hint: "back"),
        Binding([.char("q")], .closeScreen, "back to the dashboard at once"),
        Binding([.tab], .layerFocus, "switch between the layer stack and the file tree", hint: "pane"),
        Binding([.char("j"), .down], .moveDown, "next layer / next file"),
        Binding([.char("k"), .up], .moveUp, "previous layer / previous file"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "first layer / first file"),
        Binding([.char("G"), .end], .bottom, "last layer / last file"),
        Binding([.char("]")], .layerNext, "next layer (from either pane)"),
        Binding([.char("[")], .layerPrevious, "previous layer (from either pane)"),
        Binding([.char("a")], .layerMode, "tree: this layer's changes ↔ the whole image at this layer", hint: "whole image"),
        Binding([.char("c")], .layerOnlyChanges, "whole-image tree: only what this layer changed", hint: "only changes"),
        Binding([.enter, .char(" ")], .layerFold, "open / close the directory (stack: go to the tree)", hint: "fold"),
        Binding([.right, .char("l")], .layerExpand, "open the directory (stack: go to the tree)"),
        Binding([.left, .char("h")], .layerCollapse, "close the directory, or go to its parent"),
        Binding([.char("z")], .layerFoldAll, "open / close every directory"),
        Binding([.char("/")], .layerFilter, "filter the tree by path (Enter keeps, Esc clears)", hint: "filter"),
        Binding([.char("o")], .layerSort, "sort the tree by name / by size", hint: "sort"),
    ]

    /// The `x` pane's keys.
    public static let run: [Binding] = [
        Binding([.escape, .char("q")], .runBack, "back to the dashboard", hint: "back"),
        Binding([.char("r")], .runAgain, "run the command again", mutating: true, hint: "again"),
        Binding([.char("j"), .down], .moveDown, "scroll down"),
        Binding([.char("k"), .up], .moveUp, "scroll up"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "first line"),
        Binding([.char("G"), .end], .bottom, "last line: follow the output", hint: "end"),
    ]

    /// The processes view's keys.
    public static let processes: [Binding] = [
        Binding([.escape, .char("q")], .processesBack, "back to the dashboard", hint: "back"),
        Binding([.char("j"), .down], .moveDown, "next process"),
        Binding([.char("k"), .up], .moveUp, "previous process"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "first process"),
        Binding([.char("G"), .end], .bottom, "last process"),
    ]

    /// The inspect view's keys.
    public static let inspect: [Binding] = [
        Binding([.escape], .inspectBack, "back (Esc first clears the search)", hint: "back"),
        Binding([.char("q")], .closeScreen, "back to the dashboard at once"),
        Binding([.char("j"), .down], .moveDown, "next row"),
        Binding([.char("k"), .up], .moveUp, "previous row"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "first row"),
        Binding([.char("G"), .end], .bottom, "last row"),
        Binding([.enter, .char(" ")], .inspectFold, "open / close the object or array", hint: "fold"),
        Binding([.right, .char("l")], .inspectExpand, "open the object or array"),
        Binding([.left, .char("h")], .inspectCollapse, "close it, or go to its parent"),
        Binding([.char("z")], .inspectFoldAll, "open / close every object and array"),
        Binding([.char("/")], .inspectSearch, "search keys and values (smart case; Enter keeps, Esc clears)", hint: "search"),
        Binding([.char("n")], .inspectNextMatch, "next match"),
        Binding([.char("N")], .inspectPreviousMatch, "previous match"),
        Binding([.char("m")], .inspectReveal, "reveal / hide the secret value here (on an object: those inside)", hint: "reveal"),
        Binding([.char("M")], .inspectRevealAll, "reveal / hide every secret value"),
        Binding([.char("y")], .inspectCopy, "copy the value (object, array: its JSON) to the clipboard (OSC 52)", hint: "copy"),
    ]

    /// The context picker's keys.
    public static let contexts: [Binding] = [
        Binding([.escape, .char("q")], .contextsBack, "back to the dashboard, nothing changed", hint: "back"),
        Binding([.enter], .contextChoose, "watch the marked contexts, else the one under the cursor", hint: "use"),
        Binding([.char(" ")], .contextMark, "mark / unmark the context (Enter then watches every marked one)", hint: "mark"),
        Binding([.char("j"), .down], .moveDown, "next context"),
        Binding([.char("k"), .up], .moveUp, "previous context"),
        Binding([.pageDown], .pageDown, "page down"),
        Binding([.pageUp], .pageUp, "page up"),
        Binding([.char("g"), .home], .top, "first context"),
        Binding([.char("G"), .end], .bottom, "last context"),
    ]
}
