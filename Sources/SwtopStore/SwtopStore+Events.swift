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
            switch event.verb {
            case "destroy":
                containers[id] = nil
                snapshot.details[id] = nil
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
                if let state = Self.stateAfter(event.verb) {
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
        guard !refreshing, !dirty.isEmpty, client != nil else { return }
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

    private func refresh(_ work: Dirty, _ client: DockerClient) async throws {
        if work.allContainers || work.containerIDs.count > 50 {
            let list = try await client.containers(all: true)
            containers = Dictionary(list.map { ($0.Id, ContainerItem($0)) }, uniquingKeysWith: { a, _ in a })
            stats.forgetAllBut(Set(containers.keys))
        } else if !work.containerIDs.isEmpty {
            let list = try await client.containers(all: true, filters: ["id": Array(work.containerIDs)])
            let found = Dictionary(list.map { ($0.Id, ContainerItem($0)) }, uniquingKeysWith: { a, _ in a })
            var lagging: Set<String> = []
            for id in work.containerIDs {
                guard var item = found[id] else {
                    containers[id] = nil
                    expectedState[id] = nil
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
            if !lagging.isEmpty {
                Task {
                    try? await Task.sleep(for: .milliseconds(50))
                    self.retry(lagging)
                }
            }
        }
        if work.images { snapshot.images = try await client.images() }
        if work.volumes { snapshot.volumes = try await client.volumes() }
        if work.networks { snapshot.networks = try await client.networks() }
        for id in work.details where containers[id] != nil {
            snapshot.details[id] = try? await client.inspectContainer(id)
        }
    }

    static let maximumLagRetries = 40

    private func retry(_ ids: Set<String>) {
        dirty.containerIDs.formUnion(ids.filter { containers[$0] != nil })
        scheduleRefresh()
    }

    /// The state a container is in once the engine has sent this event; nil for events that do not
    /// say (kill may be ignored, exec and attach change nothing).
    static func stateAfter(_ verb: String) -> String? {
        switch verb {
        case "create": return "created"
        case "start", "restart", "unpause": return "running"
        case "pause": return "paused"
        case "die", "stop": return "exited"
        default: return nil
        }
    }

    /// Fetches the full inspect of one container for the detail pane.
    public func requestDetails(_ id: String) {
        guard let client else { return }
        Task {
            if let details = try? await client.inspectContainer(id) {
                self.storeDetails(id, details)
            }
        }
    }

    private func storeDetails(_ id: String, _ details: ContainerDetails) {
        guard containers[id] != nil else { return }
        snapshot.details[id] = details
        publish()
    }
}
