import Foundation
import XCTest
@testable import DockerEngine

/// Payloads recorded from real engines by Scripts/record-fixtures.sh, decoded as the client decodes them.
final class FixtureDecodingTests: XCTestCase {
    static let engines = ["engine-20.10": APIVersion(1, 41), "engine-26.1": APIVersion(1, 45)]

    func fixture(_ engine: String, _ name: String) throws -> [UInt8] {
        let root = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "fixtures not bundled")
        let url = root.appendingPathComponent(engine).appendingPathComponent(name)
        return Array(try Data(contentsOf: url))
    }

    func decode<T: Decodable>(_ type: T.Type, _ engine: String, _ name: String) throws -> T {
        try DockerClient.decode(type, from: try fixture(engine, name), what: name)
    }

    func testPingHeadersGiveTheEngineMaximum() throws {
        for (engine, expected) in Self.engines {
            let headers = String(decoding: try fixture(engine, "ping-headers.txt"), as: UTF8.self)
            let line = try XCTUnwrap(headers.split(whereSeparator: \.isNewline).first { $0.lowercased().hasPrefix("api-version:") })
            let value = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
            XCTAssertEqual(APIVersion(value), expected, engine)
            XCTAssertEqual(APIVersion.negotiate(engineMaximum: APIVersion(value)), expected, engine)
        }
    }

    func testVersionAndInfo() throws {
        for (engine, expected) in Self.engines {
            let version = try decode(EngineVersion.self, engine, "version.json")
            XCTAssertEqual(version.ApiVersion, expected.description, engine)
            let info = try decode(EngineInfo.self, engine, "info.json")
            XCTAssertEqual(info.Driver, "overlay2", engine)
            XCTAssertGreaterThan(info.Containers ?? 0, 5, engine)
            XCTAssertFalse(info.usesContainerdSnapshotter, engine)
        }
    }

    func testContainerListHasTheSeededStates() throws {
        for engine in Self.engines.keys {
            let list = try decode(LossyArray<ContainerSummary>.self, engine, "containers.json")
            XCTAssertEqual(list.failures, [], engine)
            let byName = Dictionary(list.elements.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            XCTAssertEqual(byName["swtop-running"]?.State, "running", engine)
            XCTAssertEqual(byName["swtop-exited"]?.State, "exited", engine)
            XCTAssertTrue(byName["swtop-exited"]?.Status?.hasPrefix("Exited (3)") ?? false, engine)
            XCTAssertEqual(byName["swtop-paused"]?.State, "paused", engine)
            XCTAssertEqual(byName["swtop-created"]?.State, "created", engine)
            XCTAssertEqual(byName["swtop-korean"]?.Labels?["설명"], "한국어 테스트", engine)
            XCTAssertEqual(byName["swtop-demo-web"]?.Labels?["com.docker.compose.project"], "demo", engine)
            XCTAssertTrue(byName["swtop-web"]?.Ports?.contains { $0.PublicPort != nil && $0.PrivatePort == 80 } ?? false, engine)
            XCTAssertTrue(list.elements.allSatisfy { $0.Id.count == 64 }, engine)
        }
    }

    func testInspectTellsTTYAndExitCode() throws {
        for engine in Self.engines.keys {
            let tty = try decode(ContainerDetails.self, engine, "container-inspect-tty.json")
            XCTAssertEqual(tty.Config?.Tty, true, engine)
            let exited = try decode(ContainerDetails.self, engine, "container-inspect-exited.json")
            XCTAssertEqual(exited.State?.ExitCode, 3, engine)
            XCTAssertEqual(exited.State?.Running, false, engine)
            let running = try decode(ContainerDetails.self, engine, "container-inspect-running.json")
            XCTAssertEqual(running.State?.Running, true, engine)
            XCTAssertGreaterThan(running.State?.Pid ?? 0, 0, engine)
            XCTAssertNotNil(RelativeTime.parse(running.State?.StartedAt ?? ""), engine)
        }
    }

    func testUntaggedImagesLookTheSameOnBothEngines() throws {
        var raw: [String: [[String]?]] = [:]
        for engine in Self.engines.keys {
            let images = try decode(LossyArray<ImageSummary>.self, engine, "images.json").elements
            XCTAssertTrue(images.contains { $0.tags.contains("swtop/layers:latest") }, engine)
            let untagged = images.filter { $0.tags.isEmpty }
            XCTAssertFalse(untagged.isEmpty, "\(engine): the seed leaves a dangling image")
            raw[engine] = untagged.map(\.RepoTags)
        }
        // What the engines send differs (API < 1.43 says <none>:<none>); what swtop shows does not.
        XCTAssertTrue(raw["engine-20.10"]?.allSatisfy { $0 == ["<none>:<none>"] } ?? false, "\(raw)")
        XCTAssertTrue(raw["engine-26.1"]?.allSatisfy { ($0 ?? []).isEmpty } ?? false, "\(raw)")
    }

    func testImageInspectAndHistory() throws {
        for engine in Self.engines.keys {
            let image = try decode(ImageDetails.self, engine, "image-inspect-layers.json")
            XCTAssertGreaterThanOrEqual(image.RootFS?.Layers?.count ?? 0, 5, engine)
            XCTAssertEqual(image.GraphDriver?.Name, "overlay2", engine)
            XCTAssertNotNil(image.GraphDriver?.Data?["UpperDir"], engine)
            let history = try decode(LossyArray<ImageHistoryEntry>.self, engine, "image-history-layers.json").elements
            XCTAssertGreaterThan(history.count, image.RootFS?.Layers?.count ?? 0, "\(engine): metadata-only steps appear too")
            XCTAssertTrue(history.contains { ($0.Size ?? 0) > 8_000_000 }, "\(engine): the large-file layer")
        }
    }

    func testStatsSample() throws {
        for engine in Self.engines.keys {
            let stats = try decode(StatsSample.self, engine, "stats-oneshot.json")
            XCTAssertGreaterThan(stats.cpu_stats?.cpu_usage?.total_usage ?? 0, 0, engine)
            XCTAssertGreaterThan(stats.memory_stats?.usage ?? 0, 0, engine)
            XCTAssertGreaterThan(stats.cpu_stats?.online_cpus ?? 0, 0, engine)
            // Both recorded on cgroup v1: one eth0, no block I/O yet (empty lists), two processes.
            XCTAssertEqual(stats.pids, 2, engine)
            XCTAssertEqual(stats.blockIOBytes.map { [$0.read, $0.write] }, [0, 0], engine)
        }
        XCTAssertEqual(try decode(StatsSample.self, "engine-20.10", "stats-oneshot.json").networkBytes.map { [$0.rx, $0.tx] }, [808, 0])
        XCTAssertEqual(try decode(StatsSample.self, "engine-26.1", "stats-oneshot.json").networkBytes.map { [$0.rx, $0.tx] }, [738, 0])
    }

    func testEvents() throws {
        for engine in Self.engines.keys {
            var splitter = NDJSONSplitter()
            var lines = splitter.push(try fixture(engine, "events.ndjson"))
            if let rest = splitter.flush() { lines.append(rest) }
            let events = try lines.map { try DockerClient.decode(EngineEvent.self, from: $0, what: "event") }
            XCTAssertFalse(events.isEmpty, engine)
            let verbs = Set(events.filter { $0.Type == "container" }.map(\.verb))
            XCTAssertTrue(verbs.isSuperset(of: ["create", "start", "die"]), "\(engine): \(verbs)")
            XCTAssertTrue(events.allSatisfy { !$0.actorID.isEmpty }, engine)
        }
    }

    func testEngineErrorsKeepTheirMessage() throws {
        for engine in Self.engines.keys {
            let missing = DockerError.fromResponse(status: 404, body: try fixture(engine, "error-404.json"), path: "/containers/x/json")
            XCTAssertEqual(missing.status, 404)
            XCTAssertTrue(missing.description.contains("No such container"), "\(engine): \(missing)")
            let conflict = DockerError.fromResponse(status: 409, body: try fixture(engine, "error-409.json"), path: "/containers/x/pause")
            XCTAssertTrue(conflict.description.contains("is not running"), "\(engine): \(conflict)")
        }
    }

    func testRecordedLogBodies() throws {
        for engine in Self.engines.keys {
            var decoder = LogFrameDecoder()
            var assembler = LineAssembler(timestamps: false)
            var lines: [LogLine] = []
            for frame in try decoder.push(try fixture(engine, "logs-framed.bin")) {
                lines += assembler.push(frame.payload, stream: frame.stream)
            }
            XCTAssertNoThrow(try decoder.finish())
            XCTAssertEqual(lines.filter { $0.stream == .stdout }.map(\.text), ["out-1", "out-2", "out-3"], engine)
            XCTAssertEqual(lines.filter { $0.stream == .stderr }.map(\.text), ["err-1", "err-2"], engine)

            // A TTY body is raw: it must not parse as frames, and reads as plain lines.
            let tty = try fixture(engine, "logs-tty.bin")
            var frameDecoder = LogFrameDecoder()
            XCTAssertThrowsError(try frameDecoder.push(tty), engine)
            var raw = LineAssembler(timestamps: false)
            XCTAssertFalse((raw.push(tty, stream: .stdout) + raw.flush()).isEmpty, engine)
        }
    }
}

