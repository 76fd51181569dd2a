#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore

/// Options of `GET /containers/{id}/logs`.
public struct LogOptions: Sendable, Equatable {
    public var follow: Bool
    public var tail: Int?
    public var timestamps: Bool
    /// Unix seconds (fractions allowed, as the engine takes them) of the oldest line wanted.
    public var since: String?
    public var stdout: Bool
    public var stderr: Bool

    public init(follow: Bool = false, tail: Int? = nil, timestamps: Bool = false, since: String? = nil,
                stdout: Bool = true, stderr: Bool = true) {
        self.follow = follow
        self.tail = tail
        self.timestamps = timestamps
        self.since = since
        self.stdout = stdout
        self.stderr = stderr
    }
}

extension DockerClient {
    /// `GET /events` as a stream, returned once the engine has answered, so that whatever the caller lists
    /// afterwards is already covered by the subscription (subscribe first, then list). It ends (throwing)
    /// when the connection drops, so the caller reconnects and resyncs; a line that is not a valid event
    /// ends it too: a resync then loses nothing.
    public func subscribeEvents(filters: [String: [String]] = [:]) async throws -> AsyncThrowingStream<EngineEvent, Error> {
        let path = eventsPath(filters: filters)
        let response = try await transport.open(try transport.makeRequest(.GET, path), path: "/events")
        return stream { continuation in try await Self.readEvents(response, into: continuation) }
    }

    private func eventsPath(filters: [String: [String]]) -> String {
        var query: [(String, String)] = []
        if !filters.isEmpty { query.append(("filters", Self.filtersJSON(filters))) }
        return versioned("/events", query)
    }

    private static func readEvents(_ response: EngineResponse,
                                   into continuation: AsyncThrowingStream<EngineEvent, Error>.Continuation) async throws {
        var splitter = NDJSONSplitter()
        func emit(_ line: [UInt8]) throws {
            continuation.yield(try decode(EngineEvent.self, from: line, what: "/events"))
        }
        for try await chunk in response.body {
            for line in splitter.push(chunk.readableBytesView) { try emit(line) }
        }
        if let rest = splitter.flush() { try emit(rest) }
    }

    /// Container output line by line, stdout and stderr kept apart. `tty` tells whether the body is raw
    /// (a TTY container) or framed; when nil it is read from the Content-Type (API ≥ 1.42) or the
    /// container's `Config.Tty`.
    public func logs(_ id: String, options: LogOptions = LogOptions(), tty: Bool? = nil) -> AsyncThrowingStream<LogLine, Error> {
        stream { continuation in
            var reader = try await self.openLogs(id, options: options, tty: tty)
            while let lines = try await reader.nextLines() {
                for line in lines { continuation.yield(line) }
            }
        }
    }

    /// Opens `GET /containers/{id}/logs` and returns a reader that pulls the body as the caller asks for
    /// it: nothing is buffered beyond one chunk, so a consumer that falls behind slows the engine's
    /// stream down (TCP back-pressure) instead of growing a queue. For a log follow at any rate.
    public func openLogs(_ id: String, options: LogOptions = LogOptions(), tty: Bool? = nil) async throws -> LogReader {
        try await openLogStream("/containers/\(Self.escape(id))/logs", shown: "/containers/\(id)/logs", options: options,
                                tty: tty, askTTY: { [self] in try await inspectContainer(id).Config?.Tty ?? false })
    }

    /// A container's or a service's log stream. Raw (a TTY) or multiplexed: `tty` when the caller knows,
    /// else the answer's Content-Type, else `askTTY` (engines before API 1.42 do not say).
    func openLogStream(_ route: String, shown: String, options: LogOptions, tty: Bool?, extraQuery: [(String, String)] = [],
                       askTTY: () async throws -> Bool) async throws -> LogReader {
        var query: [(String, String)] = extraQuery + [
            ("stdout", options.stdout ? "1" : "0"), ("stderr", options.stderr ? "1" : "0"),
            ("follow", options.follow ? "1" : "0"), ("timestamps", options.timestamps ? "1" : "0"),
        ]
        if let tail = options.tail { query.append(("tail", String(tail))) }
        if let since = options.since { query.append(("since", since)) }
        let path = versioned(route, query)
        let response = try await transport.open(try transport.makeRequest(.GET, path), path: shown)
        let contentType = response.headers.first(name: "Content-Type") ?? ""
        let isRaw: Bool
        if let tty {
            isRaw = tty
        } else if contentType.contains("multiplexed-stream") {
            isRaw = false
        } else if contentType.contains("raw-stream") {
            isRaw = true
        } else {
            isRaw = try await askTTY()
        }
        return LogReader(body: response.body.makeAsyncIterator(), isRaw: isRaw, timestamps: options.timestamps,
                         transport: transport)
    }

