import LayerKit

/// What a layer view looks at: an image, or a container (its image plus its read/write layer on top).
public enum LayerTarget: Sendable, Hashable {
    case image(id: String, name: String)
    case container(id: String, name: String)

    public var name: String {
        switch self {
        case let .image(_, name), let .container(_, name): return name
        }
    }
}

public struct LayerRequest: Sendable, Hashable {
    public var target: LayerTarget
    /// The engine the image or container is on.
    public var engine: String
    public init(target: LayerTarget, engine: String = "") {
        self.target = target
        self.engine = engine
    }
}

/// The right pane: this layer's changes only, or the whole image as it stands at this layer.
public enum LayerTreeMode: Sendable, Hashable {
    case layer, image
}

public enum LayerTreeSort: Sendable, Hashable {
    case name, size
}

public enum LayerFocus: Sendable, Hashable {
    case stack, tree
}

/// The layer view's state (the layers and trees live in `LayerModel`, beside it).
public struct LayerScreen: Sendable, Equatable {
    public var request: LayerRequest
    /// The session that loads the layers (its model holds them).
    public var session: SessionID?
    /// Index into the layers (0 = base).
    public var layer = 0
    public var focus: LayerFocus = .stack
    public var mode: LayerTreeMode = .layer
    /// In the whole-image tree: only the entries this layer changed (and the directories leading to them).
    public var onlyChanges = false
    public var sort: LayerTreeSort = .name
    public var filter = ""
    public var editingFilter = false
    /// Directories whose fold differs from the default (layer mode: open; image mode: closed).
    public var toggled: Set<String> = []
    /// The default fold for every directory, flipped by `z`.
    public var openByDefault: [LayerTreeMode: Bool] = [.layer: true, .image: false]
    /// The tree's cursor (a row index) and first row shown.
    public var cursor = 0
    public var scroll = 0
    /// The stack's first row shown.
    public var stackScroll = 0
    /// Closing this screen quits swtop (`swtop layers IMAGE --tui`).
    public var quitOnClose = false
    /// Open on the top layer (a build's result: its last instruction first), once the layers are known.
    public var startAtTop = false

    public init(request: LayerRequest, quitOnClose: Bool = false, session: SessionID? = nil) {
        self.request = request
        self.quitOnClose = quitOnClose
        self.session = session
    }

    public func isOpen(_ path: String) -> Bool {
        (openByDefault[mode] ?? false) != toggled.contains(path)
    }

    /// What the tree shows depends on these: a change rebuilds the rows.
    var treeKey: TreeKey { TreeKey(layer: layer, mode: mode, onlyChanges: onlyChanges, sort: sort, filter: filter) }
}

struct TreeKey: Hashable {
    var layer: Int
    var mode: LayerTreeMode
    var onlyChanges: Bool
    var sort: LayerTreeSort
    var filter: String
}
