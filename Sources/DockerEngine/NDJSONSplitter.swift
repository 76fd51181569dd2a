/// Splits a newline-delimited JSON body (the events stream) into complete lines, whatever the chunking.
public struct NDJSONSplitter: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    public mutating func push<Bytes: Sequence>(_ bytes: Bytes) -> [[UInt8]] where Bytes.Element == UInt8 {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if !pending.allSatisfy(Self.isSpace) { lines.append(pending) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return lines
    }

    /// What is left at the end of the body (an engine may omit the final newline).
    public mutating func flush() -> [UInt8]? {
        defer { pending.removeAll() }
        return pending.allSatisfy(Self.isSpace) ? nil : pending
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }
}
