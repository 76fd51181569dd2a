import Foundation
import TestSupport
import XCTest

/// `swtop ps --json` / `images --json` / `engine` against what the docker CLI reports for the same engine.
final class CLIAgreementTests: EngineTestCase {
    struct PsRecord: Decodable, Hashable {
        let id: String
        let name: String
        let state: String
        let image: String
        let created: Int64
    }

    func testPsJSONListsExactlyWhatDockerPsAllLists() throws {
        for engine in try TestEngine.all() {
            let reference = try engine.docker("ps", "-a", "--no-trunc", "--format", "{{.ID}}\t{{.Names}}\t{{.State}}")
                .split(separator: "\n").map { line -> [String] in line.split(separator: "\t").map(String.init) }
            let output = try Shell.check([Repo.swtopBinary, "ps", "--json", "-H", engine.host])
            let records = try JSONDecoder().decode([PsRecord].self, from: Data(output.utf8))
            XCTAssertGreaterThanOrEqual(records.count, 10, "[\(engine.name)] the seed made at least 10 containers")
            XCTAssertEqual(Set(records.map { [$0.id, $0.name, $0.state] }), Set(reference), engine.name)
            XCTAssertEqual(records.count, reference.count, engine.name)
            XCTAssertTrue(records.allSatisfy { $0.created > 1_600_000_000 && !$0.image.isEmpty }, engine.name)
        }
    }

    func testImagesJSONAgreesWithDockerImages() throws {
        struct ImageRecord: Decodable { let id: String; let tags: [String]; let size: Int64 }
        for engine in try TestEngine.all() {
            let reference = try engine.docker("images", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}")
                .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            let records = try JSONDecoder().decode([ImageRecord].self,
                                                   from: Data(try Shell.check([Repo.swtopBinary, "images", "--json", "-H", engine.host]).utf8))
            XCTAssertEqual(Set(records.map(\.id)), Set(reference.map { $0[0] }), engine.name)
            for row in reference where row[1] != "<none>:<none>" {
                XCTAssertTrue(records.contains { $0.id == row[0] && $0.tags.contains(row[1]) }, "[\(engine.name)] \(row)")
            }
            // Untagged images are [] on both engines, whatever the engine sent.
            XCTAssertTrue(records.contains { $0.tags.isEmpty }, engine.name)
            XCTAssertFalse(records.contains { $0.tags.contains("<none>:<none>") }, engine.name)
        }
    }

    func testEngineCommandNamesTheNegotiatedVersion() throws {
        for engine in try TestEngine.all() {
            let serverAPI = try engine.docker("version", "-f", "{{.Server.APIVersion}}").trimmingCharacters(in: .whitespacesAndNewlines)
            let output = try Shell.check([Repo.swtopBinary, "engine", "-H", engine.host])
            XCTAssertTrue(output.contains("API version     \(serverAPI)"), "[\(engine.name)] \(output)")
            XCTAssertTrue(output.contains("overlay2"), output)
        }
    }

    func testNoEngineIsOneClearLineAndExitOne() throws {
        let socket = NSTemporaryDirectory() + "swtop-nothing-\(UUID().uuidString.prefix(6)).sock"
        let result = try Shell.run([Repo.swtopBinary, "ps", "-H", "unix://\(socket)"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "")
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("cannot reach the Docker engine at unix://\(socket)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--host"), result.stderr)
    }
}
