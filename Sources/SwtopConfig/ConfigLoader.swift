#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NCursesBackend
import SwtopUI

extension SwtopConfig {
    /// Reads the config at `path`. A file that does not exist is no config (every value a default) unless
    /// `required` (`--config FILE` names a file that must be there); anything wrong in it is an error
    /// naming its line, never skipped.
    public static func load(path: String?, required: Bool = false) throws(ConfigError) -> SwtopConfig {
        guard let path else { return SwtopConfig() }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            if !required, !FileManager.default.fileExists(atPath: path) { return SwtopConfig() }
            throw ConfigError(path: path, line: 0, message: "cannot read the file (\(Self.reason(error)))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(path: path, line: 1, message: "not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    private static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("NoSuchFile") || text.contains("No such file") || text.contains("Code=4 ") || text.contains("Code=260") {
            return "no such file"
        }
        if text.contains("Permission") || text.contains("Code=257") { return "permission denied" }
        return text
    }

    /// Parses a config's text; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> SwtopConfig {
        let table: TOMLTable
        do throws(TOMLError) {
            table = try TOMLTable(parsing: text)
        } catch {
            throw ConfigError(path: path, line: error.line, message: error.description)
        }
        var reader = ConfigReader(path: path, lines: SourceLines(text))
        var config = SwtopConfig()
        config.path = path
        try reader.read(table, into: &config)
        config.lines = reader.used
        return config
    }
}

/// Walks the parsed tables, checking every name and value, and remembers which lines it used.
struct ConfigReader {
    let path: String
    let lines: SourceLines
    var used: [String: Int] = [:]

    func fail(_ at: [String], _ message: String) -> ConfigError {
        ConfigError(path: path, line: lines.line(at), message: message)
    }

    mutating func note(_ at: [String]) { used[at.joined(separator: ".")] = lines.line(at) }

    mutating func read(_ root: TOMLTable, into config: inout SwtopConfig) throws(ConfigError) {
        var commands: [TOMLValue] = []
        for key in root.keys.sorted(by: { lines.line([$0]) < lines.line([$1]) }) {
            if key == "commands" {
                guard let list = root[key]?.array else {
                    throw fail([key], "commands are [[commands]] tables (one per command: name, key, scopes, command)")
                }
                commands = list
                continue
            }
            guard let section = root[key]?.table else {
                throw fail([key], "\(key) must be a table ([\(key)]); swtop reads [ui], [theme] and [keys.SCREEN]")
            }
            switch key {
            case "ui": try readUI(section, into: &config.ui)
            case "theme": try readTheme(section, into: &config.theme)
            case "keys": try readKeys(section, into: &config)
            default: throw fail([key], "unknown section [\(key)]; swtop reads [ui], [theme], [keys.SCREEN] and [[commands]]")
            }
        }
        // After [keys]: a command's key must not hide a binding as the file left it.
        for (index, entry) in commands.enumerated() {
            try readCommand(entry, index: index, into: &config)
        }
    }

    // MARK: - [[commands]]

