import Foundation
@testable import LayerKit
import XCTest

/// Efficiency figures against what dive 0.13.1 printed for the probe archives (Fixtures/probes: the
/// archives dive read, its `-j` JSON and its `--ci` output, unedited).
final class EfficiencyTests: XCTestCase {
    /// What dive printed for one probe.
    struct DiveOutput {
        var efficiencyLine: String          // "61.5385" (percent, %2.4f)
        var wastedBytes: Int64
        var userWastedLine: String          // "200.0000"
        var inefficientRows: [String]       // "count human-size path", in dive's order
        var failLines: [String]             // "highestUserWastedPercent: too many …"
        var json: DiveJSON?
    }

    struct DiveJSON: Decodable {
        struct Layer: Decodable { var sizeBytes: Int64 }
        struct Image: Decodable {
            struct Reference: Decodable { var count: Int; var sizeBytes: Int64; var file: String }
            var sizeBytes: Int64
            var inefficientBytes: Int64
            var efficiencyScore: Double
            var fileReference: [Reference]
        }
        var layer: [Layer]
        var image: Image
    }

    static func dive(_ probe: String) throws -> DiveOutput {
        let raw = try Fixture.text("probes/\(probe).ci.out")
        let text = raw.replacingOccurrences(of: "\u{1b}\\[[0-9;]*m", with: "", options: .regularExpression)
        let lines = text.split(separator: "\n").map(String.init)
        func value(_ prefix: String) throws -> String {
            let line = try XCTUnwrap(lines.first { $0.hasPrefix(prefix) }, "\(probe): no '\(prefix)' line")
            return String(line.dropFirst(prefix.count))
        }
        let header = try XCTUnwrap(lines.firstIndex(of: "Count  Wasted Space  File Path"))
        let results = try XCTUnwrap(lines.firstIndex(of: "Results:"))
        let rows = lines[(header + 1)..<results].filter { $0 != "None" }.map { row in
            // "%5s  %12s  %-s"
            let count = row.prefix(5).trimmingCharacters(in: .whitespaces)
            let size = row.dropFirst(7).prefix(12).trimmingCharacters(in: .whitespaces)
            return "\(count) \(size) \(row.dropFirst(21))"
        }
        var json: DiveJSON?
        if FileManager.default.fileExists(atPath: Fixture.directory.appendingPathComponent("probes/\(probe).dive.json").path) {
            json = try JSONDecoder().decode(DiveJSON.self, from: Data(try Fixture.bytes("probes/\(probe).dive.json")))
        }
        return DiveOutput(
            efficiencyLine: String(try value("  efficiency: ").dropLast(2)),
            wastedBytes: try XCTUnwrap(Int64(try value("  wastedBytes: ").split(separator: " ")[0])),
            userWastedLine: String(try value("  userWastedPercent: ").dropLast(2)),
            inefficientRows: rows,
            failLines: lines.filter { $0.hasPrefix("  FAIL: ") }.map { String($0.dropFirst(8)) },
            json: json)
    }

    /// The probe's layers in image order (the config's diff ids; a repeated id is the same layer again).
    static func layers(_ probe: String) throws -> [LayerFiles] {
        let archive = try Fixture.gunzipped("probes/\(probe).tar.gz")
        var reader = ImageArchiveReader()
        try archive.withUnsafeBytes { try reader.push($0) }
        try reader.finish()
        let read = reader.takeLayers()
        let ids = try XCTUnwrap(reader.config.flatMap(ImageConfigDocument.decode)?.rootfs?.diff_ids, probe)
        return try ids.map { id in try XCTUnwrap(read.first { $0.diffID == id }, "\(probe): layer \(id)") }
    }

    /// Our report, in the words dive prints.
    struct Printed: Equatable {
        var efficiencyLine: String
        var wastedBytes: Int64
        var userWastedLine: String
        var inefficientRows: [String]
        var failLines: [String]
    }

    static func printed(_ report: EfficiencyReport) -> Printed {
        let fails = CIConfig().evaluate(report).compactMap { rule, verdict -> String? in
            if case let .fail(why) = verdict { return "\(rule.name.rawValue): \(why)" }
            return nil
        }
        return Printed(efficiencyLine: Fixed.text(report.efficiency * 100, digits: 4),
                       wastedBytes: report.wastedBytes,
                       userWastedLine: Fixed.text(report.userWastedPercent * 100, digits: 4),
                       inefficientRows: report.inefficientFiles.map { "\($0.count) \(ByteText.human($0.size)) \($0.path)" },
                       failLines: fails)
    }

    static func printed(_ dive: DiveOutput) -> Printed {
        Printed(efficiencyLine: dive.efficiencyLine, wastedBytes: dive.wastedBytes, userWastedLine: dive.userWastedLine,
                inefficientRows: dive.inefficientRows, failLines: dive.failLines)
    }

