// `swtop layers --ci`: dive's three rules, its defaults and its `.dive-ci` file, so a pipeline can swap
// `dive --ci` for swtop. Exit codes: 0 all rules pass (or are skipped), 1 a rule fails, 2 a usage,
// configuration or engine error (dive says 1 for all of these; a CI job should tell them apart).

public struct CIRule: Sendable, Equatable {
    public enum Name: String, Sendable, CaseIterable {
        case highestUserWastedPercent, highestWastedBytes, lowestEfficiency
    }
    public var name: Name
    /// nil: disabled.
    public var threshold: Double?
}

public enum CIVerdict: Sendable, Equatable {
    case pass, fail(String), skip
}

public struct CIConfig: Sendable, Equatable {
    public var lowestEfficiency: Double? = 0.9
    public var highestWastedBytes: Double? = nil
    public var highestUserWastedPercent: Double? = 0.1

    public init() {}

    public struct Problem: Error, CustomStringConvertible, Equatable {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Sets one rule from text as `.dive-ci` or a flag gives it ("disabled" turns it off).
    public mutating func set(_ key: String, _ text: String) throws {
        let value = text.trimmingSpaces
        let disabled = value.lowercased() == "disabled"
        switch key.lowercased() {
        case "lowestefficiency", "lowest-efficiency":
            if disabled { lowestEfficiency = nil; return }
            guard let ratio = Double(value), ratio >= 0, ratio <= 1 else {
                throw Problem(description: "lowestEfficiency must be a ratio between 0 and 1 or \"disabled\", not '\(value)'")
            }
            lowestEfficiency = ratio
        case "highestwastedbytes", "highest-wasted-bytes":
            if disabled { highestWastedBytes = nil; return }
            guard let bytes = ByteText.parse(value) else {
                throw Problem(description: "highestWastedBytes must be a size (e.g. 20MB, 512kB, 1000) or \"disabled\", not '\(value)'")
            }
            highestWastedBytes = Double(bytes)
        case "highestuserwastedpercent", "highest-user-wasted-percent":
            if disabled { highestUserWastedPercent = nil; return }
            guard let ratio = Double(value), ratio >= 0, ratio <= 1 else {
                throw Problem(description: "highestUserWastedPercent must be a ratio between 0 and 1 or \"disabled\", not '\(value)'")
            }
            highestUserWastedPercent = ratio
        default:
            throw Problem(description: "unknown rule '\(key)' (lowestEfficiency, highestWastedBytes, highestUserWastedPercent)")
        }
    }

    /// `.dive-ci`: a YAML mapping with a `rules:` mapping of scalars. Only that shape is read; anything
    /// else is a clear error rather than a silent default.
    public mutating func apply(yaml: String) throws {
        var inRules = false
        // Any line end: "\r\n" is one Character in Swift, so splitting on "\n" alone would leave a file
        // written on Windows one long line, its rules silently ignored.
        for (number, rawLine) in yaml.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            if line.trimmingSpaces.isEmpty { continue }
            let indented = line.first == " " || line.first == "\t"
            guard let colon = line.firstIndex(of: ":") else {
                throw Problem(description: "line \(number + 1): expected 'key: value'")
            }
            let key = String(line[..<colon]).trimmingSpaces
            var value = String(line[line.index(after: colon)...]).trimmingSpaces
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            if !indented {
                inRules = key.lowercased() == "rules" && value.isEmpty
                if key.lowercased() == "rules", !value.isEmpty {
                    throw Problem(description: "line \(number + 1): 'rules' takes its rules on the lines below it")
                }
                if !inRules, value.isEmpty { throw Problem(description: "line \(number + 1): unknown section '\(key)'") }
                continue
            }
            guard inRules else { throw Problem(description: "line \(number + 1): '\(key)' is outside 'rules:'") }
            guard !value.hasPrefix("["), !value.hasPrefix("{") else {
                throw Problem(description: "line \(number + 1): '\(key)' takes a single value")
            }
            try set(key, value)
        }
    }

    public var rules: [CIRule] {
        [CIRule(name: .highestUserWastedPercent, threshold: highestUserWastedPercent),
         CIRule(name: .highestWastedBytes, threshold: highestWastedBytes),
         CIRule(name: .lowestEfficiency, threshold: lowestEfficiency)]
    }

    public func evaluate(_ report: EfficiencyReport) -> [(CIRule, CIVerdict)] {
        rules.map { rule in
            guard let threshold = rule.threshold else { return (rule, .skip) }
            switch rule.name {
            case .lowestEfficiency:
                return (rule, report.efficiency < threshold
                    ? .fail("image efficiency is too low (efficiency=\(GoFloat.text(report.efficiency)) < threshold=\(GoFloat.text(threshold)))")
                    : .pass)
            case .highestWastedBytes:
                return (rule, Double(report.wastedBytes) > threshold
                    ? .fail("too many bytes wasted (wasted-bytes=\(report.wastedBytes) > threshold=\(Int64(threshold)))")
                    : .pass)
            case .highestUserWastedPercent:
                return (rule, report.userWastedPercent > threshold
                    ? .fail("too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=\(GoFloat.text(report.userWastedPercent)) > threshold=\(GoFloat.text(threshold)))")
                    : .pass)
            }
        }
    }
}

