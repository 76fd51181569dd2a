import NCursesBackend
import SwtopUI
import TermCanvas

/// What a config file says, checked: the keys in effect, the theme, and defaults for the dashboard's
/// flags. A flag given on the command line wins over the file; the file over swtop's defaults.
public struct SwtopConfig: Sendable {
    /// The file read, or nil when there is none (everything is a default).
    public var path: String?
    public var keys = KeymapSet.defaults
    public var theme = Theme()
    public var ui = UIOptions()
    /// Where each value came from, by its dotted name (`ui.log-tail`, `theme.name`, `keys.logs.wrap`): the
    /// file's line. A name not here is a default.
    public var lines: [String: Int] = [:]
    /// The rebindings in file order: screen, action, key names.
    public var rebinds: [(screen: ScreenName, action: String, keys: [String])] = []

    public init() {}

    /// Where a value came from, for `swtop config`.
    public func origin(_ name: String) -> String {
        guard let path, let line = lines[name] else { return "default" }
        return "\(path):\(line)"
    }
}

/// `[ui]`: the dashboard's flags as defaults, and the mouse. nil: not in the file.
public struct UIOptions: Sendable, Equatable {
    public var readOnly: Bool?
    public var shell: String?
    public var detachKeys: String?
    public var logTail: Int?
    public var logLines: Int?
    public var logBytes: Int?
    public var secretNames: [String]?
    public var hideStopped: Bool?
    /// A containers sort column's name (`name`, `image`, `state`, `created`, `cpu`, `memory`, `net`, `io`, `pids`).
    public var sort: String?
    public var sortReversed: Bool?
    /// The containers list's columns, in order; nil: swtop's choice by terminal width.
    public var columns: [ContainerColumn]?
    public var apiStats: Bool?
    public var resyncSeconds: Double?
    /// `-H` values, `[NAME=]URL`.
    public var engines: [String]?
    public var contexts: [String]?
    public var mouse: Bool?

    public init() {}
}

/// A config file that cannot be used: where, and what is wrong.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var line: Int
    public var message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// Printed to the terminal: what the file held is quoted in messages, so its escapes and controls are
    /// taken out (found by swtop-fuzz: a key name with ESC in it went to the terminal as it was).
    public var description: String { TerminalSafe.sanitize("\(path):\(line): \(message)") }
}
