import DockerEngine
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NCursesBackend
import SwtopConfig
import SwtopStore
import SwtopUI
import Synchronization
import TermCanvas

/// Runs the screen on a thread of its own: ncurses is single-threaded and its reads block, which must
/// never hold a task of the concurrency pool. The store runs on the pool and hands snapshots over
/// through `SnapshotMailbox`, whose pipe wakes the screen thread.
final class DashboardApp: Sendable {
    enum Outcome: Sendable { case quit, failure(String) }

    /// One store per engine, in the order given (`-H A -H B`, `--context a,b`), with the tasks that
    /// carry their snapshots to the mailbox; the context picker (`C`) replaces them.
    private struct Engines {
        var stores: [SwtopStore]
        var feeders: [Task<Void, Never>] = []
        var epoch = 0
    }

    private let engines: Mutex<Engines>
    /// What a store made for a context chosen in the picker starts with (the command line's settings).
    let storeSettings: SwtopStore.Settings
    let readOnly: Bool
    let mailbox: SnapshotMailbox
    let logLimits: LogLimits
    /// `swtop layers IMAGE --tui`: the layer view opens first, and closing it quits.
    let initialLayers: LayerRequest?
    /// Env and label names the inspect view hides (`--secret-names`).
    let secretNames: [String]
    /// Actions in the order the keys asked for them, handed to their stores by one task (a task each
    /// could reach the store in any order).
    /// Actions to the engines, in the order asked: one queue (an action on a container still waits
    /// only for the previous one on that container; see `SwtopStore.perform`).
    private let actions: AsyncStream<(SwtopStore, @Sendable (SwtopStore) async -> Void)>.Continuation
    private let actionQueue: AsyncStream<(SwtopStore, @Sendable (SwtopStore) async -> Void)>
    /// Results of work done off the screen thread (a saved log), shown in the status line.
    let notices = Mutex<[ActionResult]>([])

    /// The shell `e` runs and the detach keys.
    let exec: ExecSettings
    /// Keys, theme, mouse and the lists' first sort, from the config file and the flags.
    let look: Look

    init(stores: [SwtopStore], storeSettings: SwtopStore.Settings = SwtopStore.Settings(), readOnly: Bool,
         logLimits: LogLimits = LogLimits(), initialLayers: LayerRequest? = nil,
         exec: ExecSettings = ExecSettings(), secretNames: [String] = SecretNames.defaults, look: Look = Look()) {
        self.engines = Mutex(Engines(stores: stores))
        self.look = look
        self.storeSettings = storeSettings
        self.exec = exec
        self.secretNames = secretNames
        self.readOnly = readOnly
        self.logLimits = logLimits
        self.initialLayers = initialLayers
        self.mailbox = SnapshotMailbox(engines: stores.count)
        (actionQueue, actions) = AsyncStream.makeStream()
    }

    /// The stores of the moment.
    var stores: [SwtopStore] { engines.withLock { $0.stores } }

    /// The store of the engine a row names: every engine has a name (`-H NAME=URL`, the context's, or one
    /// made from the address), and a name no store has finds none.
    func store(_ engine: String) -> SwtopStore? {
        stores.first { $0.name == engine }
    }

    /// The engine connection of the moment, for a session: nil while that engine is unreachable.
    @Sendable func client(_ engine: String) async -> (any EngineAPI)? {
        await store(engine)?.currentEngine()
    }

    func post(_ notice: ActionResult) {
        notices.withLock { $0.append(notice) }
        mailbox.wake()
    }

    func takeNotice() -> ActionResult? {
        notices.withLock { list in list.isEmpty ? nil : list.removeLast() }
    }

