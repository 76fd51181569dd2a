import DockerEngine
import Glibc

/// How an exec or attach session handed to the terminal came out.
enum HandOverOutcome: Sendable, Equatable {
    case ended(SessionEnd)
    /// Refused or broken: the engine's message (not running, paused, no such command…) or the link's.
    case failed(String)
    /// swtop was asked to quit while it ran.
    case interrupted

    /// What a failure says to the user: the engine's own message when it gave one.
    init(_ error: Error) {
        switch error {
        case is CancellationError: self = .interrupted
        case let error as DockerError: self = .failed(error.userMessage)
        default: self = .failed(String(describing: error))
        }
    }
}

/// The sessions `TerminalPump` runs: exec (create, then start on a hijacked connection) and attach.
enum ExecSessions {
    /// The dashboard's `e`: bash when the container has it, else sh — decided inside the container in
    /// one exec, instead of a probe exec first.
    static let defaultShell = ["/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash; fi; exec sh"]

    static func exec(client: @escaping @Sendable () async -> DockerClient?, container: String,
                     spec: ExecSpec, output: @escaping @Sendable (LogStream, [UInt8]) -> Void = SessionOutput.write)
        -> TerminalPump.Session<HandOverOutcome> {
        return { input, ready in
            guard let client = await client() else { return .failed("the engine is unreachable") }
            do {
                var spec = spec
                if spec.tty, let size = TerminalPump.terminalSize() { spec.size = (size.0, size.1) }
                let id = try await client.createExec(container, spec)
                ready(spec.tty)
                return .ended(try await client.runExec(id, tty: spec.tty, input: input, output: output))
            } catch {
                return HandOverOutcome(error)
            }
        }
    }

    static func attach(client: @escaping @Sendable () async -> DockerClient?, container: String,
                       detachKeys: DetachKeys, output: @escaping @Sendable (LogStream, [UInt8]) -> Void = SessionOutput.write)
        -> TerminalPump.Session<HandOverOutcome> {
        return { input, ready in
            guard let client = await client() else { return .failed("the engine is unreachable") }
            do {
                let details = try await client.inspectContainer(container)
                guard details.State?.Running == true else {
                    return .failed("container \(container) is not running")
                }
                if details.State?.Paused == true { return .failed("container \(container) is paused, unpause it first") }
                let tty = details.Config?.Tty ?? false
                ready(tty)
                return .ended(try await client.runAttach(container, tty: tty, detachKeys: detachKeys.spec, input: input,
                                                         output: output))
            } catch {
                return HandOverOutcome(error)
            }
        }
    }
}
