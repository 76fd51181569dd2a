import DockerEngine
import Foundation
import LayerKit
import TestSupport
import XCTest

/// swtop/layers:latest (Resources/sample-image/Dockerfile, seeded on both engines) read from the overlay2
/// diff directories and from the image export, against what the Dockerfile says each layer did; the
/// cache; `swtop layers --ci` exit codes; a container's read/write layer.
final class LayersTests: EngineTestCase {
    static let image = "swtop/layers:latest"

    func testOverlayAndExportGiveTheSampleImageAsWrittenByHand() async throws {
        try await forEachEngine { engine, client in
            let metadata = try await ImageLoader.metadata(client: client, reference: Self.image)
            XCTAssertEqual(metadata.layers.count, 10)
            let overlay = try await ImageLoader.load(client: client, metadata: metadata, choice: .overlay, cache: nil)
            let export = try await ImageLoader.load(client: client, metadata: metadata, choice: .export, cache: nil)
            XCTAssertEqual(overlay.origins, Array(repeating: .overlay, count: 10), engine.name)
            XCTAssertEqual(export.origins, Array(repeating: .export, count: 10), engine.name)
            XCTAssertTrue(overlay.layers.allSatisfy { !$0.fullyHashed && $0.records.allSatisfy { $0.hash == nil } },
                          "\(engine.name): the overlay path hashes nothing up front")
            XCTAssertTrue(export.layers.allSatisfy(\.fullyHashed), engine.name)
            XCTAssertTrue(overlay.directories.allSatisfy { $0 != nil } && export.directories.allSatisfy { $0 == nil }, engine.name)

            // The same LayerFiles, hashes aside (the overlay path has none), and the same changes.
            XCTAssertEqual(overlay.layers.map(\.diffID), export.layers.map(\.diffID), engine.name)
            XCTAssertEqual(overlay.layers.map { SampleImage.withoutHashes($0.records) },
                           export.layers.map { SampleImage.withoutHashes($0.records) }, engine.name)
            let fromOverlay = ImageAnalysis(overlay), fromExport = ImageAnalysis(export)
            XCTAssertEqual(fromOverlay.changes.map(SampleImage.describe), fromExport.changes.map(SampleImage.describe), engine.name)
            XCTAssertEqual(fromOverlay.changes.map { SampleImage.withoutHashes($0.map(\.record)) },
                           fromExport.changes.map { SampleImage.withoutHashes($0.map(\.record)) }, engine.name)
            XCTAssertEqual(fromOverlay.efficiency, fromExport.efficiency, engine.name)
            // The overlay path read config.txt's two copies from disk to tell them apart.
            let config = fromOverlay.changes[3].first { $0.record.path == "/opt/app/config.txt" }
            XCTAssertEqual(config?.change, .modified)
            XCTAssertNotNil(config?.record.hash, "\(engine.name): hashed on demand")
            XCTAssertEqual(config?.record.hash, fromExport.changes[3].first { $0.record.path == "/opt/app/config.txt" }?.record.hash)

            checkAnalysis(fromOverlay, "\(engine.name) overlay")
            checkAnalysis(fromExport, "\(engine.name) export")
        }
    }

