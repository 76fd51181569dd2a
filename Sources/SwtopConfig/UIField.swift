import SwtopUI

/// One `[ui]` setting: its name (the dashboard flag's), how it is read, and what swtop does without it.
struct UIField: Sendable {
    struct Invalid: Error {
        var message: String
    }

    let name: String
    let doc: String
    /// What the dashboard does when neither the file nor a flag sets it.
    let byDefault: String
    let read: @Sendable (TOMLValue, inout UIOptions) throws(Invalid) -> Void
    /// The file's value as TOML text, nil when the file does not set it.
    let shown: @Sendable (UIOptions) -> String?

    static let all: [UIField] = [
        bool("read-only", "refuse every key that changes the engine", "false", \.readOnly),
        string("shell", "the command e runs in a container", "bash when the container has it, else sh", \.shell),
        string("detach-keys", "keys that leave exec or attach, docker's spelling", "config.json's detachKeys, else ctrl-p,ctrl-q",
               \.detachKeys),
        int("log-tail", "lines a log view starts with", "1000", \.logTail, minimum: 0),
        int("log-lines", "most lines a log view keeps", "100000", \.logLines, minimum: 1),
        UIField(name: "log-bytes", doc: "most bytes a log view keeps (\"64MB\", or a number)", byDefault: "\"64MB\"",
                read: { value, ui throws(Invalid) in
                    if let number = value.int, number > 0 {
                        ui.logBytes = number
                    } else if let text = value.string, let bytes = try? ByteSize.parse(text) {
                        ui.logBytes = bytes
                    } else {
                        throw Invalid(message: "is a size: a number of bytes or a string such as \"64MB\", \"1GB\"")
                    }
                }, shown: { $0.logBytes.map(String.init) }),
        UIField(name: "secret-names", doc: "env and label names whose values inspect hides", byDefault: "[" + SecretNames.defaults
                    .map { "\"\($0)\"" }.joined(separator: ", ") + "]",
                read: { value, ui throws(Invalid) in
                    guard let list = value.array, list.allSatisfy({ $0.string != nil }) else {
                        throw Invalid(message: "is a list of strings")
                    }
                    ui.secretNames = list.compactMap(\.string).map { $0.uppercased() }
                }, shown: { $0.secretNames.map(quoted) }),
        bool("hide-stopped", "start with stopped containers hidden (H shows them)", "false", \.hideStopped),
        UIField(name: "sort", doc: "the containers list's sort column", byDefault: "\"name\"",
                read: { value, ui throws(Invalid) in
                    let names = ContainerRows.sortColumns.map(\.name)
                    guard let text = value.string, names.contains(text.lowercased()) else {
                        throw Invalid(message: "is one of " + names.map { "\"\($0)\"" }.joined(separator: ", "))
                    }
                    ui.sort = text.lowercased()
                }, shown: { $0.sort.map { "\"\($0)\"" } }),
        bool("sort-reversed", "reverse that column's order (as O)", "false", \.sortReversed),
        UIField(name: "columns", doc: "the containers list's columns, in order: "
                    + ContainerColumn.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "),
                byDefault: "name, image, state, status, cpu, mem; pids from \(ContainerColumn.pidsWidth) columns wide, "
                    + "net and io from \(ContainerColumn.netAndIOWidth), ports from 100",
                read: { value, ui throws(Invalid) in
                    let names = ContainerColumn.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                    guard let list = value.array, !list.isEmpty else {
                        throw Invalid(message: "is a list of column names: " + names)
                    }
                    var columns: [ContainerColumn] = []
                    for entry in list {
                        guard let text = entry.string else { throw Invalid(message: "is a list of strings: " + names) }
                        guard let column = ContainerColumn(rawValue: text.lowercased()) else {
                            throw Invalid(message: "has an unknown column \"\(text)\" (columns: \(names))")
                        }
                        guard !columns.contains(column) else { throw Invalid(message: "names \"\(column.rawValue)\" twice") }
                        columns.append(column)
                    }
                    guard columns.contains(.name) else { throw Invalid(message: "must include \"name\"") }
                    ui.columns = columns
                }, shown: { $0.columns.map { quoted($0.map(\.rawValue)) } }),
        bool("api-stats", "sample stats through the engine API even when cgroup files are readable", "false", \.apiStats),
        UIField(name: "resync-seconds", doc: "seconds between full resyncs", byDefault: "15",
                read: { value, ui throws(Invalid) in
                    guard let seconds = value.double ?? value.int.map(Double.init), seconds >= 1 else {
                        throw Invalid(message: "is a number of seconds, 1 or more")
                    }
                    ui.resyncSeconds = seconds
                }, shown: { $0.resyncSeconds.map { "\($0)" } }),
        strings("engines", "engines to open, as -H: [\"prod=ssh://admin@prod\", \"unix:///var/run/docker.sock\"]",
                "DOCKER_HOST, the docker context, then /var/run/docker.sock", \.engines),
        strings("contexts", "docker contexts to open, as --context", "DOCKER_CONTEXT, then the docker config's current context",
                \.contexts),
        bool("mouse", "clicks select rows and tabs, a double click opens, the wheel scrolls", "true", \.mouse),
    ]

