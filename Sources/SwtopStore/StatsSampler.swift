import DockerEngine

/// Keeps the previous counters of every running container and turns them into rates.
///
/// The cost of a tick is what it reads: rows on screen are read every tick, the others every
/// `othersInterval` ticks, spread evenly over the ticks (their figures still feed totals and sorting).
/// A reading opens only the files its figures need: the CPU counter and the memory usage every time,
/// `memory.stat` when the usage moved by more than `statSlack` since it was last read (or every
/// `statInterval` ticks), the limit every `limitInterval`. Reading memory.stat makes the kernel flush
/// the memory cgroup statistics (css_rstat_flush): at N=1000 that flush was half of the sampler's time.
/// Pids, block I/O and the network counters are read with CPU and memory; which process's net/dev
/// gives the network is looked up again every `limitInterval` ticks or when it is gone.
struct StatsSampler {
    var cgroups: CgroupStatsReader?
    var current: [String: ContainerStats] = [:]
    /// `current` changed since the last `markPublished()`.
    private(set) var changed = false
    var othersInterval: UInt64 = 10
    static let statInterval: UInt64 = 60
    /// Usage moves this much (bytes, or 1/32 of the usage when more) before memory.stat is read again.
    static let statSlack: UInt64 = 1 << 20
    static let limitInterval: UInt64 = 30
    /// At most this many containers keep their files open (5 descriptors each): the rows on screen.
    static let maxOpenSlots = 128
    /// Ticks before a container whose folder was not found is looked for again.
    static let notFoundRetry = 30

    private var tick: UInt64 = 0
    private var phase: UInt64 = 0
    /// Entries holding open files now.
    private var openSlots = 0
    private var entries: [String: Entry] = [:]
    private var notFound: [String: Int] = [:]
    private var previousAPI: [String: APIPrevious] = [:]
    /// Containers on the host's network (`--network host`): their namespace's counters are the host's,
    /// so no network figure (as `docker stats`, whose sample has no `networks` for them).
    var hostNetwork: Set<String> = []
    /// Read pids, block I/O and network from the files: off while nothing shows them (three more files a
    /// container a tick).
    var readsFigures = true
    /// The same for the rows off screen (read every `othersInterval` ticks): only when the list is sorted
    /// by one of the figures — off screen, nothing shows them.
    var readsFiguresOffScreen = false

    struct APIPrevious {
        var total: UInt64
        var system: UInt64
        var network: ContainerStats.ByteCounters?
        var blockIO: ContainerStats.ByteCounters?
        var at: UInt64
    }
    private var scratch = CgroupStatsReader.makeScratch()

    /// One container's cgroup folders (found once, reused every tick) and its last counters.
    struct Entry {
        var location: CgroupStatsReader.Location
        var sampled = false
        var cpu: UInt64 = 0
        var at: UInt64 = 0
        var usage: UInt64 = 0
        /// The usage when memory.stat was last read.
        var statUsage: UInt64 = 0
        var inactive: UInt64 = 0
        var statTick: UInt64 = 0
        /// nil when unlimited (the host's memory is shown).
        var limit: UInt64?
        var limitTick: UInt64 = 0
        var nextDue: UInt64 = 0
        var network: ContainerStats.ByteCounters?
        var blockIO: ContainerStats.ByteCounters?
        /// v1: the block I/O figures come from `blkio.io_service_bytes`; else it is tried every limitInterval.
        var ioFallback = false
        var ioFallbackTick: UInt64 = 0
        /// `/proc/PID/net/dev` of one of its processes; nil when it has none (or is on the host's network).
        var netFile: String?
        var netTick: UInt64 = 0
        var netStale = true
        /// The every-tick files kept open while the row is on screen (nil: opened for each read).
        var slots: FileSlots?

        init(location: CgroupStatsReader.Location) { self.location = location }
    }

    mutating func markPublished() { changed = false }

    mutating func forget(_ id: String) {
        if entries.removeValue(forKey: id)?.slots != nil { openSlots -= 1 }
        notFound[id] = nil
        previousAPI[id] = nil
        if current.removeValue(forKey: id) != nil { changed = true }
    }

