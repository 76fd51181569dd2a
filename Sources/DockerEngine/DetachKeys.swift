/// A detach key sequence in the docker CLI's spelling (`ctrl-p,ctrl-q`, `ctrl-a,d`): the engine watches
/// a session's input for it and detaches, leaving the process running.
public struct DetachKeys: Sendable, Equatable {
    /// As the engine takes it.
    public let spec: String
    /// The bytes typed, one per key.
    public let bytes: [UInt8]

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public static let standard = try! DetachKeys("ctrl-p,ctrl-q")

    /// Validates as the engine does: keys separated by commas, each one ASCII character or `ctrl-X`
    /// for X in a-z, @, [, \\, ], ^, _.
    public init(_ spec: String) throws {
        var bytes: [UInt8] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let key = part.lowercased()
            if key.hasPrefix("ctrl-"), key.count == 6, let c = key.utf8.last {
                switch c {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(c - UInt8(ascii: "a") + 1)
                case UInt8(ascii: "@"): bytes.append(0)
                case UInt8(ascii: "["): bytes.append(27)
                case UInt8(ascii: "\\"): bytes.append(28)
                case UInt8(ascii: "]"): bytes.append(29)
                case UInt8(ascii: "^"): bytes.append(30)
                case UInt8(ascii: "_"): bytes.append(31)
                default: throw Invalid("detach keys '\(spec)': unknown key '\(part)'")
                }
            } else if part.utf8.count == 1, let c = part.utf8.first, c >= 32, c < 127 {
                bytes.append(c)
            } else {
                throw Invalid("detach keys '\(spec)': unknown key '\(part)' (use ctrl-<letter> or one character, comma-separated)")
            }
        }
        guard !bytes.isEmpty else { throw Invalid("detach keys: empty") }
        self.spec = spec
        self.bytes = bytes
    }

    /// The flag if given, else the CLI's config.json, else Ctrl-P Ctrl-Q.
    public static func resolve(flag: String?) throws -> DetachKeys {
        if let flag { return try DetachKeys(flag) }
        if let configured = EndpointResolver.configuredDetachKeys(), let keys = try? DetachKeys(configured) { return keys }
        return .standard
    }

    /// How a user reads it: `Ctrl-P Ctrl-Q`.
    public var display: String {
        spec.split(separator: ",").map { part in
            let key = part.lowercased()
            return key.hasPrefix("ctrl-") ? "Ctrl-" + key.dropFirst(5).uppercased() : String(part)
        }.joined(separator: " ")
    }
}

/// Watches what the user types for the detach keys, as the docker CLI does: bytes that could begin the
/// sequence are held back; a byte that breaks it sends them on; the whole sequence is never sent.
public struct DetachMatcher: Sendable {
    public let keys: [UInt8]
    private var held: [UInt8] = []

    public init(_ keys: DetachKeys) { self.keys = keys.bytes }

    /// What to send on, and whether the sequence is now complete (the rest of `bytes` is dropped).
    public mutating func feed(_ bytes: [UInt8]) -> (forward: [UInt8], detach: Bool) {
        var forward: [UInt8] = []
        for byte in bytes {
            if byte == keys[held.count] {
                held.append(byte)
                if held.count == keys.count {
                    held.removeAll()
                    return (forward, true)
                }
            } else {
                forward += held
                held.removeAll()
                if byte == keys[0] {
                    held.append(byte)
                    if keys.count == 1 { held.removeAll(); return (forward, true) }
                } else {
                    forward.append(byte)
                }
            }
        }
        return (forward, false)
    }
}