    /// Probes where no dive bug applies: every figure, printed and exact, equals dive's.
    func testProbesEqualDive() throws {
        for probe in ["p1-dir-whiteout", "p3-emptydir-intermediate", "p5-file-whiteout-then-readd", "p6-dup-oci",
                      "p8-sort-ties-small"] {
            let layers = try Self.layers(probe)
            let report = Efficiency.report(layers: layers)
            let dive = try Self.dive(probe)
            XCTAssertEqual(Self.printed(report), Self.printed(dive), probe)
            if let json = dive.json {
                XCTAssertEqual(report.efficiency, json.image.efficiencyScore, probe)
                XCTAssertEqual(report.wastedBytes, json.image.inefficientBytes, probe)
                XCTAssertEqual(report.imageSize, json.image.sizeBytes, probe)
                XCTAssertEqual(report.layerSizes, json.layer.map(\.sizeBytes), probe)
                XCTAssertEqual(report.inefficientFiles.map { "\($0.count) \($0.size) \($0.path)" },
                               json.image.fileReference.map { "\($0.count) \($0.sizeBytes) \($0.file)" }, probe)
            }
        }
    }

    /// p1 by hand: a directory's whiteout records the 300 bytes it held in both sums, which dilutes the
    /// waste of /g: 1600 / 2600 (not 1300 / 2300).
    func testDirectoryWhiteoutDilutes() throws {
        let report = Efficiency.report(layers: try Self.layers("p1-dir-whiteout"))
        XCTAssertEqual(report.efficiency, 1600.0 / 2600.0)
        XCTAssertEqual(report.userWastedPercent, 2, "2000 wasted over 1000 user bytes")
        XCTAssertEqual(report.reclaimableBytes, 1300, "d/f1, d/f2 and the first /g: all hidden in the final image")
    }

    /// More than 12 inefficient paths with ties: dive's sort is not stable there (Go's pdqsort), so only
    /// the figures and the set of rows are dive's; ours lists ties in reverse of the order they became
    /// inefficient, the same rule as below 13.
    func testManyTiesFiguresEqualDive() throws {
        let report = Efficiency.report(layers: try Self.layers("p7-sort-ties"))
        let dive = try Self.dive("p7-sort-ties")
        let ours = Self.printed(report)
        XCTAssertEqual(ours.efficiencyLine, dive.efficiencyLine)
        XCTAssertEqual(ours.wastedBytes, dive.wastedBytes)
        XCTAssertEqual(ours.userWastedLine, dive.userWastedLine)
        XCTAssertEqual(ours.failLines, dive.failLines)
        XCTAssertEqual(Set(ours.inefficientRows), Set(dive.inefficientRows))
        XCTAssertEqual(ours.inefficientRows.count, 18)
        XCTAssertEqual(report.inefficientFiles.map(\.size), report.inefficientFiles.map(\.size).sorted(by: >))
        XCTAssertEqual(report.inefficientFiles.prefix(4).map(\.path), ["/f16", "/f10", "/f09", "/f03"])
    }

    /// dive bug: a whiteout whose path is missing below aborts the rest of that layer and leaves a
    /// recorded minimum of -1 (dive: 99 / 100 = 0.99, no waste). We do not copy it: the whiteout records
    /// 0 and the layer's other files count: a 100 + 100 (min 100), zzz 500, ghost 0 → 600 / 700.
    func testGhostWhiteoutIsNotDivesBug() throws {
        let report = Efficiency.report(layers: try Self.layers("p2-ghost-whiteout"))
        XCTAssertEqual(try Self.dive("p2-ghost-whiteout").efficiencyLine, "99.0000", "dive's figure, for the record")
        XCTAssertEqual(report.efficiency, 600.0 / 700.0)
        XCTAssertEqual(report.wastedBytes, 200)
        XCTAssertEqual(SampleRows.of(report), ["2 200 /a"])
        XCTAssertEqual(report.userWastedPercent, 200.0 / 600.0)
        XCTAssertEqual(report.layerSizes, [100, 600])
        XCTAssertEqual(report.reclaimableBytes, 100)
    }

    /// dive bug: a whiteout in the first layer has nothing below it, and dive drops the rest of the layer
    /// (a, b) with it (0.99). Ours: gone 0, a 100 + 100 (min 100), b 50 → 150 / 250.
    func testWhiteoutInFirstLayerIsNotDivesBug() throws {
        let report = Efficiency.report(layers: try Self.layers("p4-whiteout-layer0"))
        XCTAssertEqual(try Self.dive("p4-whiteout-layer0").efficiencyLine, "99.0000", "dive's figure, for the record")
        XCTAssertEqual(report.efficiency, 150.0 / 250.0)
        XCTAssertEqual(report.wastedBytes, 200)
        XCTAssertEqual(SampleRows.of(report), ["2 200 /a"])
        XCTAssertEqual(report.userWastedPercent, 2)
        XCTAssertEqual(report.layerSizes, [150, 100])
    }

