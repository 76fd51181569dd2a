/// Where each table and key of a TOML file stands, so that an error found after parsing (an unknown
/// action, a colour out of range) names its line. The parsed tables keep no positions; this
/// reads the text the way TOML lays it out: `[table]` headers, then `key = value` lines, dotted keys
/// and inline tables (`{ fg = 1 }`) under the key's own line.
struct SourceLines {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table: [String] = []
        var entries: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("[[") {
                // An array of tables: each entry is `NAME.#INDEX`, so an error names the entry's own lines.
                let name = Self.path(String(line.dropFirst(2).prefix { $0 != "]" }))
                let key = name.joined(separator: ".")
                let index = entries[key, default: 0]
                entries[key] = index + 1
                table = name + ["#\(index)"]
                record(name, number)
                record(table, number)
            } else if line.hasPrefix("[") {
                let inner = line.drop { $0 == "[" }.prefix { $0 != "]" }
                table = Self.path(String(inner))
                record(table, number)
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = Self.path(String(line[..<equals]))
                guard !key.isEmpty else { continue }
                record(table + key, number)
            }
        }
    }

    private mutating func record(_ path: [String], _ line: Int) {
        let name = path.joined(separator: ".")
        if lines[name] == nil { lines[name] = line }
    }

    /// `a . "b.c" . d` → ["a", "b.c", "d"].
    static func path(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for c in text {
            if let open = quote {
                if c == open { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "." {
                parts.append(current.trimmingSpaces)
                current = ""
            } else {
                current.append(c)
            }
        }
        parts.append(current.trimmingSpaces)
        return parts.allSatisfy(\.isEmpty) ? [] : parts
    }

    /// The line of the key at `path`, else of the nearest table holding it, else 1.
    func line(_ path: [String]) -> Int {
        var path = path
        while !path.isEmpty {
            if let line = lines[path.joined(separator: ".")] { return line }
            path.removeLast()
        }
        return 1
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
