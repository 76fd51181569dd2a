import Foundation
@testable import LayerKit
import TestSupport
import XCTest

/// The real `docker save` output of swtop/layers:latest from both engines (engine 20.10: legacy layout;
/// engine 26.1: OCI layout), without the busybox base layer (2 MB) to keep the fixtures small: every
/// other member is the engines' bytes unchanged (Fixtures/README.md).
final class SampleArchiveTests: XCTestCase {
    struct Sample {
        var layers: [LayerFiles] // layers 1…9, in image order
        var config: ImageConfigDocument
    }

    private func load(_ fixture: String, chunk: Int) throws -> Sample {
        let archive = try Fixture.gunzipped(fixture)
        var reader = ImageArchiveReader()
        var read: [LayerFiles] = []
        try TarRead.push(archive, chunk: chunk) { piece in
            try reader.push(piece)
            read += reader.takeLayers()
        }
        try reader.finish()
        let config = try XCTUnwrap(reader.config.flatMap(ImageConfigDocument.decode), "\(fixture): the config document")
        let diffIDs = try XCTUnwrap(config.rootfs?.diff_ids)
        XCTAssertEqual(diffIDs.count, 10, fixture)
        XCTAssertEqual(read.count, 9, "\(fixture): every layer but the base")
        // Each layer read is named by the SHA-256 of its bytes, which the engine wrote into the config.
        XCTAssertEqual(Set(read.map(\.diffID)), Set(diffIDs.dropFirst()), fixture)
        let layers = try diffIDs.dropFirst().map { id in try XCTUnwrap(read.first { $0.diffID == id }) }
        return Sample(layers: layers, config: config)
    }

    /// A stand-in for the busybox base layer: one file with all of its regular file bytes. Its paths
    /// are each recorded once, so for dive's arithmetic only the byte total counts.
    private let standInBase = LayerFiles(diffID: "sha256:base", records: [
        FileRecord(path: "/bin", kind: .directory, mode: 0o755),
        FileRecord(path: "/bin/busybox", kind: .file, mode: 0o755, size: SampleImage.baseLayerBytes),
    ], fullyHashed: true)

    func testEngine2010LegacyArchive() throws {
        let sample = try load("sample-bookworm-legacy.tar.gz", chunk: 65_536)
        XCTAssertEqual(sample.layers.first?.diffID, "sha256:b8ced225f0d628dadbaa74dedd72eeb43112c40a549f7b71984a047215deddee")
        XCTAssertEqual(sample.layers.last?.diffID, "sha256:56fa83b17d6f5743864ec524bd3737b4526a0dd014127078e50a55a2f61a0ef9")
        try checkRecordsAndChanges(sample, "engine 20.10")
    }

    func testEngine261OCIArchive() throws {
        let sample = try load("sample-trixie-oci.tar.gz", chunk: 1 << 20)
        try checkRecordsAndChanges(sample, "engine 26.1")
    }

    func testBothEnginesHoldTheSameFiles() throws {
        let legacy = try load("sample-bookworm-legacy.tar.gz", chunk: 10_007)
        let oci = try load("sample-trixie-oci.tar.gz", chunk: 10_007)
        // Other bytes (mtimes, header formats) and so other diff ids, but the same records and hashes.
        XCTAssertNotEqual(legacy.layers.map(\.diffID), oci.layers.map(\.diffID))
        XCTAssertEqual(legacy.layers.map(\.records), oci.layers.map(\.records))
    }

