import Dispatch
import Glibc
import Synchronization

/// Signals from outside reach the screen loop as flags plus a byte on its wake pipe, so they are acted
/// on by the screen thread between frames, never in the middle of one:
/// - SIGTERM, SIGHUP, SIGINT (in raw mode Ctrl-C is a key): quit through the normal exit path, so the
///   terminal is always restored;
/// - SIGTSTP (`kill -TSTP`, a job-control stop from outside): suspend as Ctrl-Z does;
/// - SIGCONT: after a stop that swtop did not make itself (SIGSTOP from outside), take the terminal back.
/// Installed before curses starts, so ncurses leaves these signals alone.
enum Signals {
    enum Request: UInt8 { case quit = 1, suspend = 2, continued = 4 }

    private static let pending = Atomic<UInt8>(0)
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static var quitRequested: Bool { pending.load(ordering: .acquiring) & Request.quit.rawValue != 0 }

    /// Returns and clears a suspend or continued request.
    static func take(_ request: Request) -> Bool {
        pending.bitwiseAnd(~request.rawValue, ordering: .acquiringAndReleasing).oldValue & request.rawValue != 0
    }

    static func install(wakeFD: Int32) {
        let table: [(Int32, Request)] = [(SIGTERM, .quit), (SIGHUP, .quit), (SIGINT, .quit), (SIGTSTP, .suspend), (SIGCONT, .continued)]
        for (sig, request) in table {
            // Ignoring SIGCONT keeps its effect (the process continues); only the default handler goes.
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                pending.bitwiseOr(request.rawValue, ordering: .releasing)
                var byte: UInt8 = 1
                _ = write(wakeFD, &byte, 1)
            }
            source.resume()
            sources.append(source)
        }
    }
}

/// On a fatal signal (a Swift trap is SIGILL or SIGTRAP), put the terminal back the way the shell had
/// it before dying, instead of leaving it raw and on the alternate screen. The handler only calls
/// async-signal-safe functions on memory prepared beforehand: nothing is allocated in it.
enum CrashGuard {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var armed = false
    static let fatal: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]
    /// Reset attributes, mouse reports off, show the cursor, leave the alternate screen. A static string: its
    /// bytes live in the binary, so the handler writes them without allocating.
    static let reset: StaticString = "\u{1b}[0m\u{1b}[?1006l\u{1b}[?1000l\u{1b}[?25h\u{1b}[?1049l\r\n"

    static func arm() {
        // Touched here so that no lazy initialisation can run inside the handler.
        _ = reset.utf8CodeUnitCount
        armed = tcgetattr(1, &saved) == 0
        for sig in fatal {
            signal(sig) { received in
                if CrashGuard.armed {
                    _ = write(1, CrashGuard.reset.utf8Start, CrashGuard.reset.utf8CodeUnitCount)
                    _ = tcsetattr(1, TCSANOW, &CrashGuard.saved)
                }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    static func disarm() {
        armed = false
        for sig in fatal { signal(sig, SIG_DFL) }
    }
}
