import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Glibc
import TermCanvas

func printJSON<T: Encodable>(_ value: T) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(value)) ?? Data("null".utf8)
    Console.out(String(decoding: data, as: UTF8.self) + "\n")
}

/// Columns padded by display width (Korean names take two columns a character), every cell made safe
/// for a terminal first: names, images and commands come from the engine and may hold escape bytes.
func printTable(header: [String], rows: [[String]]) {
    Console.out(tableText(header: header, rows: rows))
}

func tableText(header: [String], rows: [[String]]) -> String {
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
    return out
}

enum CLIText {
    static func safe(_ text: String) -> String { TerminalSafe.sanitize(text) }
}

/// stdout and stderr with write(2): no FileHandle, so no Foundation beyond FoundationEssentials.
enum Console {
    static func out(_ text: String) { write(1, text) }
    static func error(_ text: String) { write(2, text) }

    private static func write(_ fd: Int32, _ text: String) { FileOutput.writeAll(fd, Array(text.utf8)) }
}
