import Foundation

/// The private registries Scripts/registry.sh started, from `SWTOP_TEST_REGISTRY`
/// (`plain=HOST:PORT,auth=HOST:PORT,user=USER,password=PASSWORD`). Missing is a failure, never a skip.
public struct TestRegistries: Sendable {
    public let plain: String
    public let auth: String
    public let user: String
    public let password: String

    public static func fromEnvironment() throws -> TestRegistries {
        guard let spec = ProcessInfo.processInfo.environment["SWTOP_TEST_REGISTRY"], !spec.isEmpty else {
            throw TestFailure("SWTOP_TEST_REGISTRY is not set: run the tests with Scripts/test.sh, which starts the registries")
        }
        var fields: [String: String] = [:]
        for item in spec.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let plain = fields["plain"], let auth = fields["auth"], let user = fields["user"], let password = fields["password"] else {
            throw TestFailure("SWTOP_TEST_REGISTRY lacks plain, auth, user or password: \(spec)")
        }
        return TestRegistries(plain: plain, auth: auth, user: user, password: password)
    }

    /// A docker config folder holding this registry's credentials (`auths`), removed by the caller.
    public func configFolder(password override: String? = nil) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-dockercfg-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let token = Data("\(user):\(override ?? password)".utf8).base64EncodedString()
        try #"{"auths": {"\#(auth)": {"auth": "\#(token)"}}}"#.write(to: dir.appendingPathComponent("config.json"), atomically: true,
                                                                    encoding: .utf8)
        return dir.path
    }
}
