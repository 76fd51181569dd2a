import Foundation
import TestSupport
import XCTest

/// `swtop -H ssh://...` in tmux (Scripts/sshd.sh's sshd in front of a private engine): the dashboard, a
/// log view and a shell over ONE SSH connection; a killed ssh shows the engine unreachable in the
/// status bar, then swtop reconnects by itself; the terminal is the shell's again at the end.
final class SSHEndToEndTests: XCTestCase {
    var panes: [TmuxSession] = []
    var containers: [String] = []
    var setup: SSHSetup!
    let folder = NSTemporaryDirectory() + "swtop-e2e-ssh-\(UUID().uuidString.prefix(6))"

    override func setUpWithError() throws {
        setup = try SSHSetup.fromEnvironment()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for pane in panes { pane.kill() }
        panes.removeAll()
        if let setup {
            for name in containers { _ = try? Shell.run([Repo.dockerCLI, "-H", setup.unixHost, "rm", "-f", name]) }
        }
        containers.removeAll()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The ssh processes swtop (the foreground child of the pane's bash) started.
    func swtopSSH(_ pane: TmuxSession) throws -> [Int32] {
        guard let bash = Int32(try pane.format("#{pane_pid}")) else { return [] }
        return SSHSetup.sshProcesses().filter { ssh in
            ssh.command.contains("/tmp/swtop-ssh-") && parent(of: ssh.parent) == bash
        }.map(\.pid)
    }

    func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    func hasLine(_ screen: String, _ text: String) -> Bool {
        screen.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == text }
    }

    func testDashboardLogsShellOverOneSSHConnectionAndRecoveryAfterTheLinkDies() throws {
        let name = Repo.uniqueName("xssh")
        containers.append(name)
        _ = try Shell.check([Repo.dockerCLI, "-H", setup.unixHost, "run", "-d", "--name", name,
                             "swtop/busybox:latest", "sh", "-c", "sleep 100000 & exec sleep 100001"])
        let pane = try TmuxSession.interactiveShell(width: 160, height: 40, savingModesTo: "\(folder)/before")
        panes.append(pane)
        XCTAssertEqual(try setup.connectionCount(), 0, "no SSH connection before swtop")
        try pane.sendLiteral("SWTOP_SSH_CONFIG=\(setup.config) \(Repo.swtopBinary) -H \(setup.url) --log-file \(folder)/swtop.log; echo SWTOP-EXIT=$?")
        try pane.send("Enter")
        let first = try pane.waitFor("the seeded containers over ssh", seconds: 20) {
            $0.contains("swtop-web") && $0.contains("swtop-running") && $0.contains(name)
        }
        XCTAssertTrue(first.contains("ssh://"), "the engine's address is shown:\n\(first)")
        try pane.waitFor(format: "#{alternate_on}", toBe: "1")
        XCTAssertEqual(try swtopSSH(pane).count, 1, "one ssh process for the engine")
        XCTAssertEqual(try setup.connectionCount(), 1, "one SSH connection with the dashboard open")

        // The link dies: the status bar says so, then swtop reconnects by itself and the rows come back.
        for pid in try swtopSSH(pane) { kill(pid, SIGKILL) }
        let down = try pane.waitFor("the engine shown unreachable", seconds: 10) { $0.contains("engine unreachable") }
        XCTAssertTrue(down.contains("ssh"), "the reason names ssh:\n\(down)")
        try pane.waitFor("rows back after reconnecting", seconds: 20) {
            !$0.contains("engine unreachable") && $0.contains("swtop-running") && $0.contains(name)
        }
        XCTAssertEqual(try swtopSSH(pane).count, 1, "one new ssh process after the reconnect")

        // A log view beside the dashboard's streams: still one connection.
        try pane.send("/")
        try pane.sendLiteral("swtop-logger")
        try pane.send("Enter")
        try pane.waitFor("only swtop-logger listed") { !$0.contains("swtop-running ") && $0.contains("swtop-logger") }
        try pane.send("l")
        try pane.waitFor("the log view of swtop-logger over ssh") { $0.contains("logs: swtop-logger") && $0.contains("out-1") && $0.contains("err-2") }
        XCTAssertEqual(try setup.connectionCount(), 1, "one SSH connection with the dashboard and a log view open")
        XCTAssertEqual(try swtopSSH(pane).count, 1)
        try pane.send("Escape")

        // A shell through the hijacked connection, a channel of the same link.
        try pane.send("/")
        try pane.send("C-u")
        try pane.sendLiteral(name)
        try pane.send("Enter")
        try pane.waitFor("only \(name) listed") { !$0.contains("swtop-logger") && $0.contains(name) }
        try pane.send("e")
        try pane.waitFor(text: "[swtop] shell in \(name)")
        try pane.sendLiteral("echo $((6*7))")
        try pane.send("Enter")
        try pane.waitFor("42 from the shell over ssh") { self.hasLine($0, "42") }
        XCTAssertEqual(try setup.connectionCount(), 1, "one SSH connection with a shell open too")
        try pane.sendLiteral("exit")
        try pane.send("Enter")
        try pane.waitFor("the dashboard back after the shell") { $0.contains("exited with code 0") }

        try pane.send("q")
        try pane.waitFor(text: "SWTOP-EXIT=0")
        let state = try pane.shellTerminalState(modesFile: "\(folder)/before", token: "STTY-SSH")
        XCTAssertTrue(state.mainScreen && state.cursorShown && state.sameModes, "the shell has its terminal back: \(state)")
        XCTAssertEqual(SSHSetup.sshProcesses().filter { $0.command.contains("/tmp/swtop-ssh-") }.count, 0, "no ssh left after swtop quit")
        let deadline = Date().addingTimeInterval(5)
        while try setup.connectionCount() != 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertEqual(try setup.connectionCount(), 0, "the SSH connection closed with swtop")
    }

    /// Two engines in one dashboard, one of them over ssh (here the same engine twice: through its socket
    /// and through the sshd): every row of the remote one says so; its ssh killed, the remote engine is
    /// shown unreachable while the local rows stay, then it comes back by itself — one SSH connection.
    func testAFleetWithARemoteEngineOverSSH() throws {
        let name = Repo.uniqueName("xfl")
        containers.append(name)
        _ = try Shell.check([Repo.dockerCLI, "-H", setup.unixHost, "run", "-d", "--name", name,
                             "swtop/busybox:latest", "sh", "-c", "sleep 100000 & exec sleep 100001"])
        let pane = try TmuxSession(command: "\(Repo.swtopBinary) -H local=\(setup.unixHost) -H remote=\(setup.url) --log-file \(folder)/fleet.log",
                                   width: 160, height: 30,
                                   environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                                                 "SWTOP_SSH_CONFIG": setup.config])
        panes.append(pane)
        func rows(_ screen: String) -> [String] {
            screen.split(separator: "\n").map(String.init).filter { $0.hasPrefix(name + " ") }
        }
        func engines(_ screen: String) -> [String] {
            rows(screen).map { $0.split(separator: " ").last.map(String.init) ?? "" }.sorted()
        }
        try pane.send("/")
        try pane.sendLiteral(name)
        try pane.send("Enter")
        let both = try pane.waitFor("the container twice, once per engine", seconds: 20) { engines($0) == ["local", "remote"] }
        XCTAssertTrue(both.contains("● local  ● remote"), both)
        XCTAssertEqual(try setup.connectionCount(), 1)
        let ssh = SSHSetup.sshProcesses().filter { $0.command.contains("/tmp/swtop-ssh-") }
        XCTAssertEqual(ssh.count, 1, "one ssh process for the one remote engine")
        for process in ssh { kill(process.pid, SIGKILL) }
        let down = try pane.waitFor("the remote engine unreachable, the local rows kept", seconds: 10) {
            $0.contains("✗ engine unreachable · remote:") && engines($0).contains("local")
        }
        XCTAssertTrue(down.contains("✗ remote"), down)
        _ = try pane.waitFor("the remote engine back", seconds: 20) {
            $0.contains("● local  ● remote") && !$0.contains("unreachable") && engines($0) == ["local", "remote"]
        }
        XCTAssertEqual(try setup.connectionCount(), 1)
    }

