@testable import DockerEngine
import Foundation
import XCTest

final class ComposeTests: XCTestCase {
    let labels: [String: String] = [
        "com.docker.compose.project": "shop",
        "com.docker.compose.project.working_dir": "/srv/shop",
        "com.docker.compose.project.config_files": "/srv/shop/compose.yaml,compose.prod.yaml",
        "com.docker.compose.service": "web",
    ]

    func testTheProjectComesFromItsContainersLabels() throws {
        let project = try XCTUnwrap(ComposeProject(name: "shop", labels: [["com.docker.compose.project": "other"], labels]))
        XCTAssertEqual(project.workingDirectory, "/srv/shop")
        XCTAssertEqual(project.configFiles, ["/srv/shop/compose.yaml", "compose.prod.yaml"])
        XCTAssertEqual(project.resolvedConfigFiles, ["/srv/shop/compose.yaml", "/srv/shop/compose.prod.yaml"])
        XCTAssertNil(ComposeProject(name: "", labels: [labels]))
    }

    func testFilesNotHereSayWhichAndWhy() {
        let project = ComposeProject(name: "shop", labels: [labels])!
        XCTAssertEqual(project.filesProblem { _ in false },
                       "the compose files of shop are not on this machine: /srv/shop does not exist here (a remote engine, or a moved directory)")
        XCTAssertEqual(project.filesProblem { $0 != "/srv/shop/compose.prod.yaml" },
                       "the compose files of shop are not on this machine: /srv/shop/compose.prod.yaml does not exist here")
        XCTAssertNil(project.filesProblem { _ in true })
        XCTAssertEqual(ComposeProject(name: "bare").filesProblem { _ in true },
                       "the containers of bare do not say where its compose files are (no com.docker.compose.project.working_dir label)")
    }

    func testAFolderIsReadAsComposeReadsIt() {
        let here: Set<String> = ["/p/docker-compose.yml", "/p/docker-compose.override.yml", "/q/compose.yaml", "/q/docker-compose.yml"]
        XCTAssertEqual(ComposeTool.defaultFiles(in: "/p") { here.contains($0) }, ["/p/docker-compose.yml", "/p/docker-compose.override.yml"])
        XCTAssertEqual(ComposeTool.defaultFiles(in: "/q") { here.contains($0) }, ["/q/compose.yaml"], "compose.yaml comes first")
        XCTAssertEqual(ComposeTool.defaultFiles(in: "/r") { here.contains($0) }, [])
        XCTAssertEqual(ComposeTool.defaultName("/home/me/My Shop.v2"), "myshopv2")
    }

    /// The command names the project, its folder and files, and points Compose at the row's engine only:
    /// a context or another host in swtop's environment must not win.
    func testTheCommandIsPointedAtTheRowsEngine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-compose-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/compose.yaml", contents: Data("services: {}\n".utf8))
        let tool = dir + "/docker-compose"
        _ = FileManager.default.createFile(atPath: tool, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        let project = ComposeProject(name: "shop", workingDirectory: dir, configFiles: [dir + "/compose.yaml"])
        let environment = ["SWTOP_COMPOSE": tool, "DOCKER_CONTEXT": "prod", "DOCKER_HOST": "tcp://elsewhere:2375", "HOME": "/root",
                           "DOCKER_CERT_PATH": "/old"]
        let cli = DockerCLIEnvironment(host: "unix:///run/e1.sock")
        let command = try XCTUnwrap(ComposeTool.command(.downVolumes, project, cli: cli, environment: environment))
        XCTAssertEqual(command.path, tool)
        XCTAssertEqual(command.arguments, ["--ansi", "never", "--progress", "plain", "--project-name", "shop", "--project-directory", dir,
                                           "--file", dir + "/compose.yaml", "down", "--volumes"])
        XCTAssertEqual(command.directory, dir)
        XCTAssertEqual(command.environment["DOCKER_HOST"], "unix:///run/e1.sock")
        XCTAssertNil(command.environment["DOCKER_CONTEXT"])
        XCTAssertNil(command.environment["DOCKER_CERT_PATH"])
        XCTAssertEqual(command.environment["HOME"], "/root")
        let tls = DockerCLIEnvironment(host: "tcp://10.0.0.5:2376", tls: TLSMaterial(caFile: "/c/ca.pem", certFile: "/c/cert.pem", keyFile: "/c/key.pem", verify: true))
        let viaTLS = tls.applied(to: [:])
        XCTAssertEqual(viaTLS["DOCKER_TLS_VERIFY"], "1")
        XCTAssertEqual(viaTLS["DOCKER_CERT_PATH"], "/c")
        // No Compose: said, and no command.
        XCTAssertNil(ComposeTool.command(.up, project, cli: cli, environment: ["SWTOP_COMPOSE": dir + "/absent", "PATH": dir + "/none"]))
        XCTAssertEqual(ComposeTool.problem(project, environment: ["SWTOP_COMPOSE": dir + "/absent"]),
                       "no Compose on this machine: neither the docker CLI's compose plugin nor docker-compose on PATH (or set SWTOP_COMPOSE)")
    }

