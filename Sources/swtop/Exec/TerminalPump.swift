import DockerEngine
import Glibc
import Synchronization
import TermCanvas

/// Hands the terminal to a session inside a container and takes it back: the one step of the screen
/// loop (and of `swtop exec`) that lets bytes through unfiltered, because the user is talking to a
/// shell, not reading swtop's screen.
///
/// Runs on the calling thread, which must be a plain thread (the screen thread, or one `swtop exec`
/// starts), never a task of the pool: it sleeps in poll(2) on standard input, the session's pipes and
/// the quit pipe. The session itself runs as a task and writes what the container prints straight to
/// file descriptors 1 and 2.
///
/// Two phases. Until the session says `ready` (the exec was created) nothing about the terminal
/// changes, so an engine's refusal ("container is not running") leaves the screen as it was. Then
/// `enter` runs (curses leaves the screen), the terminal goes raw when asked, the size is sent, and
/// standard input and SIGWINCH are forwarded until the session ends. The terminal's modes are put back
/// exactly as they were on every way out (the session ends, the connection drops, a quit signal).
enum TerminalPump {
    struct Options: Sendable {
        /// Put standard input in raw mode (an interactive TTY session) while the session runs.
        var raw: Bool
        /// Forward standard input at all (`-i`); end of input half-closes the connection.
        var forwardStdin: Bool
        /// A pipe whose bytes mean "look at `shouldQuit`" (the dashboard's wake pipe).
        var quitFD: Int32?
        var shouldQuit: @Sendable () -> Bool
        /// Watch standard input for these and detach when they come (interactive sessions).
        var detachKeys: DetachKeys?
    }

    /// The session: it calls `ready` once the engine accepted the command (or not at all when it fails
    /// first), saying whether the container side has a TTY, reads `input`, and returns its result.
    typealias Session<R> = @Sendable (_ input: AsyncStream<SessionInput>, _ ready: @escaping @Sendable (_ tty: Bool) -> Void) async -> R

    nonisolated(unsafe) static var winchWriteFD: Int32 = -1

    static func run<R: Sendable>(_ options: Options, interrupted: R, enter: () -> Void = {}, leave: () -> Void = {},
                                 session: @escaping Session<R>) -> R {
        let done = Pipe()
        let ready = Pipe()
        let winch = Pipe()
        // The session task rings `done` and `ready`; after a quit signal the pump may return while the task
        // still runs. Whichever of the two finishes last closes those pipes, so the task never writes to a
        // descriptor number the process has closed (and maybe reused).
        let owner = Mutex(PipeOwner.bothRunning)
        defer {
            winch.close()
            let close = owner.withLock { state -> Bool in
                if state == .taskEnded { return true }
                state = .pumpLeft
                return false
            }
            if close {
                done.close()
                ready.close()
            }
        }
        let result = Mutex<R?>(nil)
        let remoteTTY = Mutex(true)
        let (input, feed) = AsyncStream<SessionInput>.makeStream()
        let work = Task {
            let value = await session(input, { tty in
                remoteTTY.withLock { $0 = tty }
                ready.signal()
            })
            result.withLock { $0 = value }
            done.signal()
            let close = owner.withLock { state -> Bool in
                if state == .pumpLeft { return true }
                state = .taskEnded
                return false
            }
            if close {
                done.close()
                ready.close()
            }
        }

        var entered = false
        var savedModes = termios()
        var rawSet = false
        var oldWinch = sigaction()
        var winchSet = false
        var lastSize: (Int, Int)?
        var stdinOpen = options.forwardStdin
        var quitting = false
        var quitDeadline = 0.0
        var matcher = options.detachKeys.map(DetachMatcher.init)

        func sendSize() {
            guard let size = terminalSize(), lastSize.map({ $0 != size }) ?? true else { return }
            lastSize = size
            feed.yield(.resize(width: size.0, height: size.1))
        }

        loop: while true {
            var fds = [pollfd(fd: done.readFD, events: Int16(POLLIN), revents: 0)]
            if !entered { fds.append(pollfd(fd: ready.readFD, events: Int16(POLLIN), revents: 0)) }
            if entered { fds.append(pollfd(fd: winch.readFD, events: Int16(POLLIN), revents: 0)) }
            if entered, stdinOpen, !quitting { fds.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
            if let quitFD = options.quitFD { fds.append(pollfd(fd: quitFD, events: Int16(POLLIN), revents: 0)) }
            let timeout: Int32 = quitting ? 100 : -1
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0, errno != EINTR { break }
            if quitting, monotonicSeconds() > quitDeadline { break }
            for fd in fds where fd.revents != 0 {
                switch fd.fd {
                case done.readFD:
                    break loop
                case ready.readFD:
                    ready.drain()
                    enter()
                    entered = true
                    if options.raw, isatty(0) != 0, tcgetattr(0, &savedModes) == 0 {
                        var modes = savedModes
                        cfmakeraw(&modes)
                        if !remoteTTY.withLock({ $0 }) {
                            // No TTY in the container: its output has bare newlines, and nothing there turns
                            // them into CR LF. Keep the terminal's output processing (as the docker CLI does,
                            // which leaves a non-TTY session's terminal cooked), or each line starts where
                            // the last ended.
                            modes.c_oflag |= tcflag_t(OPOST | ONLCR)
                        }
                        rawSet = tcsetattr(0, TCSANOW, &modes) == 0
                    }
                    winchWriteFD = winch.writeFD
                    var action = sigaction()
                    action.__sigaction_handler.sa_handler = { _ in
                        var byte: UInt8 = 1
                        _ = write(TerminalPump.winchWriteFD, &byte, 1)
                    }
                    sigemptyset(&action.sa_mask)
                    action.sa_flags = SA_RESTART
                    winchSet = sigaction(SIGWINCH, &action, &oldWinch) == 0
                    sendSize()
                case winch.readFD:
                    winch.drain()
                    sendSize()
                case 0:
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let count = read(0, &buffer, buffer.count)
                    if count > 0 {
                        var bytes = Array(buffer[..<count])
                        var detach = false
                        if matcher != nil { (bytes, detach) = matcher!.feed(bytes) }
                        if !bytes.isEmpty { feed.yield(.bytes(bytes)) }
                        if detach {
                            feed.yield(.detach)
                            stdinOpen = false
                        }
                    } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        stdinOpen = false
                        feed.yield(.endOfInput)
                    }
                default:
                    Pipe.drain(fd.fd)
                    if options.shouldQuit(), !quitting {
                        // SIGTERM/SIGHUP during the session: end it, but give it a moment to close cleanly.
                        quitting = true
                        quitDeadline = monotonicSeconds() + 2
                        work.cancel()
                    }
                }
            }
        }
        feed.finish()
        work.cancel()
        if winchSet { sigaction(SIGWINCH, &oldWinch, nil) }
        winchWriteFD = -1
        if rawSet { tcsetattr(0, TCSANOW, &savedModes) }
        if entered { leave() }
        return result.withLock { $0 } ?? interrupted
    }

