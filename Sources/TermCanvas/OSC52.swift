/// The clipboard escape: `ESC ] 52 ; c ; <base64> BEL` asks the terminal to put the text on the system
/// clipboard (where the terminal allows it; nothing comes back to say whether it did).
public enum OSC52 {
    /// The bytes to write. Inside tmux (`insideTmux`: $TMUX set) the sequence goes twice: wrapped in
    /// tmux's DCS passthrough (`ESC P tmux; … ESC \`, every ESC inside doubled), which reaches the outer
    /// terminal when tmux has `allow-passthrough on`; and plain, which tmux itself takes (into its paste
    /// buffer, and on to the outer terminal) when it has `set-clipboard on`.
    public static func sequence(for text: String, insideTmux: Bool) -> [UInt8] {
        let plain: [UInt8] = [0x1B] + Array("]52;c;".utf8) + Base64.encode(Array(text.utf8)) + [0x07]
        guard insideTmux else { return plain }
        var wrapped: [UInt8] = [0x1B] + Array("Ptmux;".utf8)
        for byte in plain {
            if byte == 0x1B { wrapped.append(0x1B) }
            wrapped.append(byte)
        }
        wrapped += [0x1B, UInt8(ascii: "\\")]
        return wrapped + plain
    }
}

/// RFC 4648 base64 with padding (TermCanvas does without Foundation).
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(index + 1 < bytes.count ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return out
    }
}
