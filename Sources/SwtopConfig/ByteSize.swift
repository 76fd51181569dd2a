/// `64MB`, `1GB`, `512KiB`, `1000000`: a size in bytes.
public enum ByteSize {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ text: String) throws -> Int {
        let trimmed = text.filter { !$0.isWhitespace }.uppercased()
        let digits = trimmed.prefix { $0.isNumber }
        guard let number = Int(digits), number > 0 else {
            throw Invalid(description: "not a size: \(text) (e.g. 64MB, 1GB, 1048576)")
        }
        let unit = String(trimmed.dropFirst(digits.count).filter { $0 != "I" && $0 != "B" })
        let scale: Int
        switch unit {
        case "": scale = 1
        case "K": scale = 1 << 10
        case "M": scale = 1 << 20
        case "G": scale = 1 << 30
        default: throw Invalid(description: "unknown size unit in \(text) (use KB, MB or GB)")
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw Invalid(description: "too large a size: \(text)") }
        return bytes
    }
}