    /// swtop killed with SIGKILL (no chance to clean up): its ssh dies with it all the same.
    func testTheSSHProcessDiesWithAKilledSwtop() throws {
        let pane = try TmuxSession.interactiveShell(width: 120, height: 30, savingModesTo: "\(folder)/before")
        panes.append(pane)
        try pane.sendLiteral("SWTOP_SSH_CONFIG=\(setup.config) \(Repo.swtopBinary) -H \(setup.url) --log-file \(folder)/swtop.log; echo SWTOP-EXIT=$?")
        try pane.send("Enter")
        try pane.waitFor("the seeded containers over ssh", seconds: 20) { $0.contains("swtop-running") }
        let ssh = try swtopSSH(pane)
        XCTAssertEqual(ssh.count, 1)
        guard let first = ssh.first, let swtop = parent(of: first) else { return XCTFail("no ssh child") }
        // A SIGKILLed swtop cannot remove its private directory (the next swtop sweeps it): this test does.
        let command = SSHSetup.sshProcesses().first { $0.pid == first }?.command ?? ""
        if let start = command.range(of: "/tmp/swtop-ssh-"), let end = command[start.lowerBound...].range(of: "/docker.sock") {
            let directory = String(command[start.lowerBound..<end.lowerBound])
            addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        }
        kill(swtop, SIGKILL)
        try pane.waitFor(text: "SWTOP-EXIT=137")
        let deadline = Date().addingTimeInterval(5)
        func alive() -> Bool { SSHSetup.sshProcesses().contains { $0.pid == first } }
        while alive(), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(alive(), "ssh \(first) outlived its swtop")
    }

