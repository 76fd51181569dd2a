import LayerKit

/// The layer view's data, owned by the screen thread: what the session has delivered (metadata first,
/// files later), and the file tree of the layer being looked at, built when first needed and kept for
/// the few layers looked at last. Rows are laid out from the open directories only, so a key on a
/// 100,000-file tree costs what is visible, not what exists.
public final class LayerModel {
    public private(set) var metadata: ImageMetadata?
    public private(set) var analysis: ImageAnalysis?
    public private(set) var progress: LoadProgress?
    public private(set) var error: String?
    /// Per layer: how many other local images hold it.
    public private(set) var sharing: [Int] = []

    private var trees: [(key: TreeKeyBase, tree: FileTree)] = []
    private var rowsKey: (TreeKey, Set<String>, Bool)?
    private var cachedRows: [TreeRow] = []

    public init() {}

    // MARK: news from the session

    public func ingest(metadata: ImageMetadata) { self.metadata = metadata }
    public func ingest(progress: LoadProgress) { self.progress = progress }
    public func ingest(sharing: [Int]) { self.sharing = sharing }
    public func ingest(error: String) { self.error = error }
    public func ingest(analysis: ImageAnalysis) {
        self.analysis = analysis
        self.metadata = analysis.image.metadata
        trees.removeAll()
        rowsKey = nil
    }

    /// Layers to list (the container's read/write layer counts once the files are in).
    public var layerCount: Int {
        analysis?.image.layers.count ?? metadata?.layers.count ?? 0
    }

    // MARK: trees

    struct TreeKeyBase: Hashable { var layer: Int; var mode: LayerTreeMode }

    /// The tree for the screen's layer and mode (nil until the files are in).
    func tree(_ screen: LayerScreen) -> FileTree? {
        guard let analysis, screen.layer < analysis.image.layers.count else { return nil }
        let key = TreeKeyBase(layer: screen.layer, mode: screen.mode)
        if let hit = trees.first(where: { $0.key == key }) { return hit.tree }
        let tree = screen.mode == .layer
            ? FileTree.ofChanges(analysis.changes[screen.layer])
            : FileTree.ofImage(analysis, upTo: screen.layer)
        trees.append((key, tree))
        if trees.count > 4 { trees.removeFirst() }
        return tree
    }

    /// The visible rows: open directories only, filtered, sorted.
    func rows(_ screen: LayerScreen) -> [TreeRow] {
        let openDefault = screen.openByDefault[screen.mode] ?? false
        if let key = rowsKey, key.0 == screen.treeKey, key.1 == screen.toggled, key.2 == openDefault { return cachedRows }
        guard let tree = tree(screen) else { return [] }
        cachedRows = tree.rows(screen)
        rowsKey = (screen.treeKey, screen.toggled, openDefault)
        return cachedRows
    }
}

/// One node of a displayed tree.
final class TreeNode {
    let name: String
    let path: String
    var record: FileRecord?
    /// This layer's change to it (nil: untouched here).
    var change: ChangeKind?
    var children: [TreeNode] = []
    /// Regular file bytes at and under it.
    var size: Int64 = 0
    /// Some node below (or this one) was added, modified or removed by the layer.
    var changedBelow = false
    private var bySize: [TreeNode]?

    init(name: String, path: String, record: FileRecord?, change: ChangeKind?) {
        self.name = name; self.path = path; self.record = record; self.change = change
    }

    var isDirectory: Bool { record == nil || record?.kind == .directory }

    func sortedChildren(_ sort: LayerTreeSort) -> [TreeNode] {
        switch sort {
        case .name: return children
        case .size:
            if let bySize { return bySize }
            let sorted = children.sorted { $0.size != $1.size ? $0.size > $1.size : $0.name < $1.name }
            bySize = sorted
            return sorted
        }
    }
}

struct TreeRow {
    let node: TreeNode
    let depth: Int
    let open: Bool
    /// For the guide lines: is this the last child at each depth up to its own.
    let lastAtDepth: [Bool]
}

/// A file tree for the right pane.
final class FileTree {
    let root = TreeNode(name: "", path: "", record: nil, change: nil)

    private init() {}

