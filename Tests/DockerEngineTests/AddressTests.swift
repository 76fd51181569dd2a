import XCTest
@testable import DockerEngine

final class APIVersionTests: XCTestCase {
    func testNegotiationCapsAtNewestTested() {
        XCTAssertEqual(APIVersion.negotiate(engineMaximum: APIVersion(1, 41)), APIVersion(1, 41))
        XCTAssertEqual(APIVersion.negotiate(engineMaximum: APIVersion(1, 45)), APIVersion(1, 45))
        XCTAssertEqual(APIVersion.negotiate(engineMaximum: APIVersion(1, 52)), APIVersion(1, 45))
        XCTAssertEqual(APIVersion.negotiate(engineMaximum: nil), APIVersion.oldestSupported)
    }

    func testParsingAndOrdering() {
        XCTAssertEqual(APIVersion("1.41"), APIVersion(1, 41))
        XCTAssertNil(APIVersion("v1.41"))
        XCTAssertNil(APIVersion("1"))
        XCTAssertLessThan(APIVersion(1, 9), APIVersion(1, 41))
        XCTAssertEqual(APIVersion(1, 45).description, "1.45")
    }
}

final class EngineAddressTests: XCTestCase {
    func testForms() throws {
        XCTAssertEqual(try EngineAddress(parsing: "unix:///var/run/docker.sock"), .unix(path: "/var/run/docker.sock"))
        XCTAssertEqual(try EngineAddress(parsing: "/run/docker.sock"), .unix(path: "/run/docker.sock"))
        XCTAssertEqual(try EngineAddress(parsing: "tcp://10.0.0.5:2375"), .tcp(host: "10.0.0.5", port: 2375, tls: false))
        XCTAssertEqual(try EngineAddress(parsing: "tcp://engine.example"), .tcp(host: "engine.example", port: 2375, tls: false))
        XCTAssertEqual(try EngineAddress(parsing: "tcp://engine.example", tlsRequested: true),
                       .tcp(host: "engine.example", port: 2376, tls: true))
        XCTAssertEqual(try EngineAddress(parsing: "https://h:443"), .tcp(host: "h", port: 443, tls: true))
        XCTAssertEqual(try EngineAddress(parsing: "tcp://[::1]:2375"), .tcp(host: "::1", port: 2375, tls: false))
        XCTAssertEqual(try EngineAddress(parsing: "ssh://me@box:2222"), .ssh(user: "me", host: "box", port: 2222, socket: nil))
        XCTAssertEqual(try EngineAddress(parsing: "ssh://box"), .ssh(user: nil, host: "box", port: nil, socket: nil))
        XCTAssertEqual(try EngineAddress(parsing: "ssh://box/"), .ssh(user: nil, host: "box", port: nil, socket: nil))
        XCTAssertEqual(try EngineAddress(parsing: "ssh://me@box:2222/run/user/1000/docker.sock"),
                       .ssh(user: "me", host: "box", port: 2222, socket: "/run/user/1000/docker.sock"))
        XCTAssertEqual(try EngineAddress(parsing: "ssh://[::1]:22/var/run/docker.sock"),
                       .ssh(user: nil, host: "::1", port: 22, socket: "/var/run/docker.sock"))
    }

    func testRejections() {
        for bad in ["", "docker.sock", "unix://relative", "tcp://host:notaport", "tcp://host:70000", "npipe:////./pipe/x", "tcp://:2375",
                    "ssh://-oProxyCommand=x", "ssh://-l@box", "ssh://@box", "ssh://box/a:b.sock", "ssh://b ox", "ssh://box:0"] {
            XCTAssertThrowsError(try EngineAddress(parsing: bad), bad) { error in
                guard case DockerError.invalidHost = error else { return XCTFail("\(bad): \(error)") }
            }
        }
    }

    func testDescriptionRoundTrips() throws {
        for text in ["unix:///var/run/docker.sock", "tcp://h:2375", "https://h:2376", "tcp://[::1]:2375", "ssh://u@h:22",
                     "ssh://u@h:22/run/docker.sock", "ssh://h/var/run/docker.sock", "ssh://[::1]:22"] {
            XCTAssertEqual(try EngineAddress(parsing: text).description, text)
        }
    }
}

final class EndpointResolverTests: XCTestCase {
    var home: String!

    override func setUpWithError() throws {
        home = NSTemporaryDirectory() + "swtop-resolver-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: home)
    }

    func testOrder() throws {
        let env = ["DOCKER_HOST": "tcp://fromenv:2375"]
        XCTAssertEqual(try EndpointResolver.resolve(explicitHost: "unix:///x.sock", environment: env, homeDirectory: home).address,
                       .unix(path: "/x.sock"))
        let fromEnv = try EndpointResolver.resolve(explicitHost: nil, environment: env, homeDirectory: home)
        XCTAssertEqual(fromEnv.address, .tcp(host: "fromenv", port: 2375, tls: false))
        XCTAssertEqual(fromEnv.source, "DOCKER_HOST")
        let fallback = try EndpointResolver.resolve(explicitHost: nil, environment: [:], homeDirectory: home)
        XCTAssertEqual(fallback.address, .unix(path: "/var/run/docker.sock"))
    }

