#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1

/// One line of the engine's progress stream (pull, push, build): a layer's status and bytes, a build
/// step's output, an error, or an `aux` record (the built image's id, the pushed digest).
public struct ProgressMessage: Decodable, Sendable, Equatable {
    public struct Detail: Decodable, Sendable, Equatable {
        public var current: Int64?
        public var total: Int64?
    }

    public struct ErrorDetail: Decodable, Sendable, Equatable {
        public var code: Int?
        public var message: String?
    }

    public struct Aux: Decodable, Sendable, Equatable {
        /// Build: the image made.
        public var ID: String?
        /// Push: what the registry now holds.
        public var Tag: String?
        public var Digest: String?
        public var Size: Int64?
    }

    public var status: String?
    public var id: String?
    public var progress: String?
    public var progressDetail: Detail?
    /// Build output (each step's text, the engine's own lines).
    public var stream: String?
    public var error: String?
    public var errorDetail: ErrorDetail?
    public var aux: Aux?

    public init(status: String? = nil, id: String? = nil, progressDetail: Detail? = nil, stream: String? = nil,
                error: String? = nil, aux: Aux? = nil) {
        self.status = status
        self.id = id
        self.progressDetail = progressDetail
        self.stream = stream
        self.error = error
        self.aux = aux
    }

    /// The message an error line carries.
    public var errorMessage: String? { error ?? errorDetail?.message }
}

extension DockerClient {
    /// `POST /images/create`: the pull's progress lines as the engine sends them; the stream ends with
    /// the pull (an `error` line when it failed). Cancelling the task drops the request: the engine
    /// stops the pull.
    public func pullImage(_ reference: ImageReference, auth: RegistryAuth?) async throws -> AsyncThrowingStream<ProgressMessage, Error> {
        var query = [("fromImage", reference.repository)]
        if let digest = reference.digest {
            query[0].1 += "@" + digest
        } else {
            query.append(("tag", reference.tagOrLatest))
        }
        return try await progressStream(.POST, "/images/create", query: query, auth: auth)
    }

    /// `POST /images/{name}/push`: the push's progress lines.
    public func pushImage(_ reference: ImageReference, auth: RegistryAuth?) async throws -> AsyncThrowingStream<ProgressMessage, Error> {
        try await progressStream(.POST, "/images/\(Self.escape(reference.repository))/push", query: [("tag", reference.tagOrLatest)],
                                 auth: auth)
    }

    /// A request whose answer is a stream of JSON lines.
    func progressStream(_ method: HTTPMethod, _ path: String, query: [(String, String)], auth: RegistryAuth?,
                        headers: [(String, String)] = [], body: EngineRequest.Body? = nil) async throws
        -> AsyncThrowingStream<ProgressMessage, Error> {
        var extra = headers
        // The engine wants the header on a push even when empty.
        extra.append(("X-Registry-Auth", (auth ?? RegistryAuth(serverAddress: "")).header))
        var request = try transport.makeRequest(method, versioned(path, query), headers: extra)
        if let body { request.body = body }
        let response = try await transport.open(request, path: path)
        return stream { continuation in
            var splitter = NDJSONSplitter()
            func emit(_ line: [UInt8]) throws {
                continuation.yield(try Self.decode(ProgressMessage.self, from: line, what: path))
            }
            for try await chunk in response.body {
                for line in splitter.push(chunk.readableBytesView) { try emit(line) }
            }
            if let rest = splitter.flush() { try emit(rest) }
        }
    }
}

extension RegistryAuth {
    public init(serverAddress: String) {
        self.init(username: nil, password: nil, identityToken: nil, serverAddress: serverAddress, source: nil)
    }
}
