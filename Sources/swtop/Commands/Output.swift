import DockerEngine
import Foundation
import TermCanvas

func printJSON<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(value)) ?? Data("null".utf8)
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

/// Columns padded by display width (Korean names take two columns a character), every cell made safe
/// for a terminal first: names, images and commands come from the engine and may hold escape bytes.
func printTable(header: [String], rows: [[String]]) {
    let safeRows = rows.map { $0.map(CLIText.safe) }
    var widths = header.map { DisplayWidth.of($0) }
    for row in safeRows {
        for (index, cell) in row.enumerated() { widths[index] = max(widths[index], DisplayWidth.of(cell)) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index == cells.count - 1 ? cell : DisplayWidth.pad(cell, toColumns: widths[index])
        }.joined(separator: "   ")
    }
    var out = line(header) + "\n"
    for row in safeRows { out += line(row) + "\n" }
    FileHandle.standardOutput.write(Data(out.utf8))
}

enum CLIText {
    static func safe(_ text: String) -> String { TerminalSafe.sanitize(text) }
}