    /// The layer's own entries, each marked with its change.
    static func ofChanges(_ changes: [LayerChange]) -> FileTree {
        let tree = FileTree()
        for change in changes {
            let node = tree.walk(to: change.record.path)
            // A path removed and written again in one layer (a replaced directory): the new entry wins.
            if node.change == nil || change.change != .removed {
                node.record = change.record
                node.change = change.change
            }
        }
        tree.finish()
        return tree
    }

    /// The whole image as it stands at `layer`, with that layer's changes marked (removed entries shown
    /// where they were).
    static func ofImage(_ analysis: ImageAnalysis, upTo layer: Int) -> FileTree {
        let stacked = ImageStack.tree(of: analysis.image.layers, upTo: layer, lookup: nil)
        let tree = FileTree()
        func copy(_ source: StackNode, into target: TreeNode) {
            let names = source.children.keys.sorted()
            target.children.reserveCapacity(names.count)
            for name in names {
                let child = source.children[name]!
                let path = target.path + "/" + name
                let node = TreeNode(name: name, path: path, record: child.record, change: nil)
                target.children.append(node)
                copy(child, into: node)
            }
        }
        copy(stacked, into: tree.root)
        // Found by walking the sorted children (binary search), not by an index of every path: a layer
        // changes few entries, and a 100,000-entry dictionary is what made switching layers slow.
        for change in analysis.changes[layer] {
            let node = tree.walk(to: change.record.path)
            if change.change == .removed {
                if node.record == nil || node.change == nil { node.record = change.record }
                if node.change == nil { node.change = .removed }
            } else {
                node.change = change.change
            }
        }
        tree.finish()
        return tree
    }

    /// The node at `path`, made (with implicit parents) if missing; children stay in name order.
    private func walk(to path: String) -> TreeNode {
        var node = root
        for part in path.split(separator: "/") {
            let name = String(part)
            var low = 0, high = node.children.count
            while low < high {
                let mid = (low + high) / 2
                if node.children[mid].name < name { low = mid + 1 } else { high = mid }
            }
            if low < node.children.count, node.children[low].name == name {
                node = node.children[low]
            } else {
                let made = TreeNode(name: name, path: node.path + "/" + name, record: nil, change: nil)
                node.children.insert(made, at: low)
                node = made
            }
        }
        return node
    }

    /// Sums directory sizes and marks where changes lie below.
    private func finish() {
        func visit(_ node: TreeNode) {
            // A removed entry shows the bytes it took, but they no longer count in the directories above it.
            var size: Int64 = node.record?.kind == .file ? node.record!.size : 0
            var changed = node.change.map { $0 != .unchanged } ?? false
            for child in node.children {
                visit(child)
                if child.change != .removed || node.change == .removed { size += child.size }
                changed = changed || child.changedBelow
            }
            node.size = size
            node.changedBelow = changed
        }
        visit(root)
    }

    func rows(_ screen: LayerScreen) -> [TreeRow] {
        var out: [TreeRow] = []
        let needle = screen.filter.lowercased()
        let smartCase = screen.filter != needle
        var matchMemo: [ObjectIdentifier: Bool] = [:]
        func matches(_ node: TreeNode) -> Bool {
            if needle.isEmpty { return true }
            if let known = matchMemo[ObjectIdentifier(node)] { return known }
            let own = smartCase ? node.path.contains(screen.filter) : node.path.lowercased().contains(needle)
            let result = own || node.children.contains { matches($0) }
            matchMemo[ObjectIdentifier(node)] = result
            return result
        }
        func shown(_ node: TreeNode) -> Bool {
            if screen.mode == .image, screen.onlyChanges, !node.changedBelow { return false }
            return matches(node)
        }
        func walk(_ node: TreeNode, depth: Int, last: [Bool]) {
            let children = node.sortedChildren(screen.sort).filter(shown)
            for (i, child) in children.enumerated() {
                let isLast = i == children.count - 1
                let trail = last + [isLast]
                // A filter or "only changes" opens what leads to its results.
                let forced = !needle.isEmpty || (screen.mode == .image && screen.onlyChanges)
                let open = child.isDirectory && !child.children.isEmpty
                    && (forced ? !screen.toggled.contains(child.path) : screen.isOpen(child.path))
                out.append(TreeRow(node: child, depth: depth, open: open, lastAtDepth: trail))
                if open { walk(child, depth: depth + 1, last: trail) }
            }
        }
        walk(root, depth: 0, last: [])
        return out
    }
}
