/// A JSON document as written: object members in document order (JSONDecoder's keyed containers
/// lose it), numbers as their text (no rounding through Double: `1e400` and 19-digit ids stay as sent).
public indirect enum OrderedJSON: Sendable, Equatable {
    case object([OrderedJSONMember])
    case array([OrderedJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Compact JSON text of the value, members in their order.
    public var compactText: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case let .object(members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                OrderedJSON.writeString(member.key, to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        case let .array(items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case let .string(text): OrderedJSON.writeString(text, to: &out)
        case let .number(text): out += text
        case let .bool(value): out += value ? "true" : "false"
        case .null: out += "null"
        }
    }

    static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + hex4(scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

public struct OrderedJSONMember: Sendable, Equatable {
    public var key: String
    public var value: OrderedJSON

    public init(_ key: String, _ value: OrderedJSON) {
        self.key = key
        self.value = value
    }
}

/// Why a text is not JSON, and where (byte offset, line and column from 1).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var line: Int
    public var column: Int

    public var description: String { "\(message) at line \(line), column \(column)" }
}

/// A strict RFC 8259 parser into `OrderedJSON`: no comments, no trailing commas, no leading zeros, no
/// raw control characters in strings, one value per text. Invalid UTF-8 bytes in strings become
/// U+FFFD, and so do lone surrogate escapes (as Go's decoder, which wrote the engine's documents, does).
/// Nesting deeper than `maxDepth` is refused rather than recursed into.
public struct OrderedJSONParser {
    public static let maxDepth = 512

    private let bytes: [UInt8]
    private var index = 0

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> OrderedJSON {
        var parser = OrderedJSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected \(parser.describeCurrent()) after the document") }
        return value
    }

    public static func parse(_ text: String) throws(JSONParseError) -> OrderedJSON {
        try parse(Array(text.utf8))
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: values

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> OrderedJSON {
        guard index < bytes.count else { throw failure("unexpected end of the document, a value expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected \(describeCurrent()), a value expected")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> OrderedJSON {
        guard depth <= Self.maxDepth else { throw failure("nested deeper than \(Self.maxDepth) levels") }
        index += 1
        var members: [OrderedJSONMember] = []
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else {
                throw failure("unexpected \(describeCurrent()), a member name (a string) expected")
            }
            let key = try parseString()
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw failure("unexpected \(describeCurrent()), “:” expected after a member name") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(OrderedJSONMember(key, value))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            if peek(UInt8(ascii: "}")) {
                index += 1
                return .object(members)
            }
            throw failure("unexpected \(describeCurrent()), “,” or “}” expected in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> OrderedJSON {
        guard depth <= Self.maxDepth else { throw failure("nested deeper than \(Self.maxDepth) levels") }
        index += 1
        var items: [OrderedJSON] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            if peek(UInt8(ascii: "]")) {
                index += 1
                return .array(items)
            }
            throw failure("unexpected \(describeCurrent()), “,” or “]” expected in an array")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let expected = word.withUTF8Buffer { Array($0) }
        guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
            throw failure("unexpected \(describeCurrent()), a value expected")
        }
        index += expected.count
    }

    /// The number's text, checked against the grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a digit expected in a number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw failure("a number with a leading zero") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: ".")) {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a digit expected after the decimal point") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a digit expected in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        let opening = index
        index += 1
        var raw: [UInt8] = []
        var pendingHigh: UInt32?
        func flushHigh(_ raw: inout [UInt8]) {
            if pendingHigh != nil {
                append(0xFFFD, to: &raw)
                pendingHigh = nil
            }
        }
        while true {
            guard index < bytes.count else {
                index = opening
                throw failure("a string that never ends")
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                flushHigh(&raw)
                return String(decoding: raw, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else {
                    index = opening
                    throw failure("a string that never ends")
                }
                let escape = bytes[index + 1]
                if escape == UInt8(ascii: "u") {
                    index += 2
                    let unit = try hex4()
                    if (0xD800...0xDBFF).contains(unit) {
                        flushHigh(&raw)
                        pendingHigh = unit
                    } else if (0xDC00...0xDFFF).contains(unit) {
                        if let high = pendingHigh {
                            append(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), to: &raw)
                            pendingHigh = nil
                        } else {
                            append(0xFFFD, to: &raw)
                        }
                    } else {
                        flushHigh(&raw)
                        append(unit, to: &raw)
                    }
                    continue
                }
                flushHigh(&raw)
                switch escape {
                case UInt8(ascii: "\""): raw.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): raw.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): raw.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): raw.append(0x08)
                case UInt8(ascii: "f"): raw.append(0x0C)
                case UInt8(ascii: "n"): raw.append(0x0A)
                case UInt8(ascii: "r"): raw.append(0x0D)
                case UInt8(ascii: "t"): raw.append(0x09)
                default:
                    index += 1
                    throw failure("an unknown escape \\\(Self.describe(escape)) in a string")
                }
                index += 2
            default:
                guard byte >= 0x20 else { throw failure("a raw control character (0x\(Self.hex2(byte))) in a string") }
                flushHigh(&raw)
                raw.append(byte)
                index += 1
            }
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else { throw failure("four hex digits expected after \\u") }
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("four hex digits expected after \\u")
            }
            value = value * 16 + UInt32(digit)
            index += 1
        }
        return value
    }

    private func append(_ scalar: UInt32, to raw: inout [UInt8]) {
        let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
        raw.append(contentsOf: Array(String(Character(value)).utf8))
    }

    // MARK: helpers

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }
    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of the document" }
        return "“\(Self.describe(bytes[index]))”"
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "0x" + hex2(byte)
    }

    private static func hex2(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    private func failure(_ message: String) -> JSONParseError {
        var line = 1
        var lineStart = 0
        let end = min(index, bytes.count)
        for position in 0..<end where bytes[position] == 0x0A {
            line += 1
            lineStart = position + 1
        }
        return JSONParseError(message: message, offset: index, line: line, column: end - lineStart + 1)
    }
}