    static func bool(_ name: String, _ doc: String, _ byDefault: String, _ path: WritableKeyPath<UIOptions, Bool?> & Sendable) -> UIField {
        UIField(name: name, doc: doc, byDefault: byDefault, read: { value, ui throws(Invalid) in
            guard let flag = value.bool else { throw Invalid(message: "is true or false") }
            ui[keyPath: path] = flag
        }, shown: { $0[keyPath: path].map { "\($0)" } })
    }

    static func int(_ name: String, _ doc: String, _ byDefault: String, _ path: WritableKeyPath<UIOptions, Int?> & Sendable,
                    minimum: Int) -> UIField {
        UIField(name: name, doc: doc, byDefault: byDefault, read: { value, ui throws(Invalid) in
            guard let number = value.int, number >= minimum else { throw Invalid(message: "is a whole number, \(minimum) or more") }
            ui[keyPath: path] = number
        }, shown: { $0[keyPath: path].map { "\($0)" } })
    }

    static func string(_ name: String, _ doc: String, _ byDefault: String, _ path: WritableKeyPath<UIOptions, String?> & Sendable) -> UIField {
        UIField(name: name, doc: doc, byDefault: byDefault, read: { value, ui throws(Invalid) in
            guard let text = value.string, !text.trimmingSpaces.isEmpty else { throw Invalid(message: "is a string, not empty") }
            ui[keyPath: path] = text
        }, shown: { $0[keyPath: path].map(tomlString) })
    }

    static func strings(_ name: String, _ doc: String, _ byDefault: String,
                        _ path: WritableKeyPath<UIOptions, [String]?> & Sendable) -> UIField {
        UIField(name: name, doc: doc, byDefault: byDefault, read: { value, ui throws(Invalid) in
            guard let list = value.array, !list.isEmpty, list.allSatisfy({ !($0.string ?? "").isEmpty }) else {
                throw Invalid(message: "is a list of strings, not empty")
            }
            ui[keyPath: path] = list.compactMap(\.string)
        }, shown: { $0[keyPath: path].map(quoted) })
    }
}

/// `["a", "b"]` in TOML's basic-string form.
func quoted(_ list: [String]) -> String {
    "[" + list.map(tomlString).joined(separator: ", ") + "]"
}

/// A TOML basic string: quotes, backslashes and control characters escaped.
func tomlString(_ text: String) -> String {
    "\"" + text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\"": return "\\\""
            case "\\": return "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: return "\\u" + hex4(scalar.value)
            default: return String(scalar)
            }
        }.joined() + "\""
}
