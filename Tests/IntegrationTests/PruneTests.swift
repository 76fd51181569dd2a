import DockerEngine
import Foundation
import TestSupport
import XCTest

/// `/system/df` and prune on engines of their own (a prune takes everything unused there): the preview
/// worked out from `/system/df` names what the engine then removes and the bytes it reports freed.
final class PruneTests: XCTestCase {
    /// On each spare engine: a stopped container that wrote 300 kB, a dangling image with a 200 kB
    /// layer of its own, an unused volume holding 100 kB, an unused network.
    func makeLeftovers(_ engine: TestEngine) throws -> (container: String, volume: String, network: String) {
        let container = Repo.uniqueName("swtop-prune-c")
        try engine.docker("run", "--name", container, "swtop/busybox:latest", "sh", "-c", "head -c 300000 /dev/zero > /junk")
        let builder = Repo.uniqueName("swtop-prune-b")
        try engine.docker("run", "--name", builder, "swtop/busybox:latest", "sh", "-c", "head -c 200000 /dev/zero > /layer")
        let image = try engine.docker("commit", builder).trimmingCharacters(in: .whitespacesAndNewlines)
        try engine.docker("rm", builder)
        XCTAssertTrue(image.hasPrefix("sha256:"), image)
        let volume = Repo.uniqueName("swtop-prune-v")
        try engine.docker("volume", "create", volume)
        try engine.docker("run", "--rm", "-v", "\(volume):/data", "swtop/busybox:latest", "sh", "-c", "head -c 100000 /dev/zero > /data/d")
        let network = Repo.uniqueName("swtop-prune-n")
        try engine.docker("network", "create", network)
        return (container, volume, network)
    }

    func testThePreviewNamesWhatGoesAndTheBytesTheEngineThenReportsFreed() async throws {
        let engines = try TestEngine.spares()
        XCTAssertEqual(engines.count, 2, "20.10 and 26.1")
        for engine in engines {
            let made = try makeLeftovers(engine)
            let client = try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: engine.host))
            defer { Task { await client.shutdown() } }
            let usage = try await client.diskUsage()
            // The totals as docker's own CLI prints them.
            let totals = usage.totals
            let cli = try engine.docker("system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}")
            XCTAssertTrue(cli.contains("Images \(totals.images.total) \(totals.images.active)"), "[\(engine.name)] \(cli)")
            XCTAssertTrue(cli.contains("Containers \(totals.containers.total) \(totals.containers.active)"), "[\(engine.name)] \(cli)")
            XCTAssertTrue(cli.contains("Local Volumes \(totals.volumes.total) \(totals.volumes.active)"), "[\(engine.name)] \(cli)")
            XCTAssertEqual(totals.images.size, usage.LayersSize, "the engine's own total, shared layers once")

            let networks = try engine.docker("network", "ls", "--format", "{{.Name}}").split(separator: "\n").map(String.init)
                .filter { !["bridge", "host", "none"].contains($0) }
            let kinds: [PruneKind] = [.containers, .danglingImages, .volumes, .networks]
            let plan = PrunePlan(usage, kinds: Set(kinds), unusedNetworks: networks)
            func part(_ kind: PruneKind) throws -> PrunePlan.Part { try XCTUnwrap(plan.parts.first { $0.kind == kind }) }
            XCTAssertEqual(try part(.containers).items, [made.container], engine.name)
            XCTAssertGreaterThanOrEqual(try part(.containers).bytes, 300_000, engine.name)
            XCTAssertEqual(try part(.danglingImages).items.count, 1, engine.name)
            XCTAssertGreaterThanOrEqual(try part(.danglingImages).bytes, 200_000, engine.name)
            XCTAssertEqual(try part(.volumes).items, [made.volume], engine.name)
            XCTAssertGreaterThanOrEqual(try part(.volumes).bytes, 100_000, engine.name)
            XCTAssertEqual(try part(.networks).items, [made.network], engine.name)

            for kind in kinds {
                let report = try await client.prune(kind)
                let expected = try part(kind)
                XCTAssertEqual(report.removed.count, expected.items.count, "[\(engine.name)] \(kind): \(report.removed)")
                if kind != .networks {
                    XCTAssertEqual(report.spaceReclaimed, expected.bytes, "[\(engine.name)] \(kind): the preview said \(expected.bytes)")
                }
            }
            XCTAssertNotEqual(try engine.dockerResult(["inspect", made.container]).status, 0, "the container is gone")
            XCTAssertNotEqual(try engine.dockerResult(["volume", "inspect", made.volume]).status, 0, "the volume is gone")
            XCTAssertNotEqual(try engine.dockerResult(["network", "inspect", made.network]).status, 0, "the network is gone")
            XCTAssertEqual(try engine.docker("image", "inspect", "-f", "{{.Id}}", "swtop/busybox:latest").isEmpty, false,
                           "a tagged image stays")
        }
    }

    func testRemoveTagAndCreateReachTheEngineAndARefusalCarriesItsMessage() async throws {
        for engine in try TestEngine.spares() {
            let client = try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: engine.host))
            defer { Task { await client.shutdown() } }
            let tag = Repo.uniqueName("swtop-tag")
            try await client.tagImage("swtop/busybox:latest", repository: "swtop/\(tag)", tag: "v1")
            XCTAssertFalse(try engine.docker("image", "inspect", "-f", "{{.Id}}", "swtop/\(tag):v1").isEmpty)
            let untagged = try await client.removeImage("swtop/\(tag):v1", force: false)
            XCTAssertEqual(untagged.compactMap(\.Untagged), ["swtop/\(tag):v1"], "[\(engine.name)] another tag keeps the image")
            XCTAssertTrue(untagged.compactMap(\.Deleted).isEmpty)
            // In use by a running container: the engine refuses, with its own words.
            let running = Repo.uniqueName("swtop-user")
            try engine.docker("run", "-d", "--name", running, "swtop/busybox:latest", "sleep", "60")
            defer { _ = try? engine.dockerResult(["rm", "-f", running]) }
            let id = try engine.docker("image", "inspect", "-f", "{{.Id}}", "swtop/busybox:latest").trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                _ = try await client.removeImage(id, force: true)
                XCTFail("[\(engine.name)] an image a running container uses must not go")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 409, "[\(engine.name)] \(error)")
                XCTAssertTrue(error.userMessage.contains("running container") || error.userMessage.contains("being used"),
                              "[\(engine.name)] \(error.userMessage)")
            }
            let volume = Repo.uniqueName("swtop-vol")
            try await client.createVolume(name: volume)
            XCTAssertTrue(try engine.docker("volume", "ls", "-q").contains(volume))
            try await client.removeVolume(volume)
            XCTAssertFalse(try engine.docker("volume", "ls", "-q").contains(volume))
            let network = Repo.uniqueName("swtop-net")
            try await client.createNetwork(name: network, driver: "bridge")
            XCTAssertTrue(try engine.docker("network", "ls", "--format", "{{.Name}}").contains(network))
            try await client.removeNetwork(network)
            XCTAssertFalse(try engine.docker("network", "ls", "--format", "{{.Name}}").contains(network))
        }
    }
}
