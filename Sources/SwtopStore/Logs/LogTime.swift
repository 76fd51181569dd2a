/// A log line's time as the engine stamped it: nanoseconds since 1970 (UTC). Parsed from and written as
/// RFC 3339 with nine fraction digits, the form `docker logs -t` prints, without Foundation's formatters.
public struct LogTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public init(seconds: Double) { self.nanoseconds = Int64(seconds * 1_000_000_000) }

    public static func < (a: LogTime, b: LogTime) -> Bool { a.nanoseconds < b.nanoseconds }

    public var seconds: Int64 { nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000 }
    public var fraction: Int64 { nanoseconds - seconds * 1_000_000_000 }

    /// `since` as the engine takes it: `seconds.nanoseconds`.
    public var engineSince: String {
        let f = String(fraction)
        return "\(seconds)." + String(repeating: "0", count: 9 - f.count) + f
    }

    /// `2026-11-29T20:15:03.123456789Z`.
    public var description: String { rfc3339(fractionDigits: 9) }

    public func rfc3339(fractionDigits: Int) -> String {
        let (date, clock) = civil
        var s = date + "T" + clock
        if fractionDigits > 0 {
            let f = String(fraction)
            let padded = String(repeating: "0", count: 9 - f.count) + f
            s += "." + padded.prefix(min(9, fractionDigits))
        }
        return s + "Z"
    }

    /// `20:15:03.123` for the log view's time column.
    public var clockText: String {
        let ms = fraction / 1_000_000
        let m = String(ms)
        return civil.clock + "." + String(repeating: "0", count: 3 - m.count) + m
    }

    private var civil: (date: String, clock: String) {
        let secs = seconds
        var days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let secondOfDay = secs - days * 86_400
        // Howard Hinnant's days → civil date.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : String(v) }
        let date = "\(year)-\(two(month))-\(two(day))"
        let clock = "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        return (date, clock)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil when it is anything else.
    public static func parse<S: StringProtocol>(_ text: S) -> LogTime? {
        // Called for every line of a follow: read the bytes in place when the string is contiguous.
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ parse(bytes: $0) }) { return parsed }
        return Array(text.utf8).withUnsafeBufferPointer { parse(bytes: $0) }
    }

    static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> LogTime? {
        guard b.count >= 20 else { return nil }
        func num(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in from..<from + count {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45, let day = num(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = num(11, 2), b[13] == 58,
              let minute = num(14, 2), b[16] == 58, let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[i] - 48); digits += 1 }
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = num(i + 4, 2) {
            offset = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        // Civil date → days (inverse of the above).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        // Nanoseconds in an Int64 reach 1677-09-21 to 2262-04-11: a time outside is not one.
        let (whole, over) = secs.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, past) = whole.addingReportingOverflow(nanos)
        guard !over, !past else { return nil }
        return LogTime(nanoseconds: total)
    }
}
