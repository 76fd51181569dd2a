/// One terminal column. A wide character occupies two cells: the character with `width` 2, then a
/// continuation cell with `width` 0 that the backend skips.
///
/// Plain data, no reference inside: a frame is 10,000 of these at 200×50, and every frame is made,
/// filled, compared with the last one and copied. With a `Character` in each cell, those were
/// reference-counted copies and string comparisons (a third of the dashboard's CPU at N = 50); now they are
/// byte copies. The character is kept as up to five scalars, which is what a curses cell holds
/// (CCHARW_MAX): a longer cluster keeps its first scalar, as the backend always showed it.
public struct Cell: Hashable, Sendable {
    /// The first scalar's value.
    public private(set) var scalar: UInt32
    /// The rest of a cluster (combining marks, variation selectors, ZWJ parts), up to four scalars of 21
    /// bits each, 0 where none: the second in `a`'s low 21 bits, the third in `b`'s, the fourth in `c`,
    /// the fifth split over the top 11 bits of `a` and the top 10 of `b` (so a cell stays 24 bytes).
    private var a: UInt32
    private var b: UInt32
    private var c: UInt32
    public var width: UInt8
    public var style: Style

    /// Scalars a cell holds at most.
    public static let maximumScalars = 5
    private static let low21: UInt32 = 0x1F_FFFF

    public init(character: Character, width: UInt8 = 1, style: Style = .normal) {
        var values: [UInt32] = []
        for scalar in character.unicodeScalars { values.append(scalar.value) }
        if values.count > Self.maximumScalars || values.isEmpty { values = [values.first ?? 0x20] }
        func at(_ i: Int) -> UInt32 { i < values.count ? values[i] : 0 }
        let fifth = at(4)
        self.scalar = values[0]
        self.a = at(1) | (fifth & 0x7FF) << 21
        self.b = at(2) | (fifth >> 11) << 21
        self.c = at(3)
        self.width = width
        self.style = style
    }

    /// A printable ASCII byte (the caller has checked), one column: no grapheme breaking.
    public init(ascii byte: UInt8, style: Style) {
        self.scalar = UInt32(byte)
        self.a = 0
        self.b = 0
        self.c = 0
        self.width = 1
        self.style = style
    }

    /// The character this cell shows.
    public var character: Character {
        var text = String.UnicodeScalarView()
        for value in scalarValues { if let scalar = Unicode.Scalar(value) { text.append(scalar) } }
        return text.isEmpty ? " " : Character(String(text))
    }

    /// The values of the character's scalars, first to last (1 to 5 of them).
    public var scalarValues: [UInt32] {
        var values = [scalar]
        for value in [a & Self.low21, b & Self.low21, c, (a >> 21) | (b >> 21) << 11] {
            guard value != 0 else { break }
            values.append(value)
        }
        return values
    }

    public static let blank = Cell(ascii: 0x20, style: .normal)

    public static func blank(_ style: Style) -> Cell { Cell(ascii: 0x20, style: style) }

    static func continuation(_ style: Style) -> Cell {
        var cell = Cell(ascii: 0x20, style: style)
        cell.width = 0
        return cell
    }

    public var isContinuation: Bool { width == 0 }
}
