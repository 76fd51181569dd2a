import CNCurses
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
        case swtop_key_resize():
            forceFullRedraw()
            let (width, height) = size()
            return .resize(width: width, height: height)
        case swtop_key_mouse():
            return mouseKey()
        case swtop_key_f(1)...swtop_key_f(63):
            return .function(Int(code - swtop_key_f0()))
        default:
            return nil
        }
    }

    private func mouseKey() -> Key? {
        var x: Int32 = 0, y: Int32 = 0
        var state: mmask_t = 0
        guard swtop_getmouse(&x, &y, &state) == swtop_ok() else { return nil }
        let action: MouseEvent.Action
        if state & swtop_button4_pressed() != 0 {
            action = .scrollUp
        } else if swtop_button5_pressed() != 0, state & swtop_button5_pressed() != 0 {
            action = .scrollDown
        } else if state & swtop_button1_pressed() != 0 {
            action = .press(.left)
        } else if state & swtop_button1_released() != 0 {
            action = .release(.left)
        } else if state & swtop_button2_pressed() != 0 {
            action = .press(.middle)
        } else if state & swtop_button3_pressed() != 0 {
            action = .press(.right)
        } else {
            return nil
        }
        return .mouse(MouseEvent(x: Int(x), y: Int(y), action: action))
    }
}
