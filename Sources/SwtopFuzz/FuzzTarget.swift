/// One decoder under fuzzing: the recorded payloads it starts from, the tokens of its format, and a check
/// that runs one input through the decoder as swtop runs it and says what is wrong (nil: nothing). A crash
/// or a hang is found by the runner; the check finds the quieter faults: an escape byte that would reach
/// the terminal, a stream decoder that answers differently when the same bytes come in other chunks, a
/// value that does not read back as itself.
public struct FuzzTarget: Sendable {
    public let name: String
    public let summary: String
    public let seeds: [[UInt8]]
    public let mutator: Mutator
    /// Repairs a mutated input just enough to get past a first check (tar header checksums, a gzip
    /// wrapper); identity for most targets.
    let prepare: @Sendable ([UInt8], inout FuzzRandom) -> [UInt8]
    let check: @Sendable ([UInt8], inout FuzzRandom) -> String?

    init(name: String, summary: String, seeds: [[UInt8]], dictionary: [String] = [], extraTokens: [[UInt8]] = [],
         maximumSize: Int = 1 << 20,
         prepare: @escaping @Sendable ([UInt8], inout FuzzRandom) -> [UInt8] = { bytes, _ in bytes },
         check: @escaping @Sendable ([UInt8], inout FuzzRandom) -> String?) {
        self.name = name
        self.summary = summary
        self.seeds = seeds.isEmpty ? [[]] : seeds
        self.mutator = Mutator(dictionary: dictionary.map { Array($0.utf8) } + extraTokens, maximumSize: maximumSize)
        self.prepare = prepare
        self.check = check
    }

    /// The input number `index` of a run seeded with `seed`: the same pair always gives the same bytes.
    public func input(_ index: Int, seed: UInt64) -> [UInt8] {
        var random = FuzzRandom(seed: seed ^ (UInt64(index) &* 0x2545_F491_4F6C_DD1D))
        // The seeds themselves first, as recorded.
        if index < seeds.count { return seeds[index] }
        let base = seeds[random.below(seeds.count)]
        return prepare(mutator.mutate(base, others: seeds, &random), &random)
    }

    /// Runs one input; nil when the decoder behaved.
    public func run(_ bytes: [UInt8], index: Int, seed: UInt64) -> String? {
        var random = FuzzRandom(seed: seed &+ UInt64(index) &+ 0x5157)
        return check(bytes, &random)
    }
}
