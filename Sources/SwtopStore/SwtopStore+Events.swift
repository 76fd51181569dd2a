import DockerEngine
import Foundation

extension SwtopStore {
    /// Marks what an event changed and starts a refresh if none runs; a burst of events while a
    /// refresh runs is folded into the next one (dropped, not queued).
    func apply(_ event: EngineEvent) {
        let id = event.actorID
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
            for id in work.containerIDs {
                containers[id] = found[id]
                if found[id] == nil { stats.forget(id) }
            }
        }
        if work.images { snapshot.images = try await client.images() }
        if work.volumes { snapshot.volumes = try await client.volumes() }
        if work.networks { snapshot.networks = try await client.networks() }
        for id in work.details where containers[id] != nil {
            snapshot.details[id] = try? await client.inspectContainer(id)
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
