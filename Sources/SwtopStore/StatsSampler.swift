import DockerEngine

/// Keeps the previous counters of every running container and turns them into rates.
///
/// The cost of a tick is what it reads: rows on screen are read every tick, the others every
/// `othersInterval` ticks, spread evenly over the ticks (their figures still feed totals and sorting).
/// A reading opens only the files its figures need: the CPU counter and the memory usage every time,
/// `memory.stat` when the usage moved by more than `statSlack` since it was last read (or every
/// `statInterval` ticks), the limit every `limitInterval`. Reading memory.stat makes the kernel flush
/// the memory cgroup statistics (css_rstat_flush): at N=1000 that flush was half of the sampler's time.
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
    /// Ticks before a container whose folder was not found is looked for again.
    static let notFoundRetry = 30

    private var tick: UInt64 = 0
    private var phase: UInt64 = 0
    private var entries: [String: Entry] = [:]
    private var notFound: [String: Int] = [:]
    private var previousAPI: [String: (total: UInt64, system: UInt64)] = [:]
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

        init(location: CgroupStatsReader.Location) { self.location = location }
    }

    mutating func markPublished() { changed = false }

    mutating func forget(_ id: String) {
        entries[id] = nil
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
                if !onScreen && entries.values[index].nextDue > tick { continue }
                if let figures = Self.sample(cgroups, &entries.values[index], scratch: &scratch, tick: tick, now: now,
                                             interval: othersInterval) {
                    record(id, figures, hostMemory: hostMemory)
                    continue
                }
                // The folder is gone; a restart can move it: look again below.
            }
            guard let location = cgroups.locate(containerID: id) else {
                entries[id] = nil
                notFound[id] = Self.notFoundRetry
                missing.append(id)
                continue
            }
            var entry = Entry(location: location)
            guard let figures = Self.sample(cgroups, &entry, scratch: &scratch, tick: tick, now: now, interval: othersInterval) else {
                entries[id] = nil
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
        var used: UInt64
        var limit: UInt64?
        var source: StatsSource
    }

    static func sample(_ reader: CgroupStatsReader, _ e: inout Entry, scratch: inout [UInt8], tick: UInt64, now: UInt64,
                       interval: UInt64) -> Figures? {
        guard let cpuNanoseconds = reader.cpu(e.location, scratch: &scratch),
              let usage = reader.usage(e.location, scratch: &scratch) else { return nil }
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
        var cpu: Double?
        if e.sampled {
            cpu = StatsMath.cpuPercent(previous: e.cpu, current: cpuNanoseconds, wallNanoseconds: now &- e.at)
        }
        e.sampled = true
        e.cpu = cpuNanoseconds
        e.at = now
        e.usage = usage
        e.nextDue = tick + interval
        return Figures(cpu: cpu, used: CgroupStatsReader.used(usage: usage, inactive: e.inactive), limit: e.limit,
                       source: e.location.version == .v1 ? .cgroupV1 : .cgroupV2)
    }

    private mutating func record(_ id: String, _ figures: Figures, hostMemory: UInt64?) {
        record(id, cpu: figures.cpu, used: figures.used, limit: figures.limit ?? hostMemory, source: figures.source)
    }

    mutating func recordAPI(_ id: String, _ sample: StatsSample, hostMemory: UInt64?) {
        let total = sample.cpu_stats?.cpu_usage?.total_usage ?? 0
        let system = sample.cpu_stats?.system_cpu_usage ?? 0
        let cpus = sample.cpu_stats?.online_cpus ?? sample.cpu_stats?.cpu_usage?.percpu_usage?.count ?? 1
        var cpu: Double?
        if let previous = previousAPI[id] {
            cpu = StatsMath.cpuPercent(previousTotal: previous.total, previousSystem: previous.system,
                                       total: total, system: system, onlineCPUs: cpus)
        }
        previousAPI[id] = (total, system)
        let used = sample.memory_stats?.usage.map { StatsMath.memoryUsed(usage: $0, stats: sample.memory_stats?.stats ?? [:]) }
        var limit = sample.memory_stats?.limit
        if let l = limit, l >= (1 << 62) { limit = nil }
        record(id, cpu: cpu, used: used, limit: limit ?? hostMemory, source: .engineAPI)
    }

    private mutating func record(_ id: String, cpu: Double?, used: UInt64?, limit: UInt64?, source: StatsSource) {
        changed = true
        current[id, default: ContainerStats()].update(cpu: cpu, used: used, limit: limit, source: source)
    }
}

extension ContainerStats {
    mutating func update(cpu: Double?, used: UInt64?, limit: UInt64?, source: StatsSource) {
        cpuPercent = cpu ?? cpuPercent
        memoryUsed = used
        memoryLimit = limit
        self.source = source
        if let cpu { Self.push(&cpuHistory, cpu) }
        if let used { Self.push(&memoryHistory, Double(used)) }
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