    mutating func forgetAllBut(_ ids: Set<String>) {
        let known = Set(current.keys).union(entries.keys).union(previousAPI.keys).union(notFound.keys)
        for id in known.subtracting(ids) { forget(id) }
    }

    /// Reads the cgroup files of the containers due this tick; returns the ids it could not read (left
    /// to the API). `visible` rows are due every tick.
    mutating func sampleCgroups(_ ids: [String], visible: Set<String>, hostMemory: UInt64?,
                                now: UInt64 = StatsMath.monotonicNanoseconds()) -> [String] {
        guard let cgroups else { return ids }
        tick += 1
        var missing: [String] = []
        for id in ids {
            let hostNet = hostNetwork.contains(id)
            if let skips = notFound[id] {
                if skips > 0 {
                    notFound[id] = skips - 1
                    missing.append(id)
                    continue
                }
                notFound[id] = nil
            }
            let onScreen = visible.contains(id)
            if let index = entries.index(forKey: id) {
                // Files stay open only for the rows on screen, read every tick.
                if onScreen, entries.values[index].slots == nil, openSlots < Self.maxOpenSlots {
                    entries.values[index].slots = FileSlots()
                    openSlots += 1
                } else if !onScreen, entries.values[index].slots != nil {
                    entries.values[index].slots = nil
                    openSlots -= 1
                }
                if !onScreen && entries.values[index].nextDue > tick { continue }
                if let figures = Self.sample(cgroups, &entries.values[index], scratch: &scratch, tick: tick, now: now,
                                             interval: othersInterval, hostNetwork: hostNet,
                                             figures: onScreen ? readsFigures : readsFiguresOffScreen) {
                    record(id, figures, hostMemory: hostMemory)
                    continue
                }
                // The folder is gone; a restart can move it: look again below.
            }
            if entries.removeValue(forKey: id)?.slots != nil { openSlots -= 1 }
            guard let location = cgroups.locate(containerID: id) else {
                notFound[id] = Self.notFoundRetry
                missing.append(id)
                continue
            }
            var entry = Entry(location: location)
            guard let figures = Self.sample(cgroups, &entry, scratch: &scratch, tick: tick, now: now, interval: othersInterval,
                                            hostNetwork: hostNet, figures: onScreen ? readsFigures : readsFiguresOffScreen) else {
                notFound[id] = Self.notFoundRetry
                missing.append(id)
                continue
            }
            // Spread the first readings over the interval so later ticks read about the same number of files.
            entry.nextDue = tick + 1 + phase % othersInterval
            phase &+= 1
            entries[id] = entry
            record(id, figures, hostMemory: hostMemory)
        }
        return missing
    }

    struct Figures {
        var cpu: Double?
        var used: UInt64?
        var limit: UInt64?
        var source: StatsSource
        var network: ContainerStats.ByteCounters?
        var blockIO: ContainerStats.ByteCounters?
        var pids: UInt64?
        var networkRate: ContainerStats.Rates?
        var blockIORate: ContainerStats.Rates?
    }

