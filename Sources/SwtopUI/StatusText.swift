import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import TermCanvas

/// The STATUS text, worded as `docker ps` words it, but computed from the engine's timestamps against
/// the clock each frame: "Up 3 minutes" keeps counting between lists, and the list agrees with the
/// detail pane. Without timestamps yet (a row not yet on screen), the engine's own text.
public enum StatusText {
    /// The text, in the short form (`Up 3m`, `Exited (137) 5s`) when the long one is wider than `width`.
    public static func of(_ item: ContainerItem, _ timing: ContainerTiming?, now: Date, fitting width: Int) -> String {
        let long = of(item, timing, now: now)
        guard DisplayWidth.of(long) > width else { return long }
        return of(item, timing, now: now, short: true)
    }

    public static func of(_ item: ContainerItem, _ timing: ContainerTiming?, now: Date, short: Bool = false) -> String {
        guard let timing else { return item.status }
        func since(_ date: Date?) -> String? {
            date.map { short ? RelativeTime.shortSpan(now.timeIntervalSince($0)) : RelativeTime.span(now.timeIntervalSince($0)) }
        }
        let ago = short ? "" : " ago"
        let code = timing.exitCode.map { " (\($0))" } ?? ""
        switch item.state {
        case .running, .paused:
            guard let up = since(timing.startedAt) else { return item.status }
            var text = "Up " + up
            if item.state == .paused { text += short ? " paused" : " (Paused)" }
            switch timing.health {
            case .healthy?: text += short ? " ok" : " (healthy)"
            case .unhealthy?: text += " (unhealthy)"
            case .starting?: text += short ? " starting" : " (health: starting)"
            case .other?, nil: break
            }
            return text
        case .restarting:
            return since(timing.finishedAt).map { "Restarting\(code) \($0)\(ago)" } ?? item.status
        case .exited:
            return since(timing.finishedAt).map { "Exited\(code) \($0)\(ago)" } ?? item.status
        case .created: return "Created"
        case .removing: return "Removal In Progress"
        case .dead: return "Dead"
        case .unknown: return item.status
        }
    }
}
