/// Which stream a log frame or line came from. Raw value = the stream byte of the frame header.
public enum LogStream: UInt8, Sendable, Hashable, Codable {
    case stdin = 0
    case stdout = 1
    case stderr = 2
    /// Stream 3: an error the engine itself reports in the middle of a stream.
    case system = 3
}

public struct LogFrame: Sendable, Equatable {
    public var stream: LogStream
    public var payload: [UInt8]

    public init(stream: LogStream, payload: [UInt8]) {
        self.stream = stream
        self.payload = payload
    }
}

/// Splits the engine's multiplexed stream (non-TTY logs, attach, exec) into frames:
/// an 8-byte header — stream byte, three zero bytes, big-endian UInt32 length — then the payload.
/// Bytes may arrive cut anywhere: a header split across reads, several frames in one read.
///
/// `decode` hands each payload over in place, as a view into the bytes given (or into the one frame kept
/// from the chunk before, when a frame spans two): a log follow's frames are a line each, so a copy and an
/// array per frame were most of what a line cost. Only the cut frame at a chunk's end is kept.
public struct LogFrameDecoder: Sendable {
    /// The start of a frame the last chunk cut: its header, and as much of its payload as came.
    private var kept: [UInt8] = []

    public init() {}

    /// Bytes received but not yet part of a complete frame.
    public var pendingByteCount: Int { kept.count }

    public mutating func push<Bytes: Sequence>(_ bytes: Bytes) throws -> [LogFrame] where Bytes.Element == UInt8 {
        var frames: [LogFrame] = []
        let body: (LogStream, UnsafeRawBufferPointer) -> Void = { stream, payload in
            frames.append(LogFrame(stream: stream, payload: Array(payload)))
        }
        if let done = try bytes.withContiguousStorageIfAvailable({ try decode(UnsafeRawBufferPointer($0), body) }) {
            _ = done
        } else {
            try Array(bytes).withUnsafeBytes { try decode($0, body) }
        }
        return frames
    }

    /// Each complete frame of what has come so far, its payload valid only during the call.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer,
                                _ body: (LogStream, UnsafeRawBufferPointer) throws -> Void) throws {
        var i = 0
        let count = bytes.count
        if !kept.isEmpty {
            // Complete the cut frame first: its header, then its payload.
            if kept.count < 8 {
                let take = min(8 - kept.count, count)
                kept.append(contentsOf: bytes[0..<take])
                i = take
                guard kept.count == 8 else { return }
            }
            let (stream, length) = try kept.withUnsafeBytes { try Self.header($0, at: 0) }
            let want = 8 + length - kept.count
            let take = min(want, count - i)
            kept.append(contentsOf: bytes[i..<(i + take)])
            i += take
            guard take == want else { return }
            try kept.withUnsafeBytes { try body(stream, UnsafeRawBufferPointer(rebasing: $0[8...])) }
            kept.removeAll(keepingCapacity: kept.capacity <= 65_536)
        }
        while count - i >= 8 {
            let (stream, length) = try Self.header(bytes, at: i)
            guard count - i - 8 >= length else { break }
            try body(stream, UnsafeRawBufferPointer(rebasing: bytes[(i + 8)..<(i + 8 + length)]))
            i += 8 + length
        }
        if i < count { kept.append(contentsOf: bytes[i..<count]) }
    }

    private static func header(_ bytes: UnsafeRawBufferPointer, at i: Int) throws -> (LogStream, Int) {
        guard let stream = LogStream(rawValue: bytes[i]), bytes[i + 1] == 0, bytes[i + 2] == 0, bytes[i + 3] == 0 else {
            throw DockerError.protocolViolation(
                "bad log frame header \(bytes[i..<(i + 8)].map { String($0, radix: 16) }.joined(separator: " ")); is the container a TTY?")
        }
        let length = Int(bytes[i + 4]) << 24 | Int(bytes[i + 5]) << 16 | Int(bytes[i + 6]) << 8 | Int(bytes[i + 7])
        return (stream, length)
    }

    /// Call at the end of the stream: a half frame left over means the stream was cut.
    public func finish() throws {
        if pendingByteCount > 0 {
            throw DockerError.protocolViolation("stream ended inside a log frame (\(pendingByteCount) bytes left)")
        }
    }
}
