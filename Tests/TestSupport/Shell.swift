import Foundation

/// Runs programs for tests: the docker CLI as the reference, tmux, the built swtop binary.
public enum Shell {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs so a large output cannot block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw TestFailure("\(arguments.joined(separator: " ")) did not finish in \(timeout) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
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

    public static func all() throws -> [TestEngine] {
        guard let spec = ProcessInfo.processInfo.environment["SWTOP_TEST_ENGINES"], !spec.isEmpty else {
            throw TestFailure("SWTOP_TEST_ENGINES is not set: run the tests with Scripts/test.sh, which starts the private engines")
        }
        return spec.split(separator: ",").compactMap { item in
            let parts = item.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? TestEngine(name: String(parts[0]), host: String(parts[1])) : nil
        }
    }

    /// The docker CLI pointed at this engine: the reference the tests compare with.
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
