/// One terminal column. A wide character occupies two cells: the character with `width` 2, then a
/// continuation cell with `width` 0 that the backend skips.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var width: UInt8
    public var style: Style

    public init(character: Character, width: UInt8 = 1, style: Style = .normal) {
        self.character = character
        self.width = width
        self.style = style
    }

    public static let blank = Cell(character: " ")

    public static func blank(_ style: Style) -> Cell { Cell(character: " ", width: 1, style: style) }

    static func continuation(_ style: Style) -> Cell { Cell(character: " ", width: 0, style: style) }

    public var isContinuation: Bool { width == 0 }
}
