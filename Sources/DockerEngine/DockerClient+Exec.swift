#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A command to run inside a container (`POST /containers/{id}/exec`).
public struct ExecSpec: Sendable, Equatable {
    public var command: [String]
    public var tty: Bool
    /// Attach standard input (the process reads what the user types or pipes).
    public var stdin: Bool
    public var user: String?
    public var workingDir: String?
    public var env: [String]
    /// The docker CLI's form, `ctrl-p,ctrl-q`; the engine watches the input for it and detaches.
    public var detachKeys: String?
    public var size: (width: Int, height: Int)?

    public init(command: [String], tty: Bool, stdin: Bool, user: String? = nil, workingDir: String? = nil,
                env: [String] = [], detachKeys: String? = nil, size: (width: Int, height: Int)? = nil) {
        self.command = command
        self.tty = tty
        self.stdin = stdin
        self.user = user
        self.workingDir = workingDir
        self.env = env
        self.detachKeys = detachKeys
        self.size = size
    }

    public static func == (a: ExecSpec, b: ExecSpec) -> Bool {
        a.command == b.command && a.tty == b.tty && a.stdin == b.stdin && a.user == b.user && a.workingDir == b.workingDir
            && a.env == b.env && a.detachKeys == b.detachKeys && a.size?.width == b.size?.width && a.size?.height == b.size?.height
    }
}

/// `GET /exec/{id}/json`, the fields swtop reads.
public struct ExecStatus: Decodable, Sendable, Equatable {
    public var Running: Bool
    public var ExitCode: Int?
    public var Pid: Int?
}

/// `GET /containers/{id}/top`: column titles and one row per process, as `ps` printed them.
public struct ProcessList: Decodable, Sendable, Equatable {
    public var Titles: [String]
    public var Processes: [[String]]

    public init(Titles: [String], Processes: [[String]]) {
        self.Titles = Titles
        self.Processes = Processes
    }
}

/// How a hijacked session ended.
public enum SessionEnd: Sendable, Equatable {
    /// The process ended with this code.
    case exited(Int)
    /// The user pressed the detach keys: the process goes on.
    case detached
}

extension DockerClient {
    private struct ExecCreateBody: Encodable {
        var AttachStdin: Bool
        var AttachStdout = true
        var AttachStderr = true
        var Tty: Bool
        var Cmd: [String]
        var Env: [String]?
        var User: String?
        var WorkingDir: String?
        var DetachKeys: String?
        var ConsoleSize: [Int]?
    }

    private struct CreatedID: Decodable { var Id: String }

    /// Creates the exec instance; the engine's message when the container is not running, paused, …
    public func createExec(_ container: String, _ spec: ExecSpec) async throws -> String {
        var body = ExecCreateBody(AttachStdin: spec.stdin, Tty: spec.tty, Cmd: spec.command)
        body.Env = spec.env.isEmpty ? nil : spec.env
        body.User = spec.user
        body.WorkingDir = spec.workingDir
        body.DetachKeys = spec.detachKeys
        // Honoured from API 1.42; older engines ignore it (the resize after start covers them).
        if let size = spec.size, apiVersion >= APIVersion(1, 42) { body.ConsoleSize = [size.height, size.width] }
        let (_, reply) = try await send(.POST, "/containers/\(Self.escape(container))/exec", json: try JSONEncoder().encode(body))
        return try Self.decode(CreatedID.self, from: reply, what: "exec create").Id
    }

    public func inspectExec(_ id: String) async throws -> ExecStatus {
        try await get(ExecStatus.self, "/exec/\(Self.escape(id))/json")
    }

    public func resizeExec(_ id: String, width: Int, height: Int) async throws {
        try await send(.POST, "/exec/\(Self.escape(id))/resize", query: [("h", String(height)), ("w", String(width))])
    }

    public func resizeContainer(_ id: String, width: Int, height: Int) async throws {
        try await send(.POST, "/containers/\(Self.escape(id))/resize", query: [("h", String(height)), ("w", String(width))])
    }

    /// `docker top`: the processes of a running container. `psArgs` as `ps` takes them (the engine runs
    /// `ps` on its host and keeps the lines of the container's processes; the output needs a PID column).
    public func top(_ container: String, psArgs: String? = nil) async throws -> ProcessList {
        try await get(ProcessList.self, "/containers/\(Self.escape(container))/top",
                      query: psArgs.map { [("ps_args", $0)] } ?? [])
    }

    /// Starts an exec created with `createExec` and pumps it (see `hijack`); then asks the engine how it
    /// ended: a process still running means the user detached.
    public func runExec(_ id: String, tty: Bool, input: AsyncStream<SessionInput>,
                        output: @escaping @Sendable (LogStream, [UInt8]) -> Void) async throws -> SessionEnd {
        let body = try JSONEncoder().encode(["Detach": false, "Tty": tty])
        let detached = try await hijack("POST", versioned("/exec/\(Self.escape(id))/start"), json: Array(body), multiplexed: !tty,
                                        input: input, resize: { [self] width, height in
                                            try? await resizeExec(id, width: width, height: height)
                                        }, output: output)
        if detached { return .detached }
        // The engine may take a moment to record the exit after closing the stream.
        let status = try await settled({ [self] in try await inspectExec(id) },
                                       until: { !$0.Running || ($0.ExitCode ?? 0) != 0 })
        return status.Running ? .detached : .exited(status.ExitCode ?? 0)
    }

    /// Asks again (every 40 ms, for up to 400 ms) until the engine's answer shows the end of a session:
    /// after closing a stream the engine records the exit a moment later. The last answer either way.
    func settled<T>(_ ask: () async throws -> T, until ended: (T) -> Bool) async throws -> T {
        var answer = try await ask()
        for _ in 0..<10 where !ended(answer) {
            try? await Task.sleep(for: .milliseconds(40))
            answer = try await ask()
        }
        return answer
    }

    /// `docker attach`: the container's main process, TTY or not, with the engine watching for the
    /// detach keys. Ends when the process ends (its exit code) or the user detaches.
    public func runAttach(_ container: String, tty: Bool, detachKeys: String?, input: AsyncStream<SessionInput>,
                          output: @escaping @Sendable (LogStream, [UInt8]) -> Void) async throws -> SessionEnd {
        var query = [("stream", "1"), ("stdin", "1"), ("stdout", "1"), ("stderr", "1")]
        if let detachKeys { query.append(("detachKeys", detachKeys)) }
        let detached = try await hijack("POST", versioned("/containers/\(Self.escape(container))/attach", query), json: [],
                                        multiplexed: !tty, input: input, resize: { [self] width, height in
                                            try? await resizeContainer(container, width: width, height: height)
                                        }, output: output)
        if detached { return .detached }
        // The stream ended without the detach keys: the process ended, though the engine may record
        // it a moment after closing the stream.
        let details = try await settled({ [self] in try await inspectContainer(container) },
                                        until: { $0.State?.Running != true })
        if details.State?.Running == true { return .detached }
        return .exited(details.State?.ExitCode ?? 0)
    }
}
