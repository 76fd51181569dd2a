import Dispatch
import Foundation

/// SIGTERM, SIGHUP and SIGINT (from outside: in raw mode Ctrl-C is a key) end the dashboard through
/// its normal exit path, so the terminal is always restored. Installed before curses starts, so
/// ncurses leaves these signals alone.
enum Signals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let flag = QuitFlag()

    static var quitRequested: Bool { flag.isSet }

    static func install(wakeFD: Int32) {
        for sig in [SIGTERM, SIGHUP, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                flag.set()
                var byte: UInt8 = 1
                _ = write(wakeFD, &byte, 1)
            }
            source.resume()
            sources.append(source)
        }
    }
}

final class QuitFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}

/// On a fatal signal (a Swift trap is SIGILL or SIGTRAP), put the terminal back the way the shell had
/// it before dying, instead of leaving it raw and on the alternate screen.
enum CrashGuard {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var armed = false
    static let fatal: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    static func arm() {
        armed = tcgetattr(1, &saved) == 0
        for sig in fatal {
            signal(sig) { received in
                if CrashGuard.armed {
                    // Leave the alternate screen, show the cursor, reset attributes.
                    let reset: [UInt8] = Array("\u{1b}[0m\u{1b}[?25h\u{1b}[?1049l\r\n".utf8)
                    _ = reset.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count) }
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
