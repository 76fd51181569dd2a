import Foundation

/// A tmux server of the test's own (its own socket), running one program in a pane of a given size:
/// keys go in with send-keys, the screen comes back with capture-pane.
public final class TmuxSession: @unchecked Sendable {
    public let socket: String
    public let target = "swtop-e2e"

    /// Starts `command` (a shell command line) in a width × height pane. The pane stays after the
    /// program exits, so its last screen and exit line can still be read.
    /// With `interactiveShell`, the pane runs an interactive bash (job control, a `$ ` prompt) in which
    /// the test types commands, `command` is ignored.
    public init(command: String, width: Int = 120, height: Int = 30, environment: [String: String] = [:],
                interactiveShell: Bool = false) throws {
        // A socket path of its own (not -L under the shared /tmp/tmux-UID), so nothing else that
        // cleans up tmux servers can touch it.
        let folder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"].flatMap { $0.isEmpty ? nil : $0 + "/tmux-\(getuid())" }
            ?? NSTemporaryDirectory()
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        socket = folder + "/swtop-e2e-\(UUID().uuidString.prefix(8))"
        // `swift test` exports NO_COLOR=1 to test processes when its output is not a terminal; a pane
        // inherits it only when the test asks for it.
        let unset = environment["NO_COLOR"] == nil ? "-u NO_COLOR " : ""
        let env = unset + environment.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let program = interactiveShell ? "env \(env) PS1='$ ' bash --norc --noprofile -i"
            : "env \(env) sh -c \(Self.quote(command + "; echo \"[exit=$?]\"; sleep 600"))"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", target, "-x", String(width), "-y", String(height), program])
    }

    /// A tmux format of the pane: `#{alternate_on}` (1 while a program uses the alternate screen),
    /// `#{cursor_flag}` (1 when the cursor is shown), `#{pane_current_command}` (the foreground program).
    public func format(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", target, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls a tmux format until it has `value`, or fails naming what it was.
    public func waitFor(format: String, toBe value: String, seconds: Double = 15) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        repeat {
            last = try self.format(format)
            if last == value { return }
            Thread.sleep(forTimeInterval: 0.02)
        } while Date() < deadline
        throw TestFailure("timed out after \(seconds) s waiting for \(format) = \(value) (it is \(last)); the screen was:\n\((try? capture()) ?? "")")
    }

    /// Types a command line into the pane's shell and returns the first output line that starts with
    /// `token` (the echoed command line starts with the prompt, so it never matches).
    public func shell(_ commandLine: String, until token: String, seconds: Double = 15) throws -> String {
        try sendLiteral(commandLine)
        try send("Enter")
        let screen = try waitFor("“\(token)” from: \(commandLine)", seconds: seconds) { screen in
            screen.split(separator: "\n").contains { $0.hasPrefix(token) }
        }
        return screen.split(separator: "\n").map(String.init).first { $0.hasPrefix(token) } ?? ""
    }

    deinit { kill() }

    public func kill() {
        _ = try? Shell.run(["tmux", "-S", socket, "kill-server"], timeout: 10)
        try? FileManager.default.removeItem(atPath: socket)
    }

    @discardableResult
    public func tmux(_ arguments: [String]) throws -> String {
        try Shell.check(["tmux", "-u", "-S", socket] + arguments, environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"], timeout: 20)
    }

    /// Sends keys by tmux name ("Enter", "Escape", "C-k", "Down") or literal text.
    public func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", target] + keys)
    }

    public func sendLiteral(_ text: String) throws {
        try tmux(["send-keys", "-t", target, "-l", text])
    }

    /// The pane as text; `escapes` keeps the colour and attribute sequences.
    public func capture(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", target] + (escapes ? ["-e"] : []))
    }

    public func lines() throws -> [String] {
        try capture().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", target, "-x", String(width), "-y", String(height)])
    }

    /// Polls the pane until `predicate` holds, or fails with the last screen.
    @discardableResult
    public func waitFor(_ what: String, seconds: Double = 15, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        repeat {
            screen = try capture()
            if predicate(screen) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        throw TestFailure("timed out after \(seconds) s waiting for \(what); the screen was:\n\(screen)")
    }

    @discardableResult
    public func waitFor(text: String, seconds: Double = 15) throws -> String {
        try waitFor("“\(text)”", seconds: seconds) { $0.contains(text) }
    }

    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Terminal columns of text captured from a pane (Hangul and CJK take two).
public func displayColumns(_ text: Substring) -> Int {
    text.unicodeScalars.reduce(0) { sum, scalar in
        let v = scalar.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0x1F300...0x1FAFF).contains(v)
        return sum + (wide ? 2 : 1)
    }
}

/// An interactive bash in a pane whose terminal modes (`stty -g`) were saved first, for tests that hand
/// the terminal to swtop and check that the shell gets it back exactly as it was.
public extension TmuxSession {
    static func interactiveShell(width: Int = 120, height: Int = 30, term: String = "xterm-256color",
                                 savingModesTo modesFile: String) throws -> TmuxSession {
        let pane = try TmuxSession(command: "", width: width, height: height,
                                   environment: ["TERM": term, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"], interactiveShell: true)
        try pane.waitFor(format: "#{pane_current_command}", toBe: "bash")
        _ = try pane.shell("stty -g > \(modesFile); echo SAVED", until: "SAVED")
        return pane
    }

    /// Once bash is in the foreground again: whether it is on the main screen, the cursor shown, and the
    /// modes equal to those saved (`token` marks the answer line).
    func shellTerminalState(modesFile: String, token: String) throws -> (mainScreen: Bool, cursorShown: Bool, sameModes: Bool) {
        try waitFor(format: "#{pane_current_command}", toBe: "bash")
        let main = try format("#{alternate_on}") == "0"
        let cursor = try format("#{cursor_flag}") == "1"
        let line = try shell("echo \"\(token) $(stty -g | cmp -s - \(modesFile) && echo same || echo differs)\"", until: token + " ")
        return (main, cursor, line == "\(token) same")
    }
}
