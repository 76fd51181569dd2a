import DockerEngine
import Foundation
import LayerKit
import SwtopStore
import TestSupport
import XCTest

/// An engine over `ssh://` (Scripts/sshd.sh: Debian's sshd on loopback, a generated key, a private client
/// config): lists, logs, events and exec equal to the same engine's unix socket; ONE ssh process and one
/// SSH connection however many streams are open; an unknown host key refused with a clear message; a
/// killed ssh seen as unreachable, then recovered.
final class SSHTests: XCTestCase {
    var setup: SSHSetup!

    override func setUpWithError() throws {
        setup = try SSHSetup.fromEnvironment()
        // OpenSSH finds ~/.ssh through the passwd entry, not $HOME: the tests name their client config.
        setenv("SWTOP_SSH_CONFIG", setup.config, 1)
    }

    /// The docker CLI on the same engine's unix socket: the reference.
    @discardableResult
    func docker(_ arguments: String...) throws -> String {
        try Shell.check([Repo.dockerCLI, "-H", setup.unixHost] + arguments)
    }

    func connect() async throws -> DockerClient {
        try await DockerClient.connect(EngineEndpoint(address: try EngineAddress(parsing: setup.url), source: "test"))
    }

    /// Runs `body` with a connected ssh client, always shut down afterwards.
    func withClient(_ body: (DockerClient) async throws -> Void) async throws {
        let client = try await connect()
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    func makeContainer(_ prefix: String, command: String) throws -> String {
        let name = Repo.uniqueName(prefix)
        let host = setup.unixHost
        let id = try Shell.check([Repo.dockerCLI, "-H", host, "create", "--name", name, "--label", "swtop.test=1",
                                  "swtop/busybox:latest", "sh", "-c", command]).trimmingCharacters(in: .whitespacesAndNewlines)
        addTeardownBlock { _ = try? Shell.run([Repo.dockerCLI, "-H", host, "rm", "-f", id]) }
        return id
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    func eventually(_ seconds: Double, _ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("timed out after \(seconds) s waiting for: \(what)")
    }

    // MARK: - What the user sees

    func testListsTheSameContainersAsTheUnixSocket() async throws {
        try await withClient { client in
            XCTAssertNotNil(client.sshTunnel)
            XCTAssertFalse(client.isLocal, "an ssh engine's files are not this machine's")
            let overSSH = try await client.containers(all: true).map(\.Id).sorted()
            let cli = try docker("ps", "-aq", "--no-trunc").split(separator: "\n").map(String.init).sorted()
            XCTAssertEqual(overSSH, cli)
            let names = try await client.containers(all: true).flatMap { $0.Names ?? [] }
            XCTAssertTrue(names.contains("/swtop-web") && names.contains("/swtop-running"), "\(names)")
            let version = try await client.version()
            XCTAssertEqual(version.Version, try docker("version", "-f", "{{.Server.Version}}").trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    func testFollowsLogsOverSSH() async throws {
        let id = try makeContainer("swtop-ssh-logs", command: "i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo ssh-line-$i; sleep 0.2; done; sleep 300")
        try docker("start", id)
        try await withClient { client in
            let lines = try await within(30, "three log lines over ssh") { () -> [String] in
                var lines: [String] = []
                for try await line in client.logs(id, options: LogOptions(follow: true)) {
                    lines.append(line.text)
                    if lines.count == 3 { break }
                }
                return lines
            }
            XCTAssertEqual(lines, ["ssh-line-1", "ssh-line-2", "ssh-line-3"])
        }
    }

    func testEventsStreamDeliversAnEvent() async throws {
        try await withClient { client in
            let events = try await client.subscribeEvents(filters: ["type": ["container"]])
            let id = try makeContainer("swtop-ssh-event", command: "sleep 300")
            let seen = try await within(20, "the create event over ssh") { () -> String? in
                for try await event in events where event.Actor?.ID == id { return event.Action }
                return nil
            }
            XCTAssertEqual(seen, "create")
        }
    }

    func testExecOverTheHijackedConnection() async throws {
        let id = try makeContainer("swtop-ssh-exec", command: "trap 'exit 0' TERM; sleep 300 & wait")
        try docker("start", id)
        try await withClient { client in
            let exec = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "echo $((6*7)); echo err >&2; exit 5"],
                                                                tty: false, stdin: false))
            let session = try await Session.run(client, exec, tty: false, seconds: 20)
            XCTAssertEqual(session.end, .exited(5))
            XCTAssertEqual(session.text(.stdout), "42\n")
            XCTAssertEqual(session.text(.stderr), "err\n")
            // stdin through the channel, and its end (EOF crosses the SSH channel: cat ends).
            let catExec = try await client.createExec(id, ExecSpec(command: ["cat"], tty: false, stdin: true))
            let echoed = try await Session.run(client, catExec, tty: false, seconds: 20,
                                               input: [.bytes(Array("through ssh\n".utf8)), .endOfInput])
            XCTAssertEqual(echoed.end, .exited(0))
            XCTAssertEqual(echoed.text(.stdout), "through ssh\n")
        }
    }

    /// The layer view's loader over ssh: the overlay2 paths the engine names are the remote machine's, so
    /// the export is read (through the tunnel), and it gives what the unix socket's export gives.
    func testLayersOverSSHComeFromTheExportAndMatchTheSocket() async throws {
        let image = "swtop/layers:latest"
        try await withClient { client in
            let metadata = try await ImageLoader.metadata(client: client, reference: image)
            let loaded = try await ImageLoader.load(client: client, metadata: metadata, choice: .auto, cache: nil)
            XCTAssertEqual(loaded.origins, Array(repeating: .export, count: metadata.layers.count))
            do {
                _ = try await ImageLoader.load(client: client, metadata: metadata, choice: .overlay, cache: nil)
                XCTFail("overlay2 directories read for a remote engine")
            } catch is LayerLoadError {}
            let local = try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: setup.unixHost))
            do {
                let reference = try await ImageLoader.load(client: local, metadata: metadata, choice: .export, cache: nil)
                XCTAssertEqual(loaded.layers, reference.layers)
                XCTAssertEqual(ImageAnalysis(loaded).efficiency, ImageAnalysis(reference).efficiency)
            } catch {
                await local.shutdown()
                throw error
            }
            await local.shutdown()
        }
    }