    func testTheCacheGivesTheSameAnalysis() async throws {
        try await forEachEngine { engine, client in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-layers-cache-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let cache = LayerCache(directory: directory)
            let metadata = try await ImageLoader.metadata(client: client, reference: Self.image)

            let first = try await ImageLoader.load(client: client, metadata: metadata, choice: .auto, cache: cache)
            XCTAssertEqual(first.origins, Array(repeating: .overlay, count: 10), "\(engine.name): a local engine, read as root")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".v1") }.count, 10)
            let second = try await ImageLoader.load(client: client, metadata: metadata, choice: .auto, cache: cache)
            XCTAssertEqual(second.origins, Array(repeating: .cache, count: 10), engine.name)
            XCTAssertEqual(second.layers, first.layers, engine.name)
            let a = ImageAnalysis(first), b = ImageAnalysis(second)
            XCTAssertEqual(b.changes, a.changes, engine.name)
            XCTAssertEqual(b.efficiency, a.efficiency, engine.name)
            checkAnalysis(b, "\(engine.name) from the cache")

            // An export writes fully hashed layers, which then serve without the directories too.
            let exportCache = LayerCache(directory: directory + "/export")
            let exported = try await ImageLoader.load(client: client, metadata: metadata, choice: .export, cache: exportCache)
            let cached = try await ImageLoader.load(client: client, metadata: metadata, choice: .auto, cache: exportCache)
            XCTAssertEqual(cached.origins, Array(repeating: .cache, count: 10), engine.name)
            XCTAssertEqual(cached.layers, exported.layers, engine.name)
            XCTAssertTrue(cached.layers.allSatisfy(\.fullyHashed), engine.name)
        }
    }

    // MARK: the command line

    /// `swtop layers …` with a cache folder of the test's own, in `directory`.
    func swtop(_ arguments: [String], in directory: String? = nil, cache: String) throws -> Shell.Result {
        let environment = ["XDG_CACHE_HOME": cache]
        guard let directory else { return try Shell.run([Repo.swtopBinary, "layers"] + arguments, environment: environment, timeout: 120) }
        return try Shell.run(["sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory, Repo.swtopBinary, "layers"] + arguments,
                             environment: environment, timeout: 120)
    }

    func testCIExitCodes() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-layers-ci-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch + "/work", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let cache = scratch + "/cache"
        for engine in try TestEngine.all() {
            let name = engine.name
            // dive's defaults: efficiency ≥ 0.9 and user waste ≤ 10 % pass, wasted bytes not checked.
            let pass = try swtop(["-H", engine.host, "--ci", Self.image], in: scratch + "/work", cache: cache)
            XCTAssertEqual(pass.status, 0, "[\(name)] \(pass.stdout)\(pass.stderr)")
            let lines = pass.stdout.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.first, "  Using default CI config", name)
            for expected in ["  efficiency: 99.9985 %", "  wastedBytes: 234 bytes (234 B)", "  userWastedPercent: 0.0028 %",
                             "  PASS: highestUserWastedPercent", "  SKIP: highestWastedBytes: rule disabled", "  PASS: lowestEfficiency",
                             "Result:PASS [Total:3] [Passed:2] [Failed:0] [Warn:0] [Skipped:1]"] {
                XCTAssertTrue(lines.contains(expected), "[\(name)] no line '\(expected)' in\n\(pass.stdout)")
            }
            // An empty rules file (here /dev/null, a device, not a regular file): the defaults, and it says so.
            let empty = try swtop(["-H", engine.host, "--ci", "--ci-config", "/dev/null", Self.image], in: scratch + "/work", cache: cache)
            XCTAssertEqual(empty.status, 0, "[\(name)] \(empty.stdout)\(empty.stderr)")
            XCTAssertTrue(empty.stdout.hasPrefix("  Using CI config: /dev/null\n"), "[\(name)] \(empty.stdout)")
            XCTAssertTrue(empty.stdout.contains("Result:PASS [Total:3] [Passed:2] [Failed:0] [Warn:0] [Skipped:1]"), "[\(name)] \(empty.stdout)")

            // The inefficient files exactly as dive lists them.
            let header = try XCTUnwrap(lines.firstIndex(of: "Count  Wasted Space  File Path"), name)
            XCTAssertEqual(Array(lines[(header + 1)...].prefix(6)), [
                "    2         110 B  /opt/app/bin/tool.sh", "    2          53 B  /opt/app/notes.txt",
                "    2          38 B  /opt/app/to-delete.txt", "    2          22 B  /opt/app/config.txt",
                "    2          11 B  /opt/app/data/a.txt", "    2           0 B  /opt/app/current",
            ], name)

            // A rule that fails: exit 1, dive's line.
            let fail = try swtop(["-H", engine.host, "--ci", "--lowest-efficiency", "0.99999", Self.image], in: scratch + "/work", cache: cache)
            XCTAssertEqual(fail.status, 1, "[\(name)] \(fail.stdout)\(fail.stderr)")
            XCTAssertTrue(fail.stdout.contains("  FAIL: lowestEfficiency: image efficiency is too low (efficiency=0.9999848620085299 < threshold=0.99999)\n"),
                          "[\(name)] \(fail.stdout)")
            XCTAssertTrue(fail.stdout.contains("Result:FAIL [Total:3] [Passed:1] [Failed:1] [Warn:0] [Skipped:1]"), fail.stdout)

            // A missing image: exit 2, not a rule failure.
            let missing = try swtop(["-H", engine.host, "--ci", "swtop/no-such-image:latest"], in: scratch + "/work", cache: cache)
            XCTAssertEqual(missing.status, 2, "[\(name)] \(missing.stdout)\(missing.stderr)")
            XCTAssertTrue(missing.stderr.contains("swtop/no-such-image"), "[\(name)] \(missing.stderr)")
            XCTAssertFalse(missing.stdout.contains("Result:"), name)

            // Without --ci a missing image is the ordinary error, exit 1.
            let plain = try swtop(["-H", engine.host, "swtop/no-such-image:latest"], cache: cache)
            XCTAssertEqual(plain.status, 1, "[\(name)] \(plain.stderr)")
        }

        let engine = try XCTUnwrap(try TestEngine.all().first)
        // A .dive-ci in the current directory that cannot be read as rules: exit 2 before the engine is asked.
        let bad = scratch + "/bad"
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        try "rules:\n  lowestEfficiency: [0.9\n".write(toFile: bad + "/.dive-ci", atomically: true, encoding: .utf8)
        let badConfig = try swtop(["-H", engine.host, "--ci", Self.image], in: bad, cache: cache)
        XCTAssertEqual(badConfig.status, 2, badConfig.stdout + badConfig.stderr)
        XCTAssertTrue(badConfig.stderr.contains("ci configuration error: line 2: 'lowestEfficiency' takes a single value"), badConfig.stderr)
        XCTAssertEqual(badConfig.stdout, "", "nothing analysed")
        // A good one is read and named.
        let good = scratch + "/good"
        try FileManager.default.createDirectory(atPath: good, withIntermediateDirectories: true)
        try "rules:\n  highestWastedBytes: 0.2kB\n".write(toFile: good + "/.dive-ci", atomically: true, encoding: .utf8)
        let goodConfig = try swtop(["-H", engine.host, "--ci", Self.image], in: good, cache: cache)
        XCTAssertEqual(goodConfig.status, 1, goodConfig.stdout + goodConfig.stderr)
        XCTAssertTrue(goodConfig.stdout.hasPrefix("  Using CI config: .dive-ci\n"), goodConfig.stdout)
        XCTAssertTrue(goodConfig.stdout.contains("  FAIL: highestWastedBytes: too many bytes wasted (wasted-bytes=234 > threshold=200)\n"),
                      goodConfig.stdout)
        // --ci-config naming a file that is not there.
        let absent = try swtop(["-H", engine.host, "--ci", "--ci-config", scratch + "/absent.yaml", Self.image], cache: cache)
        XCTAssertEqual(absent.status, 2, absent.stdout + absent.stderr)

        // An engine that is not there.
        let unreachable = try swtop(["-H", "unix:///nonexistent.sock", "--ci", Self.image], in: scratch + "/work", cache: cache)
        XCTAssertEqual(unreachable.status, 2, unreachable.stdout + unreachable.stderr)
        XCTAssertFalse(unreachable.stderr.isEmpty)
    }

    struct LayersDocument: Decodable, Equatable {
        struct Image: Decodable, Equatable {
            var id: String
            var sizeBytes: Int64
            var efficiency: Double
            var wastedBytes: Int64
            var userWastedPercent: Double
            var reclaimableBytes: Int64
        }
        struct Layer: Decodable, Equatable {
            struct Change: Decodable, Equatable {
                var path: String; var change: String; var type: String; var mode: String; var size: Int64; var linkTarget: String
            }
            var index: Int
            var digest: String
            var command: String
            var sizeBytes: Int64
            var changes: [Change]
        }
        var image: Image
        var layers: [Layer]
    }

    /// `--json` from either source is the same document (it does not say where files came from).
    func testJSONIsTheSameFromEitherSource() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-layers-json-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for engine in try TestEngine.all() {
            let overlay = try swtop(["-H", engine.host, "--json", "--source", "overlay", "--no-cache", Self.image], cache: scratch)
            let export = try swtop(["-H", engine.host, "--json", "--source", "export", "--no-cache", Self.image], cache: scratch)
            XCTAssertEqual(overlay.status, 0, overlay.stderr)
            XCTAssertEqual(export.status, 0, export.stderr)
            XCTAssertEqual(overlay.stdout, export.stdout, engine.name)
            let document = try JSONDecoder().decode(LayersDocument.self, from: Data(overlay.stdout.utf8))
            XCTAssertEqual(document.image.efficiency, 0.9999848620085299, engine.name)
            XCTAssertEqual(document.image.wastedBytes, 234)
            XCTAssertEqual(document.image.reclaimableBytes, 148)
            XCTAssertEqual(document.layers.count, 10)
            // Unchanged entries are left out of the document.
            XCTAssertEqual(document.layers[7].changes, [
                .init(path: "/opt/app/current", change: "modified", type: "symlink", mode: "0777", size: 0, linkTarget: "notes.txt"),
            ], engine.name)
            XCTAssertEqual(document.layers[4].changes.map(\.mode), ["0755"], "chmod, as an octal string")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/swtop"), "--no-cache writes no cache")
    }

    // MARK: a container's read/write layer

    func testContainerLayer() async throws {
        try await forEachEngine { engine, client in
            let name = Repo.uniqueName("swtop-layers-rw")
            let id = try engine.docker("run", "-d", "--name", name, "--label", "swtop.test=1", "swtop/busybox:latest",
                                       "sh", "-c", "echo hi > /tmp/x; sleep 600").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? engine.dockerResult(["rm", "-f", id]) }
            let deadline = Date().addingTimeInterval(10)
            while try engine.dockerResult(["exec", id, "cat", "/tmp/x"]).stdout != "hi\n" {
                guard Date() < deadline else { throw TestFailure("the container did not write /tmp/x") }
                try await Task.sleep(for: .milliseconds(100))
            }
            // What the engine says changed, as the reference.
            let diff = try engine.docker("diff", id).split(separator: "\n").map(String.init)
            XCTAssertEqual(diff, ["C /tmp", "A /tmp/x"], engine.name)

            // From the container's overlay2 upper directory.
            let loaded = try await ImageLoader.loadContainer(client: client, id: name, cache: nil)
            XCTAssertEqual(loaded.containerName, name)
            XCTAssertEqual(loaded.layers.count, 2, "busybox's one layer and the container's")
            XCTAssertEqual(loaded.origins.last, .overlay, engine.name)
            XCTAssertEqual(loaded.layers.last?.diffID, "container:" + id)
            XCTAssertEqual(loaded.layers.last?.records, [
                FileRecord(path: "/tmp", kind: .directory, mode: 0o1777),
                FileRecord(path: "/tmp/x", kind: .file, mode: 0o644, size: 3),
            ], engine.name)
            let analysis = ImageAnalysis(loaded)
            XCTAssertEqual(SampleImage.describe(analysis.changes[1]), ["unchanged /tmp", "added /tmp/x"], engine.name)
            XCTAssertEqual(analysis.summaries[1].size, 3)
            // The read/write layer is not part of the image's efficiency: a one-layer image.
            XCTAssertEqual(analysis.efficiency.efficiency, 1)
            XCTAssertEqual(analysis.efficiency.wastedBytes, 0)
            XCTAssertEqual(analysis.efficiency.layerSizes.count, 1)

            // Without the directories: the engine's /changes, which knows no sizes or modes.
            let viaChanges = try await ImageLoader.loadContainer(client: client, id: id, choice: .export, cache: nil)
            XCTAssertEqual(viaChanges.origins, [.export, .changes], engine.name)
            XCTAssertEqual(viaChanges.layers.last?.records.map { "\($0.kind.jsonName) \($0.path)" }, ["dir /tmp", "file /tmp/x"], engine.name)
            // As the engine's diff says: /tmp changed, /tmp/x added.
            XCTAssertEqual(SampleImage.describe(ImageAnalysis(viaChanges).changes[1]), ["modified /tmp", "added /tmp/x"], engine.name)

            // The command line.
            let result = try Shell.run([Repo.swtopBinary, "layers", "-H", engine.host, "--container", "--json", "--no-cache", name])
            XCTAssertEqual(result.status, 0, result.stderr)
            let document = try JSONDecoder().decode(LayersDocument.self, from: Data(result.stdout.utf8))
            XCTAssertEqual(document.layers.count, 2)
            XCTAssertEqual(document.layers[1].command, "container \(name) read/write layer")
            XCTAssertEqual(document.layers[1].changes, [.init(path: "/tmp/x", change: "added", type: "file", mode: "0644", size: 3, linkTarget: "")])
        }
    }
}

