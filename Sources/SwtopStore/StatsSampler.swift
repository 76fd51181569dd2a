import DockerEngine
import Foundation

/// Keeps the previous counters of every running container and turns them into rates.
struct StatsSampler {
    var cgroups: CgroupStatsReader?
    var current: [String: ContainerStats] = [:]
    /// Each container's cgroup folders, found once; a container not found is retried every 30 ticks.
    private var locations: [String: CgroupStatsReader.Location] = [:]
    private var notFound: [String: Int] = [:]
    private var previousCgroup: [String: (cpu: UInt64, at: UInt64)] = [:]
    private var previousAPI: [String: (total: UInt64, system: UInt64)] = [:]

    mutating func forget(_ id: String) {
        locations[id] = nil
        notFound[id] = nil
        current[id] = nil
        previousCgroup[id] = nil
        previousAPI[id] = nil
    }

    mutating func forgetAllBut(_ ids: Set<String>) {
        let known = Set(current.keys).union(previousCgroup.keys).union(previousAPI.keys)
            .union(locations.keys).union(notFound.keys)
        for id in known.subtracting(ids) { forget(id) }
    }

    /// Reads the cgroup files; returns the ids it could not read (left to the API).
    mutating func sampleCgroups(_ ids: [String], hostMemory: UInt64?) -> [String] {
        guard let cgroups else { return ids }
        var missing: [String] = []
        let now = DispatchTime.now().uptimeNanoseconds
        for id in ids {
            if let skips = notFound[id], skips > 0 {
                notFound[id] = skips - 1
                missing.append(id)
                continue
            }
            var location = locations[id]
            var reading = location.flatMap(cgroups.read)
            if reading == nil {
                // First sight, or the folder moved (a restart can change it): look again.
                location = cgroups.locate(containerID: id)
                reading = location.flatMap(cgroups.read)
            }
            guard let location, let reading else {
                locations[id] = nil
                notFound[id] = 30
                missing.append(id)
                continue
            }
            locations[id] = location
            var cpu: Double?
            if let previous = previousCgroup[id] {
                cpu = StatsMath.cpuPercent(previous: previous.cpu, current: reading.cpuNanoseconds, wallNanoseconds: now - previous.at)
            }
            previousCgroup[id] = (reading.cpuNanoseconds, now)
            record(id, cpu: cpu, used: reading.memoryUsed, limit: reading.memoryLimit ?? hostMemory)
        }
        return missing
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
        record(id, cpu: cpu, used: used, limit: limit ?? hostMemory)
    }

    private mutating func record(_ id: String, cpu: Double?, used: UInt64?, limit: UInt64?) {
        var entry = current[id] ?? ContainerStats()
        entry.cpuPercent = cpu ?? entry.cpuPercent
        entry.memoryUsed = used
        entry.memoryLimit = limit
        if let cpu { Self.push(&entry.cpuHistory, cpu) }
        if let used { Self.push(&entry.memoryHistory, Double(used)) }
        current[id] = entry
    }

    private static func push(_ history: inout [Double], _ value: Double) {
        history.append(value)
        if history.count > ContainerStats.historyLength { history.removeFirst(history.count - ContainerStats.historyLength) }
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
        let running = containers.values.filter { $0.state == .running }.map(\.id)
        let runningSet = Set(running)
        for id in stats.current.keys where !runningSet.contains(id) { stats.forget(id) }
        guard !running.isEmpty else {
            publishIfStatsChanged(source: stats.cgroups == nil ? "engine API" : "cgroup files")
            return
        }
        let missing = stats.sampleCgroups(running, hostMemory: snapshot.hostMemory)
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
        let source = missing.isEmpty ? "cgroup files" : (missing.count == running.count ? "engine API" : "cgroup files + engine API")
        publishIfStatsChanged(source: source)
    }

    private func publishIfStatsChanged(source: String) {
        snapshot.statsSource = source
        if stats.current != snapshot.stats { publish() }
    }
}
