import DockerEngine
import Foundation
import NCursesBackend
import SwtopStore
import SwtopUI
import TermCanvas

/// Runs the screen on a thread of its own: ncurses is single-threaded and its reads block, which must
/// never hold a task of the concurrency pool. The store runs on the pool and hands snapshots over
/// through `SnapshotMailbox`, whose pipe wakes the screen thread.
final class DashboardApp: Sendable {
    enum Outcome: Sendable { case quit, failure(String) }

    let store: SwtopStore
    let readOnly: Bool
    let mailbox: SnapshotMailbox

    init(store: SwtopStore, readOnly: Bool) {
        self.store = store
        self.readOnly = readOnly
        self.mailbox = SnapshotMailbox()
    }

    func run() async -> Outcome {
        await store.start()
        let feeder = Task { [store, mailbox] in
            for await snapshot in store.snapshots { mailbox.post(snapshot) }
        }
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let thread = Thread { [self] in
                continuation.resume(returning: ScreenLoop(app: self).run())
            }
            thread.name = "swtop-screen"
            thread.stackSize = 4 << 20
            thread.start()
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
        case .quit, .suspend, .redraw:
            break
        }
    }

    func setVisible(_ ids: [String]) {
        Task { [store] in await store.setVisible(ids) }
    }
}

/// The newest snapshot, and a pipe whose read end the screen thread polls next to stdin.
final class SnapshotMailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var latest: StoreSnapshot?
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
        lock.lock()
        latest = snapshot
        lock.unlock()
        wake()
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    func take() -> StoreSnapshot? {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(readFD, &sink, sink.count) > 0 {}
        lock.lock()
        defer { lock.unlock() }
        let value = latest
        latest = nil
        return value
    }
}
