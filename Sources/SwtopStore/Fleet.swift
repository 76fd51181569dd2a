import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Several engines in one dashboard: one `SwtopStore` per engine (each with its own connection, events,
/// resync and backoff, so a slow or unreachable engine never holds the others), and one snapshot the UI
/// draws from, merged from the newest snapshot of each.
public enum Fleet {
    /// One snapshot of all engines. Rows keep their engine's name (`ContainerItem.engine`, `engine` of
    /// images, volumes and networks); `members` says how each engine is doing. A single engine's
    /// snapshot is returned as it is.
    public static func merge(_ parts: [StoreSnapshot], lastResult: ActionResult? = nil) -> StoreSnapshot {
        if parts.count == 1 { return parts[0] }
        var merged = StoreSnapshot()
        merged.members = parts.map { part in
            EngineStatus(name: part.engine, endpoint: part.endpoint, connection: part.connection,
                         engineVersion: part.engineVersion, apiVersion: part.apiVersion, loaded: part.loaded,
                         containers: part.containers.count, running: part.runningCount, swarm: part.swarm)
        }
        merged.generation = parts.reduce(0) { $0 + $1.generation }
        merged.endpoint = parts.map(\.engine).joined(separator: ", ")
        if parts.allSatisfy({ if case .unreachable = $0.connection { return true } else { return false } }),
           let first = parts.first {
            merged.connection = first.connection
        } else if parts.contains(where: { $0.connection == .connected }) {
            merged.connection = .connected
        } else {
            merged.connection = .connecting
        }
        merged.loaded = parts.contains { $0.loaded }
        var capacity = 0
        for part in parts { capacity += part.containers.count }
        merged.containers.reserveCapacity(capacity)
        for part in parts {
            merged.containers += part.containers
            merged.images += part.images
            merged.volumes += part.volumes
            merged.networks += part.networks
            merged.stats.merge(part.stats) { a, _ in a }
            merged.details.merge(part.details) { a, _ in a }
            merged.pending.merge(part.pending) { a, _ in a }
            merged.timing.merge(part.timing) { a, _ in a }
        }
        merged.containers.sort { $0.name == $1.name ? $0.engine < $1.engine : $0.name < $1.name }
        merged.lastResult = lastResult
        return merged
    }

    /// A short name for an engine given by address: the folder of a socket not at the default path
    /// (`/srv/prod/docker.sock` → `prod`), the host of tcp:// and ssh://, `local` for the default socket.
    public static func defaultName(for address: EngineAddress) -> String {
        switch address {
        case let .unix(path):
            if path == EngineAddress.defaultUnixSocket || path == "/run/docker.sock" { return "local" }
            let parts = path.split(separator: "/")
            if parts.count >= 2, parts.last?.hasSuffix(".sock") == true { return String(parts[parts.count - 2]) }
            return String(parts.last ?? "local")
        case let .tcp(host, port, _):
            return "\(host):\(port)"
        default:
            let text = address.description
            guard let range = text.firstRange(of: "://") else { return text }
            let rest = text[range.upperBound...]
            return String(rest.split(separator: "/", maxSplits: 1).first ?? rest)
        }
    }
}
