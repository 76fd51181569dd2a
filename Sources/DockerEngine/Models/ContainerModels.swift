// Wire models: the engine's JSON as sent, fields spelled exactly as the Engine API spells them (so no
// mapping can drift). All but the id are optional: engines of different ages omit different fields, and a
// missing one must never fail a list (lists are decoded element by element, see LossyArray).
// swiftlint:disable identifier_name

public struct ContainerSummary: Decodable, Sendable, Hashable {
    public var Id: String
    public var Names: [String]?
    public var Image: String?
    public var ImageID: String?
    public var Command: String?
    public var Created: Int64?
    public var State: String?
    public var Status: String?
    public var Ports: [PortBinding]?
    public var Labels: [String: String]?
    public var Mounts: [MountPoint]?
    public var NetworkSettings: SummaryNetworks?

    public init(Id: String, Names: [String]? = nil, Image: String? = nil, ImageID: String? = nil,
                Command: String? = nil, Created: Int64? = nil, State: String? = nil, Status: String? = nil,
                Ports: [PortBinding]? = nil, Labels: [String: String]? = nil, Mounts: [MountPoint]? = nil,
                NetworkSettings: SummaryNetworks? = nil) {
        self.Id = Id; self.Names = Names; self.Image = Image; self.ImageID = ImageID; self.Command = Command
        self.Created = Created; self.State = State; self.Status = Status; self.Ports = Ports
        self.Labels = Labels; self.Mounts = Mounts; self.NetworkSettings = NetworkSettings
    }

    /// The first name without the leading slash the engine puts there.
    public var name: String {
        guard let first = Names?.first else { return String(Id.prefix(12)) }
        return first.hasPrefix("/") ? String(first.dropFirst()) : first
    }
}

public struct PortBinding: Decodable, Sendable, Hashable {
    public var IP: String?
    public var PrivatePort: Int?
    public var PublicPort: Int?
    public var `Type`: String?

    public init(IP: String? = nil, PrivatePort: Int? = nil, PublicPort: Int? = nil, Type: String? = nil) {
        self.IP = IP; self.PrivatePort = PrivatePort; self.PublicPort = PublicPort; self.Type = Type
    }
}

public struct MountPoint: Decodable, Sendable, Hashable {
    public var `Type`: String?
    public var Name: String?
    public var Source: String?
    public var Destination: String?
    public var Mode: String?
    public var RW: Bool?
}

public struct SummaryNetworks: Decodable, Sendable, Hashable {
    public var Networks: [String: EndpointSettings]?
}

public struct EndpointSettings: Decodable, Sendable, Hashable {
    public var NetworkID: String?
    public var IPAddress: String?
    public var Gateway: String?
    public var MacAddress: String?
}

public struct ContainerDetails: Decodable, Sendable, Hashable {
    public var Id: String
    public var Name: String?
    public var Created: String?
    public var Path: String?
    public var Args: [String]?
    public var Image: String?
    public var RestartCount: Int?
    public var State: ContainerState?
    public var Config: ContainerConfig?
    public var HostConfig: HostConfig?
    public var NetworkSettings: DetailNetworks?
    public var Mounts: [MountPoint]?
    public var GraphDriver: GraphDriver?
}

public struct ContainerState: Decodable, Sendable, Hashable {
    public var Status: String?
    public var Running: Bool?
    public var Paused: Bool?
    public var Restarting: Bool?
    public var OOMKilled: Bool?
    public var Dead: Bool?
    public var Pid: Int?
    public var ExitCode: Int?
    public var Error: String?
    public var StartedAt: String?
    public var FinishedAt: String?
    public var Health: Health?
}

public struct Health: Decodable, Sendable, Hashable {
    public var Status: String?
    public var FailingStreak: Int?
}

public struct ContainerConfig: Decodable, Sendable, Hashable {
    public var Hostname: String?
    public var User: String?
    public var Tty: Bool?
    public var OpenStdin: Bool?
    public var Env: [String]?
    public var Cmd: [String]?
    public var Entrypoint: [String]?
    public var Image: String?
    public var WorkingDir: String?
    public var Labels: [String: String]?
}

public struct HostConfig: Decodable, Sendable, Hashable {
    public var RestartPolicy: RestartPolicy?
    public var Memory: Int64?
    public var NanoCpus: Int64?
    public var CpuShares: Int64?
    public var NetworkMode: String?
    public var AutoRemove: Bool?
    public var Privileged: Bool?
}

public struct RestartPolicy: Decodable, Sendable, Hashable {
    public var Name: String?
    public var MaximumRetryCount: Int?
}

public struct DetailNetworks: Decodable, Sendable, Hashable {
    public var Networks: [String: EndpointSettings]?
    /// "80/tcp" -> host bindings; a value of null means exposed but not published.
    public var Ports: [String: [HostPort]?]?
}

public struct HostPort: Decodable, Sendable, Hashable {
    public var HostIp: String?
    public var HostPort: String?
}

public struct GraphDriver: Decodable, Sendable, Hashable {
    public var Name: String?
    public var Data: [String: String]?
}
