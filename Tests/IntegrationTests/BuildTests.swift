import DockerEngine
import Foundation
import TestSupport
import XCTest

/// A build through the engine's API with the classic builder, on both engines: the image holds what
/// the Dockerfile made, its history has each instruction, `.dockerignore` kept a file out, build args
/// reach the steps, and a failing step gives its output and exit code.
final class BuildTests: EngineTestCase {
    func context(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-bctx-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir.path
    }

    func build(_ client: DockerClient, _ root: String, _ options: BuildOptions) async throws -> BuildProgress {
        var progress = BuildProgress()
        do {
            for try await message in try await client.build(try ContextUpload(root: root, dockerfile: options.dockerfile), options) {
                progress.apply(message)
            }
        } catch let error as DockerError {
            progress.error = error.userMessage
        }
        progress.finish()
        return progress
    }

    func testAThreeStepDockerfileMakesAnImageWithItsInstructionsAndHonoursDockerignore() async throws {
        let root = try context([
            "Dockerfile": "FROM swtop/busybox:latest\nARG GREETING=none\nRUN echo \"$GREETING\" > /greeting && test ! -e /ctx/secret.txt\n"
                + "COPY . /ctx/\nCMD [\"cat\", \"/greeting\"]\n",
            "app.txt": "app\n", "secret.txt": "do not send\n", ".dockerignore": "secret.txt\n",
        ])
        try await forEachEngine { engine, client in
            let tag = "swtop/\(Repo.uniqueName("built")):1"
            addTeardownBlock { _ = try? engine.dockerResult(["rmi", "-f", tag]) }
            let progress = try await build(client, root, BuildOptions(tags: [tag], buildArgs: ["GREETING": "hello from swtop"]))
            XCTAssertNil(progress.error, "[\(engine.name)]")
            XCTAssertTrue(progress.succeeded, "[\(engine.name)]")
            XCTAssertEqual(progress.steps.count, 5, "[\(engine.name)] \(progress.steps.map(\.instruction))")
            XCTAssertEqual(progress.steps.first?.instruction, "FROM swtop/busybox:latest")
            XCTAssertTrue(progress.steps.allSatisfy { $0.layer != nil }, "[\(engine.name)] each step made a layer id")
            let id = try XCTUnwrap(progress.imageID)
            XCTAssertEqual(try engine.docker("image", "inspect", "-f", "{{.Id}}", tag).trimmingCharacters(in: .whitespacesAndNewlines), id)
            // What the image holds: the build arg reached the RUN, the ignored file never arrived.
            XCTAssertEqual(try engine.docker("run", "--rm", tag).trimmingCharacters(in: .whitespacesAndNewlines), "hello from swtop")
            XCTAssertEqual(try engine.docker("run", "--rm", tag, "ls", "/ctx").split(separator: "\n").sorted(), ["Dockerfile", "app.txt"],
                           "[\(engine.name)] .dockerignore kept secret.txt and itself out (the Dockerfile is sent)")
            let history = try engine.docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", tag)
            XCTAssertTrue(history.contains("echo \"$GREETING\" > /greeting") && history.contains("COPY dir:"), "[\(engine.name)] \(history)")
            // Again: every step from the cache.
            let again = try await build(client, root, BuildOptions(tags: [tag], buildArgs: ["GREETING": "hello from swtop"]))
            XCTAssertEqual(again.imageID, id, "[\(engine.name)]")
            XCTAssertEqual(again.steps.dropFirst().filter(\.cached).count, 4, "[\(engine.name)] \(again.steps.map(\.cached))")
        }
    }

    func testAFailingStepGivesItsOutputAndExitCode() async throws {
        let root = try context(["Dockerfile": "FROM swtop/busybox:latest\nRUN echo about-to-fail && exit 3\n"])
        try await forEachEngine { engine, client in
            let progress = try await build(client, root, BuildOptions())
            XCTAssertFalse(progress.succeeded)
            XCTAssertEqual(progress.exitCode, 3, "[\(engine.name)] \(progress.error ?? "")")
            let failed = try XCTUnwrap(progress.steps.last)
            XCTAssertTrue(failed.failed)
            XCTAssertTrue(failed.output.contains("about-to-fail"), "[\(engine.name)] \(failed.output)")
            // A Dockerfile that is not there: the engine's words.
            let missing = try await build(client, root, BuildOptions(dockerfile: "Nope"))
            XCTAssertNotNil(missing.error, "[\(engine.name)]")
        }
    }
}
