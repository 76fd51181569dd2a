/// Text from containers (names, labels, log lines, error messages) is hostile: an escape sequence in it
/// could retitle the window, clear the screen or reprogram keys. Everything shown goes through here first.
public enum TerminalSafe {
    /// `s` without escape sequences (CSI, OSC, DCS/APC/PM/SOS strings, two-byte ESC x), other C0 controls,
    /// DEL, C1 controls and bidi controls (marks, embeddings, overrides, isolates). U+FFFD (how a caller's
    /// UTF-8 decoding shows invalid bytes) stays, as a visible placeholder. Tabs become spaces up to the next multiple of 8 columns;
    /// newlines are dropped unless `keepNewlines` (then they restart the tab column).
    public static func sanitize(_ s: String, keepNewlines: Bool = false) -> String {
        if isPlain(s) { return s }
        var out = String.UnicodeScalarView()
        EscapeScanner.scan(s, keepNewlines: keepNewlines,
                           text: { out.append($0) },
                           sgr: { _ in })
        return String(out)
    }

    /// Like `sanitize`, but SGR colour sequences (`ESC [ ... m`) are applied instead of dropped: the result is
    /// the visible text split into runs of one style each (empty runs omitted, neighbours of equal style merged).
    /// Text with nothing to remove comes back as one default-style run without being scanned.
    public static func sanitizeKeepingSGR(_ s: String, keepNewlines: Bool = false) -> [StyledRun] {
        if isPlain(s) { return s.isEmpty ? [] : [StyledRun(text: s, style: SGRStyle())] }
        var runs: [StyledRun] = []
        var current = SGRStyle()
        var pending = String.UnicodeScalarView()
        func flush() {
            guard !pending.isEmpty else { return }
            if let last = runs.last, last.style == current {
                runs[runs.count - 1].text.unicodeScalars.append(contentsOf: pending)
            } else {
                runs.append(StyledRun(text: String(pending), style: current))
            }
            pending = String.UnicodeScalarView()
        }
        EscapeScanner.scan(s, keepNewlines: keepNewlines,
                           text: { pending.append($0) },
                           sgr: { params in
                               let next = current.applying(sgrParameters: params)
                               if next != current {
                                   flush()
                                   current = next
                               }
                           })
        flush()
        return runs
    }

    /// True when no byte could start anything `sanitize` removes: printable ASCII and non-C1, non-bidi
    /// multi-byte sequences only. Lead bytes 0xC2 (C1 range), 0xD8 (U+061C) and 0xE2 (the other bidi
    /// controls) force the slow path.
    static func isPlain(_ s: String) -> Bool {
        for byte in s.utf8 where byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xD8 || byte == 0xE2 {
            return false
        }
        return true
    }

    /// The Unicode Bidi_Control characters: ALM, LRM/RLM, the embeddings/overrides and the isolates.
    static func isBidiControl(_ v: UInt32) -> Bool {
        v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }
}

public struct StyledRun: Hashable, Sendable {
    public var text: String
    public var style: SGRStyle

    public init(text: String, style: SGRStyle) {
        self.text = text
        self.style = style
    }
}

extension Segment {
    /// A sanitised log run as a drawable segment, its SGR look applied on top of `role`.
    public init(_ run: StyledRun, role: ColorRole = .normal) {
        self.init(run.text, Style(sgr: run.style, role: role))
    }
}
