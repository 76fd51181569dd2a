import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore

/// The STATUS text, worded as `docker ps` words it, but computed from the engine's timestamps against
/// the clock each frame: "Up 3 minutes" keeps counting between lists, and the list agrees with the
/// detail pane. Without timestamps yet (a row not yet on screen), the engine's own text.
public enum StatusText {
    public static func of(_ item: ContainerItem, _ timing: ContainerTiming?, now: Date) -> String {
        guard let timing else { return item.status }
        func since(_ date: Date?) -> String? {
            date.map { RelativeTime.span(now.timeIntervalSince($0)) }
        }
        let code = timing.exitCode.map { " (\($0))" } ?? ""
        switch item.state {
        case .running, .paused:
            guard let up = since(timing.startedAt) else { return item.status }
            var text = "Up " + up
            if item.state == .paused { text += " (Paused)" }
            switch timing.health {
            case "healthy"?: text += " (healthy)"
            case "unhealthy"?: text += " (unhealthy)"
            case "starting"?: text += " (health: starting)"
            default: break
            }
            return text
        case .restarting:
            return since(timing.finishedAt).map { "Restarting\(code) \($0) ago" } ?? item.status
        case .exited:
            return since(timing.finishedAt).map { "Exited\(code) \($0) ago" } ?? item.status
        case .created: return "Created"
        case .removing: return "Removal In Progress"
        case .dead: return "Dead"
        case .unknown: return item.status
        }
    }
}
