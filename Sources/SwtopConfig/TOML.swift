/// A TOML 1.0 reader for the config file, in plain Swift.
///
/// Why not TOMLKit (which swtop used first): on Linux it imports `Foundation` for `Calendar`, `Date` and
/// `Data`, and that link brought all of Foundation with ICU into the static binary: 52 MB more on disk
/// and 2–4 MB more resident at the dashboard (measured with Benchmarks/run.sh against the binary before
/// it). swtop needs strings, numbers, booleans, arrays and tables; this reads the whole TOML 1.0 syntax
/// (dates and times are kept as their text) and says the line of every mistake.
public indirect enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    /// An offset date-time, local date-time, local date or local time, as written.
    case datetime(String)
    case array([TOMLValue])
    case table(TOMLTable)

    public var string: String? { if case let .string(text) = self { return text } else { return nil } }
    public var int: Int? { if case let .integer(number) = self { return number } else { return nil } }
    public var double: Double? { if case let .float(number) = self { return number } else { return nil } }
    public var bool: Bool? { if case let .bool(flag) = self { return flag } else { return nil } }
    public var array: [TOMLValue]? { if case let .array(list) = self { return list } else { return nil } }
    public var table: TOMLTable? { if case let .table(table) = self { return table } else { return nil } }
}

/// A table: its keys in the order the file gives them.
public struct TOMLTable: Equatable, Sendable {
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    public init() {}

    public subscript(key: String) -> TOMLValue? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }

    /// Reads a whole document.
    public init(parsing text: String) throws(TOMLError) {
        var parser = TOMLParser(text)
        self = try parser.document()
    }
}

public struct TOMLError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { message }
}

struct TOMLParser {
    private let chars: [Unicode.Scalar]
    private var at = 0
    /// Arrays and inline tables open around the value being read.
    private var depth = 0
    private var line = 1
    private var root = TOMLTable()
    /// Tables a header or a key made, by path: a header may not name one twice, nor a table a
    /// key/value or dotted key already defined (`a.b = 1` then `[a]`).
    private var headers: Set<[String]> = []
    private var defined: Set<[String]> = []
    /// Arrays of tables (`[[x]]`), which later headers append to.
    private var arraysOfTables: Set<[String]> = []

    init(_ text: String) {
        chars = Array(text.unicodeScalars)
    }

    private func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

    private var current: Unicode.Scalar? { at < chars.count ? chars[at] : nil }
    private func peek(_ offset: Int) -> Unicode.Scalar? { at + offset < chars.count ? chars[at + offset] : nil }

    private mutating func advance() {
        if current == "\n" { line += 1 }
        at += 1
    }

    private mutating func skipBlanks() {
        while current == " " || current == "\t" { advance() }
    }

    /// Blanks, a comment, then the end of the line (or of the file).
    private mutating func endOfLine() throws(TOMLError) {
        skipBlanks()
        if current == "#" { try comment() }
        if current == "\r", peek(1) == "\n" { advance() }
        guard current == nil || current == "\n" else {
            throw fail("unexpected \(shown(current)) after the value (one key = value a line; a comment starts with #)")
        }
        if current == "\n" { advance() }
    }

    private mutating func comment() throws(TOMLError) {
        while let c = current, c != "\n" {
            if Self.isControl(c), c != "\t", !(c == "\r" && peek(1) == "\n") { throw fail("a control character in a comment") }
            advance()
        }
    }

    private static func isControl(_ c: Unicode.Scalar) -> Bool { c.value < 0x20 || c.value == 0x7F }

    private func shown(_ c: Unicode.Scalar?) -> String {
        guard let c else { return "the end of the file" }
        if c == "\n" { return "the end of the line" }
        return Self.isControl(c) ? "U+\(String(c.value, radix: 16, uppercase: true))" : "\"\(Character(c))\""
    }

    // MARK: - Document, headers and keys

