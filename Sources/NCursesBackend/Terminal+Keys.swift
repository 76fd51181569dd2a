import CNCurses
import Glibc
import TermCanvas

extension Terminal {
    /// The next key, waiting up to `timeoutMilliseconds` (nil = until one arrives). nil on timeout or
    /// for a key swtop does not map. On `.resize` the next `present` repaints everything.
    public func readKey(timeoutMilliseconds: Int?) -> Key? {
        guard isActive, !isSuspended else { return nil }
        let window = swtop_stdscr()
        wtimeout(window, Int32(clamping: timeoutMilliseconds ?? -1))
        var wch: wint_t = 0
        let rc = wget_wch(window, &wch)
        if rc == swtop_err() { return nil }
        if rc == swtop_key_code_yes() {
            return functionKey(Int32(bitPattern: wch))
        }
        if wch == 27 {
            switch mouseReport(window) {
            case .notMouse: break
            case let .mouse(key): return key
            case .ignored: return readKey(timeoutMilliseconds: 0)
            }
        }
        return Self.characterKey(UInt32(wch))
    }

    /// Maps a character from get_wch: control characters to their keys, the rest to `.char`.
    static func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26:
            return .ctrl(Character(Unicode.Scalar(UInt8(value) + 0x60)))
        case 0..<32, 0x80...0x9F: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .char(Character(scalar))
        }
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case swtop_key_up(): return .up
        case swtop_key_down(): return .down
        case swtop_key_left(): return .left
        case swtop_key_right(): return .right
        case swtop_key_ppage(): return .pageUp
        case swtop_key_npage(): return .pageDown
        case swtop_key_home(): return .home
        case swtop_key_end(): return .end
        case swtop_key_enter(): return .enter
        case swtop_key_backspace(): return .backspace
        case swtop_key_dc(): return .delete
        case swtop_key_ic(): return .insert
        case swtop_key_btab(): return .backTab
        case swtop_key_mouse():
            switch mouseFields(swtop_stdscr()) {
            case let .mouse(key): return key
            case .notMouse, .ignored: return readKey(timeoutMilliseconds: 0)
            }
        case swtop_key_resize():
            forceFullRedraw()
            let (width, height) = size()
            return .resize(width: width, height: height)
        case swtop_key_f(1)...swtop_key_f(63):
            return .function(Int(code - swtop_key_f0()))
        default:
            return nil
        }
    }

    /// After an ESC: an SGR mouse report (`ESC [ < button ; column ; row M|m`) as a mouse key. Anything
    /// else is handed back to ncurses unread (a lone Esc, Alt plus a key). A report swtop does not use
    /// (motion, a fourth button) is consumed and `ignored`, so it never arrives as stray keys.
    enum Escape { case notMouse, mouse(Key), ignored }

    func mouseReport(_ window: UnsafeMutablePointer<WINDOW>?) -> Escape {
        wtimeout(window, 0)
        var read: [wint_t] = []
        func next() -> Character? {
            var wch: wint_t = 0
            guard wget_wch(window, &wch) == swtop_ok(), let scalar = Unicode.Scalar(UInt32(wch)) else { return nil }
            read.append(wch)
            return Character(scalar)
        }
        guard next() == "[", next() == "<" else {
            for wch in read.reversed() { _ = unget_wch(wchar_t(bitPattern: UInt32(wch))) }
            return .notMouse
        }
        return mouseFields(window)
    }

    /// The rest of an SGR report after `ESC [ <`: `button ; column ; row` and M (press) or m (release).
    /// Where the terminfo entry's mouse key is `ESC [ <` (xterm's), ncurses hands that prefix over as
    /// KEY_MOUSE and this reads the rest.
    func mouseFields(_ window: UnsafeMutablePointer<WINDOW>?) -> Escape {
        wtimeout(window, 0)
        func next() -> Character? {
            var wch: wint_t = 0
            guard wget_wch(window, &wch) == swtop_ok(), let scalar = Unicode.Scalar(UInt32(wch)) else { return nil }
            return Character(scalar)
        }
        var fields = ""
        var final: Character?
        while fields.count < 24, let c = next() {
            if c == "M" || c == "m" { final = c; break }
            fields.append(c)
        }
        let numbers = fields.split(separator: ";").compactMap { Int($0) }
        guard let final, numbers.count == 3, numbers[1] >= 1, numbers[2] >= 1 else { return .ignored }
        let (code, x, y) = (numbers[0], numbers[1] - 1, numbers[2] - 1)
        guard code & 32 == 0 else { return .ignored }  // motion
        let action: MouseEvent.Action
        switch code & ~(4 | 8 | 16) {  // shift, alt, ctrl
        case 64: action = .scrollUp
        case 65: action = .scrollDown
        case 0:
            guard final == "M" else { return .mouse(.mouse(MouseEvent(x: x, y: y, action: .release(.left)))) }
            let now = Self.monotonicSeconds()
            if let last = lastPress, last.x == x, last.y == y, now - last.at <= Self.doubleClickSeconds {
                lastPress = nil
                action = .doubleClick(.left)
            } else {
                lastPress = (x, y, now)
                action = .press(.left)
            }
        case 1: action = final == "M" ? .press(.middle) : .release(.middle)
        case 2: action = final == "M" ? .press(.right) : .release(.right)
        default: return .ignored
        }
        return .mouse(.mouse(MouseEvent(x: x, y: y, action: action)))
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
