import Foundation
import TestSupport
import XCTest

/// Removing, tagging and pruning as a user does it, in a real terminal, against engines of their own
/// (a prune empties an engine of everything unused): what the screen says and what the engine then holds.
final class ImagesEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []
    let logDir = NSTemporaryDirectory() + "swtop-e2e-logs"

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
    }

    func launch(_ engine: TestEngine, width: Int = 140, height: Int = 34, in directory: String? = nil) throws -> TmuxSession {
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        let command = (directory.map { "cd '\($0)' && " } ?? "")
            + "\(Repo.swtopBinary) -H \(engine.host) --log-file \(logDir)/\(name.filter(\.isLetter)).log"
        let session = try TmuxSession(command: command, width: width, height: height,
                                      environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        sessions.append(session)
        return session
    }

    func testAnImageInUseIsRefusedWithTheContainersNameATagIsAddedAndTakenOff() throws {
        let engine = try XCTUnwrap(try TestEngine.spares().first)
        let user = Repo.uniqueName("swtop-user")
        try engine.docker("run", "-d", "--name", user, "swtop/busybox:latest", "sleep", "600")
        defer { _ = try? engine.dockerResult(["rm", "-f", user]) }
        let pane = try launch(engine)
        _ = try pane.waitFor(text: user)
        try pane.send("2")
        _ = try pane.waitFor(text: "swtop/busybox:latest")
        try pane.send("/")
        try pane.sendLiteral("swtop/busybox")
        try pane.send("Enter")
        try pane.send("d")
        let refused = try pane.waitFor(text: "is used by running container \(user)")
        XCTAssertFalse(refused.contains("Confirm"), refused)
        XCTAssertFalse(try engine.docker("image", "inspect", "-f", "{{.Id}}", "swtop/busybox:latest").isEmpty, "still there")
        // t: a second tag, then d on it untags (the image stays under its first tag).
        let tag = Repo.uniqueName("e2e")
        defer { _ = try? engine.dockerResult(["rmi", "swtop/\(tag):v1"]) }
        try pane.send("t")
        _ = try pane.waitFor(text: "tag swtop/busybox:latest · as:")
        try pane.sendLiteral("swtop/\(tag):v1")
        try pane.send("Enter")
        _ = try pane.waitFor(text: "tagged swtop/busybox:latest as swtop/\(tag):v1")
        XCTAssertFalse(try engine.docker("image", "inspect", "-f", "{{.Id}}", "swtop/\(tag):v1").isEmpty)
        try pane.send("Escape")
        try pane.send("/")
        try pane.sendLiteral(tag)
        try pane.send("Enter")
        _ = try pane.waitFor("only the new tag") { $0.contains("swtop/\(tag):v1") }
        // Two tags on a running container's image: d takes the one the filter names off, the image stays.
        try pane.send("d")
        _ = try pane.waitFor(text: "Untag swtop/\(tag):v1? The image stays as")
        try pane.send("y")
        _ = try pane.waitFor(text: "untagged swtop/\(tag):v1")
        XCTAssertNotEqual(try engine.dockerResult(["image", "inspect", "swtop/\(tag):v1"]).status, 0, "the tag is gone")
        XCTAssertFalse(try engine.docker("image", "inspect", "-f", "{{.Id}}", "swtop/busybox:latest").isEmpty, "the image stays")
    }

    /// `b` in the folder of a three-step Dockerfile: the build's steps, then its layer view on the top
    /// layer with each instruction beside the layer it made.
    func testBuildFromBLandsOnTheImagesLayersWithTheInstructions() throws {
        let engine = try XCTUnwrap(try TestEngine.spares().last)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-e2e-build-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "FROM swtop/busybox:latest\nRUN echo primer > /lesson.txt\nCOPY notes.txt /notes/notes.txt\nCMD [\"cat\", \"/lesson.txt\"]\n"
            .write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        try "read-only layers\n".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let tag = "swtop/\(Repo.uniqueName("e2e-built")):1"
        defer { _ = try? engine.dockerResult(["rmi", "-f", tag]) }
        let pane = try launch(engine, in: dir.path)
        _ = try pane.waitFor(text: "Containers")
        try pane.send("2", "b")
        _ = try pane.waitFor(text: "context: \(dir.path)")
        try pane.send("Tab", "Tab")
        try pane.sendLiteral(tag)
        try pane.send("Enter")
        let layers = try pane.waitFor("the layer view", seconds: 60) { $0.contains("layers of \(tag)") && $0.contains("COPY") }
        XCTAssertTrue(layers.contains("RUN echo primer > /lesson.txt"), layers)
        XCTAssertTrue(layers.contains("Layer 2"), "opened on the top layer: \(layers)")
        XCTAssertTrue(layers.contains("notes.txt"), "the top layer's file: \(layers)")
        try pane.send("Escape")
        let build = try pane.waitFor(text: "✓ built")
        XCTAssertTrue(build.contains("Step 2/4 : RUN echo primer > /lesson.txt"), build)
        XCTAssertEqual(try engine.docker("run", "--rm", tag).trimmingCharacters(in: .whitespacesAndNewlines), "primer")
    }

    /// `r` on an image, the form filled with a name, a command, `-p` and `-e`: the container runs with
    /// them (the engine's inspect), is selected in the list, and the secret is never on screen.
    func testRunFromTheFormWithPortsAndEnvironment() throws {
        let engine = try XCTUnwrap(try TestEngine.spares().first)
        let name = Repo.uniqueName("swtop-formrun")
        defer { _ = try? engine.dockerResult(["rm", "-f", name]) }
        let pane = try launch(engine)
        _ = try pane.waitFor(text: "Containers")
        try pane.send("2", "/")
        try pane.sendLiteral("swtop/busybox")
        try pane.send("Enter", "r")
        _ = try pane.waitFor(text: "run swtop/busybox:latest")
        try pane.send("Enter")
        try pane.sendLiteral(name)
        try pane.send("Enter", "j", "Enter")
        try pane.sendLiteral("httpd -f -p 80")
        try pane.send("Enter", "j", "Enter")
        try pane.sendLiteral("127.0.0.1:18091:80")
        try pane.send("Enter", "j", "j", "Enter")
        try pane.sendLiteral("GREETING=hello API_TOKEN=s3cr3t")
        try pane.send("Enter")
        let form = try pane.waitFor(text: "docker run -d --name \(name) -p 127.0.0.1:18091:80 -e GREETING=hello")
        XCTAssertFalse(form.contains("s3cr3t"), "the secret is masked: \(form)")
        try pane.send("R")
        _ = try pane.waitFor(text: "started \(name) from swtop/busybox:latest", seconds: 30)
        // The row shows the port once the engine's start event has refreshed the list.
        _ = try pane.waitFor("the published port") { $0.contains("18091→80/tcp") }
        XCTAssertEqual(try engine.docker("inspect", "-f", "{{.State.Status}}", name).trimmingCharacters(in: .whitespacesAndNewlines), "running")
        let env = try engine.docker("inspect", "-f", "{{json .Config.Env}}", name)
        XCTAssertTrue(env.contains("GREETING=hello") && env.contains("API_TOKEN=s3cr3t"), env)
        XCTAssertTrue(try engine.docker("inspect", "-f", "{{json .HostConfig.PortBindings}}", name).contains(#""HostPort":"18091""#))
    }

    /// Pushed from one engine with `u`, pulled on the other with `P`: each with its layers' lines.
    func testPushWithUThenPullWithPOnTheOtherEngineShowEachLayer() throws {
        let registries = try TestRegistries.fromEnvironment()
        let engines = try TestEngine.spares()
        let name = "\(registries.plain)/swtop/\(Repo.uniqueName("e2e-moved")):v1"
        let builder = Repo.uniqueName("swtop-e2e-b")
        try engines[0].docker("run", "--name", builder, "swtop/busybox:latest", "sh", "-c", "echo \(builder) > /mark")
        try engines[0].docker("commit", builder, name)
        try engines[0].docker("rm", builder)
        defer { for engine in engines { _ = try? engine.dockerResult(["rmi", "-f", name]) } }
        let source = try launch(engines[0])
        _ = try source.waitFor(text: "Containers")
        try source.send("2", "/")
        try source.sendLiteral("e2e-moved")
        try source.send("Enter", "u")
        let pushed = try source.waitFor(text: "✓ pushed \(name)", seconds: 60)
        XCTAssertTrue(pushed.contains("Pushed"), pushed)
        XCTAssertTrue(pushed.contains("2/2 layers"), pushed)
        let target = try launch(engines[1])
        _ = try target.waitFor(text: "Containers")
        try target.send("2", "P")
        _ = try target.waitFor(text: "pull on")
        try target.sendLiteral(name)
        try target.send("Enter")
        let pulled = try target.waitFor(text: "✓ pulled \(name)", seconds: 60)
        XCTAssertTrue(pulled.contains("Pull complete"), pulled)
        XCTAssertTrue(pulled.contains("Digest: sha256:"), pulled)
        try target.send("Escape")
        _ = try target.waitFor(text: "e2e-moved")
        XCTAssertEqual(try engines[1].docker("image", "inspect", "-f", "{{.Id}}", name),
                       try engines[0].docker("image", "inspect", "-f", "{{.Id}}", name))
    }

    func testPruneShowsThePreviewThenTheFreedBytesTheEngineReports() throws {
        let engine = try XCTUnwrap(try TestEngine.spares().last)
        let stopped = Repo.uniqueName("swtop-stopped")
        try engine.docker("run", "--name", stopped, "swtop/busybox:latest", "sh", "-c", "head -c 400000 /dev/zero > /junk")
        let volume = Repo.uniqueName("swtop-vol")
        try engine.docker("volume", "create", volume)
        try engine.docker("run", "--rm", "-v", "\(volume):/d", "swtop/busybox:latest", "sh", "-c", "head -c 100000 /dev/zero > /d/x")
        let pane = try launch(engine)
        _ = try pane.waitFor(text: stopped)
        try pane.send("X")
        let preview = try pane.waitFor(text: "marked:")
        let containers = try XCTUnwrap(preview.split(separator: "\n").first { $0.contains("stopped containers") }, preview)
        XCTAssertTrue(containers.contains(stopped) && containers.contains("[x]"), preview)
        // Volumes too (4th row), then Enter, then yes.
        try pane.send("j", "j", "j", "Space")
        _ = try pane.waitFor("volumes marked") { $0.split(separator: "\n").contains { $0.contains("[x]  unused volumes") } }
        try pane.send("Enter")
        _ = try pane.waitFor(text: "and free")
        try pane.send("y")
        let done = try pane.waitFor(text: "removed ", seconds: 60)
        // The preview's figures beside what the engine reports freed: equal.
        let total = try XCTUnwrap(done.split(separator: "\n").first { $0.contains("removed ") && $0.contains("previewed") }, done)
        let figures = total.split(separator: " ").map(String.init)
        let freed = figures[figures.firstIndex(of: "freed")! + 1]
        let previewed = figures[figures.firstIndex(of: "(previewed")! + 1].replacingOccurrences(of: ")", with: "")
        XCTAssertEqual(freed, previewed, String(total))
        XCTAssertNotEqual(try engine.dockerResult(["inspect", stopped]).status, 0, "the stopped container is gone")
        XCTAssertNotEqual(try engine.dockerResult(["volume", "inspect", volume]).status, 0, "the volume is gone")
        XCTAssertFalse(try engine.docker("image", "inspect", "-f", "{{.Id}}", "swtop/busybox:latest").isEmpty, "a tagged image stays")
    }
}