    private func checkRecordsAndChanges(_ sample: Sample, _ engine: String) throws {
        XCTAssertEqual(sample.layers.map { SampleImage.withoutHashes($0.records) }, SampleImage.records, engine)
        XCTAssertTrue(sample.layers.allSatisfy(\.fullyHashed))
        // Content hashes, for the files whose content the Dockerfile and Resources/sample-image give.
        let hashes = Dictionary(sample.layers.enumerated().flatMap { index, layer in
            layer.records.compactMap { r in r.hash.map { ("\(index + 1) \(r.path)", $0) } }
        }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(hashes["1 /opt/app/config.txt"], Digest.contentHash("mode=alpha\n"), engine)
        XCTAssertEqual(hashes["3 /opt/app/config.txt"], Digest.contentHash("mode=omega\n"), engine)
        XCTAssertEqual(hashes["3 /opt/app/notes.txt"], Digest.contentHash("a much longer note than the one before it\n"), engine)
        XCTAssertEqual(hashes["1 /opt/app/bin/tool.sh"], hashes["4 /opt/app/bin/tool.sh"], "chmod: same bytes")
        XCTAssertEqual(hashes["8 /opt/app/data/a-hardlink.txt"], Digest.contentHash("alpha data\n"), engine)
        XCTAssertEqual(hashes["6 /opt/app/cache/v2/fresh.txt"], Digest.contentHash("fresh\n"), engine)
        XCTAssertEqual(hashes["9 /opt/app/blob.bin"], Digest.contentHash(bytes: [UInt8](repeating: 0, count: 8 << 20)), engine)
        // 6 files of layer 1, 2 of layer 2, 2 of layer 3, one each of layers 4, 6, 8 and 9
        XCTAssertEqual(hashes.count, 14, "every regular file with content, and only those")

        let changes = ImageStack.changes(of: [standInBase] + sample.layers)
        XCTAssertEqual(changes.dropFirst().map(SampleImage.describe), SampleImage.changes, engine)
        // A removal shows the entry as it stood below.
        XCTAssertEqual(changes[5].first?.record, FileRecord(path: "/opt/app/to-delete.txt", kind: .file, mode: 0o644, size: 38,
                                                            hash: Digest.contentHash("this file is deleted in a later layer\n")))

        // The image's history: 15 steps (the base's import, the Dockerfile's 13, the seed's LABEL), 10 of
        // them layers (the config's empty_layer flags).
        XCTAssertEqual(sample.config.history?.count, 15)
        XCTAssertEqual(sample.config.history?.filter { $0.empty_layer != true }.count, 10)
    }

    /// dive 0.13.1's figures for the image (dive-ci-*.stdout, dive-*.json: the same on both engines),
    /// with the base layer's 1982365 bytes standing in for the base layer.
    func testEfficiencyEqualsDive() throws {
        for fixture in ["sample-bookworm-legacy.tar.gz", "sample-trixie-oci.tar.gz"] {
            let sample = try load(fixture, chunk: 1 << 20)
            let report = Efficiency.report(layers: [standInBase] + sample.layers)
            XCTAssertEqual(report.efficiency, SampleImage.diveEfficiency, fixture)
            // By hand: Σ smallest recorded size per path = 10371257 − (55 + 11 + 42 + 38 + 11 + 0) = 10371100,
            // over Σ all recorded sizes = 10371257.
            XCTAssertEqual(report.efficiency, 10_371_100.0 / 10_371_257.0, fixture)
            XCTAssertEqual(report.wastedBytes, SampleImage.diveWastedBytes, fixture)
            XCTAssertEqual(report.userWastedPercent, SampleImage.diveUserWastedPercent, fixture)
            XCTAssertEqual(report.userWastedPercent, 234.0 / 8_388_892.0, fixture)
            XCTAssertEqual(report.imageSize, SampleImage.diveSizeBytes, fixture)
            XCTAssertEqual(report.layerSizes, [1_982_365, 137, 22, 53, 55, 0, 6, 0, 11, 8_388_608], "dive's layer sizes")
            XCTAssertEqual(SampleImage.describe(report.inefficientFiles), SampleImage.diveInefficientFiles, fixture)
            XCTAssertEqual(report.reclaimableBytes, SampleImage.reclaimableBytes, fixture)
            XCTAssertEqual(report.reclaimableBytes, 148)
        }
    }
}
