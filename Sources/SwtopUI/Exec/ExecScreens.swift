import DequeModule
import DockerEngine

/// The terminal handed to a session inside a container: `e` (a shell), `E` (a command and user the
/// user typed), `a` (the container's main process).
public struct HandOverRequest: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `command` nil: the configured shell, else bash when the container has it, else sh.
        case exec(command: [String]?, user: String?)
        case attach
    }

    public var target: Target
    public var kind: Kind

    public init(target: Target, kind: Kind) {
        self.target = target
        self.kind = kind
    }
}

/// `x`: a command run without a terminal, its output kept in a pane.
public struct RunRequest: Sendable, Equatable {
    public var target: Target
    public var commandLine: String
    /// The arguments as they are (a custom command's): no shell reads them. nil: `sh -c commandLine`.
    public var argv: [String]?

    public init(target: Target, commandLine: String, argv: [String]? = nil) {
        self.target = target
        self.commandLine = commandLine
        self.argv = argv
    }
}

/// A line the command printed, and on which stream.
public struct RunLine: Sendable, Equatable {
    public var stream: LogStream
    public var text: String

    public init(stream: LogStream, text: String) {
        self.stream = stream
        self.text = text
    }
}

/// A command's output as it comes, cut into lines, then how it ended: the `x` pane's, and a compose
/// project's or a custom command's.
public struct CommandOutput: Sendable, Equatable {
    /// A deque: past `maxLines` the oldest line goes at the cost of one, not of moving 10,000.
    public var lines: Deque<RunLine> = []
    /// Bytes of a line not yet ended, per stream.
    public var partial: [LogStream: [UInt8]] = [:]
    public var exitCode: Int?
    public var error: String?
    /// Lines dropped from the top past `maxLines`.
    public var dropped = 0

    public static let maxLines = 10_000

    public init() {}

    public var finished: Bool { exitCode != nil || error != nil }

    /// Appends bytes of one stream, cut into lines (a line longer than 16 KiB is cut too).
    public mutating func append(_ stream: LogStream, _ bytes: [UInt8]) {
        var pending = partial[stream] ?? []
        for byte in bytes {
            if byte == 10 || pending.count >= 16_384 {
                addLine(stream, pending)
                pending.removeAll(keepingCapacity: true)
                if byte == 10 { continue }
            }
            pending.append(byte)
        }
        partial[stream] = pending
    }

    /// The end of the output: what is left of each stream becomes a line.
    public mutating func finish(exitCode: Int?, error: String?) {
        for stream in [LogStream.stdout, .stderr, .system] {
            if let rest = partial[stream], !rest.isEmpty { addLine(stream, rest) }
        }
        partial = [:]
        self.exitCode = exitCode
        self.error = error
    }

    private mutating func addLine(_ stream: LogStream, _ bytes: [UInt8]) {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        lines.append(RunLine(stream: stream, text: text))
        if lines.count > Self.maxLines {
            lines.removeFirst()
            dropped += 1
        }
    }
}

/// The `x` pane: the command's output as it comes, then how it ended.
public struct RunScreen: Sendable, Equatable {
    public var request: RunRequest
    /// The session running the command.
    public var session: SessionID?
    public var output = CommandOutput()
    public var scroll = 0
    /// Keep the newest line in view while output comes.
    public var follow = true
    /// The title bar's text (a custom command's name); nil: "run in NAME · $ LINE".
    public var title: String?
    /// What `r` starts again (a custom command's local process); nil: the request in the container.
    public var rerun: SessionRequest?

    public static let maxLines = CommandOutput.maxLines

    public init(request: RunRequest) { self.request = request }

    public var lines: Deque<RunLine> { output.lines }
    public var exitCode: Int? { output.exitCode }
    public var error: String? { output.error }
    public var dropped: Int { output.dropped }
    public var finished: Bool { output.finished }
    public mutating func append(_ stream: LogStream, _ bytes: [UInt8]) { output.append(stream, bytes) }
    public mutating func finish(exitCode: Int?, error: String?) { output.finish(exitCode: exitCode, error: error) }
}

/// The `T` view: the container's processes, asked for again every few seconds while open.
public struct ProcessScreen: Sendable, Equatable {
    public var target: Target
    /// The session asking for the list every 2 s.
    public var session: SessionID?
    public var list: ProcessList?
    public var error: String?
    /// The PIDs are numbered inside the container (podman), not as the host numbers them.
    public var containerPIDs = false
    /// How many times the list came (the first one ends "loading").
    public var updates = 0
    public var cursor = 0
    public var scroll = 0

    public init(target: Target) { self.target = target }
}

/// A line being typed at the bottom: `E` (command and user) and `x` (command).
public struct Prompt: Sendable, Equatable {
    public enum Purpose: Sendable, Hashable {
        case exec, run
        /// `t` on an image: its new REPOSITORY[:TAG]; `n` on volumes or networks: the new one's name.
        case tag, newVolume, newNetwork
        /// `P`: the reference to pull.
        case pull
        /// `b`: context, Dockerfile, tags, build args.
        case build
    }

    public var purpose: Purpose
    public var target: Target
    public var labels: [String]
    public var values: [String]
    public var field = 0
    /// Position in the history while Up/Down walk it.
    public var historyIndex: Int?

    public init(purpose: Purpose, target: Target, values: [String]) {
        self.purpose = purpose
        self.target = target
        switch purpose {
        case .exec: labels = ["command", "user"]
        case .run: labels = ["command"]
        case .tag: labels = ["as"]
        case .newVolume: labels = ["name"]
        case .newNetwork: labels = ["name", "driver"]
        case .pull: labels = ["image"]
        case .build: labels = ["context", "dockerfile", "tags", "build args"]
        }
        self.values = values + Array(repeating: "", count: max(0, labels.count - values.count))
    }
}
