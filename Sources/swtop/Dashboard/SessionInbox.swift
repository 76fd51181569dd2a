import DockerEngine
import Synchronization

/// What every session beside the snapshot (layers, inspect, `x`, `T`) has: a task of its own doing
/// the engine work, and an inbox of news the screen thread drains; each post wakes that thread.
final class SessionInbox<News: Sendable>: Sendable {
    private let items = Mutex<[News]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let wake: @Sendable () -> Void

    init(wake: @escaping @Sendable () -> Void) { self.wake = wake }

    func post(_ news: News) {
        items.withLock { $0.append(news) }
        wake()
    }

    func drain() -> [News] {
        items.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    func run(_ body: @escaping @Sendable () async -> Void) {
        let work = Task { await body() }
        task.withLock { $0 = work }
    }

    func stop() { task.withLock { $0?.cancel() } }

    /// The store's client; while the store is still connecting (a view opened at start), asked again
    /// every half second, `tries` times.
    static func client(_ client: @Sendable () async -> DockerClient?, tries: Int) async -> DockerClient? {
        var connected = await client()
        var waited = 0
        while connected == nil, waited < tries, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            waited += 1
            connected = await client()
        }
        return connected
    }
}
