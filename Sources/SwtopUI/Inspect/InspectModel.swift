import TermCanvas

/// One node of an inspect document: a member, an array item or (node 0) the document itself.
struct InspectNode {
    enum Label: Equatable {
        case root
        case key(String)
        case index(Int)
        /// An item of an `Env` array: `NAME=value`.
        case env(name: String)
    }

    var label: Label
    var value: OrderedJSON
    var parent: Int?
    /// 0 for the document's own members; the document itself is -1.
    var depth: Int
    var children: [Int] = []
    /// One past the last node of its subtree (nodes are numbered in pre-order).
    var end = 0
    /// An env entry's value: what follows the first `=` (nil without one).
    var envValue: String?
    /// The name that makes the value a secret when it looks like one: an env entry's NAME, a label's key.
    var secretName: String?

    var isContainer: Bool {
        switch value {
        case .object, .array: return true
        default: return false
        }
    }
}

/// One visible row: a node and whether it is open.
struct InspectRow: Equatable {
    var node: Int
    var open: Bool
}

/// The inspect view's data, owned by the screen thread: the document as the session delivered it,
/// numbered into nodes once, and the rows and matches of the current folds and search, rebuilt only
/// when those change.
public final class InspectModel {
    public private(set) var error: String?
    public private(set) var loaded = false
    private(set) var nodes: [InspectNode] = []

    private var rowsKey: RowsKey?
    private var cachedRows: [InspectRow] = []
    private var matchKey: MatchKey?
    private var cachedMatches: [Int] = []

    /// Sections folded when the view opens: storage internals, the layer list, and the build
    /// container's config that old images carry beside their own (mostly the same, secrets included).
    static let foldedSections: Set<String> = ["GraphDriver", "RootFS", "ContainerConfig"]
    /// Objects and arrays with more children than this start folded (not the document's own sections,
    /// not `Env` or `Labels`).
    static let hugeCount = 20
    /// Shown instead of a hidden secret.
    public static let mask = "••••••"
    /// The most `y` copies: OSC 52 goes through the terminal's input buffer.
    public static let copyLimit = 100_000

    private struct RowsKey: Equatable {
        var foldAll: InspectScreen.FoldAll?
        var toggled: Set<Int>
    }

    private struct MatchKey: Equatable {
        var search: String
        var revealed: Set<Int>
        var secretNames: [String]
    }

    public init() {}

    public var isLoading: Bool { !loaded && error == nil }

    // MARK: news from the session

    public func ingest(error: String) {
        self.error = error
    }

    public func ingest(document: OrderedJSON) {
        nodes = []
        build(document, label: .root, parent: nil, depth: -1)
        loaded = true
        error = nil
        rowsKey = nil
        matchKey = nil
    }

    @discardableResult
    private func build(_ value: OrderedJSON, label: InspectNode.Label, parent: Int?, depth: Int,
                       secretName: String? = nil, envValue: String? = nil) -> Int {
        let id = nodes.count
        nodes.append(InspectNode(label: label, value: value, parent: parent, depth: depth, envValue: envValue,
                                 secretName: secretName))
        var children: [Int] = []
        switch value {
        case let .object(members):
            let labels = label == .key("Labels")
            for member in members {
                var secret: String?
                if labels, case .string = member.value { secret = member.key }
                children.append(build(member.value, label: .key(member.key), parent: id, depth: depth + 1, secretName: secret))
            }
        case let .array(items):
            let env = label == .key("Env")
            for (index, item) in items.enumerated() {
                if env, case let .string(text) = item {
                    let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    let name = String(parts[0])
                    let hasValue = parts.count == 2
                    children.append(build(item, label: .env(name: name), parent: id, depth: depth + 1,
                                          secretName: hasValue ? name : nil, envValue: hasValue ? String(parts[1]) : nil))
                } else {
                    children.append(build(item, label: .index(index), parent: id, depth: depth + 1))
                }
            }
        default:
            break
        }
        nodes[id].children = children
        nodes[id].end = nodes.count
        return id
    }

    // MARK: folds and rows

    /// The fold a node has when the view opens: open, but for `foldedSections` and huge objects and arrays.
    func openByDefault(_ id: Int) -> Bool {
        let node = nodes[id]
        if node.depth == 0, case let .key(key) = node.label, Self.foldedSections.contains(key) { return false }
        if node.children.count > Self.hugeCount {
            if node.label == .key("Env") || node.label == .key("Labels") { return true }
            if node.depth == 0, case .object = node.value { return true }
            return false
        }
        return true
    }

