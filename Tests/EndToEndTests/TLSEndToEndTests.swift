import Foundation
import TestSupport
import XCTest

/// The built binary in tmux with `--context NAME`, the context in a docker config folder of the test's
/// own pointing at the private TLS engine (its TLS files in the context's folder): the seeded containers
/// show; with a context holding the wrong CA the banner says so; `swtop context ls` lists them.
final class TLSEndToEndTests: XCTestCase {
    var sessions: [TmuxSession] = []
    var config: DockerConfigFolder?
    let logDir = NSTemporaryDirectory() + "swtop-e2e-logs"

    override func tearDown() {
        for session in sessions { session.kill() }
        sessions.removeAll()
        config?.remove()
    }

    /// A config folder with `tls-engine` (the right files), `wrong-ca` (an unrelated CA) and `plain`
    /// (no TLS files: plain HTTP to the TLS port).
    func makeConfig(_ engine: TLSTestEngine) throws -> DockerConfigFolder {
        let folder = try DockerConfigFolder()
        config = folder
        try folder.addContext("tls-engine", host: engine.host, description: "private TLS engine",
                              tls: ["ca.pem": engine.file("ca.pem"), "cert.pem": engine.file("cert.pem"), "key.pem": engine.file("key.pem")])
        try folder.addContext("wrong-ca", host: engine.host, description: "an unrelated CA",
                              tls: ["ca.pem": engine.file("wrong-ca/ca.pem"), "cert.pem": engine.file("cert.pem"),
                                    "key.pem": engine.file("key.pem")])
        try folder.addContext("plain", host: engine.host)
        return folder
    }

