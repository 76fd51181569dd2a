import DockerEngine
import SwtopStore
import SwtopUI
import Synchronization
import TermCanvas

/// The swarm screens' data: services, tasks and nodes listed every 2 s while a swarm screen is open,
/// nothing when none is (the dashboard pays nothing for it). Actions run here too, and the list is
/// asked for again as soon as one is done.
final class SwarmSession: Sendable {
    enum News: Sendable {
        case listing(SwarmListing)
        case failed(String)
    }

    private let inbox: SessionInbox<News>
    private let poked = Mutex(false)
    private let client: @Sendable () async -> DockerClient?

    init(client: @escaping @Sendable () async -> DockerClient?, wake: @escaping @Sendable () -> Void) {
        self.client = client
        inbox = SessionInbox(wake: wake)
    }

    func drain() -> [News] { inbox.drain() }

    func start() { inbox.run { [self] in await self.loop() } }

    func stop() { inbox.stop() }

    /// Ends the 2 s wait early.
    func refreshNow() { poked.withLock { $0 = true } }

    private func loop() async {
        while !Task.isCancelled {
            if let client = await SessionInbox<News>.client(client, tries: 10) {
                do {
                    inbox.post(.listing(try await Self.list(client)))
                } catch is CancellationError {
                    return
                } catch let error as DockerError {
                    inbox.post(.failed(error.isNotSwarmManager ? "not a swarm manager: \(error.userMessage)" : error.userMessage))
                } catch {
                    inbox.post(.failed(String(describing: error)))
                }
            } else {
                inbox.post(.failed("the engine is unreachable"))
            }
            await sleep(seconds: 2)
        }
    }

    /// Waits up to `seconds`, less when an action asked for a fresh list (checked every 100 ms: a few
    /// cheap wake-ups while a swarm screen is open, none otherwise).
    private func sleep(seconds: Int) async {
        for _ in 0..<(seconds * 10) {
            if Task.isCancelled || poked.withLock({ value in defer { value = false }; return value }) { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    static func list(_ client: DockerClient) async throws -> SwarmListing {
        async let services = client.services()
        async let tasks = client.tasks()
        async let nodes = client.nodes()
        return try await SwarmListing(services: services, tasks: tasks, nodes: nodes)
    }

    /// Runs an action off the screen thread; the result goes to the status line.
    static func perform(_ action: SwarmAction, client: DockerClient?) async -> ActionResult {
        guard let client else { return ActionResult(text: "the engine is unreachable: nothing sent", isError: true) }
        do {
            switch action {
            case let .scale(id, name, replicas):
                try await client.scaleService(id, replicas: replicas)
                return ActionResult(text: "\(name) scaled to \(replicas)", isError: false)
            case let .setAvailability(id, host, availability):
                try await client.setNodeAvailability(id, availability)
                return ActionResult(text: "\(host) set to \(availability.rawValue)", isError: false)
            }
        } catch let error as DockerError {
            return ActionResult(text: "\(action.question.dropLast()) failed: \(error.userMessage)", isError: true)
        } catch {
            return ActionResult(text: "\(action.question.dropLast()) failed: \(error)", isError: true)
        }
    }
}

/// The screen loop's side of the swarm screens.
struct SwarmSessions {
    let app: DashboardApp
    private var session: SwarmSession?

    init(app: DashboardApp) { self.app = app }

    /// The engine the session lists.
    private var engine = ""

    mutating func open(engine: String) {
        session?.stop()
        self.engine = engine
        let session = SwarmSession(client: { [app] in await app.client(engine) },
                                   wake: { [mailbox = app.mailbox] in mailbox.wake() })
        session.start()
        self.session = session
    }

    mutating func close() {
        session?.stop()
        session = nil
    }

    func perform(_ action: SwarmAction) {
        Task { [app, session, engine] in
            let result = await SwarmSession.perform(action, client: await app.client(engine))
            app.post(result)
            session?.refreshNow()
        }
    }

    /// Puts what arrived into every open swarm screen; true when something changed.
    func drain(_ state: inout UIState) -> Bool {
        guard let news = session?.drain(), !news.isEmpty else { return false }
        for index in state.screens.indices {
            guard var screen = state.screens[index].screen(SwarmScreen.self) else { continue }
            for item in news {
                switch item {
                case let .listing(listing):
                    screen.listing = listing
                    screen.error = nil
                case let .failed(message):
                    screen.error = message
                }
            }
            screen.cursor = min(screen.cursor, max(0, screen.rowCount - 1))
            state.screens[index] = .swarm(screen)
        }
        return true
    }
}