    /// A value with shell syntax in it reaches the program as one argument and runs nothing.
    func testArgumentsAreNeverAShellLine() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-local-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hostile = "a; touch \(dir)/pwned; $(touch \(dir)/pwned2) `touch \(dir)/pwned3`"
        let printf = try XCTUnwrap(LocalCommand.which("printf", environment: ["PATH": "/usr/bin:/bin"]))
        let command = LocalCommand(path: printf, arguments: ["[%s]\\n", hostile, "$HOME"], environment: ["HOME": "/nowhere"], directory: dir)
        let output = Collected()
        let exit = await LocalProcess.run(command) { output.add($0) }
        XCTAssertEqual(exit, .exited(0))
        XCTAssertEqual(output.text, "[\(hostile)]\n[$HOME]\n")
        for name in ["pwned", "pwned2", "pwned3"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: "\(dir)/\(name)"), name)
        }
        XCTAssertEqual(LocalCommand.display(["printf", "a\nb\u{1B}[2J", "it's"]), "printf $'a\\nb\\x1b[2J' 'it'\\''s'",
                       "shown on one line, no escape reaches the terminal")
        XCTAssertEqual(command.display, "printf '[%s]\\n' '\(hostile.replacingOccurrences(of: "'", with: "'\\''"))' '$HOME'")
    }

    func testTheEnvironmentTheFolderAndTheExitCodeAreTheCommands() async throws {
        let sh = try XCTUnwrap(LocalCommand.which("sh", environment: ["PATH": "/usr/bin:/bin"]))
        let command = LocalCommand(path: sh, arguments: ["-c", "pwd; echo \"$DOCKER_HOST\"; echo oops >&2; exit 3"],
                                   environment: ["DOCKER_HOST": "unix:///run/x.sock"], directory: "/tmp")
        let output = Collected()
        let exit = await LocalProcess.run(command) { output.add($0) }
        XCTAssertEqual(exit, .exited(3))
        XCTAssertEqual(output.text, "/tmp\nunix:///run/x.sock\noops\n")
        let nowhere = LocalCommand(path: sh, arguments: ["-c", "true"], environment: [:], directory: "/nonexistent-swtop")
        let said = Collected()
        let refused = await LocalProcess.run(nowhere) { said.add($0) }
        XCTAssertEqual(refused, .exited(126))
        XCTAssertEqual(said.text, "swtop: cannot enter the working directory\n")
    }

    /// Leaving the pane stops the command: its whole process group gets SIGTERM.
    func testCancellingStopsTheCommandAndItsChildren() async throws {
        let sh = try XCTUnwrap(LocalCommand.which("sh", environment: ["PATH": "/usr/bin:/bin"]))
        let command = LocalCommand(path: sh, arguments: ["-c", "sleep 300 & echo ready; wait"], environment: [:])
        let output = Collected()
        let ready = AsyncStream<Void>.makeStream()
        let task = Task { await LocalProcess.run(command) { output.add($0); if output.text.contains("ready") { ready.continuation.yield() } } }
        for await _ in ready.stream { break }
        task.cancel()
        let exit = await task.value
        XCTAssertEqual(exit, .cancelled)
    }
}

final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func add(_ chunk: [UInt8]) { lock.lock(); bytes += chunk; lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: bytes, as: UTF8.self) }
}
