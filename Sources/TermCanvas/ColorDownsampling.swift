/// Maps xterm-256 colour indices (as carried by `Style.foreground`/`background`) down to what a terminal
/// can show. Pure, so the backend's choices can be tested without a terminal.
///
/// Colours 0–15 are the ANSI colours; 16–231 the 6×6×6 cube (levels 0, 95, 135, 175, 215, 255);
/// 232–255 the grey ramp 8, 18, …, 238. For "nearest" the ANSI colours are taken at xterm's default
/// RGB values and distance is squared Euclidean in RGB; ties go to the lower index.
public enum ColorDownsampling {
    /// How many colours the target offers.
    public enum Depth: Sendable, Hashable {
        /// No colours (mono, or NO_COLOR): every colour is dropped.
        case none
        case ansi8
        case ansi16
        case xterm256
    }

    /// The colour to use for `index` on `depth`, or nil when colours are dropped.
    /// On `.ansi8` a bright colour 8–15 becomes its base 0–7 (see `brightensWithBold`). 16–255 take the
    /// nearest of the sixteen and then its base, except that dark grey (8) becomes black or white, whichever
    /// is nearer: a plain nearest-of-eight would turn mid greys yellow.
    public static func map(_ index: UInt8, to depth: Depth) -> UInt8? {
        switch depth {
        case .none: nil
        case .xterm256: index
        case .ansi16: index < 16 ? index : nearestANSI(rgb(of: index), count: 16)
        case .ansi8:
            if index < 16 {
                index & 7
            } else {
                switch nearestANSI(rgb(of: index), count: 16) {
                case 8: greyToBlackOrWhite(rgb(of: index))
                case let n: n & 7
                }
            }
        }
    }

    private static func greyToBlackOrWhite(_ rgb: (red: Int, green: Int, blue: Int)) -> UInt8 {
        let white = ansiRGB[7]
        let toBlack = sq(rgb.red) + sq(rgb.green) + sq(rgb.blue)
        let toWhite = sq(white.red - rgb.red) + sq(white.green - rgb.green) + sq(white.blue - rgb.blue)
        return toWhite < toBlack ? 7 : 0
    }

    /// True when a foreground `index` lost its brightness on `depth` (a bright 8–15 on eight colours):
    /// the backend may add bold, which most 8-colour terminals show as the bright colour.
    public static func brightensWithBold(_ index: UInt8, on depth: Depth) -> Bool {
        depth == .ansi8 && (8...15).contains(index)
    }

    /// The RGB value of an xterm-256 index (xterm's defaults for 0–15).
    public static func rgb(of index: UInt8) -> (red: Int, green: Int, blue: Int) {
        let i = Int(index)
        if i < 16 { return ansiRGB[i] }
        if i >= 232 {
            let v = 8 + (i - 232) * 10
            return (v, v, v)
        }
        let c = i - 16
        return (cubeLevels[c / 36], cubeLevels[(c / 6) % 6], cubeLevels[c % 6])
    }

    /// The index (below `count`, which is 8 or 16) of the ANSI colour nearest to `rgb`.
    public static func nearestANSI(_ rgb: (red: Int, green: Int, blue: Int), count: Int) -> UInt8 {
        var best = 0
        var bestDistance = Int.max
        for i in 0..<min(max(count, 1), 16) {
            let c = ansiRGB[i]
            let d = sq(c.red - rgb.red) + sq(c.green - rgb.green) + sq(c.blue - rgb.blue)
            if d < bestDistance {
                best = i
                bestDistance = d
            }
        }
        return UInt8(best)
    }

    private static let cubeLevels = [0, 95, 135, 175, 215, 255]

    private static let ansiRGB: [(red: Int, green: Int, blue: Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    private static func sq(_ v: Int) -> Int { v * v }
}
