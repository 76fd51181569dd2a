import CSpawn
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// An `ssh://` engine reached through ONE OpenSSH client process: `ssh -N -L LOCAL:REMOTE host` forwards
/// a private local unix socket to the remote engine's socket, and every connection swtop opens to the
/// local socket (each kept-alive HTTP connection, each stream, each hijacked exec) becomes a channel of
/// that one SSH connection. The user's ssh client does the SSH part, so `~/.ssh/config`, the agent,
/// known_hosts, ProxyJump and friends work as they do for `ssh` itself; swtop only adds options that keep
/// it safe and non-interactive (an unknown host key is refused, never accepted; no password prompt).
///
/// The remote socket is the URL's path, else `/var/run/docker.sock`. (The docker CLI instead runs
/// `docker system dial-stdio` on the remote, which follows the remote's own DOCKER_HOST; the forward
/// needs no docker CLI there and one connection carries every stream.)
///
/// The ssh process is tied to swtop: it gets PR_SET_PDEATHSIG from a thread that lives as long as it
/// (the thread waits for it), so it dies with swtop however swtop ends; `stop()` ends it and removes
/// the private directory. When ssh exits the local socket's connections close, so the engine's streams
/// end at once and the store reconnects (a new tunnel) with backoff.
public final class SSHTunnel: Sendable {
    /// The local end: http+unix goes here.
    public let localSocket: String
    /// The ssh client's process id (tests count and kill it).
    public let pid: Int32
    let directory: String
    let logFile: String
    let host: String
    let remoteSocket: String
    private let child: ChildProcess

    public static let defaultRemoteSocket = "/var/run/docker.sock"
    /// How long ssh may take to log in and listen before swtop gives up.
    static let setupTimeout: Duration = .seconds(15)

    private init(localSocket: String, pid: Int32, directory: String, logFile: String, host: String,
                 remoteSocket: String, child: ChildProcess) {
        self.localSocket = localSocket
        self.pid = pid
        self.directory = directory
        self.logFile = logFile
        self.host = host
        self.remoteSocket = remoteSocket
        self.child = child
    }

    deinit {
        // A tunnel dropped without stop(): never leave the process or the directory behind.
        if child.isRunning { kill(pid, SIGTERM) }
        Self.removeDirectory(directory)
    }

    /// True once the ssh process has ended (killed, connection lost, login refused).
    public var exited: Bool { !child.isRunning }