    // MARK: - One connection

    func testOneSSHConnectionAndOneProcessForEveryStream() async throws {
        let id = try makeContainer("swtop-ssh-many", command: "trap 'exit 0' TERM; while :; do echo tick; sleep 0.2; done")
        try docker("start", id)
        let me = getpid()
        XCTAssertEqual(SSHSetup.sshChildren(of: me), [], "no ssh child before connecting")
        let client = try await connect()
        let events = try await client.subscribeEvents()
        let eventTask = Task { for try await _ in events {} }
        let logTask = Task { for try await _ in client.logs(id, options: LogOptions(follow: true)) {} }
        let exec = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "sleep 3; echo done"], tty: false, stdin: false))
        let execTask = Task { try await Session.run(client, exec, tty: false, seconds: 20) }
        // Several calls at once, each on a connection of its own: all channels of one SSH link.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    _ = try await client.containers(all: true)
                    _ = try await client.stats(id)
                    _ = try await client.images()
                }
            }
            try await group.waitForAll()
        }
        try await Task.sleep(for: .milliseconds(500))
        let connections = try setup.connectionCount()
        let children = SSHSetup.sshChildren(of: me)
        eventTask.cancel()
        logTask.cancel()
        let session = try await execTask.value
        XCTAssertEqual(session.text(.stdout), "done\n")
        XCTAssertEqual(connections, 1, "SSH connections to the sshd while events, logs, exec and calls were open")
        XCTAssertEqual(children, client.sshTunnel.map { [$0.pid] }, "exactly one ssh process, a child of this process")
        await client.shutdown()
        try await eventually(5, "the ssh process ends with the client") { SSHSetup.sshChildren(of: me).isEmpty }
        try await eventually(5, "the SSH connection closes with the client") { try setup.connectionCount() == 0 }
    }

    /// A swtop killed with SIGKILL leaves its private directory (its ssh died with it); the next tunnel
    /// removes it, and leaves a live one alone.
    func testADirectoryAKilledSwtopLeftIsSweptAwayAndALiveOneKept() async throws {
        let base = "/tmp/swtop-ssh-\(getuid())"
        let stale = base + "/stale\(UInt16.random(in: 1000...9999))"
        XCTAssertEqual(mkdir(base, 0o700) == 0 || errno == EEXIST, true)
        XCTAssertEqual(mkdir(stale, 0o700), 0)
        // A socket file nobody listens on any more, as ssh leaves it when killed.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in Array((stale + "/docker.sock").utf8).enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        XCTAssertEqual(bound, 0)
        try await withClient { live in
            let liveSocket = try XCTUnwrap(live.sshTunnel?.localSocket)
            let liveDirectory = String(liveSocket[..<(liveSocket.lastIndex(of: "/") ?? liveSocket.endIndex)])
            XCTAssertFalse(FileManager.default.fileExists(atPath: stale), "the stale directory is gone")
            try await withClient { second in
                XCTAssertTrue(FileManager.default.fileExists(atPath: liveSocket), "a live tunnel's socket is kept: \(liveDirectory)")
                _ = try await live.containers()
                _ = try await second.containers()
            }
        }
    }

    // MARK: - Refusals

    func testAnUnknownHostKeyIsRefusedWithAClearMessage() async throws {
        let address = try EngineAddress(parsing: setup.url)
        do {
            let tunnel = try await SSHTunnel.open(address, environment: ["SWTOP_SSH_CONFIG": setup.unknownConfig])
            await tunnel.stop()
            XCTFail("an unknown host key was accepted")
        } catch let DockerError.unreachable(_, reason) {
            XCTAssertTrue(reason.contains("host key is not in known_hosts"), reason)
            XCTAssertTrue(reason.contains("never accepts an unknown key"), reason)
        }
        // Never accepted silently: the empty known_hosts stays empty.
        let knownHosts = try Shell.check(["sh", "-c", "awk '$1==\"UserKnownHostsFile\"{print $2}' '\(setup.unknownConfig)' | xargs cat"])
        XCTAssertEqual(knownHosts, "")
        XCTAssertEqual(SSHSetup.sshChildren(of: getpid()), [], "the refused ssh is gone")
    }

    func testAMissingRemoteSocketIsNamed() async throws {
        let url = try EngineAddress(parsing: setup.url)
        guard case let .ssh(user, host, port, _) = url else { return XCTFail("\(url)") }
        let endpoint = EngineEndpoint(address: .ssh(user: user, host: host, port: port, socket: "/nonexistent/docker.sock"), source: "test")
        do {
            let client = try await DockerClient.connect(endpoint)
            await client.shutdown()
            XCTFail("connected to a socket that does not exist")
        } catch let DockerError.unreachable(_, reason) {
            XCTAssertTrue(reason.contains("could not open /nonexistent/docker.sock"), reason)
        }
        try await eventually(5, "no ssh left") { SSHSetup.sshChildren(of: getpid()).isEmpty }
    }

    // MARK: - A dead link

    func testAKilledSSHEndsTheStreamsFailsCallsAndANewConnectWorks() async throws {
        let client = try await connect()
        guard let pid = client.sshTunnel?.pid else { return XCTFail("no tunnel") }
        let events = try await client.subscribeEvents()
        let ended = Task { () -> Date in
            do { for try await _ in events {} } catch {}
            return Date()
        }
        try await Task.sleep(for: .milliseconds(300))
        let killed = Date()
        kill(pid, SIGKILL)
        let end = try await within(10, "the events stream ends after ssh died") { await ended.value }
        XCTAssertLessThan(end.timeIntervalSince(killed), 3, "the events stream ended promptly")
        do {
            _ = try await client.containers()
            XCTFail("a call through a dead ssh succeeded")
        } catch let DockerError.unreachable(_, reason) {
            XCTAssertTrue(reason.contains("ssh connection ended"), reason)
        }
        await client.shutdown()
        try await withClient { again in
            let list = try await again.containers(all: true)
            XCTAssertFalse(list.isEmpty)
        }
    }

    func testTheStoreShowsAKilledSSHUnreachableThenRecovers() async throws {
        let endpoint = EngineEndpoint(address: try EngineAddress(parsing: setup.url), source: "test")
        var settings = SwtopStore.Settings()
        XCTAssertTrue(settings.useCgroupFiles)
        settings.resyncInterval = 3600
        let store = SwtopStore(endpoint: endpoint, settings: settings)
        await store.start()
        do {
            let first = try await waitFor(store, "first list over ssh") { $0.loaded && $0.connection == .connected }
            XCTAssertTrue(first.containers.contains { $0.name == "swtop-running" }, "\(first.containers.map(\.name))")
            let before = SSHSetup.sshChildren(of: getpid())
            XCTAssertEqual(before.count, 1)
            for pid in before { kill(pid, SIGKILL) }
            let down = try await waitFor(store, seconds: 10, "unreachable after ssh died") {
                if case .unreachable = $0.connection { return true }
                return false
            }
            if case let .unreachable(reason, _) = down.connection { XCTAssertTrue(reason.contains("ssh"), reason) }
            let back = try await waitFor(store, seconds: 20, "connected again") { $0.connection == .connected }
            XCTAssertTrue(back.containers.contains { $0.name == "swtop-running" })
            let after = SSHSetup.sshChildren(of: getpid())
            XCTAssertEqual(after.count, 1, "one new ssh process")
            XCTAssertNotEqual(after, before)
            XCTAssertEqual(try setup.connectionCount(), 1)
        } catch {
            await store.stop()
            throw error
        }
        await store.stop()
        try await eventually(5, "the store's ssh ends with it") { SSHSetup.sshChildren(of: getpid()).isEmpty }
    }

    func waitFor(_ store: SwtopStore, seconds: Double = 20, _ what: String,
                 _ predicate: @escaping @Sendable (StoreSnapshot) -> Bool) async throws -> StoreSnapshot {
        try await store.snapshot(within: seconds, what, where: predicate)
    }
}
