import Foundation

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
        return value < 10 ? String(format: "%.1f%@", value, units[unit]) : String(format: "%.0f%@", value, units[unit])
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

    /// Unix seconds of an RFC 3339 timestamp with optional fractional seconds, as the engine writes them.
    public static func parse(_ text: String) -> Date? {
        guard !text.isEmpty, !text.hasPrefix("0001-01-01") else { return nil }
        var trimmed = text
        // Foundation's formatter takes at most milliseconds; the engine writes nanoseconds.
        if let dot = text.firstIndex(of: ".") {
            let rest = text[text.index(after: dot)...]
            let digits = rest.prefix { $0.isNumber }
            let zone = rest.dropFirst(digits.count)
            trimmed = String(text[..<dot]) + "." + String(digits.prefix(3)).padding(toLength: 3, withPad: "0", startingAt: 0) + zone
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = trimmed.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.date(from: trimmed)
    }
}