    func isOpen(_ id: Int, _ screen: InspectScreen) -> Bool {
        guard nodes.indices.contains(id) else { return false }
        if id == 0 { return true }
        guard !nodes[id].children.isEmpty else { return false }
        let base: Bool
        switch screen.foldAll {
        case .open?: base = true
        case .closed?: base = false
        case nil: base = openByDefault(id)
        }
        return base != screen.toggled.contains(id)
    }

    /// The visible rows: the document's members, and the members of every open node under them.
    func rows(_ screen: InspectScreen) -> [InspectRow] {
        let key = RowsKey(foldAll: screen.foldAll, toggled: screen.toggled)
        if key == rowsKey { return cachedRows }
        var out: [InspectRow] = []
        if let root = nodes.first {
            if root.isContainer {
                var stack: [Int] = root.children.reversed()
                while let id = stack.popLast() {
                    let open = isOpen(id, screen)
                    out.append(InspectRow(node: id, open: open))
                    if open { stack.append(contentsOf: nodes[id].children.reversed()) }
                }
            } else {
                out = [InspectRow(node: 0, open: false)]
            }
        }
        cachedRows = out
        rowsKey = key
        return out
    }

    /// The row showing `id`, or the row of its nearest visible ancestor when a fold hides it.
    func rowIndex(of id: Int, _ screen: InspectScreen) -> Int? {
        let rows = rows(screen)
        var current: Int? = id
        while let node = current {
            if let index = rows.firstIndex(where: { $0.node == node }) { return index }
            current = nodes.indices.contains(node) ? nodes[node].parent : nil
        }
        return rows.isEmpty ? nil : 0
    }

    /// The nodes from the document down to `id`'s parent.
    func ancestors(of id: Int) -> [Int] {
        var out: [Int] = []
        var current = nodes.indices.contains(id) ? nodes[id].parent : nil
        while let node = current, node != 0 {
            out.append(node)
            current = nodes[node].parent
        }
        return out.reversed()
    }

    // MARK: secrets

    func isSecret(_ id: Int, _ screen: InspectScreen) -> Bool {
        guard let name = nodes[id].secretName else { return false }
        return SecretNames.isSecret(name, screen.secretNames)
    }

    func isHidden(_ id: Int, _ screen: InspectScreen) -> Bool {
        isSecret(id, screen) && !screen.revealed.contains(id)
    }

    /// The secrets at and under `id`.
    func secrets(under id: Int, _ screen: InspectScreen) -> [Int] {
        guard nodes.indices.contains(id) else { return [] }
        return (id..<nodes[id].end).filter { isSecret($0, screen) }
    }

    // MARK: texts

    /// The label as drawn (escaped; no colon).
    func labelText(_ id: Int) -> String {
        switch nodes[id].label {
        case .root: return "(document)"
        case let .key(key): return InspectText.escaped(key)
        case let .index(index): return "[\(index)]"
        case let .env(name): return InspectText.escaped(name)
        }
    }

    /// The value as drawn, and its kind. A hidden secret draws the mask: its value never leaves the model
    /// but through `copyText` once revealed.
    func valueText(_ id: Int, _ screen: InspectScreen) -> (text: String, kind: InspectValueKind) {
        let node = nodes[id]
        if isHidden(id, screen) { return (Self.mask, .masked) }
        if case .env = node.label {
            return (node.envValue.map(InspectText.escaped) ?? "", .envValue)
        }
        switch node.value {
        case let .object(members): return (members.isEmpty ? "{}" : "{\(members.count)}", .summary)
        case let .array(items): return (items.isEmpty ? "[]" : "[\(items.count)]", .summary)
        case let .string(text): return ("\"" + InspectText.escaped(text) + "\"", .string)
        case let .number(text): return (text, .number)
        case let .bool(value): return (value ? "true" : "false", .bool)
        case .null: return ("null", .null)
        }
    }

