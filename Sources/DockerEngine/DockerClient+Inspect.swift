/// What an inspect document describes.
public enum InspectKind: String, Sendable, Hashable, CaseIterable {
    case container, image, volume, network
}

extension DockerClient {
    /// The engine's inspect document as it sent it: raw JSON bytes, keys in the engine's order.
    /// `id` is a container or image id or name, a volume name, a network id or name. A non-2xx answer
    /// throws `.api` with the engine's own message ("No such container: …").
    public func inspectRaw(_ kind: InspectKind, _ id: String) async throws -> [UInt8] {
        let escaped = Self.escape(id)
        let path: String
        switch kind {
        case .container: path = "/containers/\(escaped)/json"
        case .image: path = "/images/\(escaped)/json"
        case .volume: path = "/volumes/\(escaped)"
        case .network: path = "/networks/\(escaped)"
        }
        return try await send(.GET, path).body
    }
}