    mutating func document() throws(TOMLError) -> TOMLTable {
        var table: [String] = []
        while current != nil {
            skipBlanks()
            switch current {
            case nil: break
            case "#": try comment(); try endOfLine()
            case "\n", "\r": try endOfLine()
            case "[":
                table = try header()
                try endOfLine()
            default:
                try keyValue(in: table)
                try endOfLine()
            }
        }
        return root
    }

    private mutating func header() throws(TOMLError) -> [String] {
        advance()
        let isArray = current == "["
        if isArray { advance() }
        skipBlanks()
        let path = try key()
        skipBlanks()
        guard current == "]" else { throw fail("a table header ends with \(isArray ? "]]" : "]")") }
        advance()
        if isArray {
            guard current == "]" else { throw fail("an array-of-tables header ends with ]]") }
            advance()
            try appendTable(path)
        } else {
            guard !headers.contains(path), !defined.contains(path), !arraysOfTables.contains(path) else {
                throw fail("table [\(path.joined(separator: "."))] is defined twice")
            }
            headers.insert(path)
            let fail = failHere
            try update(path) { (value: inout TOMLValue?) throws(TOMLError) in
                if value == nil { value = .table(TOMLTable()) }
                guard value?.table != nil else { throw fail("\(path.joined(separator: ".")) is already a value, not a table") }
            }
        }
        return path
    }

    /// A key: bare, "basic" or 'literal' parts joined by dots.
    private mutating func key() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            skipBlanks()
            switch current {
            case "\"":
                guard peek(1) != "\"" || peek(2) != "\"" else { throw fail("a key cannot be a multi-line string") }
                parts.append(try basicString())
            case "'":
                guard peek(1) != "'" || peek(2) != "'" else { throw fail("a key cannot be a multi-line string") }
                parts.append(try literalString())
            default:
                var bare = ""
                while let c = current, c.properties.isASCIIHexDigit || ("a"..."z").contains(c) || ("A"..."Z").contains(c)
                        || c == "_" || c == "-" {
                    bare.unicodeScalars.append(c)
                    advance()
                }
                guard !bare.isEmpty else { throw fail("a key was expected, found \(shown(current))") }
                parts.append(bare)
            }
            skipBlanks()
            guard current == "." else { return parts }
            // Each part is a table the key passes through: 57,000 of them took minutes (found by swtop-fuzz).
            guard parts.count < 64 else { throw fail("a key has 64 parts at most") }
            advance()
        }
    }

    /// `key = value`, in a document or an inline table.
    private mutating func pair() throws(TOMLError) -> (path: [String], value: TOMLValue) {
        let path = try key()
        skipBlanks()
        guard current == "=" else { throw fail("= was expected after the key \(path.joined(separator: "."))") }
        advance()
        skipBlanks()
        return (path, try value())
    }

    private mutating func keyValue(in table: [String]) throws(TOMLError) {
        let (path, value) = try pair()
        // The tables a dotted key passes through are defined by it.
        for end in 1..<max(1, path.count) {
            let prefix = table + path.prefix(end)
            guard !headers.contains(prefix) else {
                throw fail("\(prefix.joined(separator: ".")) was defined by a [table] header; add to it there")
            }
            defined.insert(prefix)
        }
        let full = table + path
        let fail = failHere
        try update(full) { (slot: inout TOMLValue?) throws(TOMLError) in
            guard slot == nil else { throw fail("\(full.joined(separator: ".")) is defined twice") }
            slot = value
        }
        if value.table != nil { defined.insert(full) }
    }

    /// Changes the value at `path`, making the tables on the way (the last element of an array of tables).
    private mutating func update(_ path: [String], _ change: (inout TOMLValue?) throws(TOMLError) -> Void) throws(TOMLError) {
        let line = self.line
        try Self.update(&root, path[...], prefix: [], arrays: arraysOfTables, fail: { TOMLError(line: line, message: $0) }, change)
    }

    /// Errors made inside `update`'s closures (which may not touch `self`).
    private var failHere: @Sendable (String) -> TOMLError {
        let line = self.line
        return { TOMLError(line: line, message: $0) }
    }

    private static func update(_ table: inout TOMLTable, _ path: ArraySlice<String>, prefix: [String], arrays: Set<[String]>,
                               fail: (String) -> TOMLError,
                               _ change: (inout TOMLValue?) throws(TOMLError) -> Void) throws(TOMLError) {
        guard let first = path.first else { return }
        if path.count == 1 {
            var slot = table[first]
            try change(&slot)
            table[first] = slot
            return
        }
        let here = prefix + [first]
        switch table[first] {
        case nil:
            var inner = TOMLTable()
            try update(&inner, path.dropFirst(), prefix: here, arrays: arrays, fail: fail, change)
            table[first] = .table(inner)
        case var .table(inner)?:
            try update(&inner, path.dropFirst(), prefix: here, arrays: arrays, fail: fail, change)
            table[first] = .table(inner)
        case var .array(list)? where arrays.contains(here) && list.last?.table != nil:
            var inner = list.removeLast().table!
            try update(&inner, path.dropFirst(), prefix: here, arrays: arrays, fail: fail, change)
            list.append(.table(inner))
            table[first] = .array(list)
        default:
            throw fail("\(here.joined(separator: ".")) is already a value, not a table")
        }
    }

    private mutating func appendTable(_ path: [String]) throws(TOMLError) {
        guard !headers.contains(path), !defined.contains(path) else {
            throw fail("\(path.joined(separator: ".")) is a table, not an array of tables")
        }
        let isNew = !arraysOfTables.contains(path)
        arraysOfTables.insert(path)
        // Headers under an earlier element of the array no longer count: a new element begins.
        headers = headers.filter { !($0.count > path.count && Array($0.prefix(path.count)) == path) }
        defined = defined.filter { !($0.count > path.count && Array($0.prefix(path.count)) == path) }
        let fail = failHere
        try update(path) { (slot: inout TOMLValue?) throws(TOMLError) in
            switch slot {
            case nil where isNew: slot = .array([.table(TOMLTable())])
            case let .array(list)? where !isNew: slot = .array(list + [.table(TOMLTable())])
            default: throw fail("\(path.joined(separator: ".")) is already a value, not an array of tables")
            }
        }
    }

    // MARK: - Values

    private mutating func value() throws(TOMLError) -> TOMLValue {
        switch current {
        case "\"":
            if peek(1) == "\"", peek(2) == "\"" { return .string(try multiline("\"")) }
            return .string(try basicString())
        case "'":
            if peek(1) == "'", peek(2) == "'" { return .string(try multiline("'")) }
            return .string(try literalString())
        case "[", "{":
            // Each level is a call: a file of 100,000 ['s overflowed the stack (found by swtop-fuzz).
            guard depth < 64 else { throw fail("arrays and inline tables nest 64 deep at most") }
            depth += 1
            defer { depth -= 1 }
            return current == "[" ? try array() : try inlineTable()
        case "t", "f":
            let word = takeWord()
            if word == "true" { return .bool(true) }
            if word == "false" { return .bool(false) }
            throw fail("\(word) is not a value (true, false, a number, a \"string\", [an array] or {a table})")
        case nil, "\n", "#":
            throw fail("a value was expected after =")
        default:
            return try numberOrDate()
        }
    }

    /// Letters, digits and what numbers and dates are written with, up to a blank or a separator.
    private mutating func takeWord() -> String {
        var word = ""
        while let c = current, !" \t\n\r,]}#".unicodeScalars.contains(c) {
            // A date and a time may stand apart: `1979-05-27 07:32:00`.
            word.unicodeScalars.append(c)
            advance()
        }
        if Self.isDate(word), current == " ", let next = peek(1), ("0"..."9").contains(next) {
            let save = (at, line)
            advance()
            var time = ""
            while let c = current, !" \t\n\r,]}#".unicodeScalars.contains(c) {
                time.unicodeScalars.append(c)
                advance()
            }
            if Self.isTime(time) { return word + " " + time }
            (at, line) = save
        }
        return word
    }

    private static func isDate(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        guard s.count >= 10 else { return false }
        return s[0..<4].allSatisfy(isDigit) && s[4] == "-" && s[5..<7].allSatisfy(isDigit) && s[7] == "-" && s[8..<10].allSatisfy(isDigit)
    }

    private static func isTime(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        guard s.count >= 8 else { return false }
        return s[0..<2].allSatisfy(isDigit) && s[2] == ":" && s[3..<5].allSatisfy(isDigit) && s[5] == ":" && s[6..<8].allSatisfy(isDigit)
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

    private mutating func numberOrDate() throws(TOMLError) -> TOMLValue {
        let word = takeWord()
        let scalars = Array(word.unicodeScalars)
        if Self.isDate(word) || Self.isTime(word) {
            let allowed = "0123456789-:.TtZz+ "
            guard scalars.allSatisfy({ allowed.unicodeScalars.contains($0) }) else { throw fail("\(word) is not a date or time") }
            return .datetime(word)
        }
        if let number = Self.integer(word) { return .integer(number) }
        if let number = Self.float(word) { return .float(number) }
        throw fail("\(word.isEmpty ? shown(current) : word) is not a value (true, false, a number, a \"string\", [an array] or {a table})")
    }

    /// Underscores only between digits.
    private static func digits(_ text: Substring, _ isDigit: (Unicode.Scalar) -> Bool) -> String? {
        var out = ""
        var previousDigit = false
        for c in text.unicodeScalars {
            if c == "_" {
                guard previousDigit else { return nil }
                previousDigit = false
            } else {
                guard isDigit(c) else { return nil }
                out.unicodeScalars.append(c)
                previousDigit = true
            }
        }
        return previousDigit ? out : nil
    }

    static func integer(_ word: String) -> Int? {
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where word.hasPrefix(prefix) {
            let isDigit: (Unicode.Scalar) -> Bool = { c in Int(String(c), radix: radix) != nil }
            return digits(word.dropFirst(2), isDigit).flatMap { Int($0, radix: radix) }
        }
        var body = Substring(word)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        guard let text = digits(body, isDigit), text == "0" || !text.hasPrefix("0") else { return nil }
        return Int((negative ? "-" : "") + text)
    }

    static func float(_ word: String) -> Double? {
        var body = Substring(word)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        if body == "inf" { return sign == "-" ? -.infinity : .infinity }
        if body == "nan" { return .nan }
        // integer part, then a fraction and/or an exponent
        let exponentAt = body.firstIndex { $0 == "e" || $0 == "E" }
        let mantissa = exponentAt.map { body[..<$0] } ?? body
        let dot = mantissa.firstIndex(of: ".")
        let whole = dot.map { mantissa[..<$0] } ?? mantissa
        guard let wholeDigits = digits(whole, isDigit), wholeDigits == "0" || !wholeDigits.hasPrefix("0") else { return nil }
        var text = sign + wholeDigits
        if let dot {
            guard let fraction = digits(mantissa[mantissa.index(after: dot)...], isDigit) else { return nil }
            text += "." + fraction
        }
        if let exponentAt {
            var exponent = body[body.index(after: exponentAt)...]
            var expSign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                expSign = String(first)
                exponent = exponent.dropFirst()
            }
            guard let expDigits = digits(exponent, isDigit) else { return nil }
            text += "e" + expSign + expDigits
        }
        guard dot != nil || exponentAt != nil else { return nil }
        return Double(text)
    }

    private mutating func basicString() throws(TOMLError) -> String {
        advance()
        var text = ""
        while true {
            guard let c = current, c != "\n" else { throw fail("a string is not closed on its line (\")") }
            advance()
            switch c {
            case "\"": return text
            case "\\": text.unicodeScalars.append(try escape())
            case _ where Self.isControl(c) && c != "\t": throw fail("a control character in a string (write it as \\u\(hex4(c.value)))")
            default: text.unicodeScalars.append(c)
            }
        }
    }

    private mutating func escape() throws(TOMLError) -> Unicode.Scalar {
        guard let c = current else { throw fail("a string is not closed") }
        advance()
        switch c {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let count = c == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<count {
                guard let d = current, d.properties.isASCIIHexDigit else { throw fail("\\\(c) takes \(count) hex digits") }
                hex.unicodeScalars.append(d)
                advance()
            }
            guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                throw fail("\\\(c)\(hex) is not a Unicode scalar value")
            }
            return scalar
        default:
            throw fail("unknown escape \\\(Character(c)) (\\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)")
        }
    }

    private mutating func literalString() throws(TOMLError) -> String {
        advance()
        var text = ""
        while true {
            guard let c = current, c != "\n" else { throw fail("a string is not closed on its line (')") }
            advance()
            if c == "'" { return text }
            if Self.isControl(c), c != "\t" { throw fail("a control character in a string") }
            text.unicodeScalars.append(c)
        }
    }

    /// `"""…"""` (escapes, and a backslash at the end of a line drops it and the blanks and newlines that
    /// follow) or `'''…'''` (as written): a newline right after the opening is dropped, and up to two quotes
    /// may stand right before the closing three.
    private mutating func multiline(_ quote: Unicode.Scalar) throws(TOMLError) -> String {
        let basic = quote == "\""
        advance(); advance(); advance()
        if current == "\n" { advance() } else if current == "\r", peek(1) == "\n" { advance(); advance() }
        var text = ""
        while true {
            guard let c = current else { throw fail("a multi-line string is not closed (\(String(repeating: Character(quote), count: 3)))") }
            if c == quote, peek(1) == quote, peek(2) == quote {
                var extra = 0
                while peek(3 + extra) == quote, extra < 2 { extra += 1 }
                for _ in 0..<extra { text.unicodeScalars.append(quote); advance() }
                advance(); advance(); advance()
                return text
            }
            advance()
            if basic, c == "\\" {
                var look = at
                while look < chars.count, chars[look] == " " || chars[look] == "\t" { look += 1 }
                if look < chars.count, chars[look] == "\n" || (chars[look] == "\r" && look + 1 < chars.count && chars[look + 1] == "\n") {
                    while let w = current, w == " " || w == "\t" || w == "\n" || w == "\r" { advance() }
                    continue
                }
                text.unicodeScalars.append(try escape())
            } else if Self.isControl(c), c != "\t", c != "\n", c != "\r" {
                throw fail("a control character in a string")
            } else {
                text.unicodeScalars.append(c)
            }
        }
    }

    /// Blanks, newlines and comments between an array's values.
    private mutating func skipInArray() throws(TOMLError) {
        while true {
            skipBlanks()
            if current == "#" { try comment() }
            if current == "\n" || current == "\r" { advance() } else { return }
        }
    }

    private mutating func array() throws(TOMLError) -> TOMLValue {
        let opened = line
        advance()
        var list: [TOMLValue] = []
        while true {
            try skipInArray()
            if current == "]" { advance(); return .array(list) }
            guard current != nil else { throw TOMLError(line: opened, message: "an array is not closed (])") }
            list.append(try value())
            try skipInArray()
            guard current != nil else { throw TOMLError(line: opened, message: "an array is not closed (])") }
            if current == "," { advance(); continue }
            guard current == "]" else { throw fail("a , or ] was expected in the array, found \(shown(current))") }
        }
    }

    private mutating func inlineTable() throws(TOMLError) -> TOMLValue {
        advance()
        var table = TOMLTable()
        skipBlanks()
        if current == "}" { advance(); return .table(table) }
        while true {
            skipBlanks()
            let (path, value) = try pair()
            let fail = failHere
            try Self.update(&table, path[...], prefix: [], arrays: [], fail: fail) { (slot: inout TOMLValue?) throws(TOMLError) in
                guard slot == nil else { throw fail("\(path.joined(separator: ".")) is defined twice in the inline table") }
                slot = value
            }
            skipBlanks()
            if current == "," { advance(); continue }
            guard current == "}" else { throw fail("a , or } was expected in the inline table (on one line), found \(shown(current))") }
            advance()
            return .table(table)
        }
    }
}

/// `0x1B` → `001B`.
func hex4(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}
