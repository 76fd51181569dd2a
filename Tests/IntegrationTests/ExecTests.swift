import DockerEngine
import Foundation
import Synchronization
import SwtopUI
import TestSupport
import XCTest

/// Exec, attach and top through the engine API on a hijacked connection, against both engines: the
/// streams told apart, stdin and its end, the detach that leaves the process running, resizes, the
/// engine's refusals, the process list as `docker top` prints it. Every session is bounded in time, so a
/// hang fails the test instead of blocking the run.
final class ExecTests: EngineTestCase {
    /// A container that only sleeps: its processes stay the same while a test looks at them.
    static let quiet = "sleep 3600 & trap 'exit 0' TERM; wait"

    func startedContainer(_ engine: TestEngine, _ client: DockerClient, _ prefix: String,
                          command: String = ExecTests.quiet, extra: [String] = []) async throws -> String {
        let id = try makeContainer(engine, prefix, command: command, extra: extra)
        try await client.start(id)
        XCTAssertEqual(try engineState(engine, id), "running", engine.name)
        return id
    }

    // MARK: - Non-TTY and TTY output

    func testNonTTYExecKeepsStdoutAndStderrApartAndEndsWithTheExitCode() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-streams")
            let exec = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "echo out; echo err >&2; exit 3"],
                                                                tty: false, stdin: false))
            let session = try await Session.run(client, exec, tty: false, seconds: 20)
            XCTAssertEqual(session.end, .exited(3), engine.name)
            XCTAssertEqual(session.text(.stdout), "out\n", engine.name)
            XCTAssertEqual(session.text(.stderr), "err\n", engine.name)
            XCTAssertEqual(session.text(.system), "", engine.name)
            let status = try await client.inspectExec(exec)
            XCTAssertFalse(status.Running, engine.name)
            XCTAssertEqual(status.ExitCode, 3, engine.name)
        }
    }

    func testTTYExecOutputArrivesRawOnStdout() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-tty")
            let exec = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "echo out; echo err >&2; printf '\\001\\002'"],
                                                                tty: true, stdin: false))
            let session = try await Session.run(client, exec, tty: true, seconds: 20)
            XCTAssertEqual(session.end, .exited(0), engine.name)
            // One stream, no frame headers; the terminal turns \n into \r\n.
            XCTAssertEqual(session.text(.stdout), "out\r\nerr\r\n\u{1}\u{2}", engine.name)
            XCTAssertEqual(session.bytes(.stderr), [], engine.name)
        }
    }

    func testLargeOutputOnBothStreamsArrivesWholeAndInOrder() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-large")
            let exec = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "seq 1 40000; seq 40001 80000 >&2"],
                                                                tty: false, stdin: false))
            let session = try await Session.run(client, exec, tty: false, seconds: 30)
            XCTAssertEqual(session.end, .exited(0), engine.name)
            let out = session.text(.stdout), err = session.text(.stderr)
            XCTAssertEqual(out, (1...40000).map { "\($0)\n" }.joined(), "[\(engine.name)] \(out.utf8.count) bytes on stdout")
            XCTAssertEqual(err, (40001...80000).map { "\($0)\n" }.joined(), "[\(engine.name)] \(err.utf8.count) bytes on stderr")
        }
    }

    func testUserWorkingDirAndEnvReachTheProcess() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-user")
            var spec = ExecSpec(command: ["sh", "-c", "id -u; pwd; echo \"$SWTOP_X\""], tty: false, stdin: false)
            spec.user = "nobody"
            spec.workingDir = "/tmp"
            spec.env = ["SWTOP_X=a b"]
            let exec = try await client.createExec(id, spec)
            let session = try await Session.run(client, exec, tty: false, seconds: 20)
            XCTAssertEqual(session.end, .exited(0), engine.name)
            XCTAssertEqual(session.text(.stdout), "65534\n/tmp\na b\n", engine.name)
        }
    }

    // MARK: - Input

    func testStdinThenEndOfInputReachesCatAndEndsIt() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-stdin")
            let exec = try await client.createExec(id, ExecSpec(command: ["cat"], tty: false, stdin: true))
            // cat ends only when its input does: exit 0 proves the write half was closed.
            let session = try await Session.run(client, exec, tty: false, seconds: 20,
                                                input: [.bytes(Array("hi\n".utf8)), .endOfInput])
            XCTAssertEqual(session.end, .exited(0), engine.name)
            XCTAssertEqual(session.text(.stdout), "hi\n", engine.name)
            XCTAssertEqual(session.text(.stderr), "", engine.name)
        }
    }

    func testDetachLeavesTheExecRunningAndTopListsIt() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-detach")
            let exec = try await client.createExec(id, ExecSpec(command: ["sh"], tty: true, stdin: true,
                                                                detachKeys: DetachKeys.standard.spec))
            // Once the shell's prompt shows, hang up as the terminal pump does on Ctrl-P Ctrl-Q.
            let session = try await Session.run(client, exec, tty: true, seconds: 20,
                                                input: [.resize(width: 80, height: 24), .bytes(Array("echo $((6*7))\r".utf8))],
                                                then: { seen in seen.contains("42") ? [.detach] : nil })
            XCTAssertEqual(session.end, .detached, engine.name)
            XCTAssertTrue(session.text(.stdout).contains("42"), "[\(engine.name)] \(session.text(.stdout).debugDescription)")
            try await Task.sleep(for: .milliseconds(300))
            let status = try await client.inspectExec(exec)
            XCTAssertTrue(status.Running, "[\(engine.name)] a detached shell goes on: \(status)")
            let pid = try XCTUnwrap(status.Pid, engine.name)
            let list = try await client.top(id)
            let pids = try Self.column("PID", of: list)
            XCTAssertTrue(pids.contains(String(pid)), "[\(engine.name)] exec pid \(pid) in \(list.Processes)")
        }
    }

    func testAResizeSentFirstIsWhatSttySees() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-resize")
            let exec = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "sleep 0.5; stty size"], tty: true, stdin: true))
            let session = try await Session.run(client, exec, tty: true, seconds: 20, input: [.resize(width: 77, height: 21)])
            XCTAssertEqual(session.end, .exited(0), engine.name)
            XCTAssertEqual(session.text(.stdout).trimmingCharacters(in: .whitespacesAndNewlines), "21 77", engine.name)
        }
    }

    func testAConsoleSizeInTheSpecNeedsNoResizeFromAPI142() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-size")
            let exec = try await client.createExec(id, ExecSpec(command: ["stty", "size"], tty: true, stdin: false,
                                                                size: (width: 91, height: 33)))
            let session = try await Session.run(client, exec, tty: true, seconds: 20)
            XCTAssertEqual(session.end, .exited(0), engine.name)
            let size = session.text(.stdout).trimmingCharacters(in: .whitespacesAndNewlines)
            if client.apiVersion >= APIVersion(1, 42) {
                XCTAssertEqual(size, "33 91", engine.name)
            } else {
                // Older engines ignore ConsoleSize: only the resize after start sets it.
                XCTAssertFalse(size.isEmpty, engine.name)
            }
        }
    }

    // MARK: - Refusals

    func testExecOnAStoppedContainerIs409NotRunningAndOnAMissingOne404() async throws {
        try await forEachEngine { engine, client in
            let created = try makeContainer(engine, "swtop-exec-created")
            let stopped = try await startedContainer(engine, client, "swtop-exec-stopped")
            try await client.stop(stopped, timeoutSeconds: 5)
            XCTAssertEqual(try engineState(engine, stopped), "exited", engine.name)
            for id in [created, stopped] {
                do {
                    _ = try await client.createExec(id, ExecSpec(command: ["sh"], tty: true, stdin: true))
                    XCTFail("[\(engine.name)] exec in a container that is not running must fail")
                } catch let error as DockerError {
                    XCTAssertEqual(error.status, 409, "[\(engine.name)] \(error)")
                    XCTAssertTrue(error.userMessage.contains("not running"), "[\(engine.name)] \(error)")
                }
            }
            let paused = try await startedContainer(engine, client, "swtop-exec-paused")
            try await client.pause(paused)
            do {
                _ = try await client.createExec(paused, ExecSpec(command: ["sh"], tty: true, stdin: true))
                XCTFail("[\(engine.name)] exec in a paused container must fail")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 409, "[\(engine.name)] \(error)")
                XCTAssertTrue(error.userMessage.contains("paused"), "[\(engine.name)] \(error)")
            }
            try await client.unpause(paused)
            do {
                _ = try await client.createExec("swtop-no-such-container", ExecSpec(command: ["sh"], tty: false, stdin: false))
                XCTFail("[\(engine.name)] exec in a missing container must fail")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 404, "[\(engine.name)] \(error)")
                XCTAssertTrue(error.userMessage.contains("No such container"), "[\(engine.name)] \(error)")
            }
            do {
                _ = try await client.inspectExec("swtop-no-such-exec")
                XCTFail("[\(engine.name)] inspecting a missing exec must fail")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 404, "[\(engine.name)] \(error)")
            }
        }
    }

    func testAStartTheEngineRefusesThrowsItsMessage() async throws {
        try await forEachEngine { engine, client in
            // The refusal comes on the connection that was to be upgraded, as an ordinary answer with a
            // body: read to its Content-Length and turned into the engine's message.
            let id = try await startedContainer(engine, client, "swtop-exec-refused")
            // An exec started a second time: the engines upgrade first, then say so in the stream (on
            // stdout) and hang up; the session ends (with the first run's code, the exec's only one).
            let done = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "exit 4"], tty: false, stdin: false))
            let first = try await Session.run(client, done, tty: false, seconds: 20)
            XCTAssertEqual(first.end, .exited(4), engine.name)
            let again = try await Session.run(client, done, tty: false, seconds: 20)
            let said = again.text(.stdout) + again.text(.stderr)
            XCTAssertTrue(said.contains("has already run"), "[\(engine.name)] \(said.debugDescription)")
            XCTAssertEqual(again.end, .exited(4), engine.name)
            // Created while running, started after the container stopped: the engine forgot it.
            let orphan = try await client.createExec(id, ExecSpec(command: ["sh"], tty: true, stdin: true))
            try await client.stop(id, timeoutSeconds: 5)
            do {
                let session = try await Session.run(client, orphan, tty: true, seconds: 20)
                XCTFail("[\(engine.name)] starting an exec of a stopped container must fail: \(session.end)")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 404, "[\(engine.name)] \(error)")
                XCTAssertTrue(error.userMessage.contains("No such exec instance"), "[\(engine.name)] \(error)")
            }
        }
    }

    func testACommandThatIsNotThereEndsWithAnErrorNotAHang() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-notfound")
            let exec = try await client.createExec(id, ExecSpec(command: ["swtop-no-such-command"], tty: false, stdin: false))
            do {
                let session = try await Session.run(client, exec, tty: false, seconds: 20)
                // Engines report it in the stream and give 126/127 (not found / cannot execute).
                guard case let .exited(code) = session.end else { return XCTFail("[\(engine.name)] \(session.end)") }
                XCTAssertTrue([126, 127].contains(code), "[\(engine.name)] exit \(code)")
                let said = session.text(.stdout) + session.text(.stderr) + session.text(.system)
                XCTAssertTrue(said.contains("swtop-no-such-command"), "[\(engine.name)] \(said.debugDescription)")
            } catch let error as DockerError {
                // Or the engine refuses the start outright.
                XCTAssertTrue(error.description.contains("swtop-no-such-command"), "[\(engine.name)] \(error)")
            }
        }
    }

    // MARK: - A connection that drops

    func testAnExecKilledFromOutsideEndsWithItsExitCode() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-killed")
            for tty in [false, true] {
                let exec = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "echo pid=$$; exec sleep 600"],
                                                                    tty: tty, stdin: tty))
                // `then` is asked until it answers: the kill happens once, when the pid shows.
                let session = try await Session.run(client, exec, tty: tty, seconds: 30, then: { seen in
                    guard let range = seen.range(of: #"pid=[0-9]+"#, options: .regularExpression) else { return nil }
                    let pid = String(seen[range].dropFirst(4))
                    _ = try? engine.dockerResult(["exec", id, "kill", "-9", pid])
                    return []
                })
                XCTAssertEqual(session.end, .exited(137), "[\(engine.name)] tty \(tty): SIGKILL is 128 + 9")
                XCTAssertTrue(session.text(.stdout).contains("pid="), engine.name)
            }
        }
    }

    func testCancellingASessionReturnsPromptly() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-cancel")
            let exec = try await client.createExec(id, ExecSpec(command: ["sleep", "600"], tty: false, stdin: false))
            let (input, feed) = AsyncStream<SessionInput>.makeStream()
            let task = Task { try await client.runExec(exec, tty: false, input: input) { _, _ in } }
            // Cancel once the engine runs it (not after a guessed pause).
            try await within(10, "the exec running") {
                while try await !client.inspectExec(exec).Running { try await Task.sleep(for: .milliseconds(20)) }
            }
            let clock = ContinuousClock()
            let cancelled = clock.now
            task.cancel()
            // The check is the bound: ended or threw, either is fine, as long as it is at once.
            let outcome = try await within(10, "a cancelled session") {
                do { return "ended: \(try await task.value)" } catch { return "threw: \(error)" }
            }
            feed.finish()
            XCTAssertLessThan(clock.now - cancelled, .seconds(2), "[\(engine.name)] \(outcome)")
        }
    }

    // MARK: - top

    func testTopListsThePIDsDockerTopPrints() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-exec-top")
            for psArgs in [nil, ProcessView.psArgs] {
                let list = try await client.top(id, psArgs: psArgs)
                let cli = try Shell.check([Repo.dockerCLI, "-H", engine.host, "top", id]
                    + (psArgs.map { $0.split(separator: " ").map(String.init) } ?? []))
                let expected = try Self.cliColumn("PID", of: cli)
                let pids = try Self.column("PID", of: list)
                XCTAssertEqual(pids.sorted(), expected.sorted(), "[\(engine.name)] ps_args \(psArgs ?? "(default)")")
                XCTAssertEqual(pids.count, 2, "[\(engine.name)] sh and sleep: \(list.Processes)")
                XCTAssertTrue(list.Processes.allSatisfy { $0.count == list.Titles.count }, "[\(engine.name)] \(list)")
                if psArgs != nil {
                    XCTAssertEqual(list.Titles, ["PID", "USER", "%CPU", "%MEM", "RSS", "ELAPSED", "COMMAND"], engine.name)
                    XCTAssertTrue(list.Processes.contains { $0.last == "sleep 3600" }, "[\(engine.name)] \(list.Processes)")
                    XCTAssertTrue(list.Processes.allSatisfy { Int($0[4]) != nil }, "[\(engine.name)] RSS in KiB: \(list.Processes)")
                } else {
                    XCTAssertTrue(list.Titles.contains("CMD"), "[\(engine.name)] \(list.Titles)")
                }
            }
            let stopped = try makeContainer(engine, "swtop-exec-top-stopped")
            do {
                _ = try await client.top(stopped)
                XCTFail("[\(engine.name)] top of a container that is not running must fail")
            } catch let error as DockerError {
                XCTAssertEqual(error.status, 409, "[\(engine.name)] \(error)")
            }
        }
    }

    // MARK: - attach

    func testAttachReceivesOutputAndDetachLeavesTheContainerRunning() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-attach",
                                                command: "trap 'exit 0' TERM; i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.2; done")
            // Once a few lines came, hang up as the terminal pump does on the detach keys.
            let session = try await Session.drive(seconds: 20, "attach", then: { seen in
                seen.components(separatedBy: "tick").count > 3 ? [.detach] : nil
            }) { input, output in
                try await client.runAttach(id, tty: false, detachKeys: nil, input: input, output: output)
            }
            XCTAssertEqual(session.end, .detached, engine.name)
            XCTAssertTrue(session.text(.stdout).hasPrefix("tick "), "[\(engine.name)] \(session.text(.stdout).debugDescription)")
            XCTAssertEqual(session.text(.stderr), "", engine.name)
            // Detaching leaves it running: it goes on printing past the last tick the session saw.
            let seen = session.text(.stdout).components(separatedBy: "tick ").compactMap { Int($0.prefix { $0.isNumber }) }.max() ?? 0
            try await within(10, "a tick after the detach") {
                while true {
                    let last = try engine.docker("logs", "--tail", "1", id).components(separatedBy: "tick ").compactMap { Int($0.prefix { $0.isNumber }) }.max() ?? 0
                    if last > seen + 1 { return }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            XCTAssertEqual(try engineState(engine, id), "running", "[\(engine.name)] detaching leaves it running")
        }
    }

    func testAttachToAnInteractiveTTYContainerTypesIntoItsShellAndDetaches() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-attach-tty", command: "exec sh", extra: ["-i", "-t"])
            let session = try await Session.drive(seconds: 20, "attach to a TTY", input: [.resize(width: 70, height: 19),
                                                                                           .bytes(Array("stty size; echo $((6*7))\r".utf8))],
                                                  then: { seen in seen.contains("42") ? [.detach] : nil }) { input, output in
                try await client.runAttach(id, tty: true, detachKeys: nil, input: input, output: output)
            }
            XCTAssertEqual(session.end, .detached, engine.name)
            XCTAssertTrue(session.text(.stdout).contains("19 70"), "[\(engine.name)] the resize reached the container's terminal: "
                          + session.text(.stdout).debugDescription)
            XCTAssertEqual(session.bytes(.stderr), [], engine.name)
            // Hanging up left the shell running: attached again, it still answers.
            let again = try await Session.drive(seconds: 20, "attach again", input: [.bytes(Array("echo $((40+2))alive\r".utf8))],
                                                then: { seen in seen.contains("42alive") ? [.detach] : nil }) { input, output in
                try await client.runAttach(id, tty: true, detachKeys: nil, input: input, output: output)
            }
            XCTAssertEqual(again.end, .detached, engine.name)
            XCTAssertTrue(again.text(.stdout).contains("42alive"), "[\(engine.name)] the shell answered: \(again.text(.stdout).debugDescription)")
            XCTAssertEqual(try engineState(engine, id), "running", "[\(engine.name)] hanging up leaves the shell running")
        }
    }

    func testAttachEndsWithTheMainProcesssExitCode() async throws {
        try await forEachEngine { engine, client in
            let id = try await startedContainer(engine, client, "swtop-attach-exit",
                                                command: "sleep 2; echo bye; echo oops >&2; exit 5")
            let session = try await Session.drive(seconds: 20, "attach until exit", then: { _ in nil }) { input, output in
                try await client.runAttach(id, tty: false, detachKeys: DetachKeys.standard.spec, input: input, output: output)
            }
            XCTAssertEqual(session.end, .exited(5), engine.name)
            XCTAssertEqual(session.text(.stdout), "bye\n", engine.name)
            XCTAssertEqual(session.text(.stderr), "oops\n", engine.name)
        }
    }

    // MARK: - Helpers

    /// The values of `title`'s column in the engine's answer.
    static func column(_ title: String, of list: ProcessList) throws -> [String] {
        guard let index = list.Titles.firstIndex(of: title) else { throw TestFailure("no \(title) column in \(list.Titles)") }
        return list.Processes.map { $0[index] }
    }

    /// The same from `docker top`'s table: the columns up to PID hold no blanks in either layout.
    static func cliColumn(_ title: String, of table: String) throws -> [String] {
        let lines = table.split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: " ").map(String.init), let index = header.firstIndex(of: title) else {
            throw TestFailure("no \(title) column in \(table)")
        }
        return lines.dropFirst().map { $0.split(separator: " ")[index] }.map(String.init)
    }
}

