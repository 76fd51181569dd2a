import DockerEngine
import Foundation
import LayerKit
import SwtopStore
import TestSupport
import XCTest

/// Debian's podman 4.3 through its Docker-compatible API (Scripts/engines.sh up podman): each place
/// where its answers differ from Docker's engines (DESIGN §6), read by swtop as a user would need.
/// What podman itself cannot do is said where it matters (no TTY size before start, no stop/kill events).
final class PodmanTests: EngineTestCase {
    func connect() async throws -> (TestEngine, DockerClient) {
        let engine = try TestEngine.podman()
        return (engine, try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: engine.host)))
    }

    /// A podman container of the test's own, removed at once afterwards (killed first: busybox sh
    /// ignores SIGTERM, and podman's stop would wait 10 s).
    func podmanContainer(_ engine: TestEngine, _ prefix: String, command: String, extra: [String] = []) throws -> String {
        let name = Repo.uniqueName(prefix)
        let id = try engine.docker(["run", "-d", "--name", name] + extra + ["swtop/busybox:latest", "sh", "-c", command])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        addTeardownBlock {
            _ = try? engine.dockerResult(["kill", id])
            _ = try? engine.dockerResult(["rm", "-f", id])
        }
        return id
    }

    func testPingTellsPodmanFromDocker() async throws {
        let (_, client) = try await connect()
        XCTAssertTrue(client.ping.isPodman)
        XCTAssertEqual(client.apiVersion.description, "1.41")
        await client.shutdown()
        try await forEachEngine { engine, docker in XCTAssertFalse(docker.ping.isPodman, engine.name) }
    }

    /// podman ends the log stream of a paused container: the follow says so once, costs nothing while
    /// paused, and goes on with the new lines after the unpause (it looped three times a second before).
    func testLogsOfAPausedContainerSayItOnceAndResumeOnUnpause() async throws {
        let (engine, client) = try await connect()
        let id = try podmanContainer(engine, "pm-paused", command: "i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.3; done")
        try pollUntil("a first line", timeout: 10) { try engine.docker("logs", id).contains("line-1") }
        try engine.docker("pause", id)
        let session = LogSession(sources: [LogSession.Source(id: id, name: "pm")], options: LogSession.Options(tail: 100),
                                 client: { _ in client }, wake: {})
        session.start()
        var entries: [LogEntry] = []
        let cpu0 = LogFollowTests.processCPUSeconds()
        let end = Date().addingTimeInterval(6)
        while Date() < end {
            entries += session.drain().entries
            try await Task.sleep(for: .milliseconds(100))
        }
        let cpu = LogFollowTests.processCPUSeconds() - cpu0
        let notices = entries.filter { $0.kind == .notice }.map(\.text)
        XCTAssertEqual(notices.count, 1, "one notice while paused: \(notices)")
        XCTAssertTrue(notices.first?.contains("is paused") == true, "\(notices)")
        XCTAssertLessThan(cpu, 0.5, "\(cpu) s of CPU over 6 s paused")
        let before = entries.filter { $0.text.hasPrefix("line-") }.count
        XCTAssertGreaterThan(before, 0, "the lines before the pause")
        try engine.docker("unpause", id)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, entries.filter({ $0.text.hasPrefix("line-") }).count < before + 3 {
            entries += session.drain().entries
            try await Task.sleep(for: .milliseconds(100))
        }
        session.stop()
        await client.shutdown()
        let lines = entries.filter { $0.text.hasPrefix("line-") }.map(\.text)
        XCTAssertGreaterThanOrEqual(lines.count, before + 3, "new lines after the unpause: \(entries.map(\.text))")
        XCTAssertEqual(Set(lines).count, lines.count, "no line twice: \(lines)")
    }

    /// podman's `/changes` lists an untouched /etc alone: it stays the image's directory in the
    /// container's layer, and nothing under it is removed.
    func testAContainersChangesKeepEtcADirectory() async throws {
        let (engine, client) = try await connect()
        let id = try podmanContainer(engine, "pm-changes", command: "sleep 100000")
        let changes = try await client.containerChanges(id)
        XCTAssertTrue(changes.contains { $0.Path == "/etc" }, "podman lists /etc: \(changes)")
        let image = try await ImageLoader.loadContainer(client: client, id: id, choice: .export, cache: nil)
        await client.shutdown()
        XCTAssertEqual(image.origins.last, .changes)
        let rw = try XCTUnwrap(image.layers.last)
        XCTAssertEqual(rw.records.first { $0.path == "/etc" }?.kind, .directory)
        let analysis = ImageAnalysis(image)
        XCTAssertEqual(analysis.changes.last?.filter { $0.change == .removed }.map(\.record.path), [],
                       "nothing removed under /etc")
        let cli = try Shell.run([Repo.swtopBinary, "layers", "-H", engine.host, id, "--container", "--source", "export", "--no-cache"],
                                environment: ["XDG_CACHE_HOME": NSTemporaryDirectory()], timeout: 60)
        XCTAssertEqual(cli.status, 0, cli.stderr)
        let row = cli.stdout.split(separator: "\n").first { $0.contains("read/write layer") } ?? ""
        XCTAssertTrue(row.contains(" -0 "), "no removal in the read/write layer: \(cli.stdout)")
    }

    /// podman's driver is `overlay`: the same diff directories as overlay2, read directly (and equal to
    /// its export).
    func testOverlayDirectoriesAreReadLikeOverlay2s() async throws {
        let (_, client) = try await connect()
        let metadata = try await ImageLoader.metadata(client: client, reference: "swtop/busybox:latest")
        XCTAssertEqual(metadata.graphDriver, "overlay")
        let overlay = try await ImageLoader.load(client: client, metadata: metadata, choice: .overlay, cache: nil)
        let export = try await ImageLoader.load(client: client, metadata: metadata, choice: .export, cache: nil)
        await client.shutdown()
        XCTAssertEqual(overlay.origins, [.overlay])
        XCTAssertEqual(overlay.layers.map { SampleImage.withoutHashes($0.records) }, export.layers.map { SampleImage.withoutHashes($0.records) })
        checkBaseLayer(overlay.layers[0], "podman overlay")
    }

    /// Stats come from podman's cgroup (libpod_parent/libpod-<id> with cgroupfs), not from the API.
    func testStatsAreReadFromPodmansCgroup() async throws {
        let engine = try TestEngine.podman()
        let id = try podmanContainer(engine, "pm-stats", command: "sleep 100000")
        let reader = try XCTUnwrap(CgroupStatsReader())
        let location = try XCTUnwrap(reader.locate(containerID: id), "the container's cgroup under /sys/fs/cgroup")
        XCTAssertTrue(location.cpuDir.contains("libpod-\(id)"), location.cpuDir)
        let reading = try XCTUnwrap(reader.read(location))
        XCTAssertGreaterThan(reading.memoryUsed, 0)
        XCTAssertGreaterThan(reading.cpuNanoseconds, 0)
    }

    /// `swtop ps --json` lists what podman's Docker API lists.
    func testPsAgreesWithTheDockerCLIOnPodman() throws {
        let engine = try TestEngine.podman()
        let id = try podmanContainer(engine, "pm-ps", command: "sleep 100000")
        struct PsRecord: Decodable { let id: String; let name: String; let state: String }
        let out = try Shell.check([Repo.swtopBinary, "ps", "--json", "-H", engine.host])
        let records = try JSONDecoder().decode([PsRecord].self, from: Data(out.utf8))
        let reference = Set(try engine.docker("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}")
            .split(separator: "\n").map(String.init))
        XCTAssertEqual(Set(records.map { "\($0.id) \($0.name) \($0.state)" }), reference)
        XCTAssertTrue(records.contains { $0.id == id && $0.state == "running" })
    }
}