    mutating func readCommand(_ entry: TOMLValue, index: Int, into config: inout SwtopConfig) throws(ConfigError) {
        let at = ["commands", "#\(index)"]
        guard let table = entry.table else { throw fail(at, "each [[commands]] entry is a table") }
        let known = ["name", "key", "scopes", "command", "run", "confirm", "mutating", "description"]
        for key in table.keys.sorted() where !known.contains(key) {
            throw fail(at + [key], "unknown command setting \"\(key)\" (settings: \(known.joined(separator: ", ")))")
        }
        guard let name = table["name"]?.string, !name.isEmpty,
              name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) })
        else { throw fail(at + ["name"], "a command needs a name of letters, digits, '-', '_' or '.' (name = \"tail-logs\")") }
        if config.keys.customCommands[name] != nil { throw fail(at + ["name"], "a second command named \"\(name)\"") }
        guard let keyName = table["key"]?.string, let key = KeyName.parse(keyName) else {
            throw fail(at + ["key"], "command \(name): key is one key name (a character, Ctrl-X, F1…F63, …)")
        }
        guard let scopeList = table["scopes"]?.array, !scopeList.isEmpty else {
            throw fail(at + ["scopes"], "command \(name): scopes lists where it applies (\(CustomCommand.Scope.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var scopes: [CustomCommand.Scope] = []
        for item in scopeList {
            guard let text = item.string, let scope = CustomCommand.Scope(rawValue: text) else {
                throw fail(at + ["scopes"], "command \(name): unknown scope \(item.string.map { "\"\($0)\"" } ?? "value") (scopes: \(CustomCommand.Scope.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        let words: [String]
        if let line = table["command"]?.string {
            guard let split = ShellWords.checked(line), !split.isEmpty else {
                throw fail(at + ["command"], "command \(name): the command is empty or leaves a quote open")
            }
            words = split
        } else if let list = table["command"]?.array, !list.isEmpty, list.allSatisfy({ $0.string != nil }) {
            words = list.compactMap(\.string)
        } else {
            throw fail(at + ["command"], "command \(name): command is a list of words ([\"docker\", \"logs\", \"{{.ID}}\"]) or one line of them")
        }
        for word in words {
            if let miscased = CustomCommand.miscasedFields(word).first {
                throw fail(at + ["command"], "command \(name): {{.\(miscased.written)}} is written {{.\(miscased.meant)}} (fields: \(CustomCommand.fields.map { "{{.\($0)}}" }.joined(separator: ", ")); any other {{…}} goes to the command as written)")
            }
        }
        var place = CustomCommand.Place.pane
        if let value = table["run"] {
            guard let text = value.string, let chosen = CustomCommand.Place(rawValue: text) else {
                throw fail(at + ["run"], "command \(name): run is one of \(CustomCommand.Place.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            place = chosen
        }
        if place == .container, scopes != [.containers] {
            throw fail(at + ["run"], "command \(name): run = \"container\" needs scopes = [\"containers\"] (it runs inside the selected container)")
        }
        func flag(_ key: String) throws(ConfigError) -> Bool {
            guard let value = table[key] else { return false }
            guard let flag = value.bool else { throw fail(at + [key], "command \(name): \(key) is true or false") }
            return flag
        }
        let confirm = try flag("confirm")
        let mutating = try flag("mutating")
        var description: String?
        if let value = table["description"] {
            guard let text = value.string else { throw fail(at + ["description"], "command \(name): description is a string") }
            description = text
        }
        let command = CustomCommand(name: name, key: key, scopes: scopes, words: words, place: place, confirm: confirm,
                                    mutating: mutating, description: description)
        do {
            try config.keys.add(command)
        } catch {
            throw fail(at + ["key"], "command \(name): \(error.description)")
        }
        note(at + ["name"])
    }

    // MARK: - [keys.SCREEN]

    mutating func readKeys(_ section: TOMLTable, into config: inout SwtopConfig) throws(ConfigError) {
        let screens = ScreenName.allCases.map(\.rawValue).joined(separator: ", ")
        for name in section.keys.sorted(by: { lines.line(["keys", $0]) < lines.line(["keys", $1]) }) {
            guard let screen = ScreenName(rawValue: name) else {
                throw fail(["keys", name], "unknown screen \"\(name)\" in [keys.\(name)] (screens: \(screens))")
            }
            guard let actions = section[name]?.table else {
                throw fail(["keys", name], "keys.\(name) must be a table of action = \"KEY\" or [\"KEY\", …]")
            }
            for action in actions.keys.sorted(by: { lines.line(["keys", name, $0]) < lines.line(["keys", name, $1]) }) {
                let at = ["keys", name, action]
                let names: [String]
                if let one = actions[action]?.string {
                    names = [one]
                } else if let list = actions[action]?.array, list.allSatisfy({ $0.string != nil }) {
                    names = list.compactMap(\.string)
                } else {
                    throw fail(at, "\(action) takes a key name or a list of them (\"\" unbinds)")
                }
                do {
                    try config.keys.rebind(screen, action: action, keyNames: names)
                } catch {
                    throw fail(at, error.description)
                }
                note(at)
                config.rebinds.append((screen, action, names))
            }
        }
        if let conflict = config.keys.conflict() {
            // Name the line of the rebinding that made it.
            var at = ["keys"]
            if case let .boundTwice(screen, _, actions) = conflict {
                let mine = config.rebinds.last { ($0.screen == screen || $0.screen == .global) && actions.contains($0.action) }
                if let mine { at = ["keys", mine.screen.rawValue, mine.action] }
            }
            throw fail(at, conflict.description)
        }
    }

    // MARK: - [theme]

    mutating func readTheme(_ section: TOMLTable, into theme: inout Theme) throws(ConfigError) {
        for key in section.keys {
            switch key {
            case "name":
                let names = ThemeName.allCases.map(\.rawValue).joined(separator: ", ")
                guard let text = section[key]?.string, let name = ThemeName(rawValue: text) else {
                    throw fail(["theme", key], "theme.name is one of \(names)")
                }
                theme.name = name
                note(["theme", key])
            case "roles":
                guard let roles = section[key]?.table else { throw fail(["theme", key], "theme.roles must be a table") }
                for role in roles.keys {
                    let at = ["theme", "roles", role]
                    guard let colorRole = ThemeText.role(role) else {
                        throw fail(at, "unknown role \"\(role)\" (roles: \(ThemeText.roleNames.joined(separator: ", ")))")
                    }
                    do throws(ThemeText.Invalid) {
                        theme.overrides[colorRole] = try ThemeText.override(roles[role]!)
                    } catch {
                        throw fail(at, "\(role): \(error.message)")
                    }
                    note(at)
                }
            default:
                throw fail(["theme", key], "unknown theme setting \"\(key)\" (theme.name, [theme.roles])")
            }
        }
    }

    // MARK: - [ui]

    mutating func readUI(_ section: TOMLTable, into ui: inout UIOptions) throws(ConfigError) {
        for key in section.keys {
            let at = ["ui", key]
            guard let field = UIField.all.first(where: { $0.name == key }) else {
                throw fail(at, "unknown setting ui.\(key) (settings: \(UIField.all.map(\.name).joined(separator: ", ")))")
            }
            do throws(UIField.Invalid) {
                try field.read(section[key]!, &ui)
            } catch {
                throw fail(at, "ui.\(key) \(error.message)")
            }
            note(at)
        }
        if ui.engines != nil, ui.contexts != nil {
            throw fail(["ui", "contexts"], "ui.engines and ui.contexts cannot both be set (as -H and --context)")
        }
    }
}
