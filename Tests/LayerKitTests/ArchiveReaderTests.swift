import Foundation
@testable import LayerKit
import XCTest

/// `ImageArchiveReader` over archives made here, in both layouts `docker save` writes.
final class ArchiveReaderTests: XCTestCase {
    // MARK: the layers of the synthetic image

    static let bigContent = [UInt8]((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })

    /// Layer 0: a base with a file of 300 kB (more than one gunzip window), a symlink, a directory to
    /// be made opaque and a file to be deleted.
    static func baseLayer() -> [UInt8] {
        var tar = TarBuilder()
        tar.directory("bin")
        tar.file("bin/big", bigContent, mode: 0o755)
        tar.symlink("bin/sh", to: "big")
        tar.directory("etc")
        tar.file("etc/os-release", "ID=test\n")
        tar.file("etc/x", "delete me\n")
        tar.directory("var")
        tar.directory("var/cache")
        tar.file("var/cache/old", "stale\n")
        return tar.finished()
    }

    /// Layer 1: a whiteout, an opaque directory (its marker after its entry, as Docker writes it), a
    /// hardlink, an owner change, and an opaque marker whose directory has no entry of its own.
    static func upperLayer() -> [UInt8] {
        var tar = TarBuilder()
        tar.directory("etc")
        tar.whiteout("etc/x")
        tar.file("etc/os-release", "ID=test\n", uid: 1000, gid: 1000)
        tar.directory("var")
        tar.directory("var/cache")
        tar.opaque("var/cache")
        tar.file("var/cache/new", "fresh\n")
        tar.hardlink("var/cache/new-link", to: "var/cache/new")
        tar.opaque("srv/www")
        tar.file("srv/www/index.html", "<p>\n")
        return tar.finished()
    }

    static func expectedBase() -> [FileRecord] {
        [FileRecord(path: "/bin", kind: .directory, mode: 0o755),
         FileRecord(path: "/bin/big", kind: .file, mode: 0o755, size: 300_000,
                    hash: Digest.contentHash(bytes: bigContent)),
         FileRecord(path: "/bin/sh", kind: .symlink, mode: 0o777, link: "big"),
         FileRecord(path: "/etc", kind: .directory, mode: 0o755),
         FileRecord(path: "/etc/os-release", kind: .file, mode: 0o644, size: 8, hash: Digest.contentHash("ID=test\n")),
         FileRecord(path: "/etc/x", kind: .file, mode: 0o644, size: 10, hash: Digest.contentHash("delete me\n")),
         FileRecord(path: "/var", kind: .directory, mode: 0o755),
         FileRecord(path: "/var/cache", kind: .directory, mode: 0o755),
         FileRecord(path: "/var/cache/old", kind: .file, mode: 0o644, size: 6, hash: Digest.contentHash("stale\n"))]
    }

    static func expectedUpper() -> [FileRecord] {
        [FileRecord(path: "/etc", kind: .directory, mode: 0o755),
         FileRecord(path: "/etc/x", kind: .whiteout),
         FileRecord(path: "/etc/os-release", kind: .file, mode: 0o644, uid: 1000, gid: 1000, size: 8,
                    hash: Digest.contentHash("ID=test\n")),
         FileRecord(path: "/var", kind: .directory, mode: 0o755),
         FileRecord(path: "/var/cache", kind: .directory, mode: 0o755, opaque: true),
         FileRecord(path: "/var/cache/new", kind: .file, mode: 0o644, size: 6, hash: Digest.contentHash("fresh\n")),
         FileRecord(path: "/var/cache/new-link", kind: .hardlink, mode: 0o644, link: "/var/cache/new"),
         FileRecord(path: "/srv/www/index.html", kind: .file, mode: 0o644, size: 4, hash: Digest.contentHash("<p>\n")),
         // The marker's directory had no entry: it is added at the end, opaque.
         FileRecord(path: "/srv/www", kind: .directory, mode: 0o755, opaque: true)]
    }