/// Sizes as people and go-humanize write them: "234 B", "8.4 MB" (powers of 1000; KiB, MiB… of 1024).
public enum ByteText {
    private static let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
    private static let powers: [Double] = [1, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18]

    /// go-humanize's Bytes, step for step: v = ⌊n / 1000^e × 10 + 0.5⌋ / 10, then "%.1f" below 10 and
    /// "%.0f" from 10 on (Go rounds that half to even: 10.5 kB prints "10 kB").
    public static func human(_ bytes: Int64) -> String {
        if bytes < 10 { return "\(bytes) B" }
        let value = Double(bytes)
        var exponent = 0
        while exponent < units.count - 1, value >= powers[exponent + 1] { exponent += 1 }
        let rounded = (value / powers[exponent] * 10 + 0.5).rounded(.down) / 10
        return Fixed.text(rounded, digits: rounded < 10 ? 1 : 0) + " " + units[exponent]
    }

    private static let scales: [String: Double] = [
        "": 1, "b": 1,
        "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12, "p": 1e15, "pb": 1e15,
        "e": 1e18, "eb": 1e18,
        "ki": 0x1p10, "kib": 0x1p10, "mi": 0x1p20, "mib": 0x1p20, "gi": 0x1p30, "gib": 0x1p30, "ti": 0x1p40, "tib": 0x1p40,
        "pi": 0x1p50, "pib": 0x1p50, "ei": 0x1p60, "eib": 0x1p60,
    ]

    /// "20MB", "0.2kB", "1 GiB", "1,000" → bytes; nil if not a size. go-humanize's ParseBytes: the leading
    /// digits, points and commas (commas dropped) as a number, then a unit; the product truncated.
    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingSpaces
        let number = trimmed.prefix { ("0"..."9").contains($0) || $0 == "." || $0 == "," }
        guard let amount = Double(number.filter { $0 != "," }), amount >= 0 else { return nil }
        let unit = trimmed.dropFirst(number.count).trimmingSpaces.lowercased()
        guard let scale = scales[unit] else { return nil }
        let bytes = (amount * scale).rounded(.towardZero)
        guard bytes < 0x1p63 else { return nil }
        return Int64(bytes)
    }
}

/// Fixed-point text without Foundation's String(format:), as Go's %.Nf writes it: the double's exact value
/// rounded to N digits, a tie to the even digit.
public enum Fixed {
    public static func text(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = value < 0
        let product = abs(value) * scale
        guard product < 9e18 else { return String(value) }
        // product is value × scale rounded once; the rounding error is itself a double, exactly.
        let error = (-product).addingProduct(abs(value), scale)
        var units = product.rounded(.down)
        let fraction = product - units
        if fraction > 0.5 || (fraction == 0.5 && (error > 0 || (error == 0 && units.truncatingRemainder(dividingBy: 2) == 1))) {
            units += 1
        }
        let whole = Int64(units) / Int64(scale)
        let part = Int64(units) % Int64(scale)
        var text = String(whole)
        if digits > 0 {
            let f = String(part)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return (negative && units > 0 ? "-" : "") + text
    }
}

/// Floats the way Go's %v prints them (strconv's 'g' with the shortest digits): plain below 1e+06 and
/// from 1e-04 on, else d.ddde±XX; "NaN", "+Inf", "-Inf".
public enum GoFloat {
    public static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0" }
        // Swift's description has the same shortest round-trip digits; only the layout differs.
        let description = String(abs(value))
        var mantissa = Substring(description)
        var exponent = 0
        if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = description[..<e]
            exponent = Int(description[description.index(after: e)...]) ?? 0
        }
        let point = mantissa.firstIndex(of: ".") ?? mantissa.endIndex
        var digits = Array(mantissa[..<point].utf8) + Array(mantissa[point...].dropFirst().utf8)
        var decimalPoint = mantissa.distance(from: mantissa.startIndex, to: point) + exponent
        while digits.first == UInt8(ascii: "0") { digits.removeFirst(); decimalPoint -= 1 }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let exp = decimalPoint - 1
        var out = sign
        if exp < -4 || exp >= 6 {
            out += String(decoding: digits.prefix(1), as: UTF8.self)
            if digits.count > 1 { out += "." + String(decoding: digits.dropFirst(), as: UTF8.self) }
            let magnitude = String(abs(exp))
            out += (exp < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
        } else if decimalPoint <= 0 {
            out += "0." + String(repeating: "0", count: -decimalPoint) + String(decoding: digits, as: UTF8.self)
        } else if decimalPoint >= digits.count {
            out += String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: decimalPoint - digits.count)
        } else {
            out += String(decoding: digits.prefix(decimalPoint), as: UTF8.self) + "."
                + String(decoding: digits.dropFirst(decimalPoint), as: UTF8.self)
        }
        return out
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
