/// A one-row bar chart of recent samples, newest at the right.
public struct Sparkline: Sendable {
    public static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public var values: [Double]
    /// The value drawn as a full bar; nil means the largest value shown.
    public var maxValue: Double?
    public var style: Style

    public init(values: [Double], maxValue: Double? = nil, style: Style = .accent) {
        self.values = values
        self.maxValue = maxValue
        self.style = style
    }

    /// Exactly `width` columns: the last `width` values as bars (0 → ▁, max → █), right-aligned,
    /// padded with spaces on the left when there are fewer values.
    public func render(width: Int) -> String {
        guard width > 0 else { return "" }
        let shown = values.suffix(width)
        let top = maxValue ?? shown.filter { $0.isFinite }.max() ?? 0
        var out = String(repeating: " ", count: width - shown.count)
        for value in shown {
            out.append(Self.levels[Self.level(value, max: top)])
        }
        return out
    }

    static func level(_ value: Double, max top: Double) -> Int {
        guard value.isFinite, top.isFinite, top > 0, value > 0 else { return 0 }
        let scaled = (min(value, top) / top * Double(levels.count - 1)).rounded()
        return Int(scaled)
    }

    @discardableResult
    public func draw(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int) -> Int {
        buffer.put(render(width: width), x: x, y: y, style: style, maxWidth: width)
    }
}