    static func config(diffIDs: [String]) -> [UInt8] {
        let history = diffIDs.indices.map { #"{"created":"2026-11-29T23:15:00Z","created_by":"/bin/sh -c step \#($0)"}"# }
        return Array(("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\"]},"
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIDs.map { "\"\($0)\"" }.joined(separator: ",") + "]},"
            + "\"history\":[" + history.joined(separator: ",") + "]}").utf8)
    }

    // MARK: archive layouts

    /// `docker save` before engine 25: `<v1 id>/{VERSION,json,layer.tar}`, `<config>.json`, `manifest.json`.
    static func legacyArchive(layers: [[UInt8]]) -> (archive: [UInt8], config: [UInt8]) {
        let diffIDs = layers.map(Digest.sha256)
        let config = config(diffIDs: diffIDs)
        let configName = String(Digest.sha256(config).dropFirst(7)) + ".json"
        var tar = TarBuilder()
        var layerPaths: [String] = []
        // v1 ids sort in another order than the layers (as real ids do): the reader must not care.
        for (index, layer) in layers.enumerated().reversed() {
            let id = String(repeating: String(index), count: 64)
            tar.directory(id)
            tar.file(id + "/VERSION", "1.0")
            tar.file(id + "/json", #"{"id":"\#(id)","created":"2026-11-29T23:15:00Z","container_config":{"Cmd":null}}"#)
            tar.file(id + "/layer.tar", layer)
            layerPaths.insert(id + "/layer.tar", at: 0)
        }
        tar.file(configName, config)
        tar.file("manifest.json", #"[{"Config":"\#(configName)","RepoTags":["test:latest"],"Layers":["\#(layerPaths.joined(separator: "\",\""))"]}]"#)
        tar.file("repositories", #"{"test":{"latest":"\#(String(repeating: "0", count: 64))"}}"#)
        return (tar.finished(), config)
    }

    struct OCIBlob { var bytes: [UInt8]; var gzip: Bool }

    /// Engine 25 and later: `blobs/sha256/<digest>`, `index.json`, `oci-layout`, still a `manifest.json`.
    static func ociArchive(layers: [OCIBlob], diffIDs: [String]) -> (archive: [UInt8], config: [UInt8]) {
        let config = config(diffIDs: diffIDs)
        let configDigest = Digest.sha256(config)
        let layerDigests = layers.map { Digest.sha256($0.bytes) }
        let manifest = Array(("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"\(configDigest)\",\"size\":\(config.count)},"
            + "\"layers\":[" + zip(layers, layerDigests).map { blob, digest in
                "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\(blob.gzip ? "+gzip" : "")\",\"digest\":\"\(digest)\",\"size\":\(blob.bytes.count)}"
            }.joined(separator: ",") + "]}").utf8)
        let manifestDigest = Digest.sha256(manifest)
        var tar = TarBuilder()
        tar.directory("blobs")
        tar.directory("blobs/sha256")
        var blobs: [(String, [UInt8])] = zip(layerDigests, layers.map(\.bytes)).map { ($0, $1) }
        blobs.append((configDigest, config))
        blobs.append((manifestDigest, manifest))
        for (digest, bytes) in blobs.sorted(by: { $0.0 < $1.0 }) {
            tar.file("blobs/sha256/" + digest.dropFirst(7), bytes)
        }
        tar.file("index.json", #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(manifestDigest)","size":\#(manifest.count)}]}"#)
        tar.file("manifest.json", #"[{"Config":"blobs/sha256/\#(configDigest.dropFirst(7))","RepoTags":["test:latest"],"Layers":[]}]"#)
        tar.file("oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
        return (tar.finished(), config)
    }

    static func read(_ archive: [UInt8], chunk: Int? = nil, wanted: Set<String>? = nil) throws -> (layers: [LayerFiles], config: [UInt8]?, progress: ImageArchiveReader.Progress) {
        var reader = ImageArchiveReader(wanted: wanted)
        var layers: [LayerFiles] = []
        try TarRead.push(archive, chunk: chunk) { piece in
            try reader.push(piece)
            layers += reader.takeLayers()
        }
        try reader.finish()
        return (layers, reader.config, reader.progress)
    }

    // MARK: tests

    func testLegacyLayout() throws {
        let base = Self.baseLayer(), upper = Self.upperLayer()
        let (archive, config) = Self.legacyArchive(layers: [base, upper])
        for chunk in [nil, 1, 777] {
            let result = try Self.read(archive, chunk: chunk)
            XCTAssertEqual(result.layers.map(\.diffID), [Digest.sha256(upper), Digest.sha256(base)],
                           "archive order (v1 ids), each named by the SHA-256 of its bytes; chunk \(String(describing: chunk))")
            let byID = Dictionary(uniqueKeysWithValues: result.layers.map { ($0.diffID, $0) })
            XCTAssertEqual(byID[Digest.sha256(base)]?.records, Self.expectedBase())
            XCTAssertEqual(byID[Digest.sha256(upper)]?.records, Self.expectedUpper())
            XCTAssertTrue(result.layers.allSatisfy(\.fullyHashed))
            XCTAssertEqual(result.config, config, "the config document, not a v1 json, manifest.json or repositories")
            XCTAssertEqual(result.progress.bytes, Int64(archive.count))
            XCTAssertEqual(result.progress.layersRead, 0, "all taken")
        }
        let document = try XCTUnwrap(ImageConfigDocument.decode(config))
        XCTAssertEqual(document.rootfs?.diff_ids, [Digest.sha256(base), Digest.sha256(upper)])
        XCTAssertEqual(document.history?.count, 2)
    }

    func testOCILayoutWithAGzipAndAPlainBlob() throws {
        let base = Self.baseLayer(), upper = Self.upperLayer()
        let gzipped = StoredGzip.make(base)
        XCTAssertNotEqual(Digest.sha256(gzipped), Digest.sha256(base))
        let (archive, config) = Self.ociArchive(layers: [OCIBlob(bytes: gzipped, gzip: true), OCIBlob(bytes: upper, gzip: false)],
                                                diffIDs: [Digest.sha256(base), Digest.sha256(upper)])
        for chunk in [nil, 4093, 65_536] {
            let result = try Self.read(archive, chunk: chunk)
            XCTAssertEqual(Set(result.layers.map(\.diffID)), [Digest.sha256(base), Digest.sha256(upper)],
                           "a gzip blob's diff id is the SHA-256 of its uncompressed bytes, not its blob name")
            let byID = Dictionary(uniqueKeysWithValues: result.layers.map { ($0.diffID, $0) })
            XCTAssertEqual(byID[Digest.sha256(base)]?.records, Self.expectedBase())
            XCTAssertEqual(byID[Digest.sha256(upper)]?.records, Self.expectedUpper())
            XCTAssertEqual(result.config, config, "the config blob, not the manifest blob, index.json or manifest.json")
        }
    }

    func testByteAtATimeThroughGunzip() throws {
        var small = TarBuilder()
        small.file("a", "alpha\n")
        small.whiteout("b")
        let layer = small.finished()
        let (archive, _) = Self.ociArchive(layers: [OCIBlob(bytes: StoredGzip.make(layer), gzip: true)], diffIDs: [Digest.sha256(layer)])
        let result = try Self.read(archive, chunk: 1)
        XCTAssertEqual(result.layers.map(\.diffID), [Digest.sha256(layer)])
        XCTAssertEqual(result.layers.first?.records,
                       [FileRecord(path: "/a", kind: .file, mode: 0o644, size: 6, hash: Digest.contentHash("alpha\n")),
                        FileRecord(path: "/b", kind: .whiteout)])
    }

    /// An uncompressed OCI blob is named by its diff id: one not wanted is passed over unparsed (this one
    /// is not even a valid tar past its first header), while a gzip blob has to be read to be known.
    func testWantedSkipsAnOCIBlobUnparsed() throws {
        let base = Self.baseLayer()
        var broken = Self.upperLayer()
        broken[2048 + 5] ^= 0xff // the name in the header of var/ (after etc/, etc/.wh.x, etc/os-release and its data)
        let archive = Self.ociArchive(layers: [OCIBlob(bytes: StoredGzip.make(base), gzip: true), OCIBlob(bytes: broken, gzip: false)],
                                      diffIDs: [Digest.sha256(base), Digest.sha256(broken)]).archive
        XCTAssertThrowsError(try Self.read(archive), "read in full, the broken blob is an error") { error in
            XCTAssertEqual(error as? TarError, .badChecksum(offset: 2048))
        }
        let onlyBase = try Self.read(archive, wanted: [Digest.sha256(base)])
        XCTAssertEqual(onlyBase.layers.map(\.diffID), [Digest.sha256(base)])

        // A plain blob that is wanted, a gzip blob that is not: the gzip one is read and dropped.
        let upper = Self.upperLayer()
        let other = Self.ociArchive(layers: [OCIBlob(bytes: StoredGzip.make(base), gzip: true), OCIBlob(bytes: upper, gzip: false)],
                                    diffIDs: [Digest.sha256(base), Digest.sha256(upper)]).archive
        XCTAssertEqual(try Self.read(other, wanted: [Digest.sha256(upper)]).layers.map(\.diffID), [Digest.sha256(upper)])
        XCTAssertEqual(try Self.read(other, wanted: []).layers.count, 0)
    }

    /// The same layer twice in an image (identical content in two steps) is one blob: read once.
    func testRepeatedLayerIsReadOnce() throws {
        let upper = Self.upperLayer()
        let (archive, _) = Self.legacyArchive(layers: [Self.baseLayer(), upper, upper])
        let result = try Self.read(archive)
        XCTAssertEqual(result.layers.count, 2)
        XCTAssertEqual(Set(result.layers.map(\.diffID)), [Digest.sha256(Self.baseLayer()), Digest.sha256(upper)])
        // Found by swtop-fuzz (image-archive): taken as they came, the repeat was given again once the
        // first copy had been taken.
        for chunk in [1, 512, 4096] {
            XCTAssertEqual(try Self.read(archive, chunk: chunk).layers.map(\.diffID), result.layers.map(\.diffID), "chunks of \(chunk)")
        }
    }

    func testCorruptGzipBlobIsAnError() throws {
        var gzipped = StoredGzip.make(Self.baseLayer())
        gzipped[3] = 0xe0 // reserved flag bits set: not a valid gzip header
        let archive = Self.ociArchive(layers: [OCIBlob(bytes: gzipped, gzip: true)], diffIDs: ["sha256:00"]).archive
        XCTAssertThrowsError(try Self.read(archive)) { error in
            XCTAssertEqual(error as? ArchiveError, .corruptGzip)
            XCTAssertEqual("\(error)", "a gzip layer in the image archive is corrupt")
        }
    }

    func testMissingLayersErrorText() {
        let error = ArchiveError.missingLayers(["sha256:" + String(repeating: "ab", count: 32)])
        XCTAssertEqual(error.description, "the image archive lacks 1 layer(s): sha256:abababababab")
    }

    /// Later members of one path replace earlier ones (as extraction does), in place.
    func testDuplicateMemberReplacesTheEarlierOne() throws {
        var tar = TarBuilder()
        tar.file("a", "first\n")
        tar.file("b", "b\n")
        tar.file("a", "second!\n", mode: 0o600)
        var reader = LayerTarReader()
        let bytes = tar.finished()
        try bytes.withUnsafeBytes { try reader.push($0) }
        let layer = try reader.finish()
        XCTAssertEqual(layer.records.map(\.path), ["/a", "/b"])
        XCTAssertEqual(layer.records[0], FileRecord(path: "/a", kind: .file, mode: 0o600, size: 8, hash: Digest.contentHash("second!\n")))
        XCTAssertEqual(layer.diffID, Digest.sha256(bytes))
    }
}
