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

    /// -H before the subcommand works as after it (as with the docker CLI), for every subcommand.
    func testGlobalOptionsBeforeTheSubcommand() throws {
        let engine = try XCTUnwrap(try TestEngine.all().last)
        let after = try Shell.check([Repo.swtopBinary, "ps", "--json", "-H", engine.host])
        let before = try Shell.check([Repo.swtopBinary, "-H", engine.host, "ps", "--json"])
        let names = { (text: String) in try JSONDecoder().decode([PsRecord].self, from: Data(text.utf8)).map(\.name).sorted() }
        XCTAssertEqual(try names(before), try names(after))
        let engineText = try Shell.check([Repo.swtopBinary, "--host=\(engine.host)", "--api-version", "1.41", "engine"])
        XCTAssertTrue(engineText.contains("API version     1.41"), "--api-version pins the version:\n\(engineText)")
    }

    /// --version names the version and the commit it was built from.
    func testVersionNamesTheCommit() throws {
        let text = try Shell.check([Repo.swtopBinary, "--version"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let head = try Shell.check(["git", "-C", Repo.root.path, "rev-parse", "--short=12", "HEAD"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(text.hasPrefix("swtop 0."), text)
        XCTAssertTrue(text.contains("(commit \(head)"), "\(text) should name \(head)")
    }

    /// An absent socket is reported at once, not after a connect timeout.
    func testAMissingSocketFailsAtOnce() throws {
        let started = Date()
        let result = try Shell.run([Repo.swtopBinary, "-H", "unix:///nonexistent/docker.sock", "ps"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("no socket there"), result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "reported at once (not after the 5 s connect timeout)")
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
