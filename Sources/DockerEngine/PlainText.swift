// Small text helpers in place of Foundation's NSString and CharacterSet APIs, so that this module needs
// FoundationEssentials only (Foundation would map ICU and FoundationInternationalization, ~10 MB of code).

extension StringProtocol {
    /// Without leading and trailing whitespace and newlines.
    var trimmedWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}

enum PlainPath {
    /// `base/name`, with one slash between them (what NSString.appendingPathComponent does for plain names).
    static func join(_ base: String, _ name: String) -> String {
        if base.isEmpty { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }
}

enum PercentEncoding {
    /// RFC 3986: keeps the unreserved ASCII characters (letters, digits, `-._~`) and writes every
    /// other UTF-8 byte as `%XX`.
    static func encode(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

enum DecimalText {
    /// `value` with `digits` (0 or 1) decimals, rounded half to even like printf's `%.1f`.
    static func fixed(_ value: Double, digits: Int) -> String {
        if digits <= 0 { return String(Int64(value.rounded(.toNearestOrEven))) }
        let tenths = Int64((value * 10).rounded(.toNearestOrEven))
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
