#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Every failure the engine client reports, with text a user can act on.
public enum DockerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing answered at the address (socket missing, connection refused, TLS failure, timeout).
    case unreachable(address: String, reason: String)
    /// The engine answered with an HTTP error; `message` is the engine's own `{"message": ...}`.
    case api(status: Int, message: String, path: String)
    /// The engine answered, but the payload could not be understood.
    case malformed(what: String, detail: String)
    /// A host string that swtop cannot parse or does not support.
    case invalidHost(String)
    /// A stream ended in a way the protocol does not allow (e.g. a log frame cut in half).
    case protocolViolation(String)

    public var description: String {
        switch self {
        case let .unreachable(address, reason):
            return "cannot reach the Docker engine at \(address): \(reason)"
        case let .api(status, _, path):
            return "engine error \(status) on \(path): \(userMessage)"
        case let .malformed(what, detail):
            return "unexpected \(what) from the engine: \(detail)"
        case let .invalidHost(text):
            return "invalid engine address: \(text)"
        case let .protocolViolation(text):
            return "engine stream broken: \(text)"
        }
    }

    /// What to show a user: for an API error the engine's own message (or the status's phrase when it
    /// sent none), without the path; otherwise the whole description.
    public var userMessage: String {
        if case let .api(status, message, _) = self { return message.isEmpty ? HTTPStatusText.phrase(status) : message }
        return description
    }

    /// The engine answered, but not with what the API says (empty, not JSON, a wrong shape).
    public var isMalformed: Bool {
        if case .malformed = self { return true }
        return false
    }

    /// The HTTP status when this is an API error.
    public var status: Int? {
        if case let .api(status, _, _) = self { return status }
        return nil
    }
}

enum HTTPStatusText {
    static func phrase(_ status: Int) -> String {
        switch status {
        case 304: return "not modified"
        case 400: return "bad request"
        case 404: return "no such object"
        case 409: return "conflict"
        case 500: return "server error"
        case 503: return "service unavailable"
        default: return "HTTP \(status)"
        }
    }
}

/// The engine's error body: `{"message": "..."}`.
struct EngineErrorBody: Decodable {
    let message: String?
}

extension DockerError {
    static func fromResponse(status: Int, body: [UInt8], path: String) -> DockerError {
        let message: String
        if let decoded = try? JSONDecoder().decode(EngineErrorBody.self, from: Data(body)), let text = decoded.message {
            message = text
        } else {
            message = String(decoding: body.prefix(512), as: UTF8.self).trimmedWhitespace
        }
        return .api(status: status, message: message, path: path)
    }
}