    func run() async -> Outcome {
        let first = stores
        for store in first { await store.start() }
        engines.withLock { $0.feeders = feed(first, epoch: 0) }
        let performer = Task { [actionQueue] in
            for await (store, action) in actionQueue { await action(store) }
        }
        defer { performer.cancel() }
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            OSThread.start(stackSize: 4 << 20) { [self] in
                continuation.resume(returning: ScreenLoop(app: self).run())
            }
        }
        for feeder in engines.withLock({ $0.feeders }) { feeder.cancel() }
        return outcome
    }

    /// Tasks that hand each store's snapshots to the mailbox, tagged with the engine set they belong to.
    private func feed(_ stores: [SwtopStore], epoch: Int) -> [Task<Void, Never>] {
        stores.enumerated().map { index, store in
            Task { [mailbox] in
                for await snapshot in store.snapshots { mailbox.post(snapshot, from: index, epoch: epoch) }
            }
        }
    }

    /// The picker's choice: watch these engines instead. The new stores start first; the old ones stop
    /// after the switch, and a snapshot an old one posts late is dropped (its epoch is past).
    func switchEngines(_ chosen: [NamedEndpoint]) async {
        let fresh = chosen.map { named -> SwtopStore in
            var settings = storeSettings
            settings.engineName = named.name
            return SwtopStore(endpoint: named.endpoint, settings: settings)
        }
        for store in fresh { await store.start() }
        let (old, oldFeeders) = engines.withLock { state -> ([SwtopStore], [Task<Void, Never>]) in
            let previous = (state.stores, state.feeders)
            state.epoch += 1
            mailbox.reset(engines: fresh.count, epoch: state.epoch)
            state.stores = fresh
            state.feeders = feed(fresh, epoch: state.epoch)
            return previous
        }
        for feeder in oldFeeders { feeder.cancel() }
        for store in old { await store.stop() }
    }

    /// `.useContexts`: resolve each context (its own TLS files), then switch; a context that cannot be
    /// used is named in the status line and nothing changes.
    func useContexts(_ names: [String]) {
        Task { [self] in
            var chosen: [NamedEndpoint] = []
            for name in names {
                do {
                    chosen.append(NamedEndpoint(name: name, endpoint: try EndpointResolver.resolve(explicitHost: nil, context: name)))
                } catch {
                    post(ActionResult(text: "context \(name): \(error)", isError: true))
                    return
                }
            }
            guard !chosen.isEmpty else { return }
            await switchEngines(chosen)
            post(ActionResult(text: "watching " + names.joined(separator: ", "), isError: false))
        }
    }

    /// Effects that need the store, sent from the screen thread.
    func send(_ effect: Effect) {
        switch effect {
        case let .perform(action, targets):
            // Each engine gets its own rows, in the order the user gave them.
            var order: [String] = []
            var byEngine: [String: [(id: String, name: String)]] = [:]
            for target in targets {
                if byEngine[target.engine] == nil { order.append(target.engine) }
                byEngine[target.engine, default: []].append((id: target.id, name: target.name))
            }
            for engine in order {
                guard let list = byEngine[engine] else { continue }
                guard let store = store(engine) else {
                    post(ActionResult(text: "no engine named “\(engine)” is watched now: nothing sent", isError: true))
                    continue
                }
                actions.yield((store, { await $0.perform(action, on: list) }))
            }
        case let .resource(action, engine):
            guard let store = store(engine) else {
                post(ActionResult(text: "no engine named “\(engine)” is watched now: nothing sent", isError: true))
                return
            }
            actions.yield((store, { await $0.perform(action) }))
        case let .inspect(id, engine):
            guard let store = store(engine) else { return }
            Task { await store.requestDetails(id) }
        case .quit, .suspend, .redraw, .openSession, .saveLogs, .handOver, .handOverLocal, .runCustom, .copy, .swarm:
            break  // the screen loop's
        case let .useContexts(names):
            useContexts(names)
        }
    }

    /// Each store hears the visible rows (it samples the ids it holds first; others it ignores), and
    /// whether network, block I/O and pids figures are on screen.
    func setVisible(_ ids: [String], figures: Bool, offScreen: Bool) {
        for store in stores { Task { await store.setVisible(ids, figures: figures, offScreenFigures: offScreen) } }
    }
}

/// The newest snapshot of each engine, and a pipe whose read end the screen thread polls next to stdin.
/// Several engines are merged into one snapshot when the screen thread takes it (at most once a wake-up,
/// however many engines posted in between).
final class SnapshotMailbox: Sendable {
    private struct Slots {
        /// Which engine set the parts belong to (the context picker replaces the set).
        var epoch = 0
        var parts: [StoreSnapshot?]
        var fresh = false
        /// The newest action result any engine reported, and each engine's last one (to see it change).
        var lastResult: ActionResult?
        var lastResults: [ActionResult?]
    }

    private let latest: Mutex<Slots>
    let readFD: Int32
    let writeFD: Int32

    init(engines: Int = 1) {
        latest = Mutex(Slots(parts: Array(repeating: nil, count: max(1, engines)),
                             lastResults: Array(repeating: nil, count: max(1, engines))))
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    /// A new engine set: its snapshots replace the old set's once they arrive.
    func reset(engines: Int, epoch: Int) {
        latest.withLock { slots in
            slots = Slots(epoch: epoch, parts: Array(repeating: nil, count: max(1, engines)),
                          lastResults: Array(repeating: nil, count: max(1, engines)))
        }
    }

    func post(_ snapshot: StoreSnapshot, from index: Int = 0, epoch: Int = 0) {
        latest.withLock { slots in
            guard slots.epoch == epoch, slots.parts.indices.contains(index) else { return }
            slots.parts[index] = snapshot
            slots.fresh = true
            if snapshot.lastResult != slots.lastResults[index] {
                slots.lastResults[index] = snapshot.lastResult
                if snapshot.lastResult != nil { slots.lastResult = snapshot.lastResult }
            }
        }
        wake()
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    func take() -> StoreSnapshot? {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(readFD, &sink, sink.count) > 0 {}
        return latest.withLock { slots -> StoreSnapshot? in
            guard slots.fresh else { return nil }
            slots.fresh = false
            if slots.parts.count == 1 { return slots.parts[0] }
            // Engines that have not published yet count as connecting.
            let parts = slots.parts.compactMap { $0 }
            guard !parts.isEmpty else { return nil }
            return Fleet.merge(parts, lastResult: slots.lastResult)
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

/// What the config file (and `--mouse`) set of the screen.
struct Look: Sendable {
    var keys = KeymapSet.defaults
    var theme = Theme()
    var mouse = true
    var hideStopped = false
    var sort: SwtopUI.SortOrder?
    var columns: [ContainerColumn]?

    init() {}

    init(config: SwtopConfig, mouse: Bool) {
        keys = config.keys
        theme = config.theme
        self.mouse = mouse
        hideStopped = config.ui.hideStopped ?? false
        columns = config.ui.columns
        if let name = config.ui.sort, let column = ContainerRows.sortColumns.firstIndex(where: { $0.name == name }) {
            sort = SwtopUI.SortOrder(column: column, reversed: config.ui.sortReversed ?? false)
        } else if config.ui.sortReversed == true {
            sort = SwtopUI.SortOrder(column: 0, reversed: true)
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
