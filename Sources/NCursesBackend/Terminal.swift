import CNCurses
import Glibc
import TermCanvas

public enum TerminalError: Error, CustomStringConvertible {
    case cannotInitialize(term: String?)

    public var description: String {
        switch self {
        case .cannotInitialize(let term):
            "cannot start the terminal UI (TERM=\(term ?? "unset")); is this an interactive terminal?"
        }
    }
}

/// The only owner of ncurses. Use from one thread; `stop()` (or deinit) always restores the terminal.
public final class Terminal {
    public private(set) var capability: ColorCapability = .mono
    /// The roles' look; set before `start`. A mono theme draws no colour, as NO_COLOR.
    public var theme = Theme()
    public private(set) var isActive = false
    public private(set) var isSuspended = false

    private var screen: OpaquePointer?
    private var lastFrame: ScreenBuffer?
    private var needsFullRedraw = true
    private var utf8 = true
    private var styleCache: [Style: (attrs: attr_t, pair: Int16)] = [:]
    /// Pairs allocated for explicit colours, keyed by the curses colours they hold.
    private var dynamicPairs: [ColorKey: Int16] = [:]
    private var nextDynamicPair = Int(ColorPalette.firstDynamicPair)
    /// One past the highest usable pair: COLOR_PAIRS, but never past what a `short` pair number holds.
    private var pairLimit = 0
    private var defaultColorsUsable = false
    /// Mouse reports asked of the terminal (on between `start` and `stop`, off while suspended).
    private var mouseReporting = false
    /// The last left press, to tell a double click (same cell, within `doubleClickSeconds`).
    var lastPress: (x: Int, y: Int, at: Double)?
    static let doubleClickSeconds = 0.4
    static let mouseOn: [UInt8] = Array("\u{1b}[?1000h\u{1b}[?1006h".utf8)
    static let mouseOff: [UInt8] = Array("\u{1b}[?1006l\u{1b}[?1000l".utf8)

    private struct ColorKey: Hashable {
        var foreground: Int16
        var background: Int16
    }

    public init() {}

    deinit { stop() }

    /// Takes over the terminal: raw keys (Ctrl-C/Ctrl-Z arrive as `.ctrl`), no echo, hidden cursor,
    /// 25 ms escape delay, colours per capability (`forcedCapability` overrides detection).
    public func start(mouse: Bool = false, forcedCapability: ColorCapability? = nil) throws {
        guard !isActive else { return }
        _ = swtop_setlocale_all("")
        utf8 = swtop_codeset_is_utf8() != 0
        // Must precede newterm, which reads ESCDELAY otherwise.
        _ = set_escdelay(25)
        guard let screen = swtop_newterm() else {
            throw TerminalError.cannotInitialize(term: getenv("TERM").map { String(cString: $0) })
        }
        self.screen = screen
        isActive = true
        isSuspended = false
        let window = swtop_stdscr()
        _ = raw()
        _ = noecho()
        _ = nonl()
        _ = keypad(window, true)
        _ = curs_set(0)
        _ = leaveok(window, true)

        var colorsUsable = false
        var defaultsUsable = false
        if has_colors() {
            colorsUsable = start_color() == swtop_ok()
            defaultsUsable = colorsUsable && use_default_colors() == swtop_ok()
        }
        let noColor = getenv("NO_COLOR").map { String(cString: $0) }
        capability = forcedCapability ?? (theme.forcesMono ? .mono : nil) ?? ColorCapability.detect(
            hasColors: colorsUsable, colors: Int(swtop_colors()), colorPairs: Int(swtop_color_pairs()), noColor: noColor)
        if !colorsUsable { capability = .mono }
        registerPairs(defaultColorsUsable: defaultsUsable)

        // Mouse reporting is asked of the terminal directly, in SGR form (1006: any column, press and release
        // told apart) whatever the terminfo entry says; ncurses' own mouse code would use the X10 form
        // under TERM=tmux-256color or screen. `readKey` decodes the reports.
        mouseReporting = mouse
        if mouse { writeRaw(Self.mouseOn) }
        // The modes `reclaimAfterContinue` and `resume` go back to.
        _ = def_prog_mode()
        lastFrame = nil
        needsFullRedraw = true
    }

    private func registerPairs(defaultColorsUsable: Bool) {
        styleCache.removeAll()
        dynamicPairs.removeAll()
        nextDynamicPair = Int(ColorPalette.firstDynamicPair)
        self.defaultColorsUsable = defaultColorsUsable
        pairLimit = capability == .mono ? 0 : min(Int(swtop_color_pairs()), Int(Int16.max) + 1)
        guard capability != .mono else { return }
        for role in ColorRole.allCases {
            let colors = roleColors(role)
            _ = init_pair(ColorPalette.pairNumber(of: role), colors.foreground, colors.background)
        }
    }