    /// Runs `body` on its own task; cancelling the consumer cancels the request.
    func stream<Element: Sendable>(
        _ body: @escaping @Sendable (AsyncThrowingStream<Element, Error>.Continuation) async throws -> Void
    ) -> AsyncThrowingStream<Element, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await body(continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: await self.transport.mapErrorSettled(error))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// A log body being read: `nextLines()` gives the lines of the next chunk (raw TTY output or demuxed
/// frames), `nextFrames()` the payloads as sent. nil at the end of the body.
public struct LogReader {
    /// The body's next chunk as it arrives (nil at its end); errors already in the engine's words.
    private let nextChunk: () async throws -> ByteBuffer?
    public let isRaw: Bool
    private var frames = LogFrameDecoder()
    private var lines: LineAssembler
    private var ended = false
    /// An error that ended the body after lines that were still to be given: thrown on the next call.
    private var deferredError: Error?

    init(body: ResponseBody.AsyncIterator, isRaw: Bool, timestamps: Bool, transport: HTTPTransport) {
        var body = body
        self.init(isRaw: isRaw, timestamps: timestamps) {
            do {
                return try await body.next()
            } catch {
                throw transport.mapError(error)
            }
        }
    }

    /// A body from elsewhere (an in-memory engine): the same bytes an engine sends (framed, or raw for a
    /// TTY), read through the same frame decoder and line assembly.
    public init(isRaw: Bool, timestamps: Bool, nextChunk: @escaping () async throws -> ByteBuffer?) {
        self.nextChunk = nextChunk
        self.isRaw = isRaw
        self.lines = LineAssembler(timestamps: timestamps)
    }

    /// The complete lines of the next chunk (possibly none); at the end, the unterminated tails, then nil.
    /// A body cut inside a frame gives its complete lines and unterminated tails first, then throws.
    public mutating func nextLines() async throws -> [LogLine]? {
        guard !ended else {
            if let error = deferredError {
                deferredError = nil
                throw error
            }
            return nil
        }
        do {
            guard let chunk = try await nextChunk() else {
                try frames.finish()
                ended = true
                let rest = lines.flush()
                return rest.isEmpty ? nil : rest
            }
            // In place: the payloads are views into the chunk, the lines made straight from them. (The
            // decoders are moved out for the call so that neither is copied on write.)
            var out: [LogLine] = []
            var decoder = frames
            var assembler = lines
            frames = LogFrameDecoder()
            lines = LineAssembler(timestamps: false)
            defer {
                frames = decoder
                lines = assembler
            }
            try chunk.withUnsafeReadableBytes { bytes in
                if isRaw {
                    assembler.push(bytes, stream: .stdout, into: &out)
                } else {
                    try decoder.decode(bytes) { stream, payload in assembler.push(payload, stream: stream, into: &out) }
                }
            }
            return out
        } catch {
            ended = true
            let rest = lines.flush()
            if rest.isEmpty { throw error }
            deferredError = error
            return rest
        }
    }

    /// The next chunk's payloads as the engine sent them (a TTY container's bytes as one stdout frame).
    public mutating func nextFrames() async throws -> [LogFrame]? {
        guard let chunk = try await nextChunk() else {
            try frames.finish()
            return nil
        }
        if isRaw { return [LogFrame(stream: .stdout, payload: Array(chunk.readableBytesView))] }
        return try frames.push(chunk.readableBytesView)
    }
}

extension DockerClient {
    /// Opens `GET /images/{name}/get` (the image as a tar archive, `docker save`) and returns a reader that
    /// pulls the body chunk by chunk: the archive is never held whole.
    public func openImageExport(_ reference: String) async throws -> ByteStreamReader {
        let path = versioned("/images/\(Self.escape(reference))/get")
        let response = try await transport.open(try transport.makeRequest(.GET, path), path: "/images/\(reference)/get")
        return ByteStreamReader(body: response.body.makeAsyncIterator(), transport: transport)
    }
}

/// A response body read chunk by chunk as the caller asks (TCP back-pressure, nothing queued).
public struct ByteStreamReader {
    private var body: ResponseBody.AsyncIterator
    private let transport: HTTPTransport

    init(body: ResponseBody.AsyncIterator, transport: HTTPTransport) {
        self.body = body
        self.transport = transport
    }

    /// The next chunk, nil at the end.
    public mutating func next() async throws -> ByteBuffer? {
        do {
            return try await body.next()
        } catch {
            throw transport.mapError(error)
        }
    }
}
