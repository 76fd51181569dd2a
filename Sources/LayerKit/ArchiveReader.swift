// The portable path: `GET /images/{name}/get` streamed through two tar parsers. The outer archive is either
// the legacy layout (`<id>/layer.tar`, `manifest.json`) or, from engine 25 on, an OCI layout
// (`blobs/sha256/<hex>`, `index.json`); both put the layers before the manifests, so rather than wait
// for a manifest each member is looked at as it streams by: a gzip or tar member is a layer, read at once
// and named by the SHA-256 of its uncompressed bytes — which is by definition its diff id, what
// `RootFS.Layers` lists — and a small JSON member is kept if it is the image config.
import CompressNIO
import Crypto
import NIOCore

/// One layer tar's bytes → records, hashing each regular file's content and the whole stream.
struct LayerTarReader {
    private var tar = TarStream()
    private var consumer = Consumer()
    private var digest = SHA256()

    private struct Consumer: TarConsumer {
        var builder = LayerRecordBuilder()
        var current: TarHeader?
        var hasher: SHA256?

        mutating func member(_ header: TarHeader) throws {
            current = header
            hasher = header.isRegular && header.size > 0 ? SHA256() : nil
        }

        mutating func data(_ bytes: UnsafeRawBufferPointer) throws {
            hasher?.update(bufferPointer: bytes)
        }

        mutating func memberEnd() throws {
            guard let header = current else { return }
            builder.add(header, hash: hasher.map { ContentHash(digest: $0.finalize()) })
            current = nil
            hasher = nil
        }
    }

    mutating func push(_ bytes: UnsafeRawBufferPointer) throws {
        digest.update(bufferPointer: bytes)
        try tar.push(bytes, into: &consumer)
    }

    mutating func finish() throws -> LayerFiles {
        try tar.finish()
        let id = "sha256:" + Hex.string(digest.finalize())
        return LayerFiles(diffID: id, records: consumer.builder.finish(), fullyHashed: true)
    }
}

/// gzip → plain bytes, in windows of 256 KB.
final class GunzipStream {
    private let inflater: ZlibDecompressor
    private var input = ByteBuffer()
    private var window = ByteBuffer()
    private var ended = false

    init() throws {
        inflater = try ZlibDecompressor(algorithm: .gzip)
        window.reserveCapacity(256 << 10)
    }

    func push(_ bytes: UnsafeRawBufferPointer, _ out: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !ended else { return }
        input.clear()
        input.writeBytes(bytes)
        while input.readableBytes > 0 {
            window.clear()
            let before = input.readerIndex
            do {
                try inflater.inflate(from: &input, to: &window)
            } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                // window full, or all input taken: both just mean "go on"
            } catch {
                throw ArchiveError.corruptGzip
            }
            if window.readableBytes > 0 {
                try window.withUnsafeReadableBytes { try out($0) }
            } else if input.readerIndex == before {
                ended = true // end of the gzip stream: trailing bytes are padding
                return
            }
        }
    }
}

public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    case corruptGzip
    case missingLayers([String])

    public var description: String {
        switch self {
        case .corruptGzip: return "a gzip layer in the image archive is corrupt"
        case let .missingLayers(ids):
            return "the image archive lacks \(ids.count) layer(s): " + ids.map { String($0.prefix(19)) }.joined(separator: ", ")
        }
    }
}

/// Reads an image archive pushed chunk by chunk.
public struct ImageArchiveReader {
    public struct Progress: Sendable, Equatable {
        public var bytes: Int64
        public var layersRead: Int
    }

    /// Diff ids to read; a blob whose name shows it is another (an uncompressed OCI layer is named by its
    /// diff id) is skipped without parsing. nil: read all.
    private let wanted: Set<String>?
    private var outer = TarStream()
    private var consumer: OuterConsumer

    public init(wanted: Set<String>? = nil) {
        self.wanted = wanted
        self.consumer = OuterConsumer(wanted: wanted)
    }

    public var progress: Progress { Progress(bytes: outer.offset, layersRead: consumer.layers.count) }
    /// Layers finished so far (take them as they come to save memory); each diff id once, however the
    /// archive repeats it.
    public mutating func takeLayers() -> [LayerFiles] {
        defer { consumer.layers.removeAll() }
        return consumer.layers
    }
    /// The image config document, once its member has streamed by.
    public var config: [UInt8]? { consumer.config }