    /// Starts ssh for an `.ssh` address and waits (up to 15 s) until the local socket accepts.
    /// Environment: `SWTOP_SSH` (the ssh binary; default `ssh` on PATH), `SWTOP_SSH_CONFIG` (`ssh -F FILE`).
    /// `environment` overrides the process environment for those two (tests).
    public static func open(_ address: EngineAddress, environment overrides: [String: String] = [:]) async throws -> SSHTunnel {
        var environment: [String: String] = [:]
        for name in ["SWTOP_SSH", "SWTOP_SSH_CONFIG", "PATH"] {
            if let value = overrides[name] ?? getenv(name).map({ String(cString: $0) }) { environment[name] = value }
        }
        guard case let .ssh(user, host, port, socket) = address else {
            throw DockerError.invalidHost("\(address) is not an ssh:// address")
        }
        func unreachable(_ reason: String) -> DockerError { .unreachable(address: address.description, reason: reason) }
        let remote = socket ?? defaultRemoteSocket
        guard let ssh = resolveSSH(environment) else {
            throw unreachable("no ssh client found (install OpenSSH's client, or name it with SWTOP_SSH)")
        }
        let directory = try makePrivateDirectory()
        let local = directory + "/docker.sock"
        let logFile = directory + "/ssh.log"

        let checking = await configuredHostKeyChecking(ssh: ssh, config: environment["SWTOP_SSH_CONFIG"], user: user, host: host,
                                                       port: port, directory: directory)
        let arguments = commandLine(ssh: ssh, config: environment["SWTOP_SSH_CONFIG"], user: user, host: host, port: port,
                                    local: local, remote: remote, hostKeyChecking: checking)
        let logFD = Glibc.open(logFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard logFD >= 0 else {
            let reason = String(cString: strerror(errno))
            removeDirectory(directory)
            throw unreachable("cannot create \(logFile): \(reason)")
        }
        let child = ChildProcess(path: ssh, arguments: arguments, stderrFD: logFD)
        let pid: Int32
        do {
            pid = try await child.start()
        } catch {
            close(logFD)
            removeDirectory(directory)
            throw unreachable("cannot start \(ssh): \(error)")
        }
        close(logFD)
        let tunnel = SSHTunnel(localSocket: local, pid: pid, directory: directory, logFile: logFile,
                               host: host, remoteSocket: remote, child: child)
        do {
            try await tunnel.waitUntilListening(address: address)
        } catch {
            await tunnel.stop()
            throw error
        }
        return tunnel
    }

    /// The ssh command line: the user's config applies (or `-F config`), plus what keeps swtop safe and
    /// non-interactive. `--` before the host: nothing from the URL is read as an option.
    /// `hostKeyChecking`: the user's own StrictHostKeyChecking as `ssh -G` resolves it. Its default ("ask")
    /// becomes "yes" (BatchMode never asks: an unknown key is refused, said plainly); anything the user set
    /// (accept-new, as the docker CLI honours it) is left to ssh.
    static func commandLine(ssh: String, config: String?, user: String?, host: String, port: Int?,
                            local: String, remote: String, hostKeyChecking: String? = nil) -> [String] {
        var arguments = [ssh]
        if let config, !config.isEmpty { arguments += ["-F", config] }
        arguments += ["-N", "-T", "-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes"]
        if hostKeyChecking == nil || hostKeyChecking == "ask" { arguments += ["-o", "StrictHostKeyChecking=yes"] }
        arguments += [
                      "-o", "ServerAliveInterval=10", "-o", "ServerAliveCountMax=3", "-o", "ConnectTimeout=10",
                      "-o", "StreamLocalBindUnlink=yes", "-o", "StreamLocalBindMask=0177",
                      // swtop owns this connection: its end is how a dead link is noticed.
                      "-o", "ControlMaster=no", "-o", "ControlPath=none",
                      // ssh's stderr goes to a private file swtop reads for its messages (a refused
                      // channel is said at INFO), never to the terminal.
                      "-o", "LogLevel=INFO"]
        if let port { arguments += ["-p", String(port)] }
        if let user { arguments += ["-l", user] }
        arguments += ["-L", "\(local):\(remote)", "--", host]
        return arguments
    }

    /// What `ssh -G` says StrictHostKeyChecking is for this host (the user's ~/.ssh/config or `-F`
    /// applied); nil when ssh did not say within 5 s.
    static func configuredHostKeyChecking(ssh: String, config: String?, user: String?, host: String, port: Int?,
                                          directory: String) async -> String? {
        // ChildProcess keeps only standard error: the shell sends -G's standard output there.
        var arguments = ["/bin/sh", "-c", "exec \"$0\" \"$@\" >&2", ssh]
        if let config, !config.isEmpty { arguments += ["-F", config] }
        if let port { arguments += ["-p", String(port)] }
        if let user { arguments += ["-l", user] }
        arguments += ["-G", "--", host]
        let file = directory + "/ssh-G.txt"
        let fd = Glibc.open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        let child = ChildProcess(path: "/bin/sh", arguments: arguments, stderrFD: fd)
        let started = (try? await child.start()) != nil
        close(fd)
        guard started else { return nil }
        for _ in 0..<500 where child.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        defer { unlink(file) }
        guard !child.isRunning, child.status == 0, let data = FileManager.default.contents(atPath: file) else { return nil }
        return parseHostKeyChecking(String(decoding: data, as: UTF8.self))
    }

    /// The value of `stricthostkeychecking` in `ssh -G` output ("true" and "false" are how it prints yes and no).
    static func parseHostKeyChecking(_ output: String) -> String? {
        for line in output.split(separator: "\n") where line.hasPrefix("stricthostkeychecking ") {
            return String(line.dropFirst("stricthostkeychecking ".count).filter { !$0.isWhitespace })
        }
        return nil
    }

    private func waitUntilListening(address: EngineAddress) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + Self.setupTimeout
        while true {
            try Task.checkCancellation()
            if !child.isRunning {
                throw DockerError.unreachable(address: address.description,
                                              reason: diagnosis() ?? "ssh exited (status \(child.status)) before the forward was up")
            }
            if FileManager.default.fileExists(atPath: localSocket), UnixSocketProbe.failure(localSocket) == nil { return }
            if clock.now >= deadline {
                let detail = diagnosis().map { ": \($0)" } ?? ""
                throw DockerError.unreachable(address: address.description,
                                              reason: "ssh did not log in and forward the socket within 15 s\(detail)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Ends ssh (TERM, then KILL after 2 s) and removes the private directory. Safe to call twice.
    public func stop() async {
        if child.isRunning {
            kill(pid, SIGTERM)
            for step in 0..<200 {
                if !child.isRunning { break }
                if step == 100 { kill(pid, SIGKILL) }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        Self.removeDirectory(directory)
    }

    /// What ssh said on stderr, as a sentence a user can act on; nil when it said nothing.
    public func diagnosis() -> String? {
        guard let data = FileManager.default.contents(atPath: logFile) else { return nil }
        return Self.explain(stderr: String(decoding: data.prefix(65_536), as: UTF8.self), host: host, remoteSocket: remoteSocket)
    }

    /// Turns ssh's stderr into the reason shown to users.
    static func explain(stderr: String, host: String, remoteSocket: String) -> String? {
        let lines = stderr.split(whereSeparator: \.isNewline).map { sanitize(String($0)) }.filter { !$0.isEmpty }
        guard let last = lines.last else { return nil }
        func has(_ text: String) -> Bool { lines.contains { $0.lowercased().contains(text.lowercased()) } }
        if has("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            return "ssh: \(host)'s host key has CHANGED from the one in known_hosts; swtop refuses it "
                + "(check with the server's admin, then fix known_hosts)"
        }
        if has("Host key verification failed") || has("No ED25519 host key is known") || has("host key is known for") {
            return "ssh: \(host)'s host key is not in known_hosts; swtop never accepts an unknown key — connect once "
                + "with ssh, or add it with ssh-keyscan"
        }
        if has("Permission denied") {
            let line = lines.last { $0.contains("Permission denied") } ?? last
            return "ssh: \(host) refused the login (\(line)); swtop never prompts for a password: use a key or the agent"
        }
        if has("Connection refused") { return "ssh: connection to \(host) refused (is sshd running there?)" }
        if has("Could not resolve hostname") { return "ssh: \(last)" }
        if has("administratively prohibited") {
            return "ssh: \(host) refused to forward \(remoteSocket) (the server may have AllowStreamLocalForwarding off)"
        }
        if has("open failed") || has("connect failed") {
            return "ssh: \(host) could not open \(remoteSocket) (is the engine running there, and may that user use its socket?)"
        }
        return "ssh: \(last)"
    }

    static func sanitize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80..<0xA0).contains($0.value) }))
            .trimmedWhitespace
    }

    // MARK: - Plumbing

    static func resolveSSH(_ environment: [String: String]) -> String? {
        if let given = environment["SWTOP_SSH"], !given.isEmpty {
            return given.contains("/") ? (access(given, X_OK) == 0 ? given : nil) : searchPath(given, environment)
        }
        return searchPath("ssh", environment)
    }

    private static func searchPath(_ name: String, _ environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// `/tmp/swtop-ssh-UID/XXXXXX`, both 0700 and ours: the socket path stays far below sun_path's 108
    /// bytes, and nobody else can connect to the forward (it is the remote engine, as root).
    static func makePrivateDirectory() throws -> String {
        let base = "/tmp/swtop-ssh-\(getuid())"
        if mkdir(base, 0o700) != 0 && errno != EEXIST {
            throw DockerError.invalidHost("cannot create \(base): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(base, &info) == 0, info.st_mode & 0o170000 == 0o040000, info.st_uid == getuid(),
              info.st_mode & 0o077 == 0 else {
            throw DockerError.invalidHost("\(base) is not a private directory of this user (0700); remove it")
        }
        sweepStale(base)
        var template = Array((base + "/XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let made else {
            throw DockerError.invalidHost("cannot create a directory in \(base): \(String(cString: strerror(errno)))")
        }
        return made
    }

    /// Directories a killed swtop (SIGKILL: no chance to clean up; its ssh died with it) left behind: the
    /// socket file is there but nothing listens on it any more (not in /proc/net/unix), or there is no
    /// socket a minute after the directory was made.
    static func sweepStale(_ base: String) {
        // Read by hand: procfs files report size 0, which FileManager takes for empty.
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: base),
              let table = readProcFile("/proc/net/unix"), table.contains("Inode") else { return }
        let listening = Set(table.split(separator: "\n").compactMap { line -> String? in
            line.split(separator: " ", omittingEmptySubsequences: true).last.map(String.init)
        })
        let now = time(nil)
        for entry in entries {
            let directory = base + "/" + entry
            var info = stat()
            guard lstat(directory, &info) == 0, info.st_mode & 0o170000 == 0o040000 else { continue }
            let socket = directory + "/docker.sock"
            if access(socket, F_OK) == 0 {
                if !listening.contains(socket) { removeDirectory(directory) }
            } else if now - info.st_mtim.tv_sec > 60 {
                removeDirectory(directory)
            }
        }
    }

    static func readProcFile(_ path: String) -> String? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < 64 << 20 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func removeDirectory(_ directory: String) {
        unlink(directory + "/docker.sock")
        unlink(directory + "/ssh.log")
        rmdir(directory)
    }
}

/// A child process started and reaped by a thread of its own. The thread is the child's "parent" for
/// PR_SET_PDEATHSIG, so it must live as long as the child: it blocks in waitpid, which also tells when
/// the child ended without anyone polling.
final class ChildProcess: Sendable {
    private let path: String
    private let arguments: [String]
    private let stderrFD: Int32
    /// 0 until started; the pid, or -errno when the start failed.
    private let startResult = Atomic<Int32>(0)
    /// -1 while running; else the exit status (128+signal when killed).
    private let exitStatus = Atomic<Int32>(-1)

    init(path: String, arguments: [String], stderrFD: Int32) {
        self.path = path
        self.arguments = arguments
        self.stderrFD = stderrFD
    }

    var isRunning: Bool { startResult.load(ordering: .acquiring) > 0 && exitStatus.load(ordering: .acquiring) < 0 }
    var status: Int32 { exitStatus.load(ordering: .acquiring) }

    /// Starts the thread, which starts the child; returns the child's pid.
    func start() async throws -> Int32 {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let me = Unmanaged<ChildProcess>.fromOpaque(raw!).takeRetainedValue()
            me.run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<ChildProcess>.fromOpaque(context).release()
            throw SpawnError(code: rc)
        }
        pthread_detach(thread)
        while true {
            let result = startResult.load(ordering: .acquiring)
            if result > 0 { return result }
            if result < 0 { throw SpawnError(code: -result) }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    private func run() {
        var cStrings = arguments.map { strdup($0) }
        cStrings.append(nil)
        let pid = cStrings.withUnsafeMutableBufferPointer { argv in
            swtop_spawn_tied(path, argv.baseAddress!, stderrFD, SIGTERM)
        }
        let spawnErrno = errno
        for pointer in cStrings { free(pointer) }
        guard pid > 0 else {
            startResult.store(-max(spawnErrno, 1), ordering: .releasing)
            return
        }
        startResult.store(pid, ordering: .releasing)
        let status = swtop_wait_child(pid)
        exitStatus.store(status < 0 ? 255 : status, ordering: .releasing)
    }
}

struct SpawnError: Error, CustomStringConvertible {
    var code: Int32
    var description: String { String(cString: strerror(code)) }
}
