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

    /// The folder part of a path ("/" for a file at the root, "." for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
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
    /// `value` with `digits` decimals (0 to 6), rounded half to even like printf's `%.Nf`.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let digits = min(max(digits, 0), 6)
        var scale: Double = 1
        for _ in 0..<digits { scale *= 10 }
        let product = value * scale
        var scaled = product.rounded(.toNearestOrEven)
        if (product - product.rounded(.towardZero)).magnitude == 0.5 {
            // A tie after the multiplication's rounding: decide by the exact product (its rounding error
            // is exactly representable), as printf decides by the exact binary value.
            let exactError = Self.productError(value, scale, product)
            if exactError > 0 { scaled = product.rounded(.up) } else if exactError < 0 { scaled = product.rounded(.down) }
        }
        guard scaled.magnitude < 9e18 else { return String(value) }
        let units = Int64(scaled)
        let sign = units < 0 ? "-" : ""
        let magnitude = units.magnitude
        if digits == 0 { return sign + String(magnitude) }
        let divisor = UInt64(scale)
        var fraction = String(magnitude % divisor)
        if fraction.count < digits { fraction = String(repeating: "0", count: digits - fraction.count) + fraction }
        return "\(sign)\(magnitude / divisor).\(fraction)"
    }

    /// value × scale − product, exactly (a fused multiply-add rounds only once).
    static func productError(_ value: Double, _ scale: Double, _ product: Double) -> Double {
        (-product).addingProduct(value, scale)
    }
}

/// Fixed-point text of a number without Foundation's String(format:): `FixedPoint.text(12.345, decimals: 1)`
/// is "12.3", rounded half to even like printf's `%.1f`. For the UI's CPU column and detail pane.
public enum FixedPoint {
    public static func text(_ value: Double, decimals: Int) -> String {
        DecimalText.fixed(value, digits: decimals)
    }
}
