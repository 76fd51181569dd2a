import DockerEngine
import SwtopStore
import TermCanvas

/// `D`: what the engine's objects take on disk, as `docker system df -v` shows it.
public struct DiskScreen: Sendable, Equatable {
    public var engine: String
    public var session: SessionID?
    public var usage: DiskUsage?
    public var error: String?
    /// First line shown.
    public var scroll = 0

    public init(engine: String) { self.engine = engine }
}

/// `X`: what a prune would remove and free (from the engine's `/system/df`), chosen by kind, then
/// what the engine removed and reports as freed.
public struct PruneScreen: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Reading `/system/df`.
        case loading
        case choosing
        /// The prunes run, one kind after the other.
        case pruning
        case done
    }

    public var engine: String
    /// The `/system/df` read, then the prune (each its own session).
    public var session: SessionID?
    public var phase: Phase = .loading
    public var usage: DiskUsage?
    /// Networks no container uses, from the dashboard's lists (`/system/df` has none).
    public var unusedNetworks: [String]
    /// `docker system prune`'s choice by default: volumes and tagged images only when asked.
    public var chosen: Set<PruneKind> = [.containers, .danglingImages, .networks, .buildCache]
    public var cursor = 0
    /// What was asked, as previewed, when the prune was confirmed.
    public var asked: PrunePlan?
    public var reports: [PruneKind: PruneReport] = [:]
    public var failures: [PruneKind: String] = [:]
    public var error: String?

    public init(engine: String, unusedNetworks: [String]) {
        self.engine = engine
        self.unusedNetworks = unusedNetworks
    }

    public var plan: PrunePlan? {
        usage.map { PrunePlan($0, kinds: chosen, unusedNetworks: unusedNetworks) }
    }

    /// Every kind's preview, chosen or not (the rows show what each would do).
    public func preview(_ kind: PruneKind) -> PrunePlan.Part? {
        guard let usage else { return nil }
        var kinds: Set<PruneKind> = [kind]
        // Images after the stopped containers go: the images only they used go too.
        if kind == .danglingImages || kind == .unusedImages, chosen.contains(.containers) { kinds.insert(.containers) }
        return PrunePlan(usage, kinds: kinds, unusedNetworks: unusedNetworks).parts.first { $0.kind == kind }
    }
}

/// What the prune session posts.
public enum PruneNews: Sendable, Equatable {
    case started(PruneKind)
    case pruned(PruneKind, PruneReport)
    case failed(PruneKind, String)
    case finished
}

/// Reads `/system/df` (the engine walks every layer and volume: seconds on a big engine, off the
/// screen thread).
struct DiskUsageWork: SessionWork {
    let engine: String

    func run(_ engine: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async {
        do {
            post(.payload(try await engine.diskUsage()))
        } catch is CancellationError {
        } catch {
            post(.failed((error as? DockerError)?.userMessage ?? String(describing: error)))
        }
    }
}

/// Prunes the chosen kinds in `docker system prune`'s order (stopped containers first: the images and
/// networks only they used are then unused too).
struct PruneWork: SessionWork {
    let engine: String
    let kinds: [PruneKind]

    static let order: [PruneKind] = [.containers, .networks, .volumes, .unusedImages, .danglingImages, .buildCache]

    func run(_ engine: any EngineAPI, _ post: @escaping @Sendable (SessionNews) -> Void) async {
        for kind in Self.order where kinds.contains(kind) {
            if Task.isCancelled { return }
            post(.payload(PruneNews.started(kind)))
            do {
                post(.payload(PruneNews.pruned(kind, try await engine.prune(kind))))
            } catch is CancellationError {
                return
            } catch {
                post(.payload(PruneNews.failed(kind, (error as? DockerError)?.userMessage ?? String(describing: error))))
            }
        }
        post(.payload(PruneNews.finished))
    }
}
