import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopUI

/// The `C` picker's data: the contexts on disk, read on a task (never on the screen thread) and put
/// into the picker when they arrive.
struct ContextSessions {
    let app: DashboardApp
    private var inbox: SessionInbox<([ContextEntry], String?)>?

    init(app: DashboardApp) { self.app = app }

    /// `watched`: the addresses the dashboard shows now (as `EngineAddress.description` prints them).
    mutating func open(watched: [String]) {
        inbox?.stop()
        let session = SessionInbox<([ContextEntry], String?)>(wake: { [mailbox = app.mailbox] in mailbox.wake() })
        session.run {
            let environment = ProcessInfo.processInfo.environment
            let configDir = EndpointResolver.configDirectory(environment: environment)
            let (contexts, problems) = ContextCatalog.listWithProblems(configDir: configDir, environment: environment)
            let current = ContextCatalog.currentName(configDir: configDir, environment: environment)
            let entries = contexts.map { context in
                let endpoint = try? context.endpoint()
                return ContextEntry(name: context.name, description: context.description, endpoint: context.host,
                                    tls: endpoint?.tls != nil, isCurrent: context.name == current,
                                    isWatched: endpoint.map { watched.contains($0.address.description) } ?? false)
            }
            let problem = problems.isEmpty ? nil : "skipped \(problems.count): " + problems.joined(separator: "; ")
            session.post((entries, problem))
        }
        inbox = session
    }

    mutating func close() {
        inbox?.stop()
        inbox = nil
    }

    /// Fills the picker with what arrived; true when something changed.
    func drain(_ state: inout UIState) -> Bool {
        guard let news = inbox?.drain().last,
              case (let index, var screen)? = state.topmost(ContextScreen.self) else { return false }
        screen.load(news.0, error: news.1)
        state.screens[index] = .contexts(screen)
        return true
    }
}
