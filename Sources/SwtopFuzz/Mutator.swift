/// A deterministic random source (SplitMix64): a run is repeated exactly from its seed.
public struct FuzzRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0 ..< n (n > 0).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// True with probability 1 / n.
    public mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    /// A small count, most often 1: 1 + the number of heads before a tail, at most `limit`.
    public mutating func few(_ limit: Int) -> Int {
        var n = 1
        while n < limit && next() & 1 == 1 { n += 1 }
        return n
    }

    public mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

/// Changes recorded payloads into near misses: bit flips, hostile and boundary bytes, the target's own
/// tokens put where they do not belong, cut, repeated and spliced pieces. Several changes are stacked on
/// one input, so most inputs stay close to something real (and get past the first check of a decoder).
public struct Mutator: Sendable {
    /// Tokens of the format (`"Id":`, `ESC [`, `ustar`, …) inserted or overwritten whole.
    public var dictionary: [[UInt8]]
    /// The largest input made (bigger results are cut).
    public var maximumSize: Int

    public init(dictionary: [[UInt8]], maximumSize: Int = 1 << 20) {
        self.dictionary = dictionary + Mutator.common
        self.maximumSize = maximumSize
    }

    /// Bytes that end, start or break things in any of swtop's formats.
    static let interesting: [UInt8] = [0x00, 0x01, 0x07, 0x08, 0x09, 0x0A, 0x0D, 0x1B, 0x20, 0x22, 0x2C, 0x30, 0x39, 0x3A,
                                       0x3B, 0x5B, 0x5C, 0x5D, 0x7B, 0x7D, 0x7F, 0x80, 0x9B, 0x9C, 0x9D, 0xBF, 0xC0, 0xC2,
                                       0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF8, 0xFE, 0xFF]

    static let common: [[UInt8]] = [
        [0x1B, 0x5B], [0x1B, 0x5D], [0x1B, 0x50], [0x1B, 0x5F], [0x1B, 0x5C], [0x07], [0xC2, 0x9B], [0xC2, 0x9D],
        [0xE2, 0x80, 0xAE], [0xE2, 0x81, 0xA6], [0xD8, 0x9C], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        Array("38;5;".utf8), Array("38;2;".utf8), Array("99999999999999999999".utf8), Array("-9223372036854775809".utf8),
        Array("18446744073709551616".utf8), Array("1e400".utf8), Array("\\u0000".utf8), Array("\\ud800".utf8),
        Array("\\udc00\\ud800".utf8), Array("\r\n\r\n".utf8), Array("\n".utf8), Array("null".utf8), Array("[".utf8),
        Array("{".utf8), Array("\"".utf8), Array("0000000".utf8), Array("77777777777".utf8),
    ]

    /// `seed` changed 1 to 8 times (`others` are spliced from).
    public func mutate(_ seed: [UInt8], others: [[UInt8]], _ random: inout FuzzRandom) -> [UInt8] {
        if random.oneIn(64) { return (0..<random.below(512)).map { _ in random.byte() } }
        var bytes = seed
        for _ in 0..<random.few(8) {
            change(&bytes, others: others, &random)
            if bytes.count > maximumSize { bytes.removeLast(bytes.count - maximumSize) }
        }
        return bytes
    }

    private func change(_ bytes: inout [UInt8], others: [[UInt8]], _ random: inout FuzzRandom) {
        let count = bytes.count
        switch random.below(13) {
        case 0 where count > 0: // flip a bit
            bytes[random.below(count)] ^= 1 << UInt8(random.below(8))
        case 1 where count > 0: // a random byte
            bytes[random.below(count)] = random.byte()
        case 2 where count > 0: // an interesting byte
            bytes[random.below(count)] = Self.interesting[random.below(Self.interesting.count)]
        case 3: // insert a token
            let token = dictionary[random.below(dictionary.count)]
            bytes.insert(contentsOf: token, at: random.below(count + 1))
        case 4 where count > 0: // overwrite with a token
            let token = dictionary[random.below(dictionary.count)]
            let at = random.below(count)
            let end = min(count, at + token.count)
            bytes.replaceSubrange(at..<end, with: token)
        case 5 where count > 0: // delete a piece
            let at = random.below(count)
            bytes.removeSubrange(at..<min(count, at + random.few(12) * random.few(8)))
        case 6 where count > 0: // copy a piece elsewhere
            let at = random.below(count)
            let piece = Array(bytes[at..<min(count, at + 1 + random.below(64))])
            bytes.insert(contentsOf: piece, at: random.below(count + 1))
        case 7 where count > 0: // repeat a piece many times (deep nesting, long lines, huge counts)
            let at = random.below(count)
            let piece = Array(bytes[at..<min(count, at + 1 + random.below(8))])
            let times = random.oneIn(16) ? 1 + random.below(100_000) : 1 + random.below(200)
            var repeated: [UInt8] = []
            repeated.reserveCapacity(piece.count * times)
            for _ in 0..<times { repeated += piece }
            bytes.insert(contentsOf: repeated, at: at)
        case 8 where !others.isEmpty: // splice with another seed
            let other = others[random.below(others.count)]
            let cut = random.below(count + 1)
            let from = random.below(other.count + 1)
            bytes = Array(bytes[..<cut]) + other[from...]
        case 9 where count > 0: // cut the end off
            bytes.removeLast(1 + random.below(count))
        case 10: // insert random bytes
            let more = (0..<random.few(16)).map { _ in random.byte() }
            bytes.insert(contentsOf: more, at: random.below(count + 1))
        case 11 where count > 0: // a run of digits becomes an extreme number
            let at = random.below(count)
            guard let start = bytes[at...].firstIndex(where: { (0x30...0x39).contains($0) }) else { return }
            let end = bytes[start...].firstIndex(where: { !(0x30...0x39).contains($0) }) ?? count
            let extremes = ["0", "-1", "4294967296", "9223372036854775807", "99999999999999999999999", "1e308"]
            bytes.replaceSubrange(start..<end, with: Array(extremes[random.below(extremes.count)].utf8))
        default: // swap two bytes
            guard count > 1 else { return }
            bytes.swapAt(random.below(count), random.below(count))
        }
    }

    /// Cuts `bytes` into chunks as a socket might deliver them: often whole, sometimes a byte at a time.
    public static func chunks(_ bytes: [UInt8], _ random: inout FuzzRandom) -> [ArraySlice<UInt8>] {
        if bytes.isEmpty || random.oneIn(4) { return [bytes[...]] }
        // A byte or three at a time costs a push each: kept for inputs up to 64 KiB.
        let small = bytes.count <= 1 << 16 && random.oneIn(8)
        var out: [ArraySlice<UInt8>] = []
        var at = 0
        while at < bytes.count {
            let size = small ? 1 + random.below(3) : 1 + random.below(max(1, bytes.count / 2))
            out.append(bytes[at..<min(bytes.count, at + size)])
            at += size
        }
        return out
    }
}