    /// The curses colours of a role's pair (the terminal default replaced when curses cannot use it).
    private func roleColors(_ role: ColorRole) -> ColorKey {
        let look = theme.appearance(of: role, for: capability)
        var key = ColorKey(foreground: look.foreground, background: look.background)
        if !defaultColorsUsable {
            if key.foreground < 0 { key.foreground = 7 }
            if key.background < 0 { key.background = 0 }
        }
        return key
    }

    /// The pair for a style with explicit colours: its colours mapped to the capability, the role's where it
    /// has none. Allocated on first use; when the pairs run out (or curses refuses one) the role's own pair.
    private func explicitPair(for style: Style) -> Int16 {
        let rolePair = ColorPalette.pairNumber(of: style.role)
        let roleKey = roleColors(style.role)
        let key = ColorKey(
            foreground: style.foreground.flatMap { ColorPalette.map($0, to: capability) } ?? roleKey.foreground,
            background: style.background.flatMap { ColorPalette.map($0, to: capability) } ?? roleKey.background)
        if key == roleKey { return rolePair }
        if let known = dynamicPairs[key] { return known }
        guard nextDynamicPair < pairLimit else { return rolePair }
        let number = Int16(nextDynamicPair)
        guard init_pair(number, key.foreground, key.background) == swtop_ok() else { return rolePair }
        nextDynamicPair += 1
        dynamicPairs[key] = number
        return number
    }

    /// Terminal size in columns and rows.
    public func size() -> (width: Int, height: Int) {
        guard isActive else { return (0, 0) }
        var rows: Int32 = 0, cols: Int32 = 0
        swtop_getmaxyx(swtop_stdscr(), &rows, &cols)
        return (Int(cols), Int(rows))
    }

    /// Repaints everything on the next `present` (after a resize or when the screen was disturbed).
    public func forceFullRedraw() {
        needsFullRedraw = true
    }

    /// Writes the cells that changed since the last frame, then refreshes once.
    public func present(_ buffer: ScreenBuffer) {
        guard isActive, !isSuspended else { return }
        let window = swtop_stdscr()
        let full = needsFullRedraw || lastFrame == nil
        if full {
            _ = werase(window)
            _ = clearok(swtop_curscr(), true)
        }
        let (cols, rows) = size()
        for run in buffer.changes(from: full ? nil : lastFrame) where run.y < rows {
            var x = run.x
            for cell in run.cells {
                defer { x += 1 }
                if cell.width == 0 { continue }
                guard x < cols else { break }
                write(cell, x: x, y: run.y, columnsLeft: cols - x, window: window)
            }
        }
        _ = wrefresh(window)
        lastFrame = buffer
        needsFullRedraw = false
    }

    private func write(_ cell: Cell, x: Int, y: Int, columnsLeft: Int, window: UnsafeMutablePointer<WINDOW>?) {
        let (attrs, pair) = attributes(for: cell.style)
        var chars = cell.scalarValues.map { wchar_t(bitPattern: $0) }
        let wanted = Int(cell.width)
        let curses = Int(swtop_wcwidth(chars[0]))
        if wanted == 2 && columnsLeft < 2 {
            chars = [wchar_t(0x20)]
        } else if curses != wanted || (!utf8 && chars[0] > 0x7F) {
            // ncurses advances by wcwidth of the base character; if that disagrees with the buffer the rest of
            // the row would shift, so write something whose width both agree on.
            put(fallback(for: cell, cursesWidth: curses), attrs: attrs, pair: pair, x: x, y: y, window: window)
            return
        }
        _ = swtop_put_cell(window, Int32(y), Int32(x), chars, Int32(chars.count), attrs, pair)
    }

    private func fallback(for cell: Cell, cursesWidth: Int) -> [wchar_t] {
        let base = cell.scalar
        if utf8, cell.width == 2, cursesWidth == 1 {
            // e.g. a text-default emoji made wide by VS16: the bare base in text presentation, then a space.
            return [wchar_t(bitPattern: base), 0x20]
        }
        let ascii: wchar_t
        switch base {
        case 0x2500, 0x2501: ascii = 0x2D  // ─ → -
        case 0x2502, 0x2503: ascii = 0x7C  // │ → |
        case 0x250C, 0x2510, 0x2514, 0x2518: ascii = 0x2B  // corners → +
        default: ascii = utf8 ? 0xFFFD : 0x3F
        }
        return cell.width == 2 ? [ascii, 0x20] : [ascii]
    }

    private func put(_ chars: [wchar_t], attrs: attr_t, pair: Int16, x: Int, y: Int, window: UnsafeMutablePointer<WINDOW>?) {
        for (i, ch) in chars.enumerated() {
            var one = [ch]
            _ = swtop_put_cell(window, Int32(y), Int32(x + i), &one, 1, attrs, pair)
        }
    }

