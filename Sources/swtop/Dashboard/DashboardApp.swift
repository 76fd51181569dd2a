import DockerEngine
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NCursesBackend
import SwtopStore
import SwtopUI
import Synchronization
import TermCanvas

/// Runs the screen on a thread of its own: ncurses is single-threaded and its reads block, which must
/// never hold a task of the concurrency pool. The store runs on the pool and hands snapshots over
/// through `SnapshotMailbox`, whose pipe wakes the screen thread.
final class DashboardApp: Sendable {
    enum Outcome: Sendable { case quit, failure(String) }

    let store: SwtopStore
    let readOnly: Bool
    let mailbox: SnapshotMailbox
    let logLimits: LogLimits
    /// `swtop layers IMAGE --tui`: the layer view opens first, and closing it quits.
    let initialLayers: LayerRequest?
    /// Env and label names the inspect view hides (`--secret-names`).
    let secretNames: [String]
    /// Results of work done off the screen thread (a saved log), shown in the status line.
    let notices = Mutex<[ActionResult]>([])

    /// The shell `e` runs and the detach keys.
    let exec: ExecSettings

    init(store: SwtopStore, readOnly: Bool, logLimits: LogLimits = LogLimits(), initialLayers: LayerRequest? = nil,
         exec: ExecSettings = ExecSettings(), secretNames: [String] = SecretNames.defaults) {
        self.store = store
        self.exec = exec
        self.secretNames = secretNames
        self.readOnly = readOnly
        self.logLimits = logLimits
        self.initialLayers = initialLayers
        self.mailbox = SnapshotMailbox()
    }

    func post(_ notice: ActionResult) {
        notices.withLock { $0.append(notice) }
        mailbox.wake()
    }

    func takeNotice() -> ActionResult? {
        notices.withLock { list in list.isEmpty ? nil : list.removeLast() }
    }

    /// A log session that reads through the store's connection and wakes the screen thread.
    func makeLogSession(_ request: LogRequest) -> (LogSession, LogModel) {
        let session = LogSession(sources: request.sources, options: request.options,
                                 client: { [store] in await store.currentClient() },
                                 wake: { [mailbox] in mailbox.wake() })
        let small = request.purpose == .detail
        let model = LogModel(sources: request.sources, maxLines: small ? 200 : logLimits.lines,
                             maxBytes: small ? 1 << 20 : logLimits.bytes)
        return (session, model)
    }

    func run() async -> Outcome {
        await store.start()
        let feeder = Task { [store, mailbox] in
            for await snapshot in store.snapshots { mailbox.post(snapshot) }
        }
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            OSThread.start(stackSize: 4 << 20) { [self] in
                continuation.resume(returning: ScreenLoop(app: self).run())
            }
        }
        feeder.cancel()
        return outcome
    }

    /// Effects that need the store, sent from the screen thread.
    func send(_ effect: Effect) {
        switch effect {
        case let .perform(action, targets):
            let list = targets.map { (id: $0.id, name: $0.name) }
            Task { [store] in await store.perform(action, on: list) }
        case let .inspect(id):
            Task { [store] in await store.requestDetails(id) }
        case .quit, .suspend, .redraw, .openLogs, .closeLogs, .saveLogs, .openLayers, .closeLayers,
             .handOver, .openRun, .closeRun, .openProcesses, .closeProcesses, .openInspect, .closeInspect, .copy,
             .openContexts:
            break
        case .useContexts:
            // The lead wires this to the multi-engine dashboard; for now choosing changes nothing.
            break
        }
    }

    func setVisible(_ ids: [String]) {
        Task { [store] in await store.setVisible(ids) }
    }
}

/// The newest snapshot, and a pipe whose read end the screen thread polls next to stdin.
final class SnapshotMailbox: Sendable {
    private let latest = Mutex<StoreSnapshot?>(nil)
    let readFD: Int32
    let writeFD: Int32

    init() {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    func post(_ snapshot: StoreSnapshot) {
        latest.withLock { $0 = snapshot }
        wake()
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    func take() -> StoreSnapshot? {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(readFD, &sink, sink.count) > 0 {}
        return latest.withLock { value in
            defer { value = nil }
            return value
        }
    }
}

/// A plain thread with a stack size of its own (Foundation's Thread without Foundation): the screen
/// loop blocks in poll(2) and ncurses, which must never hold a task of the concurrency pool.
enum OSThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    static func start(stackSize: Int, _ body: @escaping @Sendable () -> Void) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attributes, { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        if rc != 0 {
            // No thread: run here rather than never (the caller awaits the result either way).
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
        }
    }
}

/// Exec and attach settings from the command line.
struct ExecSettings: Sendable {
    var shell: [String]?
    var detachKeys = DetachKeys.standard
}

/// The log view's limits from the command line.
struct LogLimits: Sendable {
    var tail = 1000
    var lines = 100_000
    var bytes = 64 << 20
}