    /// Compose for an ssh:// engine goes through swtop's own tunnel (its local socket in DOCKER_HOST):
    /// the project comes up on the remote engine with still ONE ssh connection open.
    func testComposeUpAndDownThroughSwtopsOwnTunnel() throws {
        let project = Repo.uniqueName("sshc").filter { $0.isLetter || $0.isNumber }
        let dir = "\(folder)/\(project)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "services:\n  one:\n    image: swtop/busybox:latest\n    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; while true; do sleep 1; done\"]\n"
            .write(toFile: dir + "/compose.yaml", atomically: true, encoding: .utf8)
        defer {
            for id in (try? Shell.check([Repo.dockerCLI, "-H", setup.unixHost, "ps", "-aq", "--filter", "label=com.docker.compose.project=\(project)"]))?
                .split(separator: "\n") ?? [] {
                _ = try? Shell.run([Repo.dockerCLI, "-H", setup.unixHost, "rm", "-f", String(id)])
            }
            _ = try? Shell.run([Repo.dockerCLI, "-H", setup.unixHost, "network", "rm", "\(project)_default"])
        }
        let pane = try TmuxSession(command: "cd '\(dir)' && SWTOP_SSH_CONFIG=\(setup.config) \(Repo.swtopBinary) -H \(setup.url)",
                                   width: 160, height: 40, environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"])
        panes.append(pane)
        _ = try pane.waitFor(text: "swtop-web", seconds: 20)
        // No row of another project under the cursor (the seeded engine has one): c takes the folder's.
        try pane.send("/")
        try pane.sendLiteral(project)
        try pane.send("Enter")
        try pane.send("c")
        _ = try pane.waitFor(text: "compose project \(project) on")
        try pane.send("u")
        let up = try pane.waitFor(text: "✓ up done", seconds: 60)
        XCTAssertTrue(up.contains("DOCKER_HOST=unix:///tmp/swtop-ssh-"), up)
        XCTAssertEqual(try Shell.check([Repo.dockerCLI, "-H", setup.unixHost, "ps", "--filter", "label=com.docker.compose.project=\(project)",
                                        "--format", "{{.Names}}"]).trimmingCharacters(in: .whitespacesAndNewlines), "\(project)-one-1")
        XCTAssertEqual(try setup.connectionCount(), 1, "Compose went through swtop's connection")
        try pane.send("d")
        _ = try pane.waitFor(text: "✓ down done", seconds: 60)
        XCTAssertEqual(try Shell.check([Repo.dockerCLI, "-H", setup.unixHost, "ps", "-aq", "--filter", "label=com.docker.compose.project=\(project)"])
            .trimmingCharacters(in: .whitespacesAndNewlines), "")
    }
}