    private func attributes(for style: Style) -> (attrs: attr_t, pair: Int16) {
        if let cached = styleCache[style] { return cached }
        let look = theme.appearance(of: style.role, for: capability)
        var attrs = swtop_a_normal()
        var bold = look.bold || style.bold
        if let fg = style.foreground, ColorDownsampling.brightensWithBold(fg, on: ColorPalette.depth(of: capability)) {
            bold = true
        }
        if bold { attrs |= swtop_a_bold() }
        if look.underline || style.underline { attrs |= swtop_a_underline() }
        if look.reverse != style.reverse { attrs |= swtop_a_reverse() }
        if look.dim || style.dim { attrs |= swtop_a_dim() }
        let pair: Int16
        if capability == .mono {
            pair = 0
        } else if style.hasExplicitColor {
            pair = explicitPair(for: style)
        } else {
            pair = ColorPalette.pairNumber(of: style.role)
        }
        // Log colours make styles many; a hostile log must not grow the cache without bound.
        if styleCache.count >= 4096 { styleCache.removeAll(keepingCapacity: true) }
        styleCache[style] = (attrs, pair)
        return (attrs, pair)
    }

    /// Writes bytes straight to the terminal between frames (an OSC 52 clipboard request): ncurses's
    /// output is flushed first, so the bytes cannot land inside a half-written frame. They must not move
    /// the cursor or draw: curses does not know about them.
    public func writeRaw(_ bytes: [UInt8]) {
        guard isActive, !isSuspended, !bytes.isEmpty else { return }
        fflush(nil)  // every stdio stream; ncurses has flushed its own buffer at the end of the frame
        // A non-blocking terminal that is full: wait for room, a little, rather than spin.
        FileOutput.writeAll(STDOUT_FILENO, bytes, waitMilliseconds: 200)
    }

    /// Leaves curses mode so a child program (exec, an editor) or a job-control stop can use the terminal.
    public func suspend() {
        guard isActive, !isSuspended else { return }
        // The terminal's own selection works in the program that gets the terminal (exec, attach, a shell).
        if mouseReporting { writeRaw(Self.mouseOff) }
        _ = def_prog_mode()
        _ = endwin()
        isSuspended = true
    }

    /// Returns to curses mode after `suspend()` and repaints everything on the next `present`.
    public func resume() {
        guard isActive, isSuspended else { return }
        _ = reset_prog_mode()
        _ = curs_set(0)
        _ = clearok(swtop_curscr(), true)
        _ = wrefresh(swtop_stdscr())
        isSuspended = false
        lastFrame = nil
        needsFullRedraw = true
        if mouseReporting { writeRaw(Self.mouseOn) }
    }

    /// Ctrl-Z: restores the terminal, stops this process's job, and resumes curses once continued.
    ///
    /// The whole process group stops, as a terminal's own Ctrl-Z stops the foreground job: run from a
    /// wrapper script (`bash Scripts/run.sh`), stopping swtop alone left the script in the foreground and
    /// the shell never got the terminal back. The stop is process-directed, so it may reach this thread a
    /// moment after `killpg` returns: the screen was once drawn again (alternate screen, raw mode) under
    /// the shell's "Stopped" line. So nothing is drawn until `waitForContinue` has seen the SIGCONT that
    /// ends the stop. SIGSTOP rather than SIGTSTP: it cannot be caught or ignored, and an orphaned process
    /// group does not discard it. If the group cannot be signalled, this thread stops itself (a
    /// thread-directed stop is taken before the call returns).
    public func suspendProcess(waitForContinue: () -> Void) {
        suspend()
        if killpg(getpgrp(), SIGSTOP) == 0 {
            waitForContinue()
        } else {
            _ = pthread_kill(pthread_self(), SIGSTOP)
        }
        resume()
    }

    /// After this process was stopped and continued from outside (SIGSTOP/SIGCONT without Ctrl-Z),
    /// the shell may have written over the screen and reset the modes: take both back.
    public func reclaimAfterContinue() {
        guard isActive, !isSuspended else { return }
        _ = reset_prog_mode()
        _ = curs_set(0)
        lastFrame = nil
        needsFullRedraw = true
        if mouseReporting { writeRaw(Self.mouseOn) }
    }

    /// Restores the terminal. Safe to call more than once and from deinit.
    public func stop() {
        guard isActive else { return }
        if mouseReporting, !isSuspended { writeRaw(Self.mouseOff) }
        mouseReporting = false
        if !isendwin() { _ = endwin() }
        if let screen { delscreen(screen) }
        screen = nil
        isActive = false
        isSuspended = false
        lastFrame = nil
    }
}

@available(*, unavailable)
extension Terminal: Sendable {}
