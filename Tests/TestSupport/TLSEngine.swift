import Foundation

/// The private TLS engine Scripts/test.sh starts (`engines.sh up tls`), named in
/// `SWTOP_TEST_TLS="host=tcp://127.0.0.1:PORT,certs=DIR,sock=unix://..."`: its TLS listener, its
/// certificate folder (ca.pem, cert.pem, key.pem, wrong-ca/ca.pem, no-client/ca.pem) and its unix socket.
public struct TLSTestEngine: Sendable {
    public let host: String
    public let certs: String
    public let socket: String

    public static func get() throws -> TLSTestEngine {
        guard let spec = ProcessInfo.processInfo.environment["SWTOP_TEST_TLS"], !spec.isEmpty else {
            throw TestFailure("SWTOP_TEST_TLS is not set: run the tests with Scripts/test.sh, which starts the TLS engine "
                + "(or: Scripts/engines.sh up tls && seed tls, then host=$(engines.sh tls-host tls),certs=$(engines.sh certs tls),sock=unix://$(engines.sh sock tls))")
        }
        var fields: [String: String] = [:]
        for item in spec.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let host = fields["host"], let certs = fields["certs"], let socket = fields["sock"] else {
            throw TestFailure("SWTOP_TEST_TLS must hold host=...,certs=...,sock=...: \(spec)")
        }
        return TLSTestEngine(host: host, certs: certs, socket: socket)
    }

    /// The docker CLI on the engine's unix socket: the reference the tests compare with.
    @discardableResult
    public func docker(_ arguments: String...) throws -> String {
        try Shell.check([Repo.dockerCLI, "-H", socket] + arguments, environment: ["DOCKER_CONFIG": NSTemporaryDirectory() + "swtop-tls-cli"])
    }

    public func file(_ name: String) -> String { certs + "/" + name }
}

/// A docker config folder of a test's own (DOCKER_CONFIG), holding contexts as the docker CLI writes them.
public struct DockerConfigFolder {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "swtop-docker-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// `contexts/meta/<sha256>/meta.json` and, when `tls` holds files, `contexts/tls/<sha256>/docker/`
    /// with them copied in as ca.pem, cert.pem, key.pem.
    public func addContext(_ name: String, host: String, description: String = "", skipTLSVerify: Bool = false,
                           tls: [String: String] = [:]) throws {
        let digest = try Shell.check(["sh", "-c", "printf '%s' \"$1\" | sha256sum | cut -d' ' -f1", "sh", name])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let meta = path + "/contexts/meta/" + digest
        try FileManager.default.createDirectory(atPath: meta, withIntermediateDirectories: true)
        let document: [String: Any] = [
            "Name": name, "Metadata": ["Description": description],
            "Endpoints": ["docker": ["Host": host, "SkipTLSVerify": skipTLSVerify]],
        ]
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: meta + "/meta.json"))
        guard !tls.isEmpty else { return }
        let folder = path + "/contexts/tls/" + digest + "/docker"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (target, source) in tls {
            try FileManager.default.copyItem(atPath: source, toPath: folder + "/" + target)
        }
    }

    public func setCurrent(_ name: String) throws {
        try Data("{\"currentContext\":\"\(name)\"}".utf8).write(to: URL(fileURLWithPath: path + "/config.json"))
    }
}
