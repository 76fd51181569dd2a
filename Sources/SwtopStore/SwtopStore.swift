import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The model: keeps one engine's containers, images, volumes, networks and stats current from the
/// events stream (with a full resync after every connect), runs actions in the background, and
/// publishes immutable snapshots. The screen never waits on it.
public actor SwtopStore {
    public nonisolated let snapshots: AsyncStream<StoreSnapshot>
    private let continuation: AsyncStream<StoreSnapshot>.Continuation
    let endpoint: EngineEndpoint
    let logger: Logger
    let settings: Settings

    var client: (any EngineAPI)?
    var snapshot = StoreSnapshot()
    var containers: [String: ContainerItem] = [:] {
        didSet {
            containersSorted = false
            runningIDs = nil
        }
    }
    /// The running containers' ids, kept until `containers` changes.
    var runningIDs: [String]?
    /// `snapshot.containers` is `containers` sorted by name.
    var containersSorted = false
    var dirty = Dirty()
    /// Containers whose last event said which state they are in, until a list agrees.
    var expectedState: [String: (state: ContainerRunState, attempts: Int)] = [:]
    var refreshing = false
    /// The newest action on each container, which the next one on it waits for: actions reach the engine
    /// in the order they were asked (a stop then a start ends running), others' actions in parallel.
    var actionTails: [String: (number: Int, task: Task<Void, Never>)] = [:]
    var actionCount = 0
    var stopped = false
    var tasks: [Task<Void, Never>] = []
    /// Containers whose list lags their event, and the one task that asks again for them.
    var lagging: Set<String> = []
    var lagRetry: Task<Void, Never>?
    var timingFetch: Task<Void, Never>?
    /// Set when visible rows changed while `timingFetch` ran.
    var timingWanted = false
    var visible: [String] = []
    var stats = StatsSampler()
    /// Where the next tick's API sampling continues among the rows that are not visible.
    var apiCursor = 0

    public struct Settings: Sendable {
        /// Seconds between full resyncs even without events (keeps "Up 3 minutes" texts fresh).
        public var resyncInterval: Double = 15
        public var statsInterval: Double = 1
        /// Concurrent one-shot stats requests when cgroup files cannot be read.
        public var apiStatsConcurrency: Int = 4
        /// Read stats from cgroup files when the engine is local; off forces the API path.
        public var useCgroupFiles: Bool = true
        /// Speak this API version instead of negotiating (`--api-version`).
        public var pinnedVersion: APIVersion?
        /// The engine's name in a dashboard of several engines: stamped on every row.
        public var engineName: String = ""
        /// How to reach the engine: `DockerClient.connect`, or an in-memory engine in tests.
        public var connect: @Sendable (EngineEndpoint, APIVersion?) async throws -> any EngineAPI = { endpoint, pinned in
            try await DockerClient.connect(endpoint, pinnedVersion: pinned)
        }

        public init() {}
    }

    public init(endpoint: EngineEndpoint, settings: Settings = Settings(), logger: Logger = Logger(label: "swtop.store")) {
        self.endpoint = endpoint
        self.settings = settings
        self.logger = logger
        (snapshots, continuation) = AsyncStream.makeStream(of: StoreSnapshot.self, bufferingPolicy: .bufferingNewest(1))
        snapshot.endpoint = endpoint.address.description
        snapshot.engine = settings.engineName
    }

    /// The engine's name in the dashboard.
    public nonisolated var name: String { settings.engineName }

    public func start() {
        guard tasks.isEmpty else { return }
        if settings.useCgroupFiles, case .unix = endpoint.address {
            stats.cgroups = CgroupStatsReader()
        }
        tasks.append(Task { await self.connectionLoop() })
        tasks.append(Task { await self.statsLoop() })
        tasks.append(Task { await self.resyncLoop() })
        publish()
    }

    public func stop() async {
        stopped = true
        for task in tasks + [lagRetry, timingFetch].compactMap({ $0 }) { task.cancel() }
        tasks.removeAll()
        lagRetry = nil
        timingFetch = nil
        await client?.shutdown()
        client = nil
        continuation.finish()
    }

    /// The engine connection of the moment, for sessions beside the snapshot (logs): nil while the engine
    /// is unreachable. A session that finds it closed asks again.
    public func currentEngine() -> (any EngineAPI)? { client }

    /// The same as a `DockerClient`, for the sessions that need more of the API than `EngineAPI` (exec,
    /// layers, inspect): nil for an in-memory engine.
    public func currentClient() -> DockerClient? { client as? DockerClient }

    /// The rows the UI shows now: their stats are sampled first when the API path is used.
    /// `figures`: network, block I/O and pids are on screen; else their cgroup and /proc files are not read
    /// (an engine's API sample has them anyway).
    /// `offScreenFigures`: the rows off screen need them too (the list is sorted by one of them); else
    /// only the rows on screen read them (three more files a container a tick).
    public func setVisible(_ ids: [String], figures: Bool = true, offScreenFigures: Bool = false) {
        visible = ids
        stats.readsFigures = figures
        stats.readsFiguresOffScreen = figures && offScreenFigures
        fetchMissingTiming()
    }

    /// A whole new list: timestamps are kept for containers whose state the list confirms and dropped
    /// (asked again when visible) for those whose state changed without an event swtop saw.
    func replaceContainers(_ list: [ContainerSummary]) {
        let fresh = Dictionary(list.map { ($0.Id, ContainerItem($0, engine: settings.engineName)) }, uniquingKeysWith: { a, _ in a })
        snapshot.timing = snapshot.timing.filter { id, _ in
            guard let now = fresh[id] else { return false }
            return containers[id]?.state == now.state
        }
        containers = fresh
        fetchMissingTiming()
    }

    /// Images, volumes or networks stamped with this engine's name.
    func tagged(_ list: [ImageSummary]) -> [ImageSummary] {
        list.map { var item = $0; item.engine = settings.engineName; return item }
    }

    func tagged(_ list: [Volume]) -> [Volume] {
        list.map { var item = $0; item.engine = settings.engineName; return item }
    }

    func tagged(_ list: [Network]) -> [Network] {
        list.map { var item = $0; item.engine = settings.engineName; return item }
    }

    func publish() {
        snapshot.generation += 1
        if !containersSorted {
            // Sorted again only after a change: a stats tick publishes 1000 rows as they were.
            snapshot.containers = containers.values.sorted { $0.name < $1.name }
            containersSorted = true
        }
        snapshot.stats = stats.current
        stats.markPublished()
        continuation.yield(snapshot)
    }

    // MARK: - Connection

    private func connectionLoop() async {
        var backoff = 1.0
        while !Task.isCancelled {
            do {
                let client = try await settings.connect(endpoint, settings.pinnedVersion)
                self.client = client
                let events = try await client.subscribeEvents(filters: ["type": ["container", "image", "volume", "network"]])
                try await fullResync(client)
                backoff = 1
                for try await event in events { apply(event) }
                throw DockerError.unreachable(address: endpoint.address.description,
                                              reason: await client.lostConnectionReason() ?? "the events stream ended")
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                logger.warning("engine connection lost: \(error)")
                await client?.shutdown()
                client = nil
                snapshot.connection = .unreachable(reason: Self.reason(error), retryingAt: Date().addingTimeInterval(backoff))
                publish()
                await waitToReconnect(backoff)
                backoff = min(backoff * 2, 5)
            }
        }
    }

    /// The pause before connecting again. A local engine whose socket is gone is watched instead (a
    /// connect(2) every 100 ms, no request): it is back on the screen within ~100 ms of listening again.
    /// A socket that listens but fails (an engine starting up), or a remote engine, waits the backoff.
    private func waitToReconnect(_ backoff: Double) async {
        guard DockerClient.socketListening(endpoint) == false else {
            try? await Task.sleep(for: .seconds(backoff))
            return
        }
        let deadline = Date().addingTimeInterval(backoff)
        while !Task.isCancelled, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(100))
            if DockerClient.socketListening(endpoint) == true { return }
        }
    }

    static func reason(_ error: Error) -> String {
        if let docker = error as? DockerError, case let .unreachable(_, reason) = docker { return reason }
        return String(describing: error)
    }

    private func fullResync(_ client: any EngineAPI) async throws {
        async let version = client.version()
        async let info = client.info()
        async let list = client.containers(all: true)
        async let images = client.images()
        async let volumes = client.volumes()
        async let networks = client.networks()
        let (v, i, c) = try await (version, info, list)
        snapshot.engineVersion = v.Version
        snapshot.apiVersion = client.apiVersion.description
        snapshot.hostMemory = i.MemTotal.map { UInt64(max(0, $0)) }
        snapshot.swarm = SwarmRole(i.Swarm)
        replaceContainers(c)
        snapshot.details = snapshot.details.filter { containers[$0.key] != nil }
        snapshot.connection = .connected
        snapshot.loaded = true
        stats.forgetAllBut(Set(containers.keys))
        // The container list is what the first screen shows: publish it before the other lists.
        publish()
        snapshot.images = (try? await images).map(tagged) ?? snapshot.images
        snapshot.volumes = (try? await volumes).map(tagged) ?? snapshot.volumes
        snapshot.networks = (try? await networks).map(tagged) ?? snapshot.networks
        publish()
    }

    private func resyncLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(settings.resyncInterval))
            guard client != nil else { continue }
            dirty.allContainers = true
            scheduleRefresh()
        }
    }
}

/// What changed since the last refresh. Events only mark; one refresh at a time fetches.
struct Dirty {
    var allContainers = false
    var containerIDs: Set<String> = []
    var images = false
    var volumes = false
    var networks = false
    var details: Set<String> = []

    var isEmpty: Bool {
        !allContainers && containerIDs.isEmpty && !images && !volumes && !networks && details.isEmpty
    }
}
