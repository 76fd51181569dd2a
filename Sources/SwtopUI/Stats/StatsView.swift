import DockerEngine
import SwtopStore
import TermCanvas

/// The charts: per container a column with CPU, memory, network and block I/O, each a title line with
/// the figures and a block-character chart of the kept samples, newest at the right.
enum StatsView {
    /// Narrower columns than this leave the charts too short to read: fewer containers are shown.
    static let minimumColumnWidth = 36

    static func draw(_ buffer: inout ScreenBuffer, _ state: UIState, _ screen: StatsScreen, _ snapshot: StoreSnapshot) {
        let fits = max(1, buffer.width / minimumColumnWidth)
        let shown = Array(screen.ids.prefix(fits))
        let hidden = screen.ids.count - shown.count
        let title = "stats · " + (hidden > 0 ? "\(hidden) more marked: widen the terminal · " : "")
            + "the last \(ContainerStats.historyLength) samples, newest at the right"
        let (body, status) = ScreenChrome.frame(&buffer, title: title)
        let width = body.width / max(1, shown.count)
        for (index, id) in shown.enumerated() {
            let x = body.x + index * width
            let column = Rect(x: x, y: body.y, width: index == shown.count - 1 ? body.maxX - x : width - 1, height: body.height)
            drawContainer(&buffer, column, id, snapshot)
        }
        let (messageRow, hintsRow) = status.splitTop(1)
        ScreenChrome.message(&buffer, messageRow, state)
        StatusBar(left: "", right: "", hints: state.hints()).draw(into: &buffer, in: hintsRow)
    }

    static func drawContainer(_ buffer: inout ScreenBuffer, _ area: Rect, _ id: String, _ snapshot: StoreSnapshot) {
        guard !area.isEmpty else { return }
        let item = snapshot.containers.first { $0.id == id }
        let stats = snapshot.stats[id]
        let name = item.map { $0.name } ?? ShortID.container(id)
        // The CPU line says where the figures come from.
        buffer.put(name + (item.map { " · " + $0.state.rawValue } ?? " · gone"), x: area.x, y: area.y,
                   style: Style(.title, bold: true), maxWidth: area.width)
        let charts = DetailPane.graphs(stats)
        let rest = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        guard item?.state == .running || item?.state == .paused, stats != nil else {
            buffer.put(item == nil ? "the container is gone" : "not running: no figures", x: rest.x, y: rest.y, style: .dimmed,
                       maxWidth: rest.width)
            return
        }
        // Each chart a title line and an equal share of the rows.
        let share = rest.height / charts.count
        guard share >= 2 else { return }
        for (index, chart) in charts.enumerated() {
            let y = rest.y + index * share
            buffer.put(chart.label, x: rest.x, y: y, style: Style(.header, bold: true), maxWidth: rest.width)
            let labelWidth = DisplayWidth.of(chart.label) + 1
            let top = chart.maxValue ?? (chart.history.max() ?? 0)
            buffer.put(chart.text + " · top " + scale(chart.kind, top), x: rest.x + labelWidth, y: y,
                       maxWidth: rest.width - labelWidth)
            BlockChart.draw(&buffer, Rect(x: rest.x, y: y + 1, width: rest.width, height: share - 1), chart.history,
                            maxValue: top, style: Style(chart.role))
        }
    }

    /// What the chart's full height stands for.
    static func scale(_ kind: DetailPane.Graph.Kind, _ top: Double) -> String {
        switch kind {
        case .percent: return FixedPoint.text(top, decimals: 0) + "%"
        case .bytes: return ByteCount.binary(UInt64(max(0, top)))
        case .rate: return CompactBytes.rate(top)
        }
    }
}

/// A bar chart in block characters, `rect.height` rows tall, one column a sample (the last
/// `rect.width`, newest at the right), eighths of a row by ▁…█.
enum BlockChart {
    static func draw(_ buffer: inout ScreenBuffer, _ rect: Rect, _ values: [Double], maxValue: Double, style: Style) {
        guard !rect.isEmpty else { return }
        let shown = values.suffix(rect.width)
        let eighths = rect.height * 8
        var x = rect.maxX - shown.count
        for value in shown {
            var level = 0
            if value.isFinite, value > 0, maxValue > 0 {
                // Anything above zero shows at least an eighth: a quiet container is not an empty one.
                level = max(1, min(eighths, Int((value / maxValue * Double(eighths)).rounded())))
            }
            for row in 0..<rect.height {
                let filled = level - row * 8
                guard filled > 0 else { break }
                let glyph = filled >= 8 ? "█" : String(Sparkline.levels[filled - 1])
                buffer.put(glyph, x: x, y: rect.maxY - 1 - row, style: style, maxWidth: 1)
            }
            x += 1
        }
    }
}
