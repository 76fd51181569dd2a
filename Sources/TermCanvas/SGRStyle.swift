/// The subset of Select Graphic Rendition that log colouring keeps: 256-colour foreground/background
/// (nil = terminal default), bold, underline, dim (faint) and reverse. Italic, blink, conceal, strike-through
/// and the rest are ignored (the text shows plainly).
public struct SGRStyle: Hashable, Sendable {
    public var foreground: UInt8?
    public var background: UInt8?
    public var bold: Bool
    public var underline: Bool
    public var dim: Bool
    public var reverse: Bool

    public init(foreground: UInt8? = nil, background: UInt8? = nil, bold: Bool = false, underline: Bool = false,
                dim: Bool = false, reverse: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.dim = dim
        self.reverse = reverse
    }

    public var isDefault: Bool { self == SGRStyle() }

    /// This style after one SGR sequence's parameters (an empty list means reset, as `ESC [ m` does).
    public func applying(sgrParameters params: [Int]) -> SGRStyle {
        var s = self
        if params.isEmpty { return SGRStyle() }
        var i = 0
        while i < params.count {
            let p = params[i]
            switch p {
            case 0: s = SGRStyle()
            case 1: s.bold = true
            case 2: s.dim = true
            case 22: s.bold = false; s.dim = false
            case 4: s.underline = true
            case 24: s.underline = false
            case 7: s.reverse = true
            case 27: s.reverse = false
            case 30...37: s.foreground = UInt8(p - 30)
            case 39: s.foreground = nil
            case 40...47: s.background = UInt8(p - 40)
            case 49: s.background = nil
            case 90...97: s.foreground = UInt8(p - 90 + 8)
            case 100...107: s.background = UInt8(p - 100 + 8)
            case 38, 48:
                let (color, consumed) = Self.extendedColor(params, from: i + 1)
                if let color {
                    if p == 38 { s.foreground = color } else { s.background = color }
                }
                i += consumed
            default: break
            }
            i += 1
        }
        return s
    }

    /// Parses `5;n` or `2;r;g;b` after a 38/48; returns the colour and how many parameters it used.
    static func extendedColor(_ params: [Int], from start: Int) -> (UInt8?, Int) {
        guard start < params.count else { return (nil, 0) }
        switch params[start] {
        case 5:
            guard start + 1 < params.count else { return (nil, 1) }
            let n = params[start + 1]
            return ((0...255).contains(n) ? UInt8(n) : nil, 2)
        case 2:
            guard start + 3 < params.count else { return (nil, params.count - start) }
            let rgb = params[(start + 1)...(start + 3)].map { min(max($0, 0), 255) }
            return (nearest256(red: rgb[0], green: rgb[1], blue: rgb[2]), 4)
        default:
            return (nil, 1)
        }
    }

    /// Closest xterm-256 index for a true colour: the 6×6×6 cube or the grey ramp, whichever is nearer.
    public static func nearest256(red: Int, green: Int, blue: Int) -> UInt8 {
        let levels = [0, 95, 135, 175, 215, 255]
        func cubeIndex(_ v: Int) -> Int {
            var best = 0
            for (i, l) in levels.enumerated() where abs(l - v) < abs(levels[best] - v) { best = i }
            return best
        }
        let (ri, gi, bi) = (cubeIndex(red), cubeIndex(green), cubeIndex(blue))
        let cube = (levels[ri], levels[gi], levels[bi])
        let cubeDistance = sq(cube.0 - red) + sq(cube.1 - green) + sq(cube.2 - blue)
        let average = (red + green + blue) / 3
        let greyStep = min(max((average - 8 + 5) / 10, 0), 23)
        let grey = 8 + greyStep * 10
        let greyDistance = sq(grey - red) + sq(grey - green) + sq(grey - blue)
        if greyDistance < cubeDistance { return UInt8(232 + greyStep) }
        return UInt8(16 + 36 * ri + 6 * gi + bi)
    }

    private static func sq(_ v: Int) -> Int { v * v }
}