    static func sample(_ reader: CgroupStatsReader, _ e: inout Entry, scratch: inout [UInt8], tick: UInt64, now: UInt64,
                       interval: UInt64, hostNetwork: Bool = false, figures: Bool = true) -> Figures? {
        let slots = e.slots
        guard let cpuNanoseconds = reader.cpu(e.location, scratch: &scratch, slots: slots),
              let usage = reader.usage(e.location, scratch: &scratch, slots: slots) else { return nil }
        let moved = usage > e.statUsage ? usage - e.statUsage : e.statUsage - usage
        if !e.sampled || moved > max(statSlack, e.statUsage / 32) || tick &- e.statTick >= statInterval {
            e.inactive = reader.inactive(e.location, scratch: &scratch) ?? 0
            e.statTick = tick
            e.statUsage = usage
        }
        if !e.sampled || tick &- e.limitTick >= limitInterval {
            if let limit = reader.limit(e.location, scratch: &scratch) { e.limit = limit }
            e.limitTick = tick
        }
        var pids: UInt64?
        var blockIO: ContainerStats.ByteCounters?
        var network: ContainerStats.ByteCounters?
        if figures {
            pids = reader.pids(e.location, scratch: &scratch, slots: slots)
            let tryFallback = e.ioFallback || !e.sampled || tick &- e.ioFallbackTick >= limitInterval
            if tryFallback { e.ioFallbackTick = tick }
            let io = reader.blockIO(e.location, scratch: &scratch, tryFallback: tryFallback, slots: slots)
            e.ioFallback = io?.fromFallback ?? false
            blockIO = io.map { ContainerStats.ByteCounters($0.read, $0.write) }
        }
        if hostNetwork || !figures {
            e.netFile = nil
            e.netStale = true
        } else {
            // A kept network file reads its namespace as long as it is open: after a restart, find the new one.
            if slots?.takeReopened() == true { e.netStale = true }
            if e.netStale || tick &- e.netTick >= limitInterval {
                e.netFile = reader.networkFile(e.location, scratch: &scratch)
                e.netTick = tick
                e.netStale = false
            }
            if let file = e.netFile {
                if let counters = reader.network(file, scratch: &scratch, slots: slots) {
                    network = .init(counters.rx, counters.tx)
                } else {
                    e.netStale = true  // that process is gone: another one next tick
                }
            }
        }
        var cpu: Double?
        var networkRate: ContainerStats.Rates?
        var blockIORate: ContainerStats.Rates?
        if e.sampled {
            let wall = now &- e.at
            cpu = StatsMath.cpuPercent(previous: e.cpu, current: cpuNanoseconds, wallNanoseconds: wall)
            networkRate = StatsMath.rates(previous: e.network, current: network, wallNanoseconds: wall)
            blockIORate = StatsMath.rates(previous: e.blockIO, current: blockIO, wallNanoseconds: wall)
        }
        e.sampled = true
        e.cpu = cpuNanoseconds
        e.at = now
        e.usage = usage
        e.network = network
        e.blockIO = blockIO
        e.nextDue = tick + interval
        return Figures(cpu: cpu, used: CgroupStatsReader.used(usage: usage, inactive: e.inactive), limit: e.limit,
                       source: e.location.version == .v1 ? .cgroupV1 : .cgroupV2, network: network, blockIO: blockIO,
                       pids: pids, networkRate: networkRate, blockIORate: blockIORate)
    }

    private mutating func record(_ id: String, _ figures: Figures, hostMemory: UInt64?) {
        var figures = figures
        figures.limit = figures.limit ?? hostMemory
        changed = true
        current[id, default: ContainerStats()].update(figures)
    }

    /// One-shot API samples of the same container are rated against its previous one, at `now` (monotonic).
    mutating func recordAPI(_ id: String, _ sample: StatsSample, hostMemory: UInt64?,
                            now: UInt64 = StatsMath.monotonicNanoseconds()) {
        let total = sample.cpu_stats?.cpu_usage?.total_usage ?? 0
        let system = sample.cpu_stats?.system_cpu_usage ?? 0
        let cpus = sample.cpu_stats?.online_cpus ?? sample.cpu_stats?.cpu_usage?.percpu_usage?.count ?? 1
        let network = hostNetwork.contains(id) ? nil : sample.networkBytes.map { ContainerStats.ByteCounters($0.rx, $0.tx) }
        let blockIO = sample.blockIOBytes.map { ContainerStats.ByteCounters($0.read, $0.write) }
        var cpu: Double?
        var networkRate: ContainerStats.Rates?
        var blockIORate: ContainerStats.Rates?
        if let previous = previousAPI[id] {
            cpu = StatsMath.cpuPercent(previousTotal: previous.total, previousSystem: previous.system,
                                       total: total, system: system, onlineCPUs: cpus)
            networkRate = StatsMath.rates(previous: previous.network, current: network, wallNanoseconds: now &- previous.at)
            blockIORate = StatsMath.rates(previous: previous.blockIO, current: blockIO, wallNanoseconds: now &- previous.at)
        }
        previousAPI[id] = APIPrevious(total: total, system: system, network: network, blockIO: blockIO, at: now)
        let used = sample.memory_stats?.usage.map { StatsMath.memoryUsed(usage: $0, stats: sample.memory_stats?.stats ?? [:]) }
        var limit = sample.memory_stats?.limit
        if let l = limit, l >= (1 << 62) { limit = nil }
        record(id, Figures(cpu: cpu, used: used, limit: limit, source: .engineAPI, network: network, blockIO: blockIO,
                           pids: sample.pids, networkRate: networkRate, blockIORate: blockIORate), hostMemory: hostMemory)
    }
}