    /// jq's path to a node: `.Config.Env[2]`, `.Config.Labels["com.example.vendor"]`.
    func path(_ id: Int) -> String {
        var parts: [String] = []
        var current: Int? = id
        while let node = current, node != 0, nodes.indices.contains(node) {
            switch nodes[node].label {
            case .root: break
            case let .key(key):
                let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == "_"
                    || ("0"..."9").contains($0)) } && !(key.first?.isNumber ?? true)
                var quoted = ""
                OrderedJSON.writeString(key, to: &quoted)
                parts.append(plain ? "." + key : "[" + InspectText.escaped(quoted) + "]")
            case .index, .env:
                let index = nodes[nodes[node].parent ?? 0].children.firstIndex(of: node) ?? 0
                parts.append("[\(index)]")
            }
            current = nodes[node].parent
        }
        return parts.isEmpty ? "." : parts.reversed().joined()
    }

    // MARK: search

    /// The nodes whose label or value (as drawn, hidden secrets not searched) holds the search text;
    /// smart case: case-insensitive unless the text has a capital letter.
    func matches(_ screen: InspectScreen) -> [Int] {
        guard !screen.search.isEmpty else { return [] }
        let key = MatchKey(search: screen.search, revealed: screen.revealed, secretNames: screen.secretNames)
        if key == matchKey { return cachedMatches }
        let matcher = InspectMatcher(screen.search)
        var out: [Int] = []
        for id in nodes.indices where id != 0 {
            if matcher.matches(labelText(id)) {
                out.append(id)
                continue
            }
            let (text, kind) = valueText(id, screen)
            if kind != .summary, kind != .masked, matcher.matches(text) { out.append(id) }
        }
        cachedMatches = out
        matchKey = key
        return out
    }

    // MARK: copy

    /// What `y` copies from a node: a scalar's value, an env entry's value, an object's or array's compact
    /// JSON; or why not (a hidden secret, one inside, too big).
    func copyText(_ id: Int, _ screen: InspectScreen) -> Result<String, CopyRefusal> {
        guard nodes.indices.contains(id) else { return .failure(.nothing) }
        let node = nodes[id]
        if isHidden(id, screen) { return .failure(.hidden) }
        let text: String
        if case .env = node.label, case let .string(whole) = node.value {
            text = node.envValue ?? whole
        } else {
            switch node.value {
            case .object, .array:
                let hidden = secrets(under: id, screen).filter { !screen.revealed.contains($0) }.count
                if hidden > 0 { return .failure(.hiddenInside(hidden)) }
                text = node.value.compactText
            case let .string(value): text = value
            case let .number(value): text = value
            case let .bool(value): text = value ? "true" : "false"
            case .null: text = "null"
            }
        }
        let size = text.utf8.count
        if size > Self.copyLimit { return .failure(.tooBig(size)) }
        return .success(text)
    }
}

enum CopyRefusal: Error, Equatable {
    case nothing, hidden, hiddenInside(Int), tooBig(Int)

    var message: String {
        switch self {
        case .nothing: return "nothing to copy"
        case .hidden: return "a hidden secret: reveal it first (m), then y"
        case let .hiddenInside(count):
            return "\(count) hidden secret\(count == 1 ? "" : "s") inside: reveal first (m here, M everywhere), then y"
        case let .tooBig(size): return "not copied: \(size) bytes, more than the \(InspectModel.copyLimit / 1000) kB OSC 52 takes"
        }
    }
}

enum InspectValueKind: Equatable {
    case string, number, bool, null, summary, envValue, masked
}

/// Text from a document, made drawable: control characters (escape sequences included), C1 controls and
/// bidi controls shown as JSON-style escapes, so a hostile value shows what it holds and does nothing.
enum InspectText {
    static func escaped(_ text: String) -> String {
        var plain = true
        for scalar in text.unicodeScalars where needsEscape(scalar.value) {
            plain = false
            break
        }
        if plain { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            guard needsEscape(v) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch v {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            default: out += "\\u" + OrderedJSON.hex4(v)
            }
        }
        return TerminalSafe.sanitize(out)
    }

    static func needsEscape(_ v: UInt32) -> Bool {
        v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x061C || v == 0x200E || v == 0x200F
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }
}

/// Smart-case substring search.
struct InspectMatcher {
    let needle: String
    let foldCase: Bool

    init(_ text: String) {
        foldCase = !text.contains { $0.isUppercase }
        needle = foldCase ? text.lowercased() : text
    }

    func matches(_ text: String) -> Bool {
        !needle.isEmpty && (foldCase ? text.lowercased() : text).contains(needle)
    }

    /// Character offsets of every match in `text`, for highlighting.
    func ranges(in text: String) -> [Range<Int>] {
        guard !needle.isEmpty else { return [] }
        let haystack = Array(foldCase ? text.lowercased() : text)
        let pattern = Array(needle)
        // lowercased() can change the character count (rare); then nothing is highlighted rather than the wrong cells.
        guard haystack.count == text.count, pattern.count <= haystack.count else { return [] }
        var out: [Range<Int>] = []
        var start = 0
        while start + pattern.count <= haystack.count {
            if Array(haystack[start..<(start + pattern.count)]) == pattern {
                out.append(start..<(start + pattern.count))
                start += pattern.count
            } else {
                start += 1
            }
        }
        return out
    }
}
