#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
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
///
/// A line that comes whole (the usual case: a log follow's frame is one line) is made straight from the
/// bytes given, found with memchr; only the unterminated end of a payload is kept, per stream.
public struct LineAssembler: Sendable {
    /// The unterminated tail of each stream, by its raw value.
    private var partial: [[UInt8]] = [[], [], [], []]
    private let timestamps: Bool
    /// A line longer than this is emitted in pieces rather than growing without bound.
    public let maximumLineBytes: Int

    public init(timestamps: Bool, maximumLineBytes: Int = 1 << 20) {
        self.timestamps = timestamps
        self.maximumLineBytes = max(1, maximumLineBytes)
    }

    public mutating func push(_ bytes: [UInt8], stream: LogStream) -> [LogLine] {
        var lines: [LogLine] = []
        bytes.withUnsafeBytes { push($0, stream: stream, into: &lines) }
        return lines
    }

    /// Appends the complete lines of `bytes` to `lines`.
    public mutating func push(_ bytes: UnsafeRawBufferPointer, stream: LogStream, into lines: inout [LogLine]) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let slot = Int(stream.rawValue)
        var i = 0
        let count = bytes.count
        while i < count {
            let newline = memchr(base + i, 0x0A, count - i).map { UnsafeRawPointer($0) - base } ?? count
            // Pieces of a line too long to keep (what has waited counts towards the cap).
            while partial[slot].count + (newline - i) >= maximumLineBytes {
                let take = maximumLineBytes - partial[slot].count
                emit(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]), slot, stream, &lines)
                i += take
            }
            guard newline < count else {
                partial[slot].append(contentsOf: bytes[i..<count])
                return
            }
            emit(UnsafeRawBufferPointer(rebasing: bytes[i..<newline]), slot, stream, &lines)
            i = newline + 1
        }
    }

    /// A line: the kept tail of its stream (if any) and then `piece`.
    private mutating func emit(_ piece: UnsafeRawBufferPointer, _ slot: Int, _ stream: LogStream, _ lines: inout [LogLine]) {
        if partial[slot].isEmpty {
            lines.append(makeLine(piece, stream: stream))
        } else {
            partial[slot].append(contentsOf: piece)
            lines.append(partial[slot].withUnsafeBytes { makeLine($0, stream: stream) })
            partial[slot].removeAll(keepingCapacity: partial[slot].capacity <= 65_536)
        }
    }

    /// The unterminated tails of every stream, at the end of the body.
    public mutating func flush() -> [LogLine] {
        var lines: [LogLine] = []
        for stream in [LogStream.stdout, .stderr, .system, .stdin] {
            let slot = Int(stream.rawValue)
            if !partial[slot].isEmpty {
                lines.append(partial[slot].withUnsafeBytes { makeLine($0, stream: stream) })
            }
        }
        partial = [[], [], [], []]
        return lines
    }

    private func makeLine(_ bytes: UnsafeRawBufferPointer, stream: LogStream) -> LogLine {
        var body = bytes[...]
        if body.last == UInt8(ascii: "\r") { body = body.dropLast() }
        var timestamp: String?
        // Only what looks like the engine's RFC 3339 stamp (`2024-01-02T…`): an error the engine writes
        // into the stream may come without one, and its first word is text.
        if timestamps, let space = body.firstIndex(of: UInt8(ascii: " ")), space - body.startIndex <= 40,
           space - body.startIndex >= 20, body[body.startIndex + 10] == UInt8(ascii: "T"),
           (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(body[body.startIndex]) {
            timestamp = String(decoding: UnsafeRawBufferPointer(rebasing: body[body.startIndex..<space]), as: UTF8.self)
            body = body[(space + 1)...]
        }
        return LogLine(stream: stream, timestamp: timestamp, text: String(decoding: UnsafeRawBufferPointer(rebasing: body), as: UTF8.self))
    }
}
