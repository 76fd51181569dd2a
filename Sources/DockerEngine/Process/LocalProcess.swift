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

/// A command on this machine (Compose, a custom command): arguments handed to `execve` one by one —
/// never a shell line — an environment and a working directory of its own.
public struct LocalCommand: Sendable, Equatable {
    /// The program's absolute path.
    public var path: String
    /// argv[1...].
    public var arguments: [String]
    /// The whole environment the program gets.
    public var environment: [String: String]
    /// nil: swtop's own.
    public var directory: String?

    public init(path: String, arguments: [String], environment: [String: String], directory: String? = nil) {
        self.path = path
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
    }

    /// As a shell would show it (for the pane's title and the messages): each argument that needs it quoted.
    public var display: String {
        Self.display([path.split(separator: "/").last.map(String.init) ?? path] + arguments)
    }

    /// Words as a shell line would show them, each quoted where it needs it.
    public static func display(_ words: [String]) -> String {
        words.map(quoted).joined(separator: " ")
    }

    static func quoted(_ word: String) -> String {
        // Control characters as bash's $'…' shows them: the line stays one line, and safe to print.
        if word.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            var out = "$'"
            for scalar in word.unicodeScalars {
                switch scalar {
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                case "'": out += "\\'"
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "'"
        }
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./:=@,+%".unicodeScalars.contains($0)
        }
        return plain ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }

    /// The first executable `name` on `PATH` (a name with a slash is taken as it is, if executable).
    public static func which(_ name: String, environment: [String: String]) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for dir in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            var info = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { return candidate }
        }
        return nil
    }
}

/// How a local command ended.
public enum LocalExit: Sendable, Equatable {
    case exited(Int32)
    /// It could not be started (fork or the pipe failed): the system's reason.
    case notStarted(String)
    /// Cancelled: the process group was sent SIGTERM.
    case cancelled
}

/// Runs local commands: with their output read by swtop (a pane), or given the terminal.
public enum LocalProcess {
    /// Runs `command` with stdout and stderr into one pipe; `output` gets each chunk as it comes (on a
    /// thread of its own: a command may run for minutes, and must not hold one of the few threads async
    /// code runs on). Cancelling the task sends SIGTERM to the command's process group, then SIGKILL
    /// after 5 s if it is still there.
    public static func run(_ command: LocalCommand, output: @escaping @Sendable ([UInt8]) -> Void) async -> LocalExit {
        var fds: [Int32] = [0, 0]
        guard swtop_pipe_cloexec(&fds) == 0 else { return .notStarted(String(cString: strerror(errno))) }
        let pid = spawn(command) { argv, envp, dir in swtop_spawn_output(command.path, argv, envp, dir, fds[1]) }
        let spawnErrno = errno
        close(fds[1])
        guard pid > 0 else {
            close(fds[0])
            return .notStarted(String(cString: strerror(spawnErrno)))
        }
        let cancelled = Atomic<Bool>(false)
        // Set once the child is reaped: its pid (and group id) may then belong to another process.
        let reaped = Reaped()
        let readFD = fds[0]
        let code: Int32 = await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
                DetachedThread.start {
                    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
                    while true {
                        let n = read(readFD, &buffer, buffer.count)
                        if n > 0 { output(Array(buffer[0..<n])) } else if n < 0, errno == EINTR { continue } else { break }
                    }
                    close(readFD)
                    let code = swtop_wait_child(pid)
                    reaped.flag.store(true, ordering: .sequentiallyConsistent)
                    done.resume(returning: code)
                }
            }
        } onCancel: {
            cancelled.store(true, ordering: .relaxed)
            guard !reaped.flag.load(ordering: .sequentiallyConsistent) else { return }
            kill(-pid, SIGTERM)
            // A command that ignores SIGTERM still goes: the pipe's other end may be held by its children.
            Task.detached {
                try? await Task.sleep(for: .seconds(5))
                if !reaped.flag.load(ordering: .sequentiallyConsistent) { kill(-pid, SIGKILL) }
            }
        }
        return cancelled.load(ordering: .relaxed) ? .cancelled : .exited(code)
    }

    /// Runs `command` in the foreground of the terminal on `ttyFD` (its own process group, so Ctrl-C
    /// reaches it and not swtop) and waits for it: the caller has left curses mode. Blocking.
    public static func foreground(_ command: LocalCommand, ttyFD: Int32) -> LocalExit {
        let pid = spawn(command) { argv, envp, dir in swtop_spawn_foreground(command.path, argv, envp, dir, ttyFD) }
        guard pid > 0 else { return .notStarted(String(cString: strerror(errno))) }
        return .exited(swtop_wait_foreground(pid, ttyFD))
    }

    /// argv, envp and the directory as C strings for `start`, freed after it returns.
    private static func spawn(_ command: LocalCommand,
                              _ start: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafePointer<CChar>?) -> pid_t) -> pid_t {
        var argv: [UnsafeMutablePointer<CChar>?] = ([command.path] + command.arguments).map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = command.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        return argv.withUnsafeMutableBufferPointer { argvBuffer in
            envp.withUnsafeMutableBufferPointer { envpBuffer in
                if let directory = command.directory {
                    return directory.withCString { start(argvBuffer.baseAddress!, envpBuffer.baseAddress!, $0) }
                }
                return start(argvBuffer.baseAddress!, envpBuffer.baseAddress!, nil)
            }
        }
    }
}

private final class Reaped: Sendable {
    let flag = Atomic<Bool>(false)
}

/// A thread of its own for blocking reads and waits (a child's pipe, waitpid).
enum DetachedThread {
    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, context)
        if rc == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
        }
    }
}
