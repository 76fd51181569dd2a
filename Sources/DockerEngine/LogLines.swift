#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One line of container output, split from the stream it came on.
public struct LogLine: Sendable, Equatable {
    public var stream: LogStream
    /// The engine's RFC 3339 timestamp when asked for with `timestamps=1`.
    public var timestamp: String?
    /// Raw bytes decoded as UTF-8 (invalid sequences become U+FFFD); not yet safe for a terminal.
    public var text: String

    public init(stream: LogStream, timestamp: String? = nil, text: String) {
        self.stream = stream
        self.timestamp = timestamp
        self.text = text
    }
}

/// Joins payload bytes into lines per stream: a line may span many frames (the engine splits lines
/// over 16 KiB), and stdout and stderr interleave without mixing their partial lines.
public struct LineAssembler: Sendable {
    private var partial: [LogStream: [UInt8]] = [:]
    private let timestamps: Bool
    /// A line longer than this is emitted in pieces rather than growing without bound.
    public let maximumLineBytes: Int

    public init(timestamps: Bool, maximumLineBytes: Int = 1 << 20) {
        self.timestamps = timestamps
        self.maximumLineBytes = maximumLineBytes
    }

    public mutating func push(_ bytes: [UInt8], stream: LogStream) -> [LogLine] {
        var lines: [LogLine] = []
        var pending = partial[stream] ?? []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(makeLine(pending, stream: stream))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count >= maximumLineBytes {
                    lines.append(makeLine(pending, stream: stream))
                    pending.removeAll(keepingCapacity: true)
                }
            }
        }
        partial[stream] = pending
        return lines
    }

    /// The unterminated tails of every stream, at the end of the body.
    public mutating func flush() -> [LogLine] {
        var lines: [LogLine] = []
        for stream in [LogStream.stdout, .stderr, .system, .stdin] {
            if let pending = partial[stream], !pending.isEmpty {
                lines.append(makeLine(pending, stream: stream))
            }
        }
        partial.removeAll()
        return lines
    }

    private func makeLine(_ bytes: [UInt8], stream: LogStream) -> LogLine {
        var body = bytes[...]
        if body.last == UInt8(ascii: "\r") { body = body.dropLast() }
        var timestamp: String?
        // Only what looks like the engine's RFC 3339 stamp (`2024-01-02T…`): an error the engine writes
        // into the stream may come without one, and its first word is text.
        if timestamps, let space = body.firstIndex(of: UInt8(ascii: " ")), space - body.startIndex <= 40,
           space - body.startIndex >= 20, body[body.startIndex + 10] == UInt8(ascii: "T"),
           (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(body[body.startIndex]) {
            timestamp = String(decoding: body[body.startIndex..<space], as: UTF8.self)
            body = body[(space + 1)...]
        }
        return LogLine(stream: stream, timestamp: timestamp, text: String(decoding: body, as: UTF8.self))
    }
}
