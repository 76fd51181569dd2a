import ArgumentParser
import DockerEngine
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// `swtop logs`: a container's log for scripts, like `docker logs` but safe to print to a terminal:
/// every control sequence the container wrote is removed, its colours are kept only as fresh SGR
/// written by swtop (and only to a terminal, without NO_COLOR). `--raw` gives the bytes as sent.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a container's log, made safe for the terminal (stdout to stdout, stderr to stderr).")

    @OptionGroup var engine: EngineOptions
    @Argument(help: "Container name or id.") var container: String
    @Flag(name: [.customShort("f"), .long], help: "Follow: keep printing new lines until the container stops.") var follow = false
    @Option(name: [.customShort("n"), .long], help: "Lines from the end to start with, or \"all\".") var tail: String = "all"
    @Option(help: "Oldest line: a duration before now (10s, 5m, 2h), unix seconds, or an RFC 3339 time.") var since: String?
    @Flag(name: [.customShort("t"), .long], help: "Print the engine's timestamp before each line.") var timestamps = false
    @Flag(help: "Print the bytes exactly as the engine sent them (not safe for a terminal).") var raw = false

    func run() async throws {
        let tailCount: Int?
        if tail == "all" { tailCount = nil } else if let n = Int(tail), n >= 0 { tailCount = n } else {
            throw ValidationError("--tail takes a number of lines or \"all\", not \(tail)")
        }
        var sinceValue: String?
        if let since {
            guard let parsed = SinceParser.parse(since, now: Date().timeIntervalSince1970) else {
                throw ValidationError("--since takes 10s, 5m, 2h, unix seconds or an RFC 3339 time, not \(since)")
            }
            sinceValue = parsed.engineSince
        }
        let options = LogOptions(follow: follow, tail: tailCount, timestamps: timestamps, since: sinceValue)
        let colour = ColourOutput(stdout: isatty(1) != 0, stderr: isatty(2) != 0,
                                  noColor: getenv("NO_COLOR").map { String(cString: $0) }.map { !$0.isEmpty } ?? false)
        try await failing {
            try await withClient(engine) { client in
                var reader = try await client.openLogs(container, options: options)
                if raw {
                    while let frames = try await reader.nextFrames() {
                        for frame in frames { RawOut.write(frame.stream == .stderr ? 2 : 1, frame.payload) }
                    }
                    return
                }
                while let lines = try await reader.nextLines() {
                    var out: [UInt8] = []
                    var err: [UInt8] = []
                    for line in lines {
                        let toStderr = line.stream == .stderr || line.stream == .system
                        var text = ""
                        if let stamp = line.timestamp { text = TerminalSafe.sanitize(stamp) + " " }
                        text += colour.render(line.text, toStderr: toStderr)
                        text += "\n"
                        if toStderr { err += Array(text.utf8) } else { out += Array(text.utf8) }
                    }
                    if !out.isEmpty { RawOut.write(1, out) }
                    if !err.isEmpty { RawOut.write(2, err) }
                }
            }
        }
    }
}

/// Colours re-written by swtop: only the SGR subset `TerminalSafe.sanitizeKeepingSGR` keeps, only to a
/// terminal, never under NO_COLOR.
struct ColourOutput {
    let stdout: Bool
    let stderr: Bool
    let noColor: Bool

    func render(_ text: String, toStderr: Bool) -> String {
        guard !noColor, toStderr ? stderr : stdout else { return TerminalSafe.sanitize(text) }
        var out = ""
        var styled = false
        for run in TerminalSafe.sanitizeKeepingSGR(text) {
            if run.style.isDefault {
                if styled { out += "\u{1B}[0m" }
                styled = false
            } else {
                out += Self.sgr(run.style)
                styled = true
            }
            out += run.text
        }
        if styled { out += "\u{1B}[0m" }
        return out
    }

    static func sgr(_ style: SGRStyle) -> String {
        var params = ["0"]
        if style.bold { params.append("1") }
        if style.underline { params.append("4") }
        if let fg = style.foreground { params.append("38;5;\(fg)") }
        if let bg = style.background { params.append("48;5;\(bg)") }
        return "\u{1B}[" + params.joined(separator: ";") + "m"
    }
}

enum SinceParser {
    /// `10s`, `5m`, `2h`, `1d` before `now`; unix seconds (fractions allowed); or an RFC 3339 time.
    static func parse(_ text: String, now: Double) -> LogTime? {
        if let time = LogTime.parse(text) { return time }
        if let seconds = Double(text), seconds >= 0 { return LogTime(seconds: seconds) }
        guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 else { return nil }
        let scale: Double
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        default: return nil
        }
        return LogTime(seconds: now - amount * scale)
    }
}

enum RawOut {
    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        FileOutput.writeAll(fd, bytes)
    }
}
