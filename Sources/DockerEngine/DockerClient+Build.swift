#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// A build context written to an unlinked temporary file, then sent from it: memory stays flat whatever
/// the context's size, and the request carries its length.
public final class ContextUpload: Sendable {
    let fd: Int32
    public let size: Int64
    public let entries: Int

    /// Archives `root` (honouring its `.dockerignore`) into a temporary file.
    public init(root: String, dockerfile: String) throws {
        let archive = try ContextArchive(root: root, dockerfile: dockerfile)
        var template = Array(((ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/swtop-context-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ContextArchive.Failure(description: "no temporary file for the context: \(String(cString: strerror(errno)))") }
        unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        var written: Int64 = 0
        do {
            entries = try archive.write { chunk in
                var offset = 0
                while offset < chunk.count {
                    let n = chunk[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else { throw ContextArchive.Failure(description: "writing the context: \(String(cString: strerror(errno)))") }
                    offset += n
                }
                written += Int64(chunk.count)
            }
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
        size = written
    }

    deinit { close(fd) }

    /// The file's bytes, 1 MiB at a time, read as the request sends them.
    public struct Chunks: AsyncSequence, Sendable {
        public typealias Element = ByteBuffer
        let upload: ContextUpload

        public struct AsyncIterator: AsyncIteratorProtocol {
            let upload: ContextUpload
            var offset: Int64 = 0

            public mutating func next() async throws -> ByteBuffer? {
                guard offset < upload.size else { return nil }
                try Task.checkCancellation()
                let count = Int(Swift.min(Int64(1 << 20), upload.size - offset))
                var buffer = ByteBuffer()
                let read = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
                    let n = pread(upload.fd, raw.baseAddress, count, off_t(offset))
                    guard n > 0 else { throw ContextArchive.Failure(description: "reading the context back failed") }
                    return n
                }
                offset += Int64(read)
                return buffer
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(upload: upload) }
    }

    public var chunks: Chunks { Chunks(upload: self) }
}

/// What `docker build` is told besides the context.
public struct BuildOptions: Sendable, Equatable {
    /// The Dockerfile's path inside the context.
    public var dockerfile: String
    public var tags: [String]
    public var buildArgs: [String: String]
    public var noCache: Bool

    public init(dockerfile: String = "Dockerfile", tags: [String] = [], buildArgs: [String: String] = [:], noCache: Bool = false) {
        self.dockerfile = dockerfile
        self.tags = tags
        self.buildArgs = buildArgs
        self.noCache = noCache
    }
}

extension DockerClient {
    /// `POST /build` with the classic builder (`version=1`): each step's output, the layers it makes,
    /// then the image's id (`aux.ID`) or the failing step's error, as progress lines. Cancelling the task
    /// drops the request: the engine stops the build.
    public func build(_ context: ContextUpload, _ options: BuildOptions) async throws -> AsyncThrowingStream<ProgressMessage, Error> {
        var query: [(String, String)] = [("version", "1"), ("dockerfile", options.dockerfile), ("rm", "1"), ("forcerm", "1")]
        for tag in options.tags { query.append(("t", tag)) }
        if !options.buildArgs.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            query.append(("buildargs", String(decoding: try encoder.encode(options.buildArgs), as: UTF8.self)))
        }
        if options.noCache { query.append(("nocache", "1")) }
        do {
            return try await progressStream(.POST, "/build", query: query, auth: nil,
                                             headers: [("Content-Type", "application/x-tar")],
                                             body: .upload(context))
        } catch let error as DockerError where error.status == 400 || error.status == 500 {
            // An engine without the classic builder (BuildKit only) says so in its own words: add what to do.
            let message = error.userMessage
            if message.lowercased().contains("version") || message.lowercased().contains("buildkit") {
                throw DockerError.api(status: error.status ?? 500, message: message + " — this engine does not take the classic "
                                          + "builder (API version 1); build with `docker buildx build` there", path: "/build")
            }
            throw error
        }
    }
}