    func testSSHFromEnvironmentAndFromAContext() throws {
        let env = ["DOCKER_HOST": "ssh://ops@build-box:2222/run/user/1000/docker.sock"]
        let fromEnv = try EndpointResolver.resolve(explicitHost: nil, environment: env, homeDirectory: home)
        XCTAssertEqual(fromEnv.address, .ssh(user: "ops", host: "build-box", port: 2222, socket: "/run/user/1000/docker.sock"))
        let digest = SHA256.hex(Array("over-ssh".utf8))
        let meta = home + "/.docker/contexts/meta/\(digest)"
        try FileManager.default.createDirectory(atPath: meta, withIntermediateDirectories: true)
        try Data(#"{"Name":"over-ssh","Endpoints":{"docker":{"Host":"ssh://build-box","SkipTLSVerify":false}}}"#.utf8)
            .write(to: URL(fileURLWithPath: meta + "/meta.json"))
        let fromContext = try EndpointResolver.resolve(explicitHost: nil, environment: ["DOCKER_CONTEXT": "over-ssh"], homeDirectory: home)
        XCTAssertEqual(fromContext.address, .ssh(user: nil, host: "build-box", port: nil, socket: nil))
        XCTAssertEqual(fromContext.address.description, "ssh://build-box")
    }

    func testTLSFromEnvironment() throws {
        let env = ["DOCKER_HOST": "tcp://secure:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": home + "/certs"]
        try FileManager.default.createDirectory(atPath: home + "/certs", withIntermediateDirectories: true)
        for name in ["ca.pem", "cert.pem", "key.pem"] {
            _ = FileManager.default.createFile(atPath: home + "/certs/" + name, contents: Data("x".utf8))
        }
        let endpoint = try EndpointResolver.resolve(explicitHost: nil, environment: env, homeDirectory: home)
        XCTAssertEqual(endpoint.address, .tcp(host: "secure", port: 2376, tls: true))
        XCTAssertEqual(endpoint.tls, TLSMaterial(caFile: home + "/certs/ca.pem", certFile: home + "/certs/cert.pem",
                                                 keyFile: home + "/certs/key.pem", verify: true))
    }

    func testContextFromConfig() throws {
        // The docker CLI names the folder by the SHA-256 of the context name.
        let digest = SHA256.hex(Array("remote".utf8))
        let meta = home + "/.docker/contexts/meta/\(digest)"
        try FileManager.default.createDirectory(atPath: meta, withIntermediateDirectories: true)
        try Data(#"{"Name":"remote","Endpoints":{"docker":{"Host":"tcp://ctxhost:2375","SkipTLSVerify":false}}}"#.utf8)
            .write(to: URL(fileURLWithPath: meta + "/meta.json"))
        try Data(#"{"currentContext":"remote"}"#.utf8).write(to: URL(fileURLWithPath: home + "/.docker/config.json"))
        let endpoint = try EndpointResolver.resolve(explicitHost: nil, environment: [:], homeDirectory: home)
        XCTAssertEqual(endpoint.address, .tcp(host: "ctxhost", port: 2375, tls: false))
        XCTAssertEqual(endpoint.source, "context 'remote'")
        // DOCKER_CONTEXT wins over config.json; "default" means the default socket.
        let byEnv = try EndpointResolver.resolve(explicitHost: nil, environment: ["DOCKER_CONTEXT": "default"], homeDirectory: home)
        XCTAssertEqual(byEnv.address, .unix(path: "/var/run/docker.sock"))
        XCTAssertThrowsError(try EndpointResolver.resolve(explicitHost: nil, environment: ["DOCKER_CONTEXT": "missing"], homeDirectory: home))
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array(String(repeating: "a", count: 1000).utf8)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// Paths carry names byte-exact: everything but unreserved ASCII is percent-encoded, non-ASCII too.
    func testPathEscapingEncodesEveryNonUnreservedByte() {
        XCTAssertEqual(DockerClient.escape("web-1_a.b~c"), "web-1_a.b~c")
        XCTAssertEqual(DockerClient.escape("한"), "%ED%95%9C")
        XCTAssertEqual(DockerClient.escape("é/x y?&"), "%C3%A9%2Fx%20y%3F%26")
        XCTAssertEqual(DockerClient.escape("{\"a\":[1]}"), "%7B%22a%22%3A%5B1%5D%7D")
    }

    /// Durations are worded as the docker CLI words them, so STATUS reads like `docker ps`.
    func testDurationsReadLikeTheDockerCLI() {
        let cases: [(Double, String)] = [(0.3, "Less than a second"), (1, "1 second"), (59, "59 seconds"), (60, "About a minute"),
                                         (119, "About a minute"), (120, "2 minutes"), (3599, "59 minutes"), (3600, "About an hour"),
                                         (5400, "2 hours"), (47 * 3600, "47 hours"), (3 * 86400, "3 days"), (20 * 86400, "2 weeks"),
                                         (90 * 86400, "3 months"), (800 * 86400, "2 years")]
        for (seconds, text) in cases { XCTAssertEqual(RelativeTime.span(seconds), text, "\(seconds) s") }
    }
}