/// What a session printed, per stream.
final class Sink: Sendable {
    private let data = Mutex<[LogStream: [UInt8]]>([:])

    func add(_ stream: LogStream, _ bytes: [UInt8]) { data.withLock { $0[stream, default: []] += bytes } }
    func bytes(_ stream: LogStream) -> [UInt8] { data.withLock { $0[stream] ?? [] } }
    func text(_ stream: LogStream) -> String { String(decoding: bytes(stream), as: UTF8.self) }
}

/// One exec session run to its end, with input sent up front and more once the output shows something.
struct Session: Sendable {
    var end: SessionEnd
    var sink: Sink

    func bytes(_ stream: LogStream) -> [UInt8] { sink.bytes(stream) }
    func text(_ stream: LogStream) -> String { sink.text(stream) }

    static func run(_ client: DockerClient, _ exec: String, tty: Bool, seconds: Double, input: [SessionInput] = [],
                    then: (@Sendable (String) -> [SessionInput]?)? = nil) async throws -> Session {
        try await drive(seconds: seconds, "exec session", input: input, then: then) { stream, output in
            try await client.runExec(exec, tty: tty, input: stream, output: output)
        }
    }

    /// Runs `session` with `input` sent at once (and, without `then`, the input ending after it);
    /// `then` sees stdout as it grows and returns what to send next (nil: not yet; [] nothing more).
    static func drive(seconds: Double, _ what: String, input: [SessionInput] = [], then: (@Sendable (String) -> [SessionInput]?)? = nil,
                      _ session: @escaping @Sendable (AsyncStream<SessionInput>, @escaping @Sendable (LogStream, [UInt8]) -> Void) async throws -> SessionEnd)
        async throws -> Session {
        let sink = Sink()
        let (stream, feed) = AsyncStream<SessionInput>.makeStream()
        for item in input { feed.yield(item) }
        if then == nil { feed.finish() }
        defer { feed.finish() }
        let end = try await within(seconds, what) {
            try await withThrowingTaskGroup(of: SessionEnd?.self) { group in
                group.addTask {
                    try await session(stream) { stream, bytes in sink.add(stream, bytes) }
                }
                if let then {
                    group.addTask {
                        while !Task.isCancelled {
                            if let more = then(sink.text(.stdout)) {
                                for item in more { feed.yield(item) }
                                break
                            }
                            try? await Task.sleep(for: .milliseconds(50))
                        }
                        return nil
                    }
                }
                // The watcher may end first, or be cancelled once the session has ended.
                var end: SessionEnd?
                while let result = try await group.next() {
                    if let result {
                        end = result
                        group.cancelAll()
                    }
                }
                guard let end else { throw TestFailure("\(what) gave no end") }
                return end
            }
        }
        return Session(end: end, sink: sink)
    }
}

/// `body`'s result, or a failure after `seconds`. Not a task group alone: a group waits for all its
/// children, so a body that ignores cancellation would block the run all the same; here the caller goes
/// on and the body is cancelled.
func within<T: Sendable>(_ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let work = Task { try await body() }
    let once = Once()
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
        let timer = Task {
            try? await Task.sleep(for: .seconds(seconds))
            guard !Task.isCancelled, once.claim() else { return }
            work.cancel()
            continuation.resume(throwing: TestFailure("\(what) did not finish in \(seconds) s"))
        }
        Task {
            let result: Result<T, Error>
            do { result = .success(try await work.value) } catch { result = .failure(error) }
            timer.cancel()
            if once.claim() { continuation.resume(with: result) }
        }
    }
}

/// True for the first caller only.
final class Once: Sendable {
    private let taken = Mutex(false)

    func claim() -> Bool {
        taken.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}
