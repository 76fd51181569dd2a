// Stacking the layers, lowest first, the way the union file system shows them: each layer's whiteouts
// and opaque directories first remove what the lower layers had, then its entries add or replace. Each
// entry is judged against the image as it stood below that layer: added, modified (type, content, mode,
// owner, size or link target differs), unchanged (written again identically), or removed.

public enum ChangeKind: UInt8, Sendable, CaseIterable {
    case added, modified, removed, unchanged

    public var jsonName: String {
        switch self {
        case .added: return "added"
        case .modified: return "modified"
        case .removed: return "removed"
        case .unchanged: return "unchanged"
        }
    }

    /// One letter, so the tree reads without colour.
    public var letter: Character {
        switch self {
        case .added: return "A"
        case .modified: return "M"
        case .removed: return "D"
        case .unchanged: return " "
        }
    }
}

public struct LayerChange: Sendable, Equatable {
    /// The entry as this layer has it; for a removal, as it stood below.
    public var record: FileRecord
    public var change: ChangeKind

    public init(record: FileRecord, change: ChangeKind) { self.record = record; self.change = change }
}

/// A node of a stacked tree: a path's entry as visible, and the layer that put it there.
public final class StackNode {
    public let name: String
    public var record: FileRecord?
    public var layer: Int
    public var children: [String: StackNode] = [:]

    init(name: String, record: FileRecord?, layer: Int) {
        self.name = name; self.record = record; self.layer = layer
    }

    /// Every record at and under this node, the node first, children by name.
    func subtree(into out: inout [FileRecord]) {
        if let record { out.append(record) }
        for key in children.keys.sorted() { children[key]!.subtree(into: &out) }
    }

    /// Sum of regular files' sizes at and under this node.
    public var totalSize: Int64 {
        var total: Int64 = record?.kind == .file ? record!.size : 0
        for child in children.values { total += child.totalSize }
        return total
    }

    public var isDirectory: Bool { record == nil || record?.kind == .directory }
}

/// Fetches a content hash the records lack (the overlay path hashes only when it must).
public typealias HashLookup = (_ layer: Int, _ record: FileRecord) -> ContentHash?

public struct ImageStack {
    public let root = StackNode(name: "", record: nil, layer: -1)
    public private(set) var layerCount = 0
    private let lookup: HashLookup?

    public init(lookup: HashLookup? = nil) { self.lookup = lookup }

    /// Stacks `layers` from the lowest; returns each one's changes.
    public static func changes(of layers: [LayerFiles], lookup: HashLookup? = nil) -> [[LayerChange]] {
        var stack = ImageStack(lookup: lookup)
        return layers.map { stack.apply($0) }
    }

    /// The image as it stands at layer `index` (inclusive).
    public static func tree(of layers: [LayerFiles], upTo index: Int, lookup: HashLookup? = nil) -> StackNode {
        var stack = ImageStack(lookup: lookup)
        for layer in layers.prefix(index + 1) { _ = stack.apply(layer) }
        return stack.root
    }

    public func node(at path: String) -> StackNode? {
        var node = root
        for part in path.split(separator: "/") {
            guard let next = node.children[String(part)] else { return nil }
            node = next
        }
        return node
    }

    /// Applies the next layer; `observe` sees, before anything changes, the node each whiteout removes.
    @discardableResult
    public mutating func apply(_ layer: LayerFiles, observe: ((FileRecord, StackNode?) -> Void)? = nil) -> [LayerChange] {
        let index = layerCount
        layerCount += 1
        var changes: [LayerChange] = []
        // Deletions first: they only ever concern what lower layers had.
        for record in layer.records {
            switch record.kind {
            case .whiteout:
                let (parent, name) = parentAndName(record.path, create: false)
                let victim = parent?.children[name]
                observe?(record, victim)
                if let parent, let victim {
                    removed(victim, into: &changes)
                    parent.children[name] = nil
                }
            case .directory where record.opaque:
                if let node = node(at: record.path) {
                    for key in node.children.keys.sorted() { removed(node.children[key]!, into: &changes) }
                    node.children.removeAll()
                }
            default:
                break
            }
        }
        for record in layer.records where record.kind != .whiteout {
            let (parentNode, name) = parentAndName(record.path, create: true)
            let parent = parentNode!
            var record = record
            guard let existing = parent.children[name], let old = existing.record else {
                if let existing = parent.children[name] { // an implicit directory made by a deeper entry
                    existing.record = record
                    existing.layer = index
                } else {
                    parent.children[name] = StackNode(name: name, record: record, layer: index)
                }
                changes.append(LayerChange(record: record, change: .added))
                continue
            }
            var change: ChangeKind
            if old.kind == .directory, record.kind != .directory {
                for key in existing.children.keys.sorted() { removed(existing.children[key]!, into: &changes) }
                existing.children.removeAll()
                change = .modified
            } else if !record.sameMetadata(as: old) {
                change = .modified
            } else if record.kind == .file, record.size > 0 {
                let oldHash = old.hash ?? lookup?(existing.layer, old)
                let newHash = record.hash ?? lookup?(index, record)
                record.hash = newHash
                change = (oldHash != nil && oldHash == newHash) ? .unchanged : .modified
            } else {
                change = .unchanged
            }
            existing.record = record
            existing.layer = index
            changes.append(LayerChange(record: record, change: change))
        }
        return changes
    }

    private func removed(_ node: StackNode, into changes: inout [LayerChange]) {
        var records: [FileRecord] = []
        node.subtree(into: &records)
        for record in records { changes.append(LayerChange(record: record, change: .removed)) }
    }

    /// The parent node of `path` (made, as implicit directories, when `create`) and the last component.
    private func parentAndName(_ path: String, create: Bool) -> (StackNode?, String) {
        var parts = path.split(separator: "/")
        let name = parts.isEmpty ? "" : String(parts.removeLast())
        var node = root
        for part in parts {
            let key = String(part)
            if let next = node.children[key] {
                node = next
            } else if create {
                let made = StackNode(name: key, record: nil, layer: layerCount - 1)
                node.children[key] = made
                node = made
            } else {
                return (nil, name)
            }
        }
        return (node, name)
    }
}
