import CompressNIO
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The recorded payloads under the package's folder.
struct SeedFiles {
    let root: String

    func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return bytes
    }

    /// The regular files of `folder` (relative to the root), by name.
    func names(in folder: String) -> [String] {
        guard let dir = opendir(root + "/" + folder) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }

    func files(in folder: String, where wanted: (String) -> Bool = { _ in true }) -> [[UInt8]] {
        names(in: folder).filter(wanted).compactMap { read(root + "/" + folder + "/" + $0) }.filter { !$0.isEmpty }
    }

    /// The answers recorded from engines 20.10 and 26.1.
    func engineFiles(_ wanted: (String) -> Bool) -> [[UInt8]] {
        files(in: "Tests/DockerEngineTests/Fixtures/engine-20.10", where: wanted)
            + files(in: "Tests/DockerEngineTests/Fixtures/engine-26.1", where: wanted)
    }

    /// `docker save` archives of the probe images (the LayerKit fixtures are gzip-compressed copies;
    /// the two 8 MB samples would make an input 300 times slower to read).
    func imageArchives() -> [[UInt8]] {
        files(in: "Tests/LayerKitTests/Fixtures/probes") { $0.hasSuffix(".tar.gz") }.compactMap(Gzip.inflate)
    }

    /// The layer tars inside the probe archives and the samples (gzip layers inflated), up to 512 KiB each.
    func layerTars() -> [[UInt8]] {
        var layers: [[UInt8]] = []
        let samples = files(in: "Tests/LayerKitTests/Fixtures") { $0.hasSuffix(".tar.gz") }.compactMap(Gzip.inflate)
        for archive in imageArchives() + samples {
            for (_, data) in TarWriter.members(archive) {
                if data.count >= 2, data[0] == 0x1F, data[1] == 0x8B, let inflated = Gzip.inflate(data) {
                    layers.append(inflated)
                } else if data.count >= 512, data[257..<262].elementsEqual("ustar".utf8) {
                    layers.append(data)
                }
            }
        }
        return layers.filter { $0.count <= 512 << 10 }
    }

    /// Lines of NDJSON files, `count` to a seed (a seed of the whole 70 KB file costs a hundred decodes).
    func lineGroups(_ files: [[UInt8]], _ count: Int) -> [[UInt8]] {
        files.flatMap { file -> [[UInt8]] in
            let lines = file.split(separator: 0x0A, omittingEmptySubsequences: false)
            return stride(from: 0, to: lines.count, by: count).map { start in
                Array(lines[start..<min(lines.count, start + count)].joined(separator: [0x0A]))
            }
        }.filter { $0.contains { $0 != 0x0A } }
    }

    /// The fenced blocks of README.md in `language`.
    func readmeBlocks(language: String) -> [[UInt8]] {
        guard let readme = read(root + "/README.md") else { return [] }
        var blocks: [[UInt8]] = []
        var current: [Substring]?
        for line in String(decoding: readme, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if let lines = current {
                if line.hasPrefix("```") {
                    blocks.append(Array(lines.joined(separator: "\n").utf8))
                    current = nil
                } else {
                    current = lines + [line]
                }
            } else if line == "```" + language {
                current = []
            }
        }
        return blocks
    }
}

/// Sets each tar header's checksum to what its bytes sum to, so a mutation inside a header is read and
/// not refused at the first check.
enum TarRepair {
    static func checksums(_ bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        var at = 0
        while at + 512 <= out.count {
            if out[(at + 257)..<(at + 262)].elementsEqual("ustar".utf8) {
                for i in 148..<156 { out[at + i] = 0x20 }
                let sum = out[at..<(at + 512)].reduce(0) { $0 + Int($1) }
                let digits = Array(String(sum, radix: 8).utf8)
                let field = Array(repeating: UInt8(ascii: "0"), count: max(0, 6 - digits.count)) + digits.suffix(6)
                for i in 0..<6 { out[at + 148 + i] = field[i] }
                out[at + 154] = 0
                out[at + 155] = 0x20
            }
            at += 512
        }
        return out
    }
}

/// The smallest tar writer: regular files in ustar headers, and the reverse for seeds.
enum TarWriter {
    static func archive(_ members: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, data) in members {
            var header = [UInt8](repeating: 0, count: 512)
            func field(_ text: String, _ at: Int) { for (i, b) in text.utf8.enumerated() { header[at + i] = b } }
            field(String(name.prefix(100)), 0)
            field("0000644", 100)
            field("0000000", 108)
            field("0000000", 116)
            let size = String(data.count, radix: 8)
            field(String(repeating: "0", count: max(0, 11 - size.count)) + size, 124)
            field("00000000000", 136)
            header[156] = UInt8(ascii: "0")
            field("ustar", 257)
            field("00", 263)
            out += TarRepair.checksums(header)
            out += data
            out += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    /// The regular members of a plain tar (no PAX or GNU names: for seeds only).
    static func members(_ bytes: [UInt8]) -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        var at = 0
        while at + 512 <= bytes.count, bytes[at] != 0 {
            let header = bytes[at..<(at + 512)]
            let name = String(decoding: header.prefix(100).prefix { $0 != 0 }, as: UTF8.self)
            let sizeText = String(decoding: header.dropFirst(124).prefix(12).filter { (0x30...0x37).contains($0) }, as: UTF8.self)
            guard let size = Int(sizeText, radix: 8), at + 512 + size <= bytes.count else { break }
            if header[header.startIndex + 156] == UInt8(ascii: "0") || header[header.startIndex + 156] == 0 {
                out.append((name, Array(bytes[(at + 512)..<(at + 512 + size)])))
            }
            at += 512 + (size + 511) / 512 * 512
        }
        return out
    }
}

/// gzip for the fuzzer: inflate recorded layers (CompressNIO, as swtop does) and wrap a mutated layer in
/// stored (uncompressed) deflate blocks with a correct CRC, so the mutation reaches the tar reader.
enum Gzip {
    static func inflate(_ bytes: [UInt8]) -> [UInt8]? {
        var buffer = ByteBuffer(bytes: bytes)
        guard let out = try? buffer.decompress(with: .gzip(), maxSize: 64 << 20) else { return nil }
        return Array(out.readableBytesView)
    }

    static func stored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF]
        var at = 0
        repeat {
            let n = min(65_535, data.count - at)
            let final: UInt8 = at + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[at..<(at + n)]
            at += n
        } while at < data.count
        let crc = crc32(data)
        let size = UInt32(truncatingIfNeeded: data.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        return out
    }

    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
