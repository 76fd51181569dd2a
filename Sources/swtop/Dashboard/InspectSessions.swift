import DockerEngine
import SwtopUI
import Synchronization

/// The inspect view's fetch, off the screen thread: the engine's document, parsed into an ordered tree
/// here (not on the screen thread), or the engine's message. The result waits in an inbox the screen
/// thread drains; posting it wakes that thread.
final class InspectSession: Sendable {
    enum News: Sendable {
        case document(OrderedJSON)
        case failed(String)
    }

    private let inbox: SessionInbox<News>
    private let request: InspectRequest
    private let client: @Sendable () async -> DockerClient?

    init(request: InspectRequest, client: @escaping @Sendable () async -> DockerClient?, wake: @escaping @Sendable () -> Void) {
        self.request = request
        self.client = client
        inbox = SessionInbox(wake: wake)
    }

    private func post(_ news: News) { inbox.post(news) }

    func drain() -> [News] { inbox.drain() }

    func start() {
        inbox.run { [self] in
            // The store may still be connecting: wait for it a little, as the layer view does.
            guard let client = await SessionInbox<News>.client(client, tries: 20) else {
                if !Task.isCancelled { post(.failed("the engine is unreachable; close the view and try again when it is back")) }
                return
            }
            do {
                let bytes = try await client.inspectRaw(request.kind, request.id)
                try Task.checkCancellation()
                do {
                    post(.document(try OrderedJSONParser.parse(bytes)))
                } catch {
                    post(.failed("the engine's \(request.kind.rawValue) document is not valid JSON: \(error)"))
                }
            } catch is CancellationError {
                return
            } catch let error as DockerError {
                post(.failed(error.userMessage))
            } catch {
                post(.failed(String(describing: error)))
            }
        }
    }

    func stop() { inbox.stop() }
}

/// The screen thread's side: at most one inspect view open, with its model.
struct InspectSessions {
    let app: DashboardApp
    private(set) var model: InspectModel?
    private var session: InspectSession?

    init(app: DashboardApp) { self.app = app }

    mutating func open(_ request: InspectRequest) {
        close()
        let session = InspectSession(request: request, client: { [app, engine = request.engine] in await app.client(engine) },
                                     wake: { [mailbox = app.mailbox] in mailbox.wake() })
        self.session = session
        model = InspectModel()
        session.start()
    }

    mutating func close() {
        session?.stop()
        session = nil
        model = nil
    }

    /// Hands what the session delivered to the model; true when something changed.
    func drain() -> Bool {
        guard let session, let model else { return false }
        let news = session.drain()
        for item in news {
            switch item {
            case let .document(document): model.ingest(document: document)
            case let .failed(message): model.ingest(error: message)
            }
        }
        return !news.isEmpty
    }
}