extension ContainerStats {
    mutating func update(_ figures: StatsSampler.Figures) {
        cpuPercent = figures.cpu ?? cpuPercent
        memoryUsed = figures.used
        memoryLimit = figures.limit
        source = figures.source
        network = figures.network
        blockIO = figures.blockIO
        pids = figures.pids
        // A rate needs two readings: the last one stands until the next pair.
        if let rate = figures.networkRate { networkRate = rate } else if figures.network == nil { networkRate = nil }
        if let rate = figures.blockIORate { blockIORate = rate } else if figures.blockIO == nil { blockIORate = nil }
        if let cpu = figures.cpu { Self.push(&cpuHistory, cpu) }
        if let used = figures.used { Self.push(&memoryHistory, Double(used)) }
        if let rate = figures.networkRate { Self.push(&networkHistory, rate.incoming + rate.outgoing) }
        if let rate = figures.blockIORate { Self.push(&blockIOHistory, rate.incoming + rate.outgoing) }
    }

    private static func push(_ history: inout [Double], _ value: Double) {
        if history.count >= historyLength { history.removeFirst(history.count - historyLength + 1) }
        history.append(value)
    }
}

extension SwtopStore {
    /// 1 Hz: cgroup files for every running container when readable (no engine cost), else one-shot
    /// API samples with bounded concurrency, visible rows first. Never overlaps itself.
    func statsLoop() async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            await sampleOnce()
            let elapsed = ContinuousClock.now - started
            let wait = Duration.seconds(settings.statsInterval) - elapsed
            if wait > .zero { try? await Task.sleep(for: wait) }
        }
    }

    func sampleOnce() async {
        guard let client else { return }
        let running: [String]
        if let cached = runningIDs {
            running = cached
        } else {
            // Rebuilt only after the containers changed: filtering 1000 rows copies every row each tick.
            var ids: [String] = []
            for (id, item) in containers where item.state == .running { ids.append(id) }
            running = ids
            runningIDs = ids
            var host: Set<String> = []
            for id in ids where containers[id]?.networks == ["host"] { host.insert(id) }
            stats.hostNetwork = host
            let runningSet = Set(ids)
            for id in stats.current.keys where !runningSet.contains(id) { stats.forget(id) }
        }
        guard !running.isEmpty else {
            if stats.changed { publish() }
            return
        }
        let missing = stats.sampleCgroups(running, visible: Set(visible), hostMemory: snapshot.hostMemory)
        if !missing.isEmpty {
            // Visible rows every tick, the rest in turn from where the last tick stopped: a repeated
            // one-shot request waits for the engine's 1 s collector (seen on 20.10), so a tick reaches
            // only a few containers and a fixed order would starve the ones at the end.
            let visibleSet = Set(visible)
            let others = missing.filter { !visibleSet.contains($0) }.sorted()
            let start = others.isEmpty ? 0 : apiCursor % others.count
            let rotated = Array(others[start...] + others[..<start])
            let ordered = missing.filter { visibleSet.contains($0) } + rotated
            let deadline = ContinuousClock.now + .seconds(settings.statsInterval)
            let concurrency = settings.apiStatsConcurrency
            let started = await withTaskGroup(of: (String, StatsSample?).self) { group -> Int in
                var next = 0
                func add() {
                    guard next < ordered.count, ContinuousClock.now < deadline else { return }
                    let id = ordered[next]
                    next += 1
                    group.addTask { (id, try? await client.stats(id)) }
                }
                for _ in 0..<concurrency { add() }
                for await (id, sample) in group {
                    if let sample { stats.recordAPI(id, sample, hostMemory: snapshot.hostMemory) }
                    add()
                }
                return next
            }
            apiCursor = start + ordered.prefix(started).filter { !visibleSet.contains($0) }.count
        }
        if stats.changed { publish() }
    }
}
