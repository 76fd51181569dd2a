public enum Alignment: Sendable, Hashable {
    case left, right, center
}

/// Column widths as a terminal lays text out: what a `Cell` occupies and how strings are cut to fit.
public enum DisplayWidth {
    /// 0 for controls, combining marks, joiners and variation selectors; 2 for East Asian Wide/Fullwidth
    /// and emoji-presentation scalars; 1 otherwise.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if isZeroWidth(scalar) { return 0 }
        return isWide(v) ? 2 : 1
    }

    /// A grapheme cluster's width: that of its first non-zero-width scalar, widened to 2 when an
    /// emoji presentation selector (U+FE0F) follows a 1-wide emoji-capable base.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        if scalars.count == 1, let only = scalars.first { return of(only) }
        var base: Unicode.Scalar?
        var width = 0
        for scalar in scalars {
            if let b = base {
                if scalar.value == 0xFE0F, width == 1, b.properties.isEmoji { return 2 }
                continue
            }
            let w = of(scalar)
            if w > 0 {
                base = scalar
                width = w
            }
        }
        return width
    }

    /// Every byte a printable ASCII character (one column each).
    @inlinable
    public static func isPrintableASCII(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { bytes in
            for byte in bytes where byte < 0x20 || byte >= 0x7F { return false }
            return true
        }
    }

    public static func of(_ string: String) -> Int {
        if isPrintableASCII(string) { return string.utf8.count }
        var total = 0
        for ch in string { total += of(ch) }
        return total
    }

    public static func of(_ string: Substring) -> Int {
        var total = 0
        for ch in string { total += of(ch) }
        return total
    }

    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        // Zero width space/joiners/direction marks, word joiner..invisible operators, BOM.
        if (0x200B...0x200F).contains(v) || (0x2060...0x2064).contains(v) || v == 0xFEFF { return true }
        // Hangul medial vowels and final consonants combine with the preceding initial.
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return true
        default: return false
        }
    }

    /// `string` cut to at most `columns` columns, ending in `ellipsis` when anything was cut.
    public static func truncate(_ string: String, toColumns columns: Int, ellipsis: String = "…") -> String {
        guard columns > 0 else { return "" }
        if of(string) <= columns { return string }
        let ellipsisWidth = of(ellipsis)
        guard ellipsisWidth <= columns else { return clip(ellipsis, toColumns: columns) }
        let budget = columns - ellipsisWidth
        var result = ""
        var used = 0
        for ch in string {
            let w = of(ch)
            if used + w > budget { break }
            result.append(ch)
            used += w
        }
        return result + ellipsis
    }

    /// `string` cut hard at `columns` columns; a wide character split by the cut becomes a space.
    public static func clip(_ string: String, toColumns columns: Int) -> String {
        guard columns > 0 else { return "" }
        var result = ""
        var used = 0
        for ch in string {
            let w = of(ch)
            if used + w > columns {
                if used < columns { result.append(" ") }
                break
            }
            result.append(ch)
            used += w
        }
        return result
    }

    /// Exactly `columns` columns: clipped (a split wide character becomes a space) then padded with spaces.
    public static func pad(_ string: String, toColumns columns: Int, alignment: Alignment = .left) -> String {
        guard columns > 0 else { return "" }
        let clipped = clip(string, toColumns: columns)
        let gap = columns - of(clipped)
        guard gap > 0 else { return clipped }
        switch alignment {
        case .left: return clipped + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + clipped
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + clipped + String(repeating: " ", count: gap - left)
        }
    }

    /// Exactly `columns` columns: truncated with an ellipsis when too long, padded when too short.
    public static func fit(_ string: String, toColumns columns: Int, alignment: Alignment = .left,
                           ellipsis: String = "…") -> String {
        pad(truncate(string, toColumns: columns, ellipsis: ellipsis), toColumns: columns, alignment: alignment)
    }
}

extension String {
    /// Terminal columns this text occupies.
    public var displayWidth: Int { DisplayWidth.of(self) }
}

extension Substring {
    /// Terminal columns this text occupies.
    public var displayWidth: Int { DisplayWidth.of(self) }
}

extension Character {
    /// Terminal columns this grapheme cluster occupies.
    public var displayWidth: Int { DisplayWidth.of(self) }
}
