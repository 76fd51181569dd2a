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
public struct LogFrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var offset = 0

    public init() {}

    /// Bytes received but not yet part of a complete frame.
    public var pendingByteCount: Int { buffer.count - offset }

    public mutating func push<Bytes: Sequence>(_ bytes: Bytes) throws -> [LogFrame] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var frames: [LogFrame] = []
        while buffer.count - offset >= 8 {
            let header = buffer[offset..<offset + 8]
            let streamByte = header[offset]
            guard let stream = LogStream(rawValue: streamByte),
                  header[offset + 1] == 0, header[offset + 2] == 0, header[offset + 3] == 0 else {
                throw DockerError.protocolViolation(
                    "bad log frame header \(header.map { String($0, radix: 16) }.joined(separator: " ")); is the container a TTY?")
            }
            let length = Int(header[offset + 4]) << 24 | Int(header[offset + 5]) << 16
                | Int(header[offset + 6]) << 8 | Int(header[offset + 7])
            guard buffer.count - offset - 8 >= length else { break }
            let start = offset + 8
            frames.append(LogFrame(stream: stream, payload: Array(buffer[start..<start + length])))
            offset = start + length
        }
        compact()
        return frames
    }

    /// Call at the end of the stream: a half frame left over means the stream was cut.
    public func finish() throws {
        if pendingByteCount > 0 {
            throw DockerError.protocolViolation("stream ended inside a log frame (\(pendingByteCount) bytes left)")
        }
    }

    private mutating func compact() {
        if offset == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            offset = 0
        } else if offset > 65_536 {
            buffer.removeFirst(offset)
            offset = 0
        }
    }
}
