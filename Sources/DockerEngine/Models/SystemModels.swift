// Wire models: the engine's JSON as sent, fields spelled exactly as the Engine API spells them (so no
// mapping can drift). All but the id are optional: engines of different ages omit different fields, and a
// missing one must never fail a list (lists are decoded element by element, see LossyArray).

public struct EngineVersion: Decodable, Sendable, Hashable {
    public var Version: String?
    public var ApiVersion: String?
    public var MinAPIVersion: String?
    public var Os: String?
    public var Arch: String?
    public var KernelVersion: String?
    public var GitCommit: String?
    public var GoVersion: String?
}

public struct EngineInfo: Decodable, Sendable, Hashable {
    public var ID: String?
    public var Name: String?
    public var Containers: Int?
    public var ContainersRunning: Int?
    public var ContainersPaused: Int?
    public var ContainersStopped: Int?
    public var Images: Int?
    public var Driver: String?
    public var DriverStatus: [[String]]?
    public var CgroupDriver: String?
    public var CgroupVersion: String?
    public var OperatingSystem: String?
    public var OSType: String?
    public var KernelVersion: String?
    public var NCPU: Int?
    public var MemTotal: Int64?
    public var ServerVersion: String?
    public var DockerRootDir: String?
    public var Swarm: SwarmInfo?

    /// True when images live in containerd's store (ids are manifest digests, no GraphDriver paths).
    public var usesContainerdSnapshotter: Bool {
        (DriverStatus ?? []).contains { pair in pair.contains { $0.contains("io.containerd.snapshotter") } }
    }
}

public struct SwarmInfo: Decodable, Sendable, Hashable {
    public var LocalNodeState: String?
    public var ControlAvailable: Bool?
}

public struct Volume: Decodable, Sendable, Hashable {
    /// The engine it was listed from, set by swtop (never in the engine's JSON): several engines can
    /// hold the same image id, volume name or network name.
    public var engine: String?
    public var Name: String
    public var Driver: String?
    public var Mountpoint: String?
    public var CreatedAt: String?
    public var Labels: [String: String]?
    public var Scope: String?
}

struct VolumeList: Decodable {
    var Volumes: LossyArray<Volume>?
}

public struct Network: Decodable, Sendable, Hashable {
    /// The engine it was listed from, set by swtop (never in the engine's JSON): several engines can
    /// hold the same image id, volume name or network name.
    public var engine: String?
    public var Id: String
    public var Name: String?
    public var Driver: String?
    public var Scope: String?
    public var Internal: Bool?
    public var Labels: [String: String]?
}
