/// `.dockerignore` as the docker CLI reads it: one pattern a line (`#` comments, blank lines skipped),
/// paths relative to the context with `/` separators, cleaned (a leading `/` and `./` dropped); `*`, `?`
/// and `[…]` match within one path element, `**` any number of elements; a `!` line re-includes what an
/// earlier line excluded; the last matching line wins. A pattern matches a path or any of its parents,
/// so `build` excludes `build/a/b` too.
public struct DockerIgnore: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var pattern: [String]
        public var exclusion: Bool
    }

    public var rules: [Rule]

    public init(_ text: String) {
        var rules: [Rule] = []
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = String(raw)
            if line.hasPrefix("#") { continue }
            line = String(line.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            guard !line.isEmpty else { continue }
            var exclusion = false
            if line.hasPrefix("!") {
                exclusion = true
                line = String(line.dropFirst()).trimmingSpaces
            }
            let parts = Self.clean(line)
            guard !parts.isEmpty else { continue }
            rules.append(Rule(pattern: parts, exclusion: exclusion))
        }
        self.rules = rules
    }

    /// `a/./b/../c/` → [a, c]; a leading `/` is the context's root.
    static func clean(_ path: String) -> [String] {
        var out: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !out.isEmpty { out.removeLast() }
                continue
            }
            out.append(String(part))
        }
        return out
    }

    /// Whether `path` (relative, `/`-separated) is left out of the context.
    public func excludes(_ path: String) -> Bool {
        let parts = Self.clean(path)
        guard !parts.isEmpty else { return false }
        var excluded = false
        for rule in rules {
            // The path itself or one of its parents.
            var matched = false
            for count in stride(from: parts.count, through: 1, by: -1) where Self.match(rule.pattern[...], parts[0..<count]) {
                matched = true
                break
            }
            if matched { excluded = !rule.exclusion }
        }
        return excluded
    }

    /// Whether a directory may hold something a `!` rule takes back (then its content must be walked
    /// even when the directory itself is excluded).
    public func mayReinclude(under directory: String) -> Bool {
        let parts = Self.clean(directory)
        return rules.contains { rule in
            guard rule.exclusion else { return false }
            if rule.pattern.contains("**") { return true }
            // The rule's leading elements match the directory's.
            guard rule.pattern.count > parts.count else { return false }
            return Self.match(rule.pattern[0..<parts.count], parts[...])
        }
    }

    static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            var tail = path
            while true {
                if match(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let element = path.first, Self.element(Array(first.unicodeScalars)[...], Array(element.unicodeScalars)[...]) else {
            return false
        }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// One path element against a glob: `*`, `?`, `[abc]`, `[a-z]`, `[^a]`, `\x`.
    static func element(_ pattern: ArraySlice<Unicode.Scalar>, _ name: ArraySlice<Unicode.Scalar>) -> Bool {
        var p = pattern.startIndex
        var n = name.startIndex
        var starP: Int?
        var starN = 0
        while n < name.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == "*" {
                    starP = p
                    starN = n
                    p += 1
                    continue
                }
                if c == "?" {
                    p += 1
                    n += 1
                    continue
                }
                if c == "[", let (matches, next) = bracket(pattern, p, name[n]) {
                    if matches {
                        p = next
                        n += 1
                        continue
                    }
                } else {
                    var literal = c
                    var next = p + 1
                    if c == "\\", next < pattern.endIndex {
                        literal = pattern[next]
                        next += 1
                    }
                    if literal == name[n] {
                        p = next
                        n += 1
                        continue
                    }
                }
            }
            guard let star = starP else { return false }
            p = star + 1
            starN += 1
            n = starN
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// `[…]` at `start`: whether `c` is in it, and where the pattern goes on; nil for an unclosed bracket
    /// (then `[` is a literal).
    static func bracket(_ pattern: ArraySlice<Unicode.Scalar>, _ start: Int, _ c: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex, pattern[i] == "^" || pattern[i] == "!" {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.endIndex, pattern[i] != "]" || first {
            first = false
            var low = pattern[i]
            if low == "\\", i + 1 < pattern.endIndex {
                i += 1
                low = pattern[i]
            }
            var high = low
            if i + 2 < pattern.endIndex, pattern[i + 1] == "-", pattern[i + 2] != "]" {
                high = pattern[i + 2]
                i += 2
            }
            if c.value >= low.value, c.value <= high.value { matched = true }
            i += 1
        }
        guard i < pattern.endIndex else { return nil }
        return (matched != negate, i + 1)
    }
}

extension String {
    var trimmingSpaces: String { String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
}
