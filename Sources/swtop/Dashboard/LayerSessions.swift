import DockerEngine
import LayerKit
import SwtopStore
import SwtopUI
import Synchronization

/// The layer view's loading, off the screen thread: metadata first (inspect + history, drawn at once),
/// then the files with progress, then the analysis; what other images share each layer on the side.
/// Results wait in an inbox the screen thread drains; each one wakes it.
final class LayerSession: Sendable {
    enum News: Sendable {
        case metadata(ImageMetadata)
        case progress(LoadProgress)
        case sharing([Int])
        case analysis(ImageAnalysis)
        case failed(String)
    }

    private let inbox: SessionInbox<News>
    private let request: LayerRequest
    private let client: @Sendable () async -> DockerClient?

    init(request: LayerRequest, client: @escaping @Sendable () async -> DockerClient?, wake: @escaping @Sendable () -> Void) {
        self.request = request
        self.client = client
        inbox = SessionInbox(wake: wake)
    }

    private func post(_ news: News) { inbox.post(news) }

    func drain() -> [News] { inbox.drain() }

    func start() {
        inbox.run { [self] in
            // The store may still be connecting (a view opened at start): wait for it, up to 30 s.
            guard let client = await SessionInbox<News>.client(client, tries: 60) else {
                if !Task.isCancelled { post(.failed("the engine is unreachable; close the view and try again when it is back")) }
                return
            }
            do {
                let cache = LayerCache.standard()
                let report: @Sendable (LoadProgress) -> Void = { [self] progress in post(.progress(progress)) }
                let loaded: LoadedImage
                switch request.target {
                case let .image(id, _):
                    let metadata = try await ImageLoader.metadata(client: client, reference: id)
                    post(.metadata(metadata))
                    async let sharing = ImageLoader.sharing(client: client, metadata: metadata)
                    loaded = try await ImageLoader.load(client: client, metadata: metadata, cache: cache, progress: report)
                    post(.sharing(await sharing))
                case let .container(id, _):
                    let details = try await client.inspectContainer(id)
                    let metadata = try await ImageLoader.metadata(client: client, reference: details.Image ?? id)
                    post(.metadata(metadata))
                    async let sharing = ImageLoader.sharing(client: client, metadata: metadata)
                    loaded = try await ImageLoader.loadContainer(client: client, id: id, cache: cache, details: details,
                                                                 imageMetadata: metadata, progress: report)
                    post(.sharing(await sharing))
                }
                try Task.checkCancellation()
                post(.analysis(ImageAnalysis(loaded)))
            } catch is CancellationError {
                return
            } catch {
                post(.failed(String(describing: error)))
            }
        }
    }

    func stop() { inbox.stop() }
}

/// The screen thread's side: at most one layer view open, with its model.
struct LayerSessions {
    let app: DashboardApp
    private(set) var model: LayerModel?
    private var session: LayerSession?

    init(app: DashboardApp) { self.app = app }

    mutating func open(_ request: LayerRequest) {
        close()
        let session = LayerSession(request: request, client: { [app, engine = request.engine] in await app.client(engine) },
                                   wake: { [mailbox = app.mailbox] in mailbox.wake() })
        self.session = session
        model = LayerModel()
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
            case let .metadata(metadata): model.ingest(metadata: metadata)
            case let .progress(progress): model.ingest(progress: progress)
            case let .sharing(sharing): model.ingest(sharing: sharing)
            case let .analysis(analysis): model.ingest(analysis: analysis)
            case let .failed(message): model.ingest(error: message)
            }
        }
        return !news.isEmpty
    }
}
