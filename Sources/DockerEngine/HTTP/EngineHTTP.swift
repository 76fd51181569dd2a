import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A request to an engine.
struct EngineRequest: Sendable {
    enum Body: Sendable {
        case none
        case bytes(ByteBuffer)
        /// A build context, read from its file a megabyte at a time as the connection takes it.
        case upload(ContextUpload)
    }

    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
    var body: Body = .none
}

/// An engine's answer: its head at once, its body as it arrives (back-pressure: the socket is read only
/// as fast as the consumer takes chunks).
struct EngineResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: ResponseBody
}

/// A response body: chunks as they come from the socket, nil at the end. Abandoning it (or cancelling the
/// task that reads it) closes the connection, which is how the engine learns a follow is no longer wanted.
struct ResponseBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    typealias Producer = NIOThrowingAsyncSequenceProducer<ByteBuffer, any Error,
                                                          NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark,
                                                          BodyDemand>
    let producer: Producer

    struct AsyncIterator: AsyncIteratorProtocol {
        var inner: Producer.AsyncIterator
        mutating func next() async throws -> ByteBuffer? { try await inner.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inner: producer.makeAsyncIterator()) }

    /// The whole body, at most `limit` bytes.
    func collect(upTo limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in self {
            guard bytes.count + chunk.readableBytes <= limit else {
                throw DockerError.malformed(what: "response", detail: "body larger than \(limit) bytes")
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }
}

/// Why an exchange ended without its answer.
enum ExchangeFailure: Error, Equatable {
    /// The engine closed the connection before the head, or inside the body.
    case closed
    /// The call's deadline passed.
    case timedOut
}

/// The body's consumer asks for more, or is gone: told to the handler on its event loop.
/// (Each exchange's own: a body that ends after the connection has gone on to the next exchange must
/// not touch that one.)
struct BodyDemand: NIOAsyncSequenceProducerDelegate {
    let handler: NIOLoopBound<ExchangeHandler>
    let exchange: Int

    func produceMore() {
        handler.eventLoop.execute { self.handler.value.resume(exchange) }
    }

    func didTerminate() {
        handler.eventLoop.execute { self.handler.value.consumerGone(exchange) }
    }
}

/// The last handler of an engine connection: hands one response at a time to its exchange (the head to a
/// promise, the body to a producer the caller iterates), holds the socket's reads while the consumer is
/// behind, and says when the connection can take the next request.
final class ExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private struct Exchange {
        var number: Int
        var head: EventLoopPromise<HTTPResponseHead>?
        var source: ResponseBody.Producer.Source
        var keepAlive = false
    }

    private var exchange: Exchange?
    /// Body parts of the socket read under way, handed on as one chunk when the read is done
    /// (`channelReadComplete`). A log follow arrives as one chunked-encoding chunk per frame — per line —
    /// so handing on each part made a consumer wake-up, and with the watermarks a pause and resume of the
    /// socket, every few lines; now it is one chunk per read of the socket, whatever its framing.
    private var pendingBody: ByteBuffer?
    /// Numbers the exchanges of this connection.
    private(set) var exchanges = 0
    private var context: ChannelHandlerContext?
    private var paused = false
    private var readPending = false
    /// What ended the connection, kept for an exchange that begins after.
    private var broken: Error?
    /// Called on the event loop when a response ended and the connection may take another request.
    var onIdle: (() -> Void)?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// The number the next exchange will have (its body's `BodyDemand` is made with it).
    var nextExchange: Int { exchanges + 1 }

    /// Starts an exchange: the head will complete `head`, the body go to `source`.
    func begin(head: EventLoopPromise<HTTPResponseHead>, source: ResponseBody.Producer.Source) {
        exchanges += 1
        exchange = Exchange(number: exchanges, head: head, source: source)
        paused = false
        // A connection that failed before this exchange (a TLS refusal in its handshake) fails it at once.
        if broken != nil || context?.channel.isActive != true { fail(broken ?? ExchangeFailure.closed) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard var current = exchange else { return }
        switch unwrapInboundIn(data) {
        case let .head(head):
            guard head.status.code >= 200 else { return } // 100 Continue and the like
            current.keepAlive = head.isKeepAlive
            current.head?.succeed(head)
            current.head = nil
            exchange = current
        case var .body(chunk):
            if pendingBody == nil {
                pendingBody = chunk
            } else {
                pendingBody!.writeBuffer(&chunk)
            }
        case .end:
            flushBody()
            current.source.finish()
            exchange = nil
            paused = false
            if readPending { readPending = false; context.read() }
            if current.keepAlive { onIdle?() }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushBody()
        context.fireChannelReadComplete()
    }

    /// Hands the parts of this read to the body's consumer as one chunk.
    private func flushBody() {
        guard let chunk = pendingBody else { return }
        pendingBody = nil
        guard let current = exchange else { return }
        if case .stopProducing = current.source.yield(chunk) { paused = true }
    }

    func read(context: ChannelHandlerContext) {
        if paused { readPending = true } else { context.read() }
    }

    func resume(_ number: Int) {
        guard exchange?.number == number else { return }
        paused = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    /// The consumer stopped reading before the end: the rest of the body is not wanted, so the connection
    /// (with the request on it) is closed.
    func consumerGone(_ number: Int) {
        guard exchange?.number == number else { return }
        fail(ExchangeFailure.closed)
        context?.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if broken == nil { broken = error }
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if broken == nil { broken = ExchangeFailure.closed }
        fail(ExchangeFailure.closed)
        context.fireChannelInactive()
    }

    private func fail(_ error: Error) {
        // What came before the failure still reaches the consumer first (a log body cut inside a frame
        // gives its complete lines, then the error).
        flushBody()
        guard let current = exchange else { return }
        exchange = nil
        current.head?.fail(error)
        current.source.finish(error)
    }
}

/// One kept-alive HTTP/1.1 connection to an engine, one exchange at a time.
final class EngineConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<ExchangeHandler>
    /// When it last finished an exchange (idle connections older than 30 s are not reused).
    private let idleSince = NIOLockedValueBox(NIODeadline.now())

    init(channel: any Channel, handler: NIOLoopBound<ExchangeHandler>) {
        self.channel = channel
        self.handler = handler
    }

    static func open(_ socket: EngineSocket) async throws -> EngineConnection {
        try await socket.connect { channel in
            let handler = ExchangeHandler()
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            try channel.pipeline.syncOperations.addHandler(handler)
            return EngineConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        }
    }

    var isFresh: Bool {
        channel.isActive && idleSince.withLockedValue { NIODeadline.now() - $0 < .seconds(30) }
    }

    func markIdle() { idleSince.withLockedValue { $0 = .now() } }

    /// Sends `request` and returns once the head has come (or `deadline` passed: the connection is closed).
    /// `idle` is called when the response has ended and the connection is free again.
    func exchange(_ request: EngineRequest, host: String, deadline: TimeAmount,
                  idle: @escaping @Sendable () -> Void) async throws -> EngineResponse {
        let loop = channel.eventLoop
        let headPromise = loop.makePromise(of: HTTPResponseHead.self)
        let timedOut = NIOLockedValueBox(false)
        let head = Self.head(request, host: host)
        // One hop onto the event loop: the exchange begins, its deadline is set, and a request without an
        // upload is written whole. A write that fails closes the connection, which fails the head's
        // promise with the pipeline's own reason (a TLS refusal, say) rather than "closed channel".
        let (producer, timer) = try await loop.submit { [handler, channel] () -> (ResponseBody.Producer, Scheduled<Void>) in
            let made = ResponseBody.Producer.makeSequence(
                backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8), finishOnDeinit: true,
                delegate: BodyDemand(handler: handler, exchange: handler.value.nextExchange))
            handler.value.begin(head: headPromise, source: made.source)
            handler.value.onIdle = idle
            let timer = loop.scheduleTask(in: deadline) {
                timedOut.withLockedValue { $0 = true }
                channel.close(promise: nil)
            }
            switch request.body {
            case .none, .bytes:
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                if case let .bytes(bytes) = request.body {
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(bytes)), promise: nil)
                }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { _ in channel.close(promise: nil) }
            case .upload:
                break
            }
            return (made.sequence, timer)
        }.get()
        defer { timer.cancel() }
        let answer: HTTPResponseHead
        do {
            answer = try await withTaskCancellationHandler {
                if case let .upload(upload) = request.body {
                    do {
                        try await self.upload(upload, head: head)
                    } catch where !channel.isActive {
                        _ = try await headPromise.futureResult.get()
                        throw error
                    }
                }
                return try await headPromise.futureResult.get()
            } onCancel: { [channel] in
                channel.close(promise: nil)
            }
        } catch {
            channel.close(promise: nil)
            if timedOut.withLockedValue({ $0 }) { throw ExchangeFailure.timedOut }
            throw error
        }
        return EngineResponse(status: Int(answer.status.code), headers: answer.headers, body: ResponseBody(producer: producer))
    }

    /// The request's head: Host and User-Agent set, and the length of its body (0 for a POST without one).
    static func head(_ request: EngineRequest, host: String) -> HTTPRequestHead {
        var head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.uri, headers: request.headers)
        head.headers.replaceOrAdd(name: "Host", value: host)
        head.headers.replaceOrAdd(name: "User-Agent", value: "swtop")
        switch request.body {
        case .none:
            if request.method != .GET && request.method != .HEAD { head.headers.replaceOrAdd(name: "Content-Length", value: "0") }
        case let .bytes(bytes):
            head.headers.replaceOrAdd(name: "Content-Length", value: String(bytes.readableBytes))
        case let .upload(upload):
            head.headers.replaceOrAdd(name: "Content-Length", value: String(upload.size))
        }
        return head
    }

    /// A build context, a megabyte at a time as the socket takes it.
    private func upload(_ upload: ContextUpload, head: HTTPRequestHead) async throws {
        try await channel.writeAndFlush(HTTPClientRequestPart.head(head))
        for try await chunk in upload.chunks {
            try await channel.writeAndFlush(HTTPClientRequestPart.body(.byteBuffer(chunk)))
        }
        try await channel.writeAndFlush(HTTPClientRequestPart.end(nil))
    }

    func close() { channel.close(promise: nil) }
}