    func launch(_ arguments: String, config: DockerConfigFolder, width: Int = 120, height: Int = 30) throws -> TmuxSession {
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        let environment = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "DOCKER_CONFIG": config.path,
                           "DOCKER_HOST": "", "DOCKER_CONTEXT": "", "DOCKER_TLS_VERIFY": "", "DOCKER_CERT_PATH": ""]
        let command = "\(Repo.swtopBinary) \(arguments) --log-file \(logDir)/\(name.filter(\.isLetter)).log"
        let session = try TmuxSession(command: command, width: width, height: height, environment: environment)
        sessions.append(session)
        return session
    }

    func testContextFlagShowsTheTLSEnginesContainers() throws {
        let engine = try TLSTestEngine.get()
        let folder = try makeConfig(engine)
        // Given before the subcommand, as with the docker CLI.
        let pane = try launch("--context tls-engine dashboard", config: folder)
        let screen = try pane.waitFor("the seeded containers over TLS", seconds: 20) { $0.contains("swtop-running") && $0.contains("swtop-paused") }
        XCTAssertTrue(screen.contains("https://127.0.0.1:"), screen)
        XCTAssertFalse(screen.contains("unreachable"), screen)
        // The picker lists the contexts and marks the one on screen.
        try pane.send("C")
        let picker = try pane.waitFor("the context picker", seconds: 10) { $0.contains("docker contexts · 4") }
        let row = picker.split(separator: "\n").first { $0.contains("tls-engine") }.map(String.init) ?? ""
        XCTAssertTrue(row.contains("●"), "the watched context is marked:\n\(picker)")
        XCTAssertTrue(row.contains("(TLS)"), row)
        XCTAssertTrue(picker.contains("wrong-ca"), picker)
        try pane.send("Escape")
        _ = try pane.waitFor("back on the dashboard", seconds: 10) { $0.contains("swtop-running") && !$0.contains("docker contexts") }
    }

    func testAWrongCAShowsTheClearMessageInTheBanner() throws {
        let engine = try TLSTestEngine.get()
        let folder = try makeConfig(engine)
        let pane = try launch("--context wrong-ca", config: folder, width: 300)
        let wrong = "\(folder.path)/contexts/tls/"
        let screen = try pane.waitFor("the wrong-CA message", seconds: 20) {
            $0.contains("TLS: the engine's certificate is not signed by the CA in \(wrong)")
        }
        XCTAssertTrue(screen.contains("engine unreachable at https://127.0.0.1:"), screen)
        XCTAssertTrue(screen.contains("/docker/ca.pem"), screen)
        // The keys still answer: q quits.
        try pane.send("q")
        _ = try pane.waitFor("swtop to quit", seconds: 10) { $0.contains("[exit=0]") }
    }

    func testCommandsTakeContextAndTLSFlagsAndSayWhatIsWrong() throws {
        let engine = try TLSTestEngine.get()
        let folder = try makeConfig(engine)
        let env = ["DOCKER_CONFIG": folder.path, "DOCKER_HOST": "", "DOCKER_CONTEXT": "", "DOCKER_TLS_VERIFY": "", "DOCKER_CERT_PATH": ""]
        let ps = try Shell.run([Repo.swtopBinary, "--context", "tls-engine", "ps"], environment: env)
        XCTAssertEqual(ps.status, 0, ps.stderr)
        XCTAssertTrue(ps.stdout.contains("swtop-running"), ps.stdout)
        // The TLS flags before the subcommand, as docker takes them.
        let flags = try Shell.run([Repo.swtopBinary, "-H", engine.host, "--tlsverify", "--tlscacert", engine.file("ca.pem"),
                                   "--tlscert", engine.file("cert.pem"), "--tlskey", engine.file("key.pem"), "ps"], environment: env)
        XCTAssertEqual(flags.status, 0, flags.stderr)
        func names(_ table: String) -> [String] {
            table.split(separator: "\n").dropFirst().map { String($0.split(separator: " ", omittingEmptySubsequences: true)[1]) }.sorted()
        }
        XCTAssertEqual(names(flags.stdout), names(ps.stdout))
        XCTAssertTrue(names(ps.stdout).contains("swtop-paused"), ps.stdout)
        let noCert = try Shell.run([Repo.swtopBinary, "ps", "-H", engine.host, "--tlsverify", "--tlscacert", engine.file("ca.pem")],
                                   environment: env)
        XCTAssertEqual(noCert.status, 1)
        XCTAssertTrue(noCert.stderr.contains("TLS: the engine asked for a client certificate (give --tlscert/--tlskey or DOCKER_CERT_PATH)"),
                      noCert.stderr)
        let plain = try Shell.run([Repo.swtopBinary, "--context", "plain", "ps"], environment: env)
        XCTAssertEqual(plain.status, 1)
        XCTAssertTrue(plain.stderr.contains("speaks TLS on that port"), plain.stderr)
        let both = try Shell.run([Repo.swtopBinary, "-H", engine.host, "--context", "plain", "ps"], environment: env)
        XCTAssertEqual(both.status, 1)
        XCTAssertTrue(both.stderr.contains("either give --host or --context, not both"), both.stderr)
        // context ls, as docker context ls, and --json.
        try folder.setCurrent("tls-engine")
        let list = try Shell.check([Repo.swtopBinary, "context", "ls"], environment: env)
        let lines = list.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("NAME"), list)
        XCTAssertEqual(lines.dropFirst().map { String($0.split(separator: " ")[0]) }, ["default", "plain", "tls-engine", "wrong-ca"], list)
        XCTAssertTrue(lines.contains { $0.hasPrefix("tls-engine *") && $0.contains(engine.host) && $0.contains("private TLS engine") }, list)
        let json = try Shell.check([Repo.swtopBinary, "contexts", "--json"], environment: env)
        let records = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        XCTAssertEqual(records.map { $0["name"] as? String }, ["default", "plain", "tls-engine", "wrong-ca"])
        XCTAssertEqual(records.first { $0["name"] as? String == "tls-engine" }?["current"] as? Bool, true)
        XCTAssertEqual(records.first { $0["name"] as? String == "tls-engine" }?["tls"] as? Bool, true)
        XCTAssertEqual(records.first { $0["name"] as? String == "plain" }?["dockerEndpoint"] as? String, engine.host)
    }
}
