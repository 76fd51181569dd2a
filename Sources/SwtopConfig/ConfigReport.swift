import NCursesBackend
import SwtopUI
import TermCanvas

/// What `swtop keys` and `swtop config` print.
public enum ConfigReport {
    /// One binding in effect, for `swtop keys`.
    public struct KeyRow: Sendable, Encodable, Equatable {
        public var screen: String
        public var action: String
        public var keys: [String]
        public var mutating: Bool
        public var dangerous: Bool
        /// Bound under `global` (every screen has it unless it binds the action itself).
        public var shared: Bool
        public var description: String
    }

    public static func keyRows(_ keys: KeymapSet) -> [KeyRow] {
        let global = Set(keys.bindings(.global).map(\.command))
        return ScreenName.allCases.flatMap { screen in
            keys.bindings(screen).map { binding in
                KeyRow(screen: screen.rawValue, action: binding.command.actionName, keys: binding.keys.map(\.description),
                       mutating: binding.mutating, dangerous: binding.dangerous,
                       shared: screen != .global && global.contains(binding.command) && keys.bindings(.global).contains {
                           $0.command == binding.command && $0.keys == binding.keys
                       },
                       description: binding.description)
            }
        }
    }

    /// Columns: screen, action, keys, flags, description.
    public static func keyTable(_ keys: KeymapSet) -> [[String]] {
        keyRows(keys).map { row in
            let flags = [row.mutating ? "mutating" : nil, row.dangerous ? "dangerous" : nil, row.shared ? "shared" : nil]
                .compactMap { $0 }.joined(separator: ",")
            return [row.screen, row.action, row.keys.joined(separator: " "), flags.isEmpty ? "-" : flags, row.description]
        }
    }

    /// The configuration in effect as a TOML file: each value set with where it came from, each default as
    /// a comment (so the output can be saved as a config and edited).
    public static func effective(_ config: SwtopConfig) -> String {
        var out = "# swtop's configuration in effect. Values a file sets say where (FILE:LINE); defaults are comments.\n"
        out += "# file: " + (config.path.map { config.lines.isEmpty ? "\($0) (sets nothing: every value a default)" : $0 }
            ?? "none (every value a default)") + "\n"
        out += "# a flag on the command line wins over the file.\n\n[ui]\n"
        for field in UIField.all {
            if let value = field.shown(config.ui) {
                out += "\(field.name) = \(value)  # \(config.origin("ui.\(field.name)"))\n"
            } else {
                out += "# \(field.name) = \(field.byDefault)  (default; \(field.doc))\n"
            }
        }
        out += "\n[theme]\n"
        out += "name = \"\(config.theme.name.rawValue)\"  # \(config.origin("theme.name"))\n"
        out += "# themes: " + ThemeName.allCases.map(\.rawValue).joined(separator: ", ") + "; NO_COLOR still turns colour off\n"
        let roles = ColorRole.allCases.filter { config.theme.overrides[$0] != nil }
        out += "\n[theme.roles]\n"
        if roles.isEmpty { out += "# roles: " + ThemeText.roleNames.joined(separator: ", ") + "\n" }
        for role in roles {
            let name = ThemeText.name(of: role)
            out += "\(name) = \(text(config.theme.overrides[role]!))  # \(config.origin("theme.roles.\(name)"))\n"
        }
        var screens: [ScreenName] = []
        for rebind in config.rebinds where !screens.contains(rebind.screen) { screens.append(rebind.screen) }
        for screen in screens {
            out += "\n[keys.\(screen.rawValue)]\n"
            for rebind in config.rebinds where rebind.screen == screen {
                out += "\(rebind.action) = \(quoted(rebind.keys))  # \(config.origin("keys.\(screen.rawValue).\(rebind.action)"))\n"
            }
        }
        out += "\n# every screen's keys in effect: swtop keys\n"
        return out
    }

    static func text(_ look: RoleOverride) -> String {
        func color(_ c: ThemeColor) -> String {
            switch c {
            case .terminalDefault: "\"default\""
            case let .index(index): "\(index)"
            }
        }
        var parts: [String] = []
        if let fg = look.foreground { parts.append("fg = \(color(fg))") }
        if let bg = look.background { parts.append("bg = \(color(bg))") }
        for (name, value) in [("bold", look.bold), ("underline", look.underline), ("reverse", look.reverse), ("dim", look.dim)] {
            if let value { parts.append("\(name) = \(value)") }
        }
        return "{ " + parts.joined(separator: ", ") + " }"
    }
}
