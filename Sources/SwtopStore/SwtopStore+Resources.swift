import DockerEngine

/// A change to an image, a volume or a network (`d`, `t`, `n` on their lists).
public enum ResourceAction: Sendable, Hashable, CustomStringConvertible {
    case removeImage(id: String, name: String, force: Bool)
    case removeVolume(name: String)
    case removeNetwork(id: String, name: String)
    case tagImage(id: String, name: String, repository: String, tag: String?)
    case createVolume(name: String)
    case createNetwork(name: String, driver: String?)

    public var description: String {
        switch self {
        case let .removeImage(_, name, force): "remove image \(name)\(force ? " (force)" : "")"
        case let .removeVolume(name): "remove volume \(name)"
        case let .removeNetwork(_, name): "remove network \(name)"
        case let .tagImage(_, name, repository, tag): "tag \(name) as \(repository):\(tag ?? "latest")"
        case let .createVolume(name): "create volume \(name)"
        case let .createNetwork(name, _): "create network \(name)"
        }
    }
}

extension SwtopStore {
    /// Sends the change; its result (the engine's own message when it refuses) goes to the status line,
    /// and the list it changed is asked for again.
    public func perform(_ action: ResourceAction) async {
        guard let client else {
            snapshot.lastResult = ActionResult(text: "\(action) refused: the engine is not connected", isError: true)
            publish()
            return
        }
        do {
            var done = ""
            switch action {
            case let .removeImage(id, name, force):
                let items = try await client.removeImage(id, force: force)
                let deleted = items.compactMap(\.Deleted).count
                let untagged = items.compactMap(\.Untagged).count
                done = "removed image \(name)"
                if deleted == 0, untagged > 0 { done = "untagged \(name) (the image stays: other tags or containers use it)" }
                dirty.images = true
            case let .removeVolume(name):
                try await client.removeVolume(name)
                done = "removed volume \(name)"
                dirty.volumes = true
            case let .removeNetwork(id, name):
                try await client.removeNetwork(id)
                done = "removed network \(name)"
                dirty.networks = true
            case let .tagImage(id, name, repository, tag):
                try await client.tagImage(id, repository: repository, tag: tag)
                done = "tagged \(name) as \(repository):\(tag ?? "latest")"
                dirty.images = true
            case let .createVolume(name):
                try await client.createVolume(name: name, driver: nil)
                done = "created volume \(name)"
                dirty.volumes = true
            case let .createNetwork(name, driver):
                try await client.createNetwork(name: name, driver: driver)
                done = "created network \(name)\(driver.map { " (\($0))" } ?? "")"
                dirty.networks = true
            }
            snapshot.lastResult = ActionResult(text: done, isError: false)
        } catch {
            snapshot.lastResult = ActionResult(text: "\(action) failed: \(Self.message(error))", isError: true)
        }
        scheduleRefresh()
        publish()
    }
}
