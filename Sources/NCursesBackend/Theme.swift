import TermCanvas

/// A colour a theme or a config file names: the terminal's own, or an xterm-256 index (0–15 are the
/// ANSI colours). On a terminal with fewer colours it is downsampled, as log colours are.
public enum ThemeColor: Sendable, Hashable {
    case terminalDefault
    case index(UInt8)
}

/// What a theme (or a config's `[theme.roles]`) changes of a role's look; nil keeps the base's.
public struct RoleOverride: Sendable, Hashable {
    public var foreground: ThemeColor?
    public var background: ThemeColor?
    public var bold: Bool?
    public var underline: Bool?
    public var reverse: Bool?
    public var dim: Bool?

    public init(foreground: ThemeColor? = nil, background: ThemeColor? = nil, bold: Bool? = nil, underline: Bool? = nil,
                reverse: Bool? = nil, dim: Bool? = nil) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }

    fileprivate func applied(to base: RoleAppearance, _ capability: ColorCapability) -> RoleAppearance {
        var look = base
        // In mono colours mean nothing: only the attributes are taken.
        if capability != .mono {
            if let foreground { look.foreground = Self.curses(foreground, capability) }
            if let background { look.background = Self.curses(background, capability) }
        }
        if let bold { look.bold = bold }
        if let underline { look.underline = underline }
        if let reverse { look.reverse = reverse }
        if let dim { look.dim = dim }
        return look
    }

    private static func curses(_ color: ThemeColor, _ capability: ColorCapability) -> Int16 {
        switch color {
        case .terminalDefault: -1
        case let .index(index): ColorPalette.map(index, to: capability) ?? -1
        }
    }
}

/// The built-in looks. `dark` is swtop's palette on a dark terminal; `light` keeps text readable on a
/// light background; `high-contrast` uses the brightest colours and bold; `mono` draws no colour at all
/// (attributes only), whatever the terminal offers.
public enum ThemeName: String, CaseIterable, Sendable, Hashable {
    case dark, light, highContrast = "high-contrast", mono
}

/// A built-in theme with a config file's per-role changes on top.
public struct Theme: Sendable, Hashable {
    public var name: ThemeName
    public var overrides: [ColorRole: RoleOverride]

    public init(name: ThemeName = .dark, overrides: [ColorRole: RoleOverride] = [:]) {
        self.name = name
        self.overrides = overrides
    }

    /// `mono` turns colour off as NO_COLOR does.
    public var forcesMono: Bool { name == .mono }

    public func appearance(of role: ColorRole, for capability: ColorCapability) -> RoleAppearance {
        var look = ColorPalette.appearance(of: role, for: capability)
        // A built-in theme's attributes go with its colours; without colours the mono look stands.
        if capability != .mono, let builtIn = Self.tables[name]?[role] { look = builtIn.applied(to: look, capability) }
        if let mine = overrides[role] { look = mine.applied(to: look, capability) }
        return look
    }

    private static func look(_ fg: UInt8?, _ bg: UInt8? = nil, bold: Bool = false, underline: Bool = false) -> RoleOverride {
        RoleOverride(foreground: fg.map(ThemeColor.index) ?? .terminalDefault, background: bg.map(ThemeColor.index) ?? .terminalDefault,
                     bold: bold, underline: underline)
    }

    /// Each theme's colours over the dark palette, as xterm-256 indexes (downsampled on 8 and 16 colours).
    private static let tables: [ThemeName: [ColorRole: RoleOverride]] = [
        .light: [
            .header: look(231, 28, bold: true), .selected: look(231, 25), .selectedMarked: look(220, 25, bold: true),
            .marked: look(130, bold: true), .running: look(28), .ok: look(28), .exited: look(124), .paused: look(136),
            .created: look(25), .restarting: look(90), .dim: look(244), .accent: look(31), .warning: look(166),
            .error: look(160, bold: true), .statusBar: look(235, 252), .statusKey: look(25, 252, bold: true), .border: look(248),
            .title: look(25, bold: true), .banner: look(231, 166, bold: true), .dialog: look(235, 254),
        ],
        .highContrast: [
            .normal: look(231), .header: look(16, 231, bold: true), .selected: look(16, 226, bold: true),
            .selectedMarked: look(16, 208, bold: true), .marked: look(226, bold: true, underline: true),
            .running: look(46, bold: true), .ok: look(46, bold: true), .exited: look(196, bold: true), .paused: look(226, bold: true),
            .created: look(51), .restarting: look(201, bold: true), .dim: look(250), .accent: look(51, bold: true),
            .warning: look(226, bold: true), .error: look(196, bold: true, underline: true), .statusBar: look(16, 231),
            .statusKey: look(16, 226, bold: true), .border: look(231), .title: look(226, bold: true),
            .banner: look(16, 226, bold: true), .dialog: look(16, 231),
        ],
    ]
}
