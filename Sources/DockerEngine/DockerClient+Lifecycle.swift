#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

/// The container actions a dashboard key can trigger.
public enum ContainerAction: Sendable, Hashable, CustomStringConvertible {
    case start
    case stop(timeoutSeconds: Int?)
    case restart(timeoutSeconds: Int?)
    case pause
    case unpause
    case kill(signal: String?)
    case remove(force: Bool, volumes: Bool)

    /// Every word the UI uses for an action, in one place: "stop", "stopping", "stopped".
    public var wording: (verb: String, progressive: String, past: String) {
        switch self {
        case .start: return ("start", "starting", "started")
        case .stop: return ("stop", "stopping", "stopped")
        case .restart: return ("restart", "restarting", "restarted")
        case .pause: return ("pause", "pausing", "paused")
        case .unpause: return ("unpause", "unpausing", "unpaused")
        case .kill: return ("kill", "killing", "killed")
        case .remove: return ("remove", "removing", "removed")
        }
    }

    public var description: String { wording.verb }
    public var progressive: String { wording.progressive }
    public var pastTense: String { wording.past }
}

extension DockerClient {
    /// Performs an action. 304 on start/stop means "already so" and counts as success; every other
    /// failure throws `.api` with the engine's own message (404 missing, 409 conflict...).
    public func perform(_ action: ContainerAction, on id: String) async throws {
        let path = "/containers/\(Self.escape(id))"
        switch action {
        case .start:
            try await send(.POST, "\(path)/start", accepting: [304])
        case let .stop(timeout):
            try await send(.POST, "\(path)/stop", query: timeout.map { [("t", String($0))] } ?? [],
                           accepting: [304], timeout: .seconds(Int64((timeout ?? 10) + 30)))
        case let .restart(timeout):
            try await send(.POST, "\(path)/restart", query: timeout.map { [("t", String($0))] } ?? [],
                           timeout: .seconds(Int64((timeout ?? 10) + 30)))
        case .pause:
            try await send(.POST, "\(path)/pause")
        case .unpause:
            try await send(.POST, "\(path)/unpause")
        case let .kill(signal):
            try await send(.POST, "\(path)/kill", query: signal.map { [("signal", $0)] } ?? [])
        case let .remove(force, volumes):
            try await send(.DELETE, path, query: [("force", force ? "1" : "0"), ("v", volumes ? "1" : "0")])
        }
    }

    public func start(_ id: String) async throws { try await perform(.start, on: id) }
    public func stop(_ id: String, timeoutSeconds: Int? = nil) async throws {
        try await perform(.stop(timeoutSeconds: timeoutSeconds), on: id)
    }
    public func restart(_ id: String, timeoutSeconds: Int? = nil) async throws {
        try await perform(.restart(timeoutSeconds: timeoutSeconds), on: id)
    }
    public func pause(_ id: String) async throws { try await perform(.pause, on: id) }
    public func unpause(_ id: String) async throws { try await perform(.unpause, on: id) }
    public func kill(_ id: String, signal: String? = nil) async throws { try await perform(.kill(signal: signal), on: id) }
    public func remove(_ id: String, force: Bool = false, volumes: Bool = false) async throws {
        try await perform(.remove(force: force, volumes: volumes), on: id)
    }
}
