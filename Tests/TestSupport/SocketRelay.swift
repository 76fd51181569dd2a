import Foundation

/// Scripts/sock-relay.py: a unix socket in front of an engine's, to make that engine vanish (kill the
/// relay: every connection drops, new ones are refused) or hang (`hang`: connections are accepted and
/// never answered), while the engine itself goes on serving the other tests.
public final class SocketRelay {
    public let path: String
    let target: String
    let hang: Bool
    var process: Process?

    public init(target: String, hang: Bool = false) throws {
        // A short path without spaces: it goes into a shell command line and a sun_path.
        var template = Array("/tmp/swtop-relay.XXXXXX".utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            throw TestFailure("mkdtemp failed")
        }
        path = dir + "/relay.sock"
        self.target = target.hasPrefix("unix://") ? String(target.dropFirst("unix://".count)) : target
        self.hang = hang
        try start()
    }

    /// `unix://PATH` of the relay.
    public var host: String { "unix://\(path)" }

    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Repo.root.appendingPathComponent("Scripts/sock-relay.py").path, path, target] + (hang ? ["--hang"] : [])
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let line = out.fileHandleForReading.availableData
        guard String(decoding: line, as: UTF8.self).contains("ready") else {
            throw TestFailure("sock-relay.py did not start (\(path) → \(target))")
        }
    }

    /// SIGKILL: every relayed connection drops at once.
    public func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { stop() }
}
