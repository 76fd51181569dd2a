import TermCanvas

/// Every screen's keys as a value: the defaults, or what a config file made of them. Reducers, the help
/// overlay and the status-bar hints all read it from the state, so a rebinding reaches each of them.
public struct KeymapSet: Sendable {
    /// Each screen's own bindings; `.global`'s are shared by every screen that does not bind the same
    /// action itself.
    private var own: [ScreenName: [Binding]]
    /// The config's `[[commands]]`, by name (their bindings are in `own`).
    public private(set) var customCommands: [String: CustomCommand] = [:]

    public init(own: [ScreenName: [Binding]]) {
        self.own = own
    }

    /// Binds a custom command's key on each screen it applies to. A key some action of that screen has
    /// already (its own or a shared one, as the config left them) is an error: the command would hide it.
    public mutating func add(_ command: CustomCommand) throws(RebindError) {
        for scope in command.scopes {
            let screen = scope.screen
            if let taken = binding(for: command.key, on: screen) {
                throw .boundTwice(screen: screen, key: command.key, actions: [taken.command.actionName, "custom:" + command.name])
            }
            own[screen, default: []].append(Binding([command.key], .custom(command.name), command.summary,
                                                    dangerous: command.confirm, mutating: command.mutating, hint: command.name))
        }
        customCommands[command.name] = command
    }

    public static let defaults: KeymapSet = {
        var own: [ScreenName: [Binding]] = [
            .global: Keymap.global, .logs: Keymap.logs, .layers: Keymap.layers, .run: Keymap.run,
            .processes: Keymap.processes, .inspect: Keymap.inspect, .services: Keymap.services, .tasks: Keymap.tasks,
            .nodes: Keymap.nodes, .contexts: Keymap.contexts, .disk: Keymap.disk, .prune: Keymap.prune,
            .transfer: Keymap.transfer, .build: Keymap.build, .runForm: Keymap.runForm, .compose: Keymap.compose,
            .stats: Keymap.stats,
        ]
        // The four lists share one table; each list keeps the bindings that act there.
        for view in ViewKind.allCases {
            own[view.screenName] = Keymap.dashboard.filter { $0.applies(to: view) }.map { binding in
                var binding = binding
                binding.views = nil
                return binding
            }
        }
        return KeymapSet(own: own)
    }()

    /// The keys in effect on `screen`, in help order: the screen's own, then the shared ones (a shared
    /// action the screen binds itself stands where the shared one would). Unbound actions are left out.
    public func bindings(_ screen: ScreenName) -> [Binding] {
        let mine = own[screen] ?? []
        guard screen != .global else { return mine.filter { !$0.keys.isEmpty } }
        let shared = own[.global] ?? []
        let sharedCommands = Set(shared.map(\.command))
        let merged = mine.filter { !sharedCommands.contains($0.command) }
            + shared.map { common in mine.first { $0.command == common.command } ?? common }
        return merged.filter { !$0.keys.isEmpty }
    }

    public func binding(for key: Key, on screen: ScreenName) -> Binding? {
        bindings(screen).first { $0.keys.contains(key) }
    }

    /// The action names a screen takes (its own and the shared ones).
    public func actionNames(_ screen: ScreenName) -> [String] {
        var seen = Set<String>()
        let all = (own[screen] ?? []) + (screen == .global ? [] : own[.global] ?? [])
        return all.map(\.command.actionName).filter { seen.insert($0).inserted }
    }

    public enum RebindError: Error, Equatable, CustomStringConvertible {
        case unknownAction(screen: ScreenName, action: String, known: [String])
        case unknownKey(String)
        case boundTwice(screen: ScreenName, key: Key, actions: [String])

        public var description: String {
            switch self {
            case let .unknownAction(screen, action, known):
                return "\(screen.rawValue) has no action \"\(action)\" (its actions: \(known.joined(separator: ", ")))"
            case let .unknownKey(name):
                return "unknown key name \"\(name)\" (a character, Ctrl-X, F1…F63, Enter, Esc, Tab, Shift-Tab, Space, "
                    + "Backspace, Del, Ins, Up, Down, Left, Right, PgUp, PgDn, Home, End; \"\" unbinds)"
            case let .boundTwice(screen, key, actions):
                return "\(key) is bound twice on \(screen.rawValue): \(actions.joined(separator: " and "))"
            }
        }
    }

    /// Gives `action` on `screen` these keys (none: unbound). A shared action rebound on one screen
    /// becomes that screen's own; rebound under `global`, it changes on every screen that shares it.
    public mutating func rebind(_ screen: ScreenName, action: String, keyNames: [String]) throws(RebindError) {
        var keys: [Key] = []
        for name in keyNames where !name.isEmpty {
            guard let key = KeyName.parse(name) else { throw .unknownKey(name) }
            if !keys.contains(key) { keys.append(key) }
        }
        var list = own[screen] ?? []
        if let index = list.firstIndex(where: { $0.command.actionName == action }) {
            list[index].keys = keys
        } else if screen != .global, let common = own[.global]?.first(where: { $0.command.actionName == action }) {
            var mine = common
            mine.keys = keys
            list.append(mine)
        } else {
            throw .unknownAction(screen: screen, action: action, known: actionNames(screen))
        }
        own[screen] = list
    }

    /// A key that two actions of one screen claim (the first such, screens in order), else nil.
    public func conflict() -> RebindError? {
        for screen in ScreenName.allCases {
            var owner: [Key: String] = [:]
            for binding in bindings(screen) {
                for key in binding.keys {
                    if let first = owner[key], first != binding.command.actionName {
                        return .boundTwice(screen: screen, key: key, actions: [first, binding.command.actionName])
                    }
                    owner[key] = binding.command.actionName
                }
            }
        }
        return nil
    }
}
