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
        for (number, rawLine) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
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
                    ? .fail("too many bytes wasted (wasted-bytes=\(report.wastedBytes) > threshold=\(GoFloat.text(threshold)))")
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
    public static func human(_ bytes: Int64) -> String {
        let value = Double(bytes)
        if bytes < 10 { return "\(bytes) B" }
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var exponent = 0
        var scaled = value
        while scaled >= 1000, exponent < units.count - 1 { scaled /= 1000; exponent += 1 }
        let rounded = (scaled * 10 + 0.5).rounded(.down) / 10
        return (rounded < 10 ? Fixed.text(rounded, digits: 1) : Fixed.text(rounded, digits: 0)) + " " + units[exponent]
    }

    /// "20MB", "0.2kB", "1 GiB", "1000" → bytes; nil if not a size.
    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingSpaces
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        guard !number.isEmpty, let amount = Double(number), amount >= 0 else { return nil }
        let unit = trimmed.dropFirst(number.count).trimmingSpaces.lowercased()
        let scales: [String: Double] = [
            "": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
            "ki": 1024, "kib": 1024, "mi": 1_048_576, "mib": 1_048_576, "gi": 1_073_741_824, "gib": 1_073_741_824,
        ]
        guard let scale = scales[unit] else { return nil }
        return Int64((amount * scale).rounded())
    }
}

/// Fixed-point text without Foundation's String(format:).
public enum Fixed {
    public static func text(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = value < 0
        let units = (abs(value) * scale).rounded()
        guard units < 9e18 else { return String(value) }
        let whole = Int64(units) / Int64(scale)
        let fraction = Int64(units) % Int64(scale)
        var text = String(whole)
        if digits > 0 {
            let f = String(fraction)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return (negative && units > 0 ? "-" : "") + text
    }
}

/// Floats the way Go's %v prints them (shortest round-trip; integers without ".0").
public enum GoFloat {
    public static func text(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e21 { return String(Int64(value)) }
        return String(value)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
