@testable import DockerEngine
import XCTest

/// The ssh command line swtop runs and how it reads what ssh says (the real ssh is in SSHTests).
final class SSHTunnelTests: XCTestCase {
    func testCommandLineIsSafeAndNonInteractive() {
        let line = SSHTunnel.commandLine(ssh: "/usr/bin/ssh", config: "/tmp/cfg", user: "me", host: "box", port: 2222,
                                         local: "/tmp/swtop-ssh-0/abc/docker.sock", remote: "/var/run/docker.sock")
        XCTAssertEqual(line.first, "/usr/bin/ssh")
        XCTAssertEqual(Array(line[1...2]), ["-F", "/tmp/cfg"])
        XCTAssertEqual(Array(line.suffix(4)), ["-L", "/tmp/swtop-ssh-0/abc/docker.sock:/var/run/docker.sock", "--", "box"])
        for option in ["StrictHostKeyChecking=yes", "BatchMode=yes", "ExitOnForwardFailure=yes", "ControlPath=none"] {
            XCTAssertTrue(line.contains(option), option)
        }
        XCTAssertTrue(line.contains("-N"))
        XCTAssertEqual(line[line.firstIndex(of: "-p")! + 1], "2222")
        XCTAssertEqual(line[line.firstIndex(of: "-l")! + 1], "me")
        let plain = SSHTunnel.commandLine(ssh: "ssh", config: nil, user: nil, host: "box", port: nil, local: "/l", remote: "/r")
        XCTAssertFalse(plain.contains("-F") || plain.contains("-p") || plain.contains("-l"))
    }

    /// The user's own StrictHostKeyChecking (as `ssh -G` resolves it) is honoured; ssh's default "ask"
    /// becomes "yes" (refuse unknown keys, never prompt).
    func testAnExplicitHostKeyCheckingIsHonoured() async throws {
        XCTAssertEqual(SSHTunnel.parseHostKeyChecking("user root\nstricthostkeychecking accept-new\nport 22\n"), "accept-new")
        XCTAssertNil(SSHTunnel.parseHostKeyChecking("user root\n"))
        let strict = SSHTunnel.commandLine(ssh: "ssh", config: nil, user: nil, host: "box", port: nil, local: "/l", remote: "/r", hostKeyChecking: "ask")
        XCTAssertTrue(strict.contains("StrictHostKeyChecking=yes"))
        let acceptNew = SSHTunnel.commandLine(ssh: "ssh", config: nil, user: nil, host: "box", port: nil, local: "/l", remote: "/r",
                                              hostKeyChecking: "accept-new")
        XCTAssertFalse(acceptNew.contains { $0.hasPrefix("StrictHostKeyChecking") }, "\(acceptNew)")
        XCTAssertTrue(acceptNew.contains("BatchMode=yes"), "never prompts")

        // The real ssh -G, with a config that says accept-new for one host and nothing for another.
        let directory = NSTemporaryDirectory() + "swtop-ssh-g-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/config"
        try Data("Host relaxed\n  StrictHostKeyChecking accept-new\n".utf8).write(to: URL(fileURLWithPath: config))
        let relaxed = await SSHTunnel.configuredHostKeyChecking(ssh: "/usr/bin/ssh", config: config, user: nil, host: "relaxed",
                                                                port: nil, directory: directory)
        XCTAssertEqual(relaxed, "accept-new")
        let plain = await SSHTunnel.configuredHostKeyChecking(ssh: "/usr/bin/ssh", config: config, user: "me", host: "other",
                                                              port: 2222, directory: directory)
        XCTAssertEqual(plain, "ask")
    }

    func testWhatSSHSaidBecomesAReasonAUserCanActOn() {
        func explain(_ text: String) -> String? { SSHTunnel.explain(stderr: text, host: "box", remoteSocket: "/run/d.sock") }
        XCTAssertEqual(explain("No ED25519 host key is known for [127.0.0.1]:22022 and you have requested strict checking.\r\nHost key verification failed.\r\n"),
                       "ssh: box's host key is not in known_hosts; swtop never accepts an unknown key — connect once with ssh, or add it with ssh-keyscan")
        XCTAssertTrue(explain("@@@@@\nWARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!\nHost key verification failed.\n")?.contains("CHANGED") ?? false)
        XCTAssertEqual(explain("root@127.0.0.1: Permission denied (publickey)."),
                       "ssh: box refused the login (root@127.0.0.1: Permission denied (publickey).); swtop never prompts for a password: use a key or the agent")
        XCTAssertEqual(explain("ssh: connect to host box port 22: Connection refused"), "ssh: connection to box refused (is sshd running there?)")
        XCTAssertEqual(explain("channel 2: open failed: administratively prohibited: open failed"),
                       "ssh: box refused to forward /run/d.sock (the server may have AllowStreamLocalForwarding off)")
        XCTAssertEqual(explain("channel 3: open failed: connect failed: open failed"),
                       "ssh: box could not open /run/d.sock (is the engine running there, and may that user use its socket?)")
        XCTAssertEqual(explain("something odd\u{1B}[31m happened\n\n"), "ssh: something odd[31m happened")
        XCTAssertNil(explain(""))
        XCTAssertNil(explain("\n \n"))
    }
}