/// What the sample image must give, from whichever engine and source (shared with the containerd-store tests).
extension EngineTestCase {
    /// The busybox base: 14 directories, busybox, /etc/group and /etc/passwd, 268 applet symlinks.
    func checkBaseLayer(_ layer: LayerFiles, _ engine: String) {
        let kinds = Dictionary(grouping: layer.records, by: \.kind).mapValues(\.count)
        XCTAssertEqual(kinds, [.directory: 14, .file: 3, .symlink: 268], engine)
        XCTAssertEqual(layer.records.filter { $0.kind == .file }.map { "\($0.path) \($0.size)" },
                       ["/bin/busybox 1982256", "/etc/group 27", "/etc/passwd 82"], engine)
        XCTAssertEqual(layer.records.first { $0.path == "/tmp" }?.mode, 0o1777, engine)
        XCTAssertTrue(layer.records.filter { $0.kind == .symlink }.allSatisfy { $0.link == "/bin/busybox" }, engine)
    }

    /// `containerdDiffer`: the image was built on the containerd image store, whose differ writes a
    /// whiteout of cache/v1 where overlay2 writes an opaque cache/ (SampleImage.containerdRecords).
    func checkAnalysis(_ analysis: ImageAnalysis, _ engine: String, containerdDiffer: Bool = false) {
        let layers = analysis.image.layers
        XCTAssertEqual(layers.map(\.diffID), analysis.image.metadata.layers, "\(engine): the engine's RootFS.Layers")
        checkBaseLayer(layers[0], engine)
        XCTAssertEqual(layers.dropFirst().map { SampleImage.withoutHashes($0.records) },
                       containerdDiffer ? SampleImage.containerdRecords : SampleImage.records, engine)
        XCTAssertEqual(analysis.changes.count, 10)
        XCTAssertEqual(analysis.changes[0].count, 285)
        XCTAssertTrue(analysis.changes[0].allSatisfy { $0.change == .added }, engine)
        XCTAssertEqual(analysis.changes.dropFirst().map(SampleImage.describe), SampleImage.changes, engine)
        XCTAssertEqual(analysis.summaries.map { "+\($0.added) ~\($0.modified) -\($0.removed) \($0.size)" }, [
            "+285 ~0 -0 1982365", "+10 ~0 -0 137", "+5 ~0 -0 22", "+0 ~2 -0 53", "+0 ~1 -0 55", "+0 ~0 -1 0",
            "+2 ~0 -3 6", "+0 ~1 -0 0", "+1 ~1 -0 11", "+1 ~0 -0 8388608",
        ], engine)

        let report = analysis.efficiency
        // Σ smallest recorded size per path over Σ all recorded sizes (dive's rule): every path is
        // recorded once with its size except tool.sh 55+55, config.txt 11+11, notes.txt 11+42,
        // to-delete.txt 38+0 (whiteout), a.txt 11+0 (hardlink), current 0+0 (symlinks): the sums differ by
        // 55 + 11 + 42 + 38 + 11 + 0 = 157: 10371100 / 10371257.
        // The containerd differ's whiteout of cache/v1 is recorded with the 22 bytes it removes (dive's
        // rule for a removed directory), once in each sum.
        if containerdDiffer {
            XCTAssertEqual(report.efficiency, 10_371_122.0 / 10_371_279.0, engine)
        } else {
            XCTAssertEqual(report.efficiency, 10_371_100.0 / 10_371_257.0, engine)
            XCTAssertEqual(report.efficiency, 0.9999848620085299, engine)
        }
        XCTAssertEqual(report.wastedBytes, 234, "\(engine): 110 + 53 + 38 + 22 + 11 + 0, kept copies included")
        // User bytes: everything but the base layer's 1982365 bytes = 8388892.
        XCTAssertEqual(report.userWastedPercent, 234.0 / 8_388_892.0, engine)
        XCTAssertEqual(report.userWastedPercent, 2.7894029390293738e-05, engine)
        XCTAssertEqual(report.imageSize, 10_371_257, engine)
        XCTAssertEqual(SampleImage.describe(report.inefficientFiles), SampleImage.diveInefficientFiles, engine)
        // What squashing would free: tool.sh's first copy 55, the first config.txt 11 and notes.txt 11,
        // to-delete.txt 38, a.txt's layer-1 bytes 11 (layer 8 wrote them again as a-hardlink.txt), and
        // cache/v1/one.txt + two.txt 22 hidden by the opaque directory: 148.
        XCTAssertEqual(report.reclaimableBytes, 148, engine)

        let metadata = analysis.image.metadata
        XCTAssertEqual(metadata.step(forLayer: 4)?.command, "RUN chmod 0755 /opt/app/bin/tool.sh", engine)
        XCTAssertEqual(metadata.step(forLayer: 9)?.command, "RUN dd if=/dev/zero of=/opt/app/blob.bin bs=1048576 count=8 2>/dev/null", engine)
        XCTAssertEqual(metadata.steps.filter { $0.layer != nil }.count, 10, engine)
    }
}
