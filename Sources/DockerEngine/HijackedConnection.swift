#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// What the user's side sends into a hijacked session.
public enum SessionInput: Sendable, Equatable {
    case bytes([UInt8])
    /// Standard input ended: the write half of the connection is closed, so the process sees end of file.
    case endOfInput
    /// The terminal's size now (sent at the start and on every SIGWINCH).
    case resize(width: Int, height: Int)
    /// The user typed the detach keys: hang up, leaving the process running.
    case detach
}

/// One HTTP request on a connection of its own that the engine may upgrade (`101`, or `200` from engines
/// that hijack without saying so): from then on the connection is a raw two-way byte stream.
///
/// Why not the HTTP connections of `HTTPTransport`: after the head
/// nothing on this connection is HTTP any more, and handing the channel over would mean removing the
/// codecs at exactly the right byte; the request is one write and the answer's head is read up to the
/// blank line here, keeping whatever bytes came after it. unix and tcp (+TLS) sockets; an ssh:// engine is
/// the local socket of its tunnel (one more channel of the same SSH connection).
struct HijackedConnection {
    let socket: EngineSocket

    typealias Channel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    func connect() async throws -> Channel {
        // Over TLS the end of input is a close_notify and then the TCP write half's FIN (NIOSSLHandler's
        // output close); the engine keeps writing until the process ends.
        try await socket.connect(allowHalfClosure: true) { channel in
            try Channel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    /// The request's bytes: one write, Host set (the engine rejects HTTP/1.1 without it).
    func requestBytes(method: String, path: String, json: [UInt8]) -> [UInt8] {
        let head = "\(method) \(path) HTTP/1.1\r\nHost: \(socket.hostHeader)\r\nUser-Agent: swtop\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(json.count)\r\n"
            + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
        return Array(head.utf8) + json
    }
}

/// The answer's head, parsed.
struct UpgradeHead: Equatable {
    var status: Int
    var headers: [(String, String)]
    var contentLength: Int?
    /// Bytes after the blank line: already part of the stream (or of an error body).
    var rest: [UInt8]

    static func == (a: UpgradeHead, b: UpgradeHead) -> Bool {
        a.status == b.status && a.rest == b.rest && a.contentLength == b.contentLength
            && a.headers.map(\.0) == b.headers.map(\.0) && a.headers.map(\.1) == b.headers.map(\.1)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Parses what has arrived so far: nil while the blank line has not come yet.
    static func parse(_ bytes: [UInt8]) throws -> UpgradeHead? {
        guard let end = blankLine(bytes) else {
            if bytes.count > 65_536 { throw DockerError.protocolViolation("answer head longer than 64 KiB") }
            return nil
        }
        let text = String(decoding: bytes[..<end], as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.isEmpty ? "" : lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw DockerError.protocolViolation("not an HTTP answer: \(statusLine.prefix(80))")
        }
        var headers: [(String, String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmedWhitespace))
        }
        var head = UpgradeHead(status: status, headers: headers, contentLength: nil, rest: Array(bytes[(end + 4)...]))
        head.contentLength = head.header("Content-Length").flatMap { Int($0) }
        return head
    }

    private static func blankLine(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}

extension DockerClient {
    /// Sends `method path` with `json` on a connection of its own, waits for the upgrade, then pumps:
    /// `input` → the connection (bytes, end of input, resizes through `resize`), the connection →
    /// `output` (demultiplexed when `multiplexed`). Returns when the engine closes the stream (the process
    /// ended or the user detached) or the task is cancelled. True when it ended by `.detach`.
    @discardableResult
    func hijack(_ method: String, _ path: String, json: [UInt8], multiplexed: Bool,
                input: AsyncStream<SessionInput>,
                resize: @escaping @Sendable (Int, Int) async -> Void,
                output: @escaping @Sendable (LogStream, [UInt8]) -> Void) async throws -> Bool {
        try transport.checkTunnel()
        let connection = HijackedConnection(socket: transport.socket)
        let channel = try await connection.connect()
        let request = connection.requestBytes(method: method, path: path, json: json)
        let detached = DetachFlag()
        let raw = channel.channel
        do {
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: request))
                var iterator = inbound.makeAsyncIterator()
                var received: [UInt8] = []
                var parsed: UpgradeHead?
                while parsed == nil {
                    guard let chunk = try await iterator.next() else {
                        throw DockerError.unreachable(address: endpoint.address.description,
                                                      reason: "the engine closed the connection before answering")
                    }
                    received.append(contentsOf: chunk.readableBytesView)
                    parsed = try UpgradeHead.parse(received)
                }
                guard let head = parsed else { return false }
                guard head.status == 101 || head.status == 200 else {
                    var body = head.rest
                    let wanted = head.contentLength ?? 65_536
                    while body.count < wanted, let chunk = try await iterator.next() { body.append(contentsOf: chunk.readableBytesView) }
                    throw DockerError.fromResponse(status: head.status, body: Array(body.prefix(wanted)), path: path)
                }
                // Content-Type says which from API 1.42; before, it says raw-stream either way, and the
                // caller knows from the TTY flag.
                var framed = multiplexed
                if let type = head.header("Content-Type"), apiVersion >= APIVersion(1, 42) {
                    if type.contains("multiplexed-stream") { framed = true }
                    if type.contains("raw-stream") { framed = false }
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var open = true
                        for await item in input {
                            switch item {
                            case let .bytes(bytes) where open:
                                do { try await outbound.write(ByteBuffer(bytes: bytes)) } catch { open = false }
                            case .bytes:
                                break
                            case .endOfInput:
                                if open { outbound.finish() }
                                open = false
                            case let .resize(width, height):
                                await resize(width, height)
                            case .detach:
                                // Hanging up is detaching: the engine leaves the process running. (Engine
                                // 20.10 kills an exec whose detach keys it saw itself; it never sees them whole.)
                                detached.set()
                                raw.close(promise: nil)
                            }
                        }
                    }
                    var decoder = LogFrameDecoder()
                    func deliver(_ bytes: [UInt8]) throws {
                        guard !bytes.isEmpty else { return }
                        if framed {
                            for frame in try decoder.push(bytes) { output(frame.stream, frame.payload) }
                        } else {
                            output(.stdout, bytes)
                        }
                    }
                    do {
                        try deliver(head.rest)
                        while let chunk = try await iterator.next() { try deliver(Array(chunk.readableBytesView)) }
                    } catch {
                        if !detached.isSet { throw error }
                    }
                    group.cancelAll()
                }
                return detached.isSet
            }
        } catch let error as DockerError {
            throw error
        } catch {
            // A TLS refusal (wrong CA, no client certificate) surfaces on the first read or write.
            if let text = TLSFailureText.describe(error, endpoint: endpoint) {
                throw DockerError.unreachable(address: endpoint.address.description, reason: text)
            }
            throw error
        }
    }
}

private final class DetachFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
