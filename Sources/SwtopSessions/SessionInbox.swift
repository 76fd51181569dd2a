import DockerEngine
import Synchronization

/// A session's task and its inbox: the task does the engine work and posts news; the screen thread
/// drains the inbox; each post wakes that thread.
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
}

/// The engine connection for a session; while the store is still connecting (a view opened at start),
/// asked again every half second, `tries` times.
func connected(_ connect: @Sendable () async -> (any EngineAPI)?, tries: Int) async -> (any EngineAPI)? {
    var client = await connect()
    var waited = 0
    while client == nil, waited < tries, !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(500))
        waited += 1
        client = await connect()
    }
    return client
}

/// A flag another task sets to end a session's wait early (an action done: list again now).
final class Poke: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    func take() -> Bool { flag.withLock { value in defer { value = false }; return value } }
}
