import NCursesBackend
import SwtopUI
import TermCanvas

/// `[theme.roles]` values: a colour (`"green"`, `"bright-red"`, `208`, `"#ff8700"`, `"default"`) sets the
/// foreground; a table sets any of fg, bg, bold, underline, reverse, dim.
enum ThemeText {
    struct Invalid: Error {
        var message: String
    }

    /// Roles as the config names them: `status-bar` for `.statusBar`.
    static func name(of role: ColorRole) -> String {
        String(describing: role).reduce(into: "") { text, c in
            if c.isUppercase { text += "-" + c.lowercased() } else { text.append(c) }
        }
    }

    static let roleNames = ColorRole.allCases.map(name(of:))

    static func role(_ name: String) -> ColorRole? { ColorRole.allCases.first { Self.name(of: $0) == name } }

    static let colorNames: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "grey": 8, "gray": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11, "bright-blue": 12,
        "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    static func color(_ value: TOMLValue) throws(Invalid) -> ThemeColor {
        if let number = value.int {
            guard (0...255).contains(number) else { throw Invalid(message: "\(number) is not a colour number (0–255)") }
            return .index(UInt8(number))
        }
        guard let text = value.string?.lowercased() else { throw Invalid(message: "a colour is a name, 0–255 or \"#rrggbb\"") }
        if text == "default" { return .terminalDefault }
        if let index = colorNames[text] { return .index(index) }
        if text.hasPrefix("#"), text.count == 7, let rgb = Int(text.dropFirst(), radix: 16) {
            return .index(SGRStyle.nearest256(red: rgb >> 16, green: (rgb >> 8) & 0xFF, blue: rgb & 0xFF))
        }
        throw Invalid(message: "unknown colour \"\(text)\" (a name: \(colorNames.keys.sorted().joined(separator: ", ")), default; "
                        + "0–255; or \"#rrggbb\")")
    }

    static func override(_ value: TOMLValue) throws(Invalid) -> RoleOverride {
        guard let table = value.table else { return RoleOverride(foreground: try color(value)) }
        var look = RoleOverride()
        for key in table.keys {
            let item = table[key]!
            func flag() throws(Invalid) -> Bool {
                guard let flag = item.bool else { throw Invalid(message: "\(key) is true or false") }
                return flag
            }
            switch key {
            case "fg": look.foreground = try color(item)
            case "bg": look.background = try color(item)
            case "bold": look.bold = try flag()
            case "underline": look.underline = try flag()
            case "reverse": look.reverse = try flag()
            case "dim": look.dim = try flag()
            default: throw Invalid(message: "unknown \"\(key)\" (fg, bg, bold, underline, reverse, dim)")
            }
        }
        return look
    }
}
