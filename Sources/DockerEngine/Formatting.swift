#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Short forms users know from the docker CLI.
public enum ShortID {
    /// 12 hex digits, without the `sha256:` prefix images carry.
    public static func image(_ id: String) -> String {
        let bare = id.hasPrefix("sha256:") ? String(id.dropFirst(7)) : id
        return String(bare.prefix(12))
    }

    public static func container(_ id: String) -> String { String(id.prefix(12)) }
}

public enum ByteCount {
    /// Decimal units like `docker images` (1 kB = 1000 B), one decimal below 10.
    public static func text(_ bytes: Int64) -> String {
        scaled(Double(max(bytes, 0)), base: 1000, units: ["B", "kB", "MB", "GB", "TB", "PB"])
    }

    /// Binary units for memory (MiB, GiB), as `docker stats` shows them.
    public static func binary(_ bytes: UInt64) -> String {
        scaled(Double(bytes), base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB"])
    }

    private static func scaled(_ bytes: Double, base: Double, units: [String]) -> String {
        var value = bytes
        var unit = 0
        while value >= base, unit < units.count - 1 {
            value /= base
            unit += 1
        }
        if unit == 0 { return "\(Int(value))B" }
        return value < 10 ? DecimalText.fixed(value, digits: 1) + units[unit] : DecimalText.fixed(value, digits: 0) + units[unit]
    }
}

/// Published and exposed ports in the compact form both the CLI and the dashboard show.
public enum PortText {
    /// `127.0.0.1:8080->80/tcp`, or `80/tcp` when only exposed.
    public static func one(_ port: PortBinding, arrow: String = "->", showIP: Bool = true) -> String {
        let inner = "\(port.PrivatePort ?? 0)/\(port.Type ?? "tcp")"
        guard let published = port.PublicPort else { return inner }
        let ip = showIP ? (port.IP ?? "") : ""
        return "\(ip.isEmpty ? "" : ip + ":")\(published)\(arrow)\(inner)"
    }

    /// Distinct bindings (the engine lists one per address family), in a stable order.
    public static func summary(_ ports: [PortBinding], arrow: String = "->", showIP: Bool = true) -> String {
        var seen = Set<String>()
        return ports.map { one($0, arrow: arrow, showIP: showIP) }.filter { seen.insert($0).inserted }.sorted()
            .joined(separator: ", ")
    }
}

public enum RelativeTime {
    /// "3 minutes ago"-style text for a unix time, against `now`.
    public static func ago(_ unixSeconds: Int64, now: Date = Date()) -> String {
        guard unixSeconds > 0 else { return "" }
        return span(now.timeIntervalSince1970 - Double(unixSeconds)) + " ago"
    }

    /// The short form for narrow columns: `45s`, `3m`, `5h`, `12d`.
    public static func shortSpan(_ seconds: Double) -> String {
        let s = Int(seconds.isFinite ? max(0, seconds) : 0)
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" }
        return "\(s / 86_400)d"
    }

    /// A duration worded as the docker CLI words it ("Up 3 minutes", "5 days ago"): "Less than a
    /// second", "1 second", "N seconds", "About a minute", "N minutes", "About an hour", "N hours"
    /// (up to 2 days), then days, weeks, months, years.
    public static func span(_ seconds: Double) -> String {
        let s = seconds.isFinite ? max(0, seconds) : 0
        if s < 1 { return "Less than a second" }
        if s < 2 { return "1 second" }
        if s < 60 { return "\(Int(s)) seconds" }
        let minutes = Int(s / 60)
        if minutes == 1 { return "About a minute" }
        if minutes < 60 { return "\(minutes) minutes" }
        let hours = Int((s / 3600).rounded())
        if hours == 1 { return "About an hour" }
        if hours < 48 { return "\(hours) hours" }
        if hours < 24 * 7 * 2 { return "\(hours / 24) days" }
        if hours < 24 * 30 * 2 { return "\(hours / 24 / 7) weeks" }
        if hours < 24 * 365 * 2 { return "\(hours / 24 / 30) months" }
        return "\(hours / 24 / 365) years"
    }

    /// Unix seconds of an RFC 3339 timestamp with optional fractional seconds, as the engine writes them
    /// (`2026-11-29T10:37:29.123456789Z`, `...+01:00`); nil for the engine's zero time `0001-01-01T00:00:00Z`.
    public static func parse(_ text: String) -> Date? {
        guard !text.isEmpty, !text.hasPrefix("0001-01-01") else { return nil }
        return RFC3339.seconds(Array(text.utf8)).map { Date(timeIntervalSince1970: $0) }
    }
}

/// A strict RFC 3339 parser (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`), in place of ISO8601DateFormatter.
enum RFC3339 {
    static func seconds(_ b: [UInt8]) -> Double? {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let d = Int(b[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                value = value * 10 + d
                i += 1
            }
            return value
        }
        func expect(_ chars: String) -> Bool {
            guard i < b.count, chars.utf8.contains(b[i]) else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              expect("Tt "), let hour = digits(2), expect(":"), let minute = digits(2), expect(":"),
              let second = digits(2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let oh = digits(2), expect(":"), let om = digits(2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year, month, day)
        let whole = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Double(whole) + fraction
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the well-known era-based computation).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
