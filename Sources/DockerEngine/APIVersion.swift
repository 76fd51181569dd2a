/// A Docker Engine API version such as 1.41.
public struct APIVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    public init?(_ text: String) {
        let parts = text.trimmedWhitespace.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major, minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// The newest API version swtop has been tested against (engine 26.1).
    public static let newestTested = APIVersion(1, 45)
    /// The oldest API version swtop speaks; below it one-shot stats and other calls are missing.
    public static let oldestSupported = APIVersion(1, 41)

    /// Pick the version to speak: the engine's maximum, capped at what swtop was tested with.
    /// An engine that does not say (very old, or a proxy) gets the oldest supported version.
    public static func negotiate(engineMaximum: APIVersion?) -> APIVersion {
        guard let engine = engineMaximum else { return oldestSupported }
        return min(engine, newestTested)
    }
}