    /// dive bug: docker save before engine 25 stores a repeated layer as a symlink to the first copy, which
    /// dive reads as an empty layer (no waste, 100 %). The image does hold /dup twice: ours gives what
    /// dive gives for the same image in the OCI layout.
    func testRepeatedLayerInLegacyLayoutCountsTwice() throws {
        let legacy = Efficiency.report(layers: try Self.layers("p6-dup-legacy"))
        let oci = try Self.dive("p6-dup-oci")
        XCTAssertEqual(try Self.dive("p6-dup-legacy").efficiencyLine, "100.0000", "dive's figure, for the record")
        XCTAssertEqual(Self.printed(legacy), Self.printed(oci))
        XCTAssertEqual(legacy.efficiency, try XCTUnwrap(oci.json).image.efficiencyScore)
        XCTAssertEqual(legacy.layerSizes, [1000, 100, 100, 10])
    }

    /// p9: the float formats of dive's failure messages (Go's %v: exponent form from 1e+06 on).
    func testFloatFormatOfFailureMessages() throws {
        let spec = try Fixture.text("probes/p9-float-format.spec.json")
        XCTAssertTrue(spec.contains(#"[[{"name":"f","size":2000000}],[{"name":"f","size":1}]]"#), spec)
        let layers = [LayerFiles(diffID: "0", records: [FileRecord(path: "/f", kind: .file, mode: 0o644, size: 2_000_000)], fullyHashed: true),
                      LayerFiles(diffID: "1", records: [FileRecord(path: "/f", kind: .file, mode: 0o644, size: 1)], fullyHashed: true)]
        let report = Efficiency.report(layers: layers)
        XCTAssertEqual(report.efficiency, 1.0 / 2_000_001.0)
        XCTAssertEqual(report.userWastedPercent, 2_000_001)
        XCTAssertEqual(Self.printed(report), Self.printed(try Self.dive("p9-float-format")))
    }

    // MARK: by hand

    private func layer(_ records: FileRecord...) -> LayerFiles {
        LayerFiles(diffID: "x", records: records, fullyHashed: true)
    }

    private func file(_ path: String, _ size: Int64) -> FileRecord {
        FileRecord(path: path, kind: .file, mode: 0o644, size: size)
    }

    private func dir(_ path: String, opaque: Bool = false) -> FileRecord {
        FileRecord(path: path, kind: .directory, mode: 0o755, opaque: opaque)
    }

    /// dive: a single-layer image has no user bytes and prints NaN %. Ours says 0.
    func testSingleLayerImage() {
        let report = Efficiency.report(layers: [layer(dir("/bin"), file("/bin/busybox", 1_982_256))])
        XCTAssertEqual(report.efficiency, 1)
        XCTAssertEqual(report.wastedBytes, 0)
        XCTAssertEqual(report.userWastedPercent, 0)
        XCTAssertEqual(report.inefficientFiles, [])
        XCTAssertEqual(report.reclaimableBytes, 0)
        XCTAssertEqual(Efficiency.report(layers: []).efficiency, 1, "nothing recorded")
        XCTAssertEqual(Efficiency.report(layers: [layer(dir("/a")), layer(dir("/a"))]).efficiency, 1, "only empty sizes")
    }

    /// Only leaves count: a directory re-listed above its children is never inefficient; an empty one is.
    func testOnlyLeavesAreRecorded() {
        let report = Efficiency.report(layers: [
            layer(dir("/opt"), dir("/opt/app"), file("/opt/app/a", 5), dir("/empty")),
            layer(dir("/opt"), dir("/opt/app"), file("/opt/app/b", 7), dir("/empty")),
        ])
        XCTAssertEqual(SampleRows.of(report), ["2 0 /empty"])
        XCTAssertEqual(report.wastedBytes, 0)
        XCTAssertEqual(report.efficiency, 1)
    }

    /// Reclaimable bytes count what the final image hides: overwritten and deleted copies, the kept copy
    /// never, and what an opaque directory hides (which dive's figures do not see).
    func testReclaimableBytes() {
        let report = Efficiency.report(layers: [
            layer(dir("/c"), file("/c/old", 40), file("/keep", 3), file("/over", 10)),
            layer(dir("/c", opaque: true), file("/c/new", 4), file("/over", 12)),
        ])
        XCTAssertEqual(report.reclaimableBytes, 40 + 10)
        XCTAssertEqual(report.wastedBytes, 22, "dive's waste: both copies of /over")
        XCTAssertEqual(report.efficiency, Double(40 + 3 + 10 + 4) / Double(40 + 3 + 22 + 4))
    }

    /// Ties: largest first, ties in reverse of the order the paths became inefficient (dive's output for up
    /// to 12 entries).
    func testTieOrder() {
        let report = Efficiency.report(layers: [
            layer(file("/b", 1), file("/a", 1), file("/c", 2)),
            layer(file("/b", 1), file("/a", 1), file("/c", 2)),
        ])
        XCTAssertEqual(SampleRows.of(report), ["2 4 /c", "2 2 /a", "2 2 /b"])
    }
}

enum SampleRows {
    static func of(_ report: EfficiencyReport) -> [String] {
        report.inefficientFiles.map { "\($0.count) \($0.size) \($0.path)" }
    }
}
