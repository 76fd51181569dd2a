#if canImport(Glibc)
import Glibc
#endif

/// What one target's run found.
public struct FuzzReport: Sendable {
    public var target: String
    public var inputs = 0
    /// Checks that failed: the message and, when the run saves them, the file the input went to.
    public var findings: [String] = []
    /// The slowest input, in seconds, and its number.
    public var slowest = 0.0
    public var slowestIndex = 0
    public var seconds = 0.0

    public var line: String {
        let rate = seconds > 0 ? Int(Double(inputs) / seconds) : inputs
        return "\(target): \(inputs) inputs in \(FuzzRunner.format(seconds)) s (\(rate)/s), \(findings.count) findings, "
            + "0 crashes, 0 timeouts, slowest input \(FuzzRunner.format(slowest * 1000)) ms (#\(slowestIndex))"
    }
}

/// Runs a target's inputs one after another. A crash or a hang cannot be reported from inside, so with
/// `guardProcess` the current input is written to a file first by a signal handler (SIGSEGV, SIGILL,
/// SIGTRAP, SIGABRT, SIGBUS, SIGFPE) or an alarm (an input still running after `timeout` seconds), and
/// the process ends with a line saying which.
public enum FuzzRunner {
    public static func run(_ target: FuzzTarget, inputs: Int, seed: UInt64, saveTo folder: String? = nil,
                           timeout: UInt32 = 0, progress: ((FuzzReport) -> Void)? = nil) -> FuzzReport {
        var report = FuzzReport(target: target.name)
        let started = now()
        for index in 0..<inputs {
            let bytes = target.input(index, seed: seed)
            let begun = now()
            let finding = bytes.withUnsafeBufferPointer { buffer -> String? in
                Current.set(buffer, target: target.name, index: index, timeout: timeout)
                defer { Current.clear() }
                return target.run(bytes, index: index, seed: seed)
            }
            let took = now() - begun
            if took > report.slowest { report.slowest = took; report.slowestIndex = index }
            report.inputs += 1
            if let finding {
                var line = "\(target.name) #\(index) (seed \(seed)): \(finding)"
                if let folder {
                    let path = "\(folder)/\(target.name)-\(seed)-\(index).bin"
                    if save(bytes, to: path) { line += " [input: \(path)]" }
                }
                report.findings.append(line)
            }
            if let progress, index % 100_000 == 99_999 {
                report.seconds = now() - started
                progress(report)
            }
        }
        report.seconds = now() - started
        return report
    }

    /// Installs the crash and alarm handlers that save the input being run into `folder`.
    public static func guardProcess(saveTo folder: String) {
        Current.folder = strdup(folder)
        // A stack overflow's SIGSEGV can only be handled on a stack of its own.
        var stack = stack_t()
        stack.ss_size = 1 << 16
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: stack.ss_size, alignment: 16)
        sigaltstack(&stack, nil)
        for sig in [SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGALRM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in Current.died(sig) }
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND) | UInt32(SA_NODEFER) | UInt32(SA_ONSTACK))
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
        Current.guarded = true
    }

    static func save(_ bytes: [UInt8], to path: String) -> Bool {
        guard let file = fopen(path, "wb") else { return false }
        defer { fclose(file) }
        return fwrite(bytes, 1, bytes.count, file) == bytes.count
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// The input being run, where a signal handler can reach it (only async-signal-safe calls there).
enum Current {
    nonisolated(unsafe) static var bytes: UnsafeBufferPointer<UInt8>?
    nonisolated(unsafe) static var name = [CChar](repeating: 0, count: 256)
    nonisolated(unsafe) static var folder: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var guarded = false

    static func set(_ buffer: UnsafeBufferPointer<UInt8>, target: String, index: Int, timeout: UInt32) {
        guard guarded else { return }
        bytes = buffer
        // "<target>-<index>", kept ready as C text: the handler cannot build strings.
        let text = Array("\(target)-\(index)".utf8CString.prefix(255))
        for (i, c) in text.enumerated() { name[i] = c }
        name[text.count] = 0
        if timeout > 0 { alarm(timeout) }
    }

    static func clear() {
        guard guarded else { return }
        alarm(0)
        bytes = nil
    }

    static func died(_ sig: Int32) {
        let what = sig == SIGALRM ? "timeout" : "crash"
        if let folder, let bytes {
            // "<folder>/<what>-<target>-<index>.bin", built with memcpy alone.
            var path = [CChar](repeating: 0, count: 1024)
            path.withUnsafeMutableBufferPointer { out in
                var at = 0
                func add(_ text: UnsafePointer<CChar>) {
                    let n = min(strlen(text), 1000 - at)
                    memcpy(out.baseAddress! + at, text, n)
                    at += n
                }
                add(folder)
                add("/")
                what.withCString { add($0) }
                add("-")
                name.withUnsafeBufferPointer { add($0.baseAddress!) }
                add(".bin")
            }
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd >= 0 {
                _ = write(fd, bytes.baseAddress, bytes.count)
                close(fd)
            }
            for text in ["swtop-fuzz: ", what, ", input saved as "] { _ = text.withCString { write(2, $0, strlen($0)) } }
            _ = write(2, path, strlen(path))
            _ = write(2, "\n", 1)
        }
        if sig == SIGALRM { _exit(3) }
        signal(sig, SIG_DFL)
        raise(sig)
    }
}