    /// Prints `text` on a line of its own and waits for one key (or a quit signal), the terminal raw for
    /// that moment only: what a session printed stays readable until the user has read it.
    static func waitForKey(_ text: String, quitFD: Int32?, shouldQuit: () -> Bool) {
        SessionOutput.write(.stdout, Array(("\r\n" + text).utf8))
        var saved = termios()
        guard isatty(0) != 0, tcgetattr(0, &saved) == 0 else { return }
        var modes = saved
        cfmakeraw(&modes)
        modes.c_oflag |= tcflag_t(OPOST | ONLCR)
        guard tcsetattr(0, TCSANOW, &modes) == 0 else { return }
        defer { tcsetattr(0, TCSANOW, &saved) }
        while !shouldQuit() {
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0)]
            if let quitFD { fds.append(pollfd(fd: quitFD, events: Int16(POLLIN), revents: 0)) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { return }
            if fds[0].revents != 0 {
                var byte = [UInt8](repeating: 0, count: 64)
                _ = read(0, &byte, byte.count)
                return
            }
            if fds.count > 1, fds[1].revents != 0 { Pipe.drain(fds[1].fd) }
        }
    }

    /// The terminal's columns and rows, from standard output, else input.
    static func terminalSize() -> (Int, Int)? {
        var size = winsize()
        for fd: Int32 in [1, 0, 2] where ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 && size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        return nil
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    enum PipeOwner: Sendable { case bothRunning, taskEnded, pumpLeft }

    /// A non-blocking pipe used as a doorbell.
    struct Pipe: Sendable {
        let readFD: Int32
        let writeFD: Int32

        init() {
            var fds: [Int32] = [-1, -1]
            _ = pipe(&fds)
            readFD = fds[0]
            writeFD = fds[1]
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }

        func signal() {
            var byte: UInt8 = 1
            _ = write(writeFD, &byte, 1)
        }

        func drain() { Self.drain(readFD) }

        static func drain(_ fd: Int32) {
            var sink = [UInt8](repeating: 0, count: 64)
            while read(fd, &sink, sink.count) > 0 {}
        }

        func close() {
            _ = Glibc.close(readFD)
            _ = Glibc.close(writeFD)
        }
    }
}

/// What a session inside a container prints, written to the terminal as it comes (the user is
/// talking to a program there: its bytes go through unchanged, as with `docker exec`).
enum SessionOutput {
    static func write(_ stream: LogStream, _ bytes: [UInt8]) {
        FileOutput.writeAll(stream == .stdout ? 1 : 2, bytes)
    }
}
