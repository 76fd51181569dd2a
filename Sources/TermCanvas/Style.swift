/// What a cell means, not how it looks: the backend maps each role to colours or attributes
/// for the terminal's capability, so views stay free of palette decisions.
public enum ColorRole: UInt8, CaseIterable, Sendable, Hashable {
    case normal, header, selected, selectedMarked, marked
    case running, exited, paused, created, restarting
    case dim, accent, ok, warning, error
    case statusBar, statusKey, border, title, banner, dialog

    /// One fixed lowercase ASCII letter per role, used by `ScreenBuffer.snapshot()`.
    public var snapshotLetter: Character {
        switch self {
        case .normal: "n"
        case .header: "h"
        case .selected: "s"
        case .selectedMarked: "v"
        case .marked: "m"
        case .running: "r"
        case .exited: "x"
        case .paused: "p"
        case .created: "c"
        case .restarting: "t"
        case .dim: "d"
        case .accent: "a"
        case .ok: "o"
        case .warning: "w"
        case .error: "e"
        case .statusBar: "b"
        case .statusKey: "k"
        case .border: "l"
        case .title: "i"
        case .banner: "g"
        case .dialog: "j"
        }
    }

    /// Inverse of `snapshotLetter`; accepts the uppercase (bold) form too.
    public init?(snapshotLetter: Character) {
        let lower = Character(snapshotLetter.lowercased())
        guard let role = ColorRole.allCases.first(where: { $0.snapshotLetter == lower }) else { return nil }
        self = role
    }
}

public struct Style: Hashable, Sendable {
    public var role: ColorRole
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(_ role: ColorRole = .normal, bold: Bool = false, underline: Bool = false,
                reverse: Bool = false, dim: Bool = false) {
        self.role = role
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }

    public static let normal = Style(.normal)
    public static let header = Style(.header)
    public static let selected = Style(.selected)
    public static let selectedMarked = Style(.selectedMarked)
    public static let marked = Style(.marked)
    public static let dimmed = Style(.dim)
    public static let accent = Style(.accent)
    public static let ok = Style(.ok)
    public static let warning = Style(.warning)
    public static let error = Style(.error)
    public static let statusBar = Style(.statusBar)
    public static let statusKey = Style(.statusKey, bold: true)
    public static let border = Style(.border)
    public static let title = Style(.title, bold: true)
    public static let banner = Style(.banner, bold: true)
    public static let dialog = Style(.dialog)

    public static func role(_ role: ColorRole) -> Style { Style(role) }

    public var bolded: Style { var s = self; s.bold = true; return s }
    public var underlined: Style { var s = self; s.underline = true; return s }
    public var reversed: Style { var s = self; s.reverse = true; return s }
    public func with(role: ColorRole) -> Style { var s = self; s.role = role; return s }
}
