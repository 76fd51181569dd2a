import DockerEngine
import Foundation
import LayerKit
import TestSupport
import XCTest

/// Engine 26.1 with the containerd image store (Scripts/engines.sh up ctrd, seeded like the others):
/// image ids are manifest digests, layers are containerd snapshots (no overlay2 directories, so layers
/// come through the image export), `Size` is the compressed content, `/changes` may answer null.
final class ContainerdStoreTests: EngineTestCase {
    func connect() async throws -> (TestEngine, DockerClient) {
        let engine = try TestEngine.containerdStore()
        return (engine, try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: engine.host)))
    }

    func swtop(_ arguments: String..., engine: TestEngine) throws -> Shell.Result {
        try Shell.run([Repo.swtopBinary, arguments[0], "-H", engine.host] + arguments.dropFirst(),
                      environment: ["XDG_CACHE_HOME": NSTemporaryDirectory() + "swtop-ctrd-cache-\(UUID().uuidString.prefix(6))"],
                      timeout: 120)
    }

    /// The read/write layer's row of `swtop layers --container`.
    func rwLine(_ output: String) -> String {
        output.split(separator: "\n").first { $0.contains("read/write layer") }.map(String.init) ?? ""
    }

    func testTheEngineRunsTheContainerdStore() async throws {
        let (_, client) = try await connect()
        defer { Task { await client.shutdown() } }
        let info = try await client.info()
        XCTAssertEqual(info.Driver, "overlayfs")
        XCTAssertTrue((info.DriverStatus ?? []).contains { $0.contains("io.containerd.snapshotter.v1") }, "\(String(describing: info.DriverStatus))")
    }

    /// The sample image through the export gives the same layers, changes and dive figures as the classic
    /// store's overlay2 directories; the header size is the layers' (not the 1 MB of compressed content).
    func testTheSampleImageReadsThroughTheExportWithDivesFigures() async throws {
        let (engine, client) = try await connect()
        do {
            let metadata = try await ImageLoader.metadata(client: client, reference: "swtop/layers:latest")
            XCTAssertNil(OverlayReader.diffDirectories(driver: metadata.graphDriver, data: metadata.graphData, layerCount: metadata.layers.count),
                         "no overlay2 directories with the containerd store")
            let image = try await ImageLoader.load(client: client, metadata: metadata, choice: .auto, cache: nil)
            XCTAssertEqual(image.origins, Array(repeating: .export, count: 10))
            checkAnalysis(ImageAnalysis(image), "ctrd export", containerdDiffer: true)
            XCTAssertGreaterThan(metadata.size, 10_000_000, "the unpacked size, not the compressed content's")
            let cli = try swtop("layers", "swtop/layers:latest", "--no-cache", engine: engine)
            XCTAssertEqual(cli.status, 0, cli.stderr)
            XCTAssertTrue(cli.stdout.contains("efficiency: 99.9985 %"), cli.stdout)
            XCTAssertTrue(cli.stdout.contains("wastedBytes: 234 bytes"), cli.stdout)
            XCTAssertFalse(cli.stdout.contains("10 layers, 1.1 MB"), "the compressed size is not the image's: \(cli.stdout)")
        } catch {
            XCTFail("\(error)")
        }
        await client.shutdown()
    }

    /// A created container (`/changes` answers null) and a running one: their read/write layer, in the CLI.
    func testContainerLayersOfACreatedAndARunningContainer() throws {
        let engine = try TestEngine.containerdStore()
        let created = try swtop("layers", "swtop-created", "--container", "--no-cache", engine: engine)
        XCTAssertEqual(created.status, 0, created.stderr)
        XCTAssertTrue(rwLine(created.stdout).contains("+0 ~0 -0"), "nothing changed (the engine answered null): \(created.stdout)")
        let id = try makeContainer(engine, "ctrd-rw", command: "echo x > /written.txt; rm /etc/group; sleep 100000")
        try engine.docker("start", id)
        try pollUntil("the file written", timeout: 20) {
            try engine.docker("diff", id).contains("/written.txt")
        }
        let running = try swtop("layers", id, "--container", "--no-cache", engine: engine)
        XCTAssertEqual(running.status, 0, running.stderr)
        XCTAssertTrue(rwLine(running.stdout).hasSuffix("-1") || rwLine(running.stdout).contains(" -1 "), "/etc/group removed: \(running.stdout)")
        XCTAssertTrue(rwLine(running.stdout).contains("+1 "), "/written.txt added: \(running.stdout)")
    }

    /// An image with two platform variants (an OCI index of linux/amd64 and linux/arm64, written by
    /// Scripts/oci-multiplatform.py and loaded: no registry here to pull one from) is listed once, and
    /// its layers are this machine's variant's, read through the export.
    func testAnImageWithPlatformVariants() throws {
        let engine = try TestEngine.containerdStore()
        let archive = NSTemporaryDirectory() + "swtop-multi-\(UUID().uuidString.prefix(6)).tar"
        defer { try? FileManager.default.removeItem(atPath: archive) }
        let tag = "swtop/multi:" + String(UUID().uuidString.prefix(6)).lowercased()
        try Shell.check(["python3", Repo.root.appendingPathComponent("Scripts/oci-multiplatform.py").path, archive, tag])
        try engine.docker("load", "-i", archive)
        addTeardownBlock { _ = try? engine.dockerResult(["rmi", tag]) }
        let arch = try engine.docker("image", "inspect", "-f", "{{.Architecture}}", tag).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(arch, "amd64", "this machine's variant")

        struct ImageRecord: Decodable { let id: String; let tags: [String] }
        let images = try JSONDecoder().decode([ImageRecord].self, from: Data(try swtop("images", "--json", engine: engine).stdout.utf8))
        XCTAssertEqual(images.filter { $0.tags.contains(tag) }.count, 1, "listed once: \(images.map(\.tags))")

        let cli = try swtop("layers", tag, "--no-cache", engine: engine)
        XCTAssertEqual(cli.status, 0, cli.stderr)
        XCTAssertTrue(cli.stdout.contains("2 layers"), cli.stdout)
        XCTAssertTrue(cli.stdout.contains("ADD platform-amd64 /etc/platform"), "the amd64 variant's history: \(cli.stdout)")
        XCTAssertFalse(cli.stdout.contains("arm64"), cli.stdout)
        let json = try swtop("layers", tag, "--no-cache", "--json", engine: engine)
        XCTAssertTrue(json.stdout.contains("\"/etc/platform\""), json.stdout)
    }

    /// ps, images (the dangling one untagged), logs and exec agree with the docker CLI.
    func testListsLogsAndExecAgreeWithTheCLI() throws {
        let engine = try TestEngine.containerdStore()
        struct PsRecord: Decodable { let id: String; let name: String; let state: String }
        let reference = Set(try engine.docker("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}")
            .split(separator: "\n").map(String.init))
        let ps = try swtop("ps", "--json", engine: engine)
        let records = try JSONDecoder().decode([PsRecord].self, from: Data(ps.stdout.utf8))
        XCTAssertEqual(Set(records.map { "\($0.id) \($0.name) \($0.state)" }), reference)

        struct ImageRecord: Decodable { let id: String; let tags: [String] }
        let images = try JSONDecoder().decode([ImageRecord].self, from: Data(try swtop("images", "--json", engine: engine).stdout.utf8))
        let dangling = try engine.docker("images", "-q", "--no-trunc", "--filter", "dangling=true")
            .split(separator: "\n").map(String.init)
        XCTAssertFalse(dangling.isEmpty, "the seed leaves swtop/retag's first build untagged")
        for id in dangling { XCTAssertTrue(images.contains { $0.id == id && $0.tags.isEmpty }, "\(id) untagged in \(images.map(\.id))") }
        XCTAssertTrue(images.contains { $0.tags.contains("swtop/layers:latest") })

        let logs = try swtop("logs", "swtop-logger", engine: engine)
        XCTAssertEqual(logs.stdout, "out-1\nout-2\nout-3\n")
        XCTAssertEqual(logs.stderr, "err-1\nerr-2\n")
        let exec = try swtop("exec", "swtop-running", "sh", "-c", "echo from-ctrd; exit 4", engine: engine)
        XCTAssertEqual(exec.stdout, "from-ctrd\n")
        XCTAssertEqual(exec.status, 4)
    }
}
