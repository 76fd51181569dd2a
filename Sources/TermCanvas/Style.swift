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

/// How a cell looks: its role, attributes and, for text that brought its own colours (SGR in a log line),
/// an xterm-256 foreground/background that overrides the role's colour on capable terminals.
///
/// The four attributes share one byte so that a `Cell` stays 24 bytes with the two optional colours.
public struct Style: Hashable, Sendable {
    public var role: ColorRole
    private var flags: UInt8
    /// xterm-256 index; nil means the role's own foreground.
    public var foreground: UInt8?
    /// xterm-256 index; nil means the role's own background.
    public var background: UInt8?

    private static let boldFlag: UInt8 = 1, underlineFlag: UInt8 = 2, reverseFlag: UInt8 = 4, dimFlag: UInt8 = 8

    public var bold: Bool {
        get { flags & Self.boldFlag != 0 }
        set { setFlag(Self.boldFlag, newValue) }
    }
    public var underline: Bool {
        get { flags & Self.underlineFlag != 0 }
        set { setFlag(Self.underlineFlag, newValue) }
    }
    public var reverse: Bool {
        get { flags & Self.reverseFlag != 0 }
        set { setFlag(Self.reverseFlag, newValue) }
    }
    public var dim: Bool {
        get { flags & Self.dimFlag != 0 }
        set { setFlag(Self.dimFlag, newValue) }
    }

    private mutating func setFlag(_ flag: UInt8, _ on: Bool) {
        if on { flags |= flag } else { flags &= ~flag }
    }

    public init(_ role: ColorRole = .normal, bold: Bool = false, underline: Bool = false,
                reverse: Bool = false, dim: Bool = false, foreground: UInt8? = nil, background: UInt8? = nil) {
        self.role = role
        self.flags = 0
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }

    /// A log run's look on top of `role`: its colours (nil where the SGR left the default, so the role's
    /// colour shows), bold, underline, dim and reverse.
    public init(sgr: SGRStyle, role: ColorRole = .normal) {
        self.init(role, bold: sgr.bold, underline: sgr.underline, reverse: sgr.reverse, dim: sgr.dim,
                  foreground: sgr.foreground, background: sgr.background)
    }

    /// True when the style carries an explicit colour of its own.
    public var hasExplicitColor: Bool { foreground != nil || background != nil }

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
