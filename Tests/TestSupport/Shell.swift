import Foundation

/// Runs programs for tests: the docker CLI as the reference, tmux, the built swtop binary.
public enum Shell {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// posix_spawn, poll and waitpid, not Foundation's Process: its waitUntilExit() was seen to hang
    /// here after the child had exited (a tmux client whose server lives on).
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw TestFailure("pipe: \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        defer {
            close(outPipe[0])
            close(errPipe[0])
        }
        guard spawned == 0 else { throw TestFailure("cannot run \(arguments.first ?? ""): \(String(cString: strerror(spawned)))") }

        var out = [UInt8](), err = [UInt8]()
        var open: Set<Int32> = [outPipe[0], errPipe[0]]
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var exited = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        // Read until both pipes close or the child exits and its pipes drain (a daemon it started may
        // keep a copy of them open).
        while !open.isEmpty || !exited {
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw TestFailure("\(arguments.joined(separator: " ")) did not finish in \(timeout) s")
            }
            if !exited, waitpid(pid, &status, WNOHANG) == pid { exited = true }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), exited ? 50 : 20)
            if ready <= 0 {
                if exited { break }
                continue
            }
            for entry in fds where entry.revents != 0 {
                let n = read(entry.fd, &buffer, buffer.count)
                if n <= 0 {
                    open.remove(entry.fd)
                } else if entry.fd == outPipe[0] {
                    out.append(contentsOf: buffer[0..<n])
                } else {
                    err.append(contentsOf: buffer[0..<n])
                }
            }
        }
        if !exited { _ = waitpid(pid, &status, 0) }
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs and requires exit 0; returns stdout.
    @discardableResult
    public static func check(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> String {
        let result = try run(arguments, environment: environment, timeout: timeout)
        guard result.status == 0 else {
            throw TestFailure("\(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)\(result.stdout)")
        }
        return result.stdout
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ text: String) { description = text }
}

/// The private engines Scripts/test.sh started, from `SWTOP_TEST_ENGINES`
/// (`name=unix:///path/docker.sock,name2=...`). Missing means the tests were run without the
/// harness: that is a failure, never a skip.
public struct TestEngine: Sendable {
    public let name: String
    public let host: String

    public static func all() throws -> [TestEngine] { try list("SWTOP_TEST_ENGINES") }

    /// 20.10 and 26.1 with swtop/busybox only, for tests that empty a whole engine (prune), from
    /// `SWTOP_TEST_SPARE`.
    public static func spares() throws -> [TestEngine] { try list("SWTOP_TEST_SPARE") }

    static func list(_ variable: String) throws -> [TestEngine] {
        guard let spec = ProcessInfo.processInfo.environment[variable], !spec.isEmpty else {
            throw TestFailure("\(variable) is not set: run the tests with Scripts/test.sh, which starts the private engines")
        }
        return spec.split(separator: ",").compactMap { item in
            let parts = item.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? TestEngine(name: String(parts[0]), host: String(parts[1])) : nil
        }
    }

    /// The docker CLI pointed at this engine: the reference the tests compare with.
    @discardableResult
    public func docker(_ arguments: String..., timeout: TimeInterval = 120) throws -> String {
        try Shell.check([Repo.dockerCLI, "-H", host] + arguments, timeout: timeout)
    }

    public func dockerResult(_ arguments: [String]) throws -> Shell.Result {
        try Shell.run([Repo.dockerCLI, "-H", host] + arguments)
    }
}

public enum Repo {
    /// The package root, found from this file's place in Tests/TestSupport.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var swtopBinary: String {
        if let bin = ProcessInfo.processInfo.environment["SWTOP_BIN"], !bin.isEmpty { return bin }
        return root.appendingPathComponent(".build/debug/swtop").path
    }

    /// Debian's 20.10 CLI when present (it speaks API 1.41 and negotiates down), else whatever is on PATH.
    public static var dockerCLI: String {
        if let cli = ProcessInfo.processInfo.environment["SWTOP_DOCKER_CLI"], !cli.isEmpty { return cli }
        return FileManager.default.isExecutableFile(atPath: "/usr/bin/docker") ? "/usr/bin/docker" : "docker"
    }

    /// A name no earlier run used, for containers a test creates.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