    public mutating func push(_ bytes: UnsafeRawBufferPointer) throws {
        try outer.push(bytes, into: &consumer)
    }

    public func finish() throws { try outer.finish() }

    private struct OuterConsumer: TarConsumer {
        let wanted: Set<String>?
        var layers: [LayerFiles] = []
        var seen: Set<String> = []
        var config: [UInt8]?

        enum Member {
            case undecided(path: String, size: Int64, head: [UInt8])
            case plain(LayerTarReader)
            case gzip(GunzipStream, LayerTarReader)
            case json([UInt8])
            case skip
        }
        var member: Member = .skip

        init(wanted: Set<String>?) { self.wanted = wanted }

        mutating func member(_ header: TarHeader) throws {
            member = header.isRegular && header.size > 0
                ? .undecided(path: header.path, size: header.size, head: []) : .skip
        }

        mutating func data(_ bytes: UnsafeRawBufferPointer) throws {
            switch member {
            case .undecided(let path, let size, var head):
                let take = min(512 - head.count, bytes.count)
                head.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<take]))
                if head.count < 512, Int64(head.count) < size {
                    member = .undecided(path: path, size: size, head: head)
                    return
                }
                member = try decide(path: path, size: size, head: head)
                try head.withUnsafeBytes { try feed($0) }
                if take < bytes.count { try feed(UnsafeRawBufferPointer(rebasing: bytes[take...])) }
            default:
                try feed(bytes)
            }
        }

        private mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
            switch member {
            case var .plain(reader):
                member = .skip // let `reader` be uniquely referenced while it grows
                try reader.push(bytes)
                member = .plain(reader)
            case .gzip(let gunzip, var reader):
                member = .skip
                try gunzip.push(bytes) { try reader.push($0) }
                member = .gzip(gunzip, reader)
            case var .json(buffer):
                member = .skip
                buffer.append(contentsOf: bytes)
                member = .json(buffer)
            case .undecided, .skip:
                break
            }
        }

        private func decide(path: String, size: Int64, head: [UInt8]) throws -> Member {
            if head.count >= 2, head[0] == 0x1f, head[1] == 0x8b {
                return .gzip(try GunzipStream(), LayerTarReader())
            }
            let looksTar = head.count == 512
                && (head[257..<262].elementsEqual("ustar".utf8) || head.allSatisfy { $0 == 0 })
            if looksTar {
                if let wanted, path.hasPrefix("blobs/sha256/"),
                   !wanted.contains("sha256:" + path.dropFirst("blobs/sha256/".count)) {
                    return .skip
                }
                return .plain(LayerTarReader())
            }
            if size <= 4 << 20, head.first == UInt8(ascii: "{") { return .json([]) }
            return .skip
        }

        mutating func memberEnd() throws {
            switch member {
            case .undecided(let path, let size, let head):
                // A member shorter than one block: never a layer, perhaps JSON.
                member = try decide(path: path, size: size, head: head)
                try head.withUnsafeBytes { try feed($0) }
                try memberEnd()
                return
            case var .plain(reader):
                try append(reader.finish())
            case .gzip(_, var reader):
                try append(reader.finish())
            case let .json(buffer):
                if config == nil, ImageConfigDocument.isConfig(buffer) { config = buffer }
            case .skip:
                break
            }
            member = .skip
        }

        private mutating func append(_ layer: LayerFiles) {
            if let wanted, !wanted.contains(layer.diffID) { return }
            // Seen, not just still held: a layer already taken is not given twice.
            guard seen.insert(layer.diffID).inserted else { return }
            layers.append(layer)
        }
    }
}

enum Hex {
    static func string<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension ContentHash {
    init(digest: SHA256.Digest) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        digest.withUnsafeBytes { raw in
            for i in 0..<8 { high = high << 8 | UInt64(raw[i]) }
            for i in 8..<16 { low = low << 8 | UInt64(raw[i]) }
        }
        self.init(high: high, low: low)
    }

    /// The hash of a file's content, read in 1 MB pieces; nil when it cannot be read.
    static func ofFile(at path: String) -> ContentHash? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return ContentHash(digest: hasher.finalize())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