final class MalformedPayloadTests: XCTestCase {
    func testOneOddContainerDoesNotHideTheList() throws {
        let body = #"[{"Id":"a","Names":["/one"],"State":"running"},{"Id":7},"junk",{"Id":"c","Created":"not-a-number"},{"Id":"d","Names":null,"Labels":null,"NewField":{"x":1}}]"#
        let list = try DockerClient.decode(LossyArray<ContainerSummary>.self, from: Array(body.utf8), what: "list")
        XCTAssertEqual(list.elements.map(\.Id), ["a", "d"])
        XCTAssertEqual(list.failures.count, 3)
        XCTAssertEqual(list.elements[1].name, "d")
    }

    func testGarbageIsAClearError() {
        XCTAssertThrowsError(try DockerClient.decode(EngineVersion.self, from: Array("<html>proxy error</html>".utf8), what: "/version")) { error in
            guard case let DockerError.malformed(what, detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(what, "payload of /version")
            XCTAssertTrue(detail.contains("not valid JSON"), detail)
        }
    }

    func testNonJSONErrorBodyStillShown() {
        let error = DockerError.fromResponse(status: 500, body: Array("plain text failure\n".utf8), path: "/x")
        XCTAssertEqual(error, .api(status: 500, message: "plain text failure", path: "/x"))
        XCTAssertEqual(DockerError.fromResponse(status: 404, body: [], path: "/y").description, "engine error 404 on /y: no such object")
    }

    func testEventVerbDropsSuffix() {
        XCTAssertEqual(EngineEvent(Type: "container", Action: "health_status: healthy", Actor: nil).verb, "health_status")
        XCTAssertEqual(EngineEvent(Type: "container", Action: "exec_start: sh -c ls", Actor: nil).verb, "exec_start")
        XCTAssertEqual(EngineEvent(Type: "container", Action: "start", Actor: nil).verb, "start")
    }
}
