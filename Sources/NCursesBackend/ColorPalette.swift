import TermCanvas

/// How many colours the terminal offers, after NO_COLOR.
public enum ColorCapability: Sendable, Hashable {
    case mono, colors8, colors16, colors256

    /// Mono when colours are unavailable, disabled by a non-empty `NO_COLOR`, or there are too few
    /// pairs for one per role; otherwise by the number of colours.
    public static func detect(hasColors: Bool, colors: Int, colorPairs: Int, noColor: String?) -> ColorCapability {
        if let noColor, !noColor.isEmpty { return .mono }
        guard hasColors, colorPairs > ColorRole.allCases.count else { return .mono }
        if colors >= 256 { return .colors256 }
        if colors >= 16 { return .colors16 }
        if colors >= 8 { return .colors8 }
        return .mono
    }
}

/// A role's look on one capability: colours (-1 = terminal default) and the attributes that go with them.
/// In mono the attributes alone carry the meaning.
public struct RoleAppearance: Sendable, Hashable {
    public var foreground: Int16
    public var background: Int16
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(_ foreground: Int16 = -1, _ background: Int16 = -1, bold: Bool = false, underline: Bool = false,
                reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }
}

public enum ColorPalette {
    // ANSI colour numbers.
    private static let black: Int16 = 0, red: Int16 = 1, green: Int16 = 2, yellow: Int16 = 3
    private static let blue: Int16 = 4, magenta: Int16 = 5, cyan: Int16 = 6, white: Int16 = 7, grey: Int16 = 8

    public static func appearance(of role: ColorRole, for capability: ColorCapability) -> RoleAppearance {
        switch capability {
        case .mono: mono(role)
        case .colors8: ansi(role, bright: false)
        case .colors16: ansi(role, bright: true)
        case .colors256: xterm256(role)
        }
    }

    private static func mono(_ role: ColorRole) -> RoleAppearance {
        switch role {
        case .normal, .running, .created, .restarting, .ok, .accent, .border, .dialog, .paused: RoleAppearance()
        case .header: RoleAppearance(bold: true, underline: true)
        case .title, .error, .warning, .marked: RoleAppearance(bold: true)
        case .selected, .statusBar: RoleAppearance(reverse: true)
        case .selectedMarked, .statusKey, .banner: RoleAppearance(bold: true, reverse: true)
        case .dim, .exited: RoleAppearance(dim: true)
        }
    }

    private static func ansi(_ role: ColorRole, bright: Bool) -> RoleAppearance {
        switch role {
        case .normal: RoleAppearance()
        case .header: RoleAppearance(black, green, bold: true)
        case .selected: RoleAppearance(black, cyan)
        case .selectedMarked: RoleAppearance(black, yellow, bold: true)
        case .marked: RoleAppearance(yellow, bold: true)
        case .running, .ok: RoleAppearance(green)
        case .exited: RoleAppearance(red)
        case .paused, .warning: RoleAppearance(yellow)
        case .created, .accent: RoleAppearance(cyan)
        case .restarting: RoleAppearance(magenta)
        case .dim: bright ? RoleAppearance(grey) : RoleAppearance(dim: true)
        case .error: RoleAppearance(red, bold: true)
        case .statusBar: RoleAppearance(white, blue)
        case .statusKey: RoleAppearance(yellow, blue, bold: true)
        case .border: bright ? RoleAppearance(grey) : RoleAppearance(blue)
        case .title: RoleAppearance(cyan, bold: true)
        case .banner: RoleAppearance(black, yellow, bold: true)
        case .dialog: RoleAppearance(black, white)
        }
    }

    private static func xterm256(_ role: ColorRole) -> RoleAppearance {
        switch role {
        case .normal: RoleAppearance()
        case .header: RoleAppearance(16, 114, bold: true)
        case .selected: RoleAppearance(231, 25)
        case .selectedMarked: RoleAppearance(226, 25, bold: true)
        case .marked: RoleAppearance(220, bold: true)
        case .running, .ok: RoleAppearance(114)
        case .exited: RoleAppearance(167)
        case .paused: RoleAppearance(179)
        case .created: RoleAppearance(110)
        case .restarting: RoleAppearance(176)
        case .dim: RoleAppearance(243)
        case .accent: RoleAppearance(81)
        case .warning: RoleAppearance(214)
        case .error: RoleAppearance(203, bold: true)
        case .statusBar: RoleAppearance(252, 237)
        case .statusKey: RoleAppearance(81, 237, bold: true)
        case .border: RoleAppearance(240)
        case .title: RoleAppearance(81, bold: true)
        case .banner: RoleAppearance(16, 214, bold: true)
        case .dialog: RoleAppearance(255, 238)
        }
    }

    /// The colour pair number a role uses (pair 0 is the terminal default and cannot be changed).
    public static func pairNumber(of role: ColorRole) -> Int16 { Int16(role.rawValue) + 1 }

    /// The first pair number free for explicit colours (log SGR): the role pairs come before it.
    public static let firstDynamicPair = Int16(ColorRole.allCases.count) + 1

    /// An explicit xterm-256 colour (`Style.foreground`/`background`) as a curses colour number on
    /// `capability`, or nil when colours are dropped (mono, which includes NO_COLOR).
    public static func map(_ index: UInt8, to capability: ColorCapability) -> Int16? {
        ColorDownsampling.map(index, to: depth(of: capability)).map(Int16.init)
    }

    public static func depth(of capability: ColorCapability) -> ColorDownsampling.Depth {
        switch capability {
        case .mono: .none
        case .colors8: .ansi8
        case .colors16: .ansi16
        case .colors256: .xterm256
        }
    }
}
