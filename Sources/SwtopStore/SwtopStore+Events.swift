import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SwtopStore {
    /// Marks what an event changed and starts a refresh if none runs; a burst of events while a
    /// refresh runs is folded into the next one (dropped, not queued).
    func apply(_ event: EngineEvent) {
        let id = event.actorID
        logger.debug("event \(event.Type ?? "?") \(event.Action ?? "?") \(id.prefix(12)) refreshing=\(refreshing)")
        switch event.Type ?? "" {
        case "container":
            recordTiming(event, id)
            switch event.verb {
            case "destroy":
                containers[id] = nil
                snapshot.details[id] = nil
                snapshot.timing[id] = nil
                stats.forget(id)
                publish()
                return
            case "exec_create", "exec_start", "exec_die", "exec_detach", "attach", "detach", "resize", "top",
                 "copy", "archive-path", "extract-to-dir", "export", "commit":
                return
            default:
                // The engine logs some events (pause, unpause...) before it updates the view that
                // /containers/json reads, so a list right after the event may still show the old state.
                // The event itself says what the state now is: show that at once, and keep asking
                // until the list agrees (see `refresh`).
                if let state = ContainerRunState(afterEvent: event.verb) {
                    expectedState[id] = (state, attempts: 0)
                    if var item = containers[id], item.state != state {
                        item.state = state
                        containers[id] = item
                        publish()
                    }
                }
                dirty.containerIDs.insert(id)
                if snapshot.details[id] != nil { dirty.details.insert(id) }
            }
        case "image":
            dirty.images = true
        case "volume":
            if ["create", "destroy", "prune"].contains(event.verb) { dirty.volumes = true }
        case "network":
            dirty.networks = ["create", "destroy", "prune"].contains(event.verb) || dirty.networks
            if let container = event.Actor?.Attributes?["container"] { dirty.containerIDs.insert(container) }
        default:
            return
        }
        scheduleRefresh()
    }

    func scheduleRefresh() {
        guard !refreshing, !dirty.isEmpty, client != nil, !stopped else { return }
        refreshing = true
        Task { await self.refreshLoop() }
    }

    private func refreshLoop() async {
        defer { refreshing = false }
        while !dirty.isEmpty, let client {
            let work = dirty
            dirty = Dirty()
            logger.debug("refresh all=\(work.allContainers) ids=\(work.containerIDs.map { $0.prefix(12) })")
            do {
                try await refresh(work, client)
            } catch {
                // The connection loop notices a dead engine through the events stream; a failed
                // refresh is simply redone by the next event or resync.
                dirty.allContainers = dirty.allContainers || work.allContainers || !work.containerIDs.isEmpty
                publish()
                return
            }
            publish()
        }
    }

    private func refresh(_ work: Dirty, _ client: any EngineAPI) async throws {
        if work.allContainers || work.containerIDs.count > 50 {
            let list = try await client.containers(all: true)
            replaceContainers(list)
            stats.forgetAllBut(Set(containers.keys))
        } else if !work.containerIDs.isEmpty {
            let list = try await client.containers(all: true, filters: ["id": Array(work.containerIDs)])
            let found = Dictionary(list.map { ($0.Id, ContainerItem($0, engine: settings.engineName)) }, uniquingKeysWith: { a, _ in a })
            var lagging: Set<String> = []
            for id in work.containerIDs {
                guard var item = found[id] else {
                    containers[id] = nil
                    expectedState[id] = nil
                    snapshot.timing[id] = nil
                    stats.forget(id)
                    continue
                }
                if let expected = expectedState[id] {
                    if item.state == expected.state || expected.attempts >= Self.maximumLagRetries {
                        expectedState[id] = nil
                    } else {
                        // The engine's list lags its own event: keep the event's state, ask again soon.
                        item.state = expected.state
                        expectedState[id] = (expected.state, expected.attempts + 1)
                        lagging.insert(id)
                    }
                }
                containers[id] = item
            }
            if !lagging.isEmpty { retryLater(lagging) }
        }
        if work.images { snapshot.images = tagged(try await client.images()) }
        if work.volumes { snapshot.volumes = tagged(try await client.volumes()) }
        if work.networks { snapshot.networks = tagged(try await client.networks()) }
        for id in work.details where containers[id] != nil {
            // A failed inspect keeps what the pane showed; the next event or resync asks again.
            do {
                let details = try await client.inspectContainer(id)
                snapshot.details[id] = details
                snapshot.timing[id] = ContainerTiming(details)
            } catch {
                logger.debug("inspect \(id.prefix(12)) failed: \(error)")
            }
        }
    }

    static let maximumLagRetries = 40

    /// One pending retry at a time gathers every lagging container; `stop()` cancels it.
    private func retryLater(_ ids: Set<String>) {
        lagging.formUnion(ids)
        guard lagRetry == nil else { return }
        lagRetry = Task {
            try? await Task.sleep(for: .milliseconds(50))
            self.retryLagging()
        }
    }

    private func retryLagging() {
        lagRetry = nil
        guard !stopped else { return }
        dirty.containerIDs.formUnion(lagging.filter { containers[$0] != nil })
        lagging.removeAll()
        scheduleRefresh()
    }

    /// Start and die events carry the engine's own time: uptime and "exited … ago" follow from them
    /// without asking the engine again.
    private func recordTiming(_ event: EngineEvent, _ id: String) {
        let seconds = event.timeNano.map { Double($0) / 1e9 } ?? event.time.map(Double.init)
        guard let seconds else { return }
        let at = Date(timeIntervalSince1970: seconds)
        switch event.verb {
        case "start":
            var timing = snapshot.timing[id] ?? ContainerTiming()
            timing.startedAt = at
            snapshot.timing[id] = timing
        case "die":
            var timing = snapshot.timing[id] ?? ContainerTiming()
            timing.finishedAt = at
            timing.exitCode = event.Actor?.Attributes?["exitCode"].flatMap { Int($0) } ?? timing.exitCode
            snapshot.timing[id] = timing
        case "health_status":
            guard var timing = snapshot.timing[id], let colon = event.Action?.firstIndex(of: ":") else { return }
            timing.health = event.Action.map { HealthStatus(String($0[$0.index(after: colon)...].drop { $0 == " " })) }
            snapshot.timing[id] = timing
        default:
            return
        }
    }

    /// Fetches the full inspect of one container for the detail pane. A failure keeps what was shown.
    public func requestDetails(_ id: String) {
        guard let client else { return }
        Task {
            do {
                let details = try await client.inspectContainer(id)
                self.storeDetails(id, details)
            } catch {
                self.logger.debug("inspect \(id.prefix(12)) failed: \(error)")
            }
        }
    }

    private func storeDetails(_ id: String, _ details: ContainerDetails) {
        guard containers[id] != nil else { return }
        snapshot.details[id] = details
        snapshot.timing[id] = ContainerTiming(details)
        publish()
    }

    /// The engine's timestamps of visible containers that have none yet (first sight, or a state change
    /// seen only in a list), a few inspects at a time: off-screen rows cost the engine nothing.
    func fetchMissingTiming() {
        guard timingFetch == nil else {
            timingWanted = true  // rows came on screen while a fetch runs: look again when it ends
            return
        }
        guard let client, !stopped else { return }
        timingWanted = false
        let wanted = visible.filter { snapshot.timing[$0] == nil && containers[$0] != nil }
        guard !wanted.isEmpty else { return }
        timingFetch = Task {
            await withTaskGroup(of: (String, ContainerDetails?).self) { group in
                var next = 0
                func add() {
                    guard next < wanted.count else { return }
                    let id = wanted[next]
                    next += 1
                    group.addTask { (id, try? await client.inspectContainer(id)) }
                }
                for _ in 0..<4 { add() }
                for await (id, details) in group {
                    if let details { self.recordInspected(id, details) }
                    add()
                }
            }
            self.timingFetched()
        }
    }

    private func recordInspected(_ id: String, _ details: ContainerDetails) {
        guard containers[id] != nil else { return }
        snapshot.timing[id] = ContainerTiming(details)
    }

    private func timingFetched() {
        timingFetch = nil
        publish()
        // Only what the screen asked for meanwhile: a failed inspect is not retried in a loop.
        if timingWanted { fetchMissingTiming() }
    }
}
