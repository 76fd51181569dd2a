@testable import DockerEngine
import Foundation
import XCTest

/// Docker contexts on disk (temp folders laid out as the docker CLI writes them) and the order in which
/// the docker CLI picks an engine (cli/command/cli.go): --host with --context is an error, --context wins,
/// then --host, DOCKER_HOST, DOCKER_CONTEXT, config.json's currentContext, the default socket.
final class ContextCatalogTests: XCTestCase {
    var config = ""

    override func setUpWithError() throws {
        config = NSTemporaryDirectory() + "swtop-contexts-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: config)
    }

    func addContext(_ name: String, host: String, description: String? = nil, skipVerify: Bool = false,
                    tlsFiles: [String] = []) throws {
        let digest = SHA256.hex(Array(name.utf8))
        let meta = "\(config)/contexts/meta/\(digest)"
        try FileManager.default.createDirectory(atPath: meta, withIntermediateDirectories: true)
        let metadata = description.map { #"{"Description":"\#($0)"}"# } ?? "{}"
        let json = #"{"Name":"\#(name)","Metadata":\#(metadata),"Endpoints":{"docker":{"Host":"\#(host)","SkipTLSVerify":\#(skipVerify)}}}"#
        try Data(json.utf8).write(to: URL(fileURLWithPath: meta + "/meta.json"))
        if !tlsFiles.isEmpty {
            let folder = "\(config)/contexts/tls/\(digest)/docker"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for file in tlsFiles { _ = FileManager.default.createFile(atPath: folder + "/" + file, contents: Data("x".utf8)) }
        }
    }

    func setCurrent(_ name: String) throws {
        try Data(#"{"currentContext":"\#(name)"}"#.utf8).write(to: URL(fileURLWithPath: config + "/config.json"))
    }

    func resolve(host: String? = nil, context: String? = nil, tls: TLSOptions = TLSOptions(),
                 env: [String: String] = [:]) throws -> EngineEndpoint {
        var environment = env
        environment["DOCKER_CONFIG"] = config
        return try EndpointResolver.resolve(explicitHost: host, context: context, tlsOptions: tls, environment: environment,
                                            homeDirectory: "/nonexistent")
    }

    // MARK: - The catalog

    func testListGivesTheImplicitDefaultThenEveryContextByName() throws {
        try addContext("zeta", host: "ssh://me@far", description: "far away")
        try addContext("alpha", host: "tcp://10.0.0.1:2376", tlsFiles: ["ca.pem", "cert.pem", "key.pem"])
        try addContext("insecure", host: "tcp://10.0.0.2:2376", skipVerify: true)
        // A folder that is not a context is skipped and reported.
        try FileManager.default.createDirectory(atPath: config + "/contexts/meta/junk", withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: config + "/contexts/meta/junk/meta.json"))
        let (contexts, problems) = ContextCatalog.listWithProblems(configDir: config, environment: [:])
        XCTAssertEqual(contexts.map(\.name), ["default", "alpha", "insecure", "zeta"])
        XCTAssertEqual(contexts[0], DockerContext(name: "default", description: "Current DOCKER_HOST based configuration",
                                                   host: "unix:///var/run/docker.sock", isDefault: true))
        XCTAssertEqual(contexts[1].tlsFolder, "\(config)/contexts/tls/\(SHA256.hex(Array("alpha".utf8)))/docker")
        XCTAssertTrue(contexts[1].usesTLS)
        XCTAssertTrue(contexts[2].usesTLS, "SkipTLSVerify alone means TLS without verification")
        XCTAssertEqual(try contexts[2].endpoint().tls, TLSMaterial(verify: false))
        XCTAssertEqual(try contexts[2].endpoint().address, .tcp(host: "10.0.0.2", port: 2376, tls: true))
        XCTAssertEqual(contexts[3].description, "far away")
        XCTAssertFalse(contexts[3].usesTLS)
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("junk"), problems[0])
        // The default context follows DOCKER_HOST.
        XCTAssertEqual(ContextCatalog.list(configDir: config, environment: ["DOCKER_HOST": "tcp://h:1"]).first?.host, "tcp://h:1")
    }

    func testNoContextsFolderListsOnlyTheDefault() {
        XCTAssertEqual(ContextCatalog.list(configDir: config + "/missing", environment: [:]).map(\.name), ["default"])
    }

    func testCurrentNameFollowsTheCLI() throws {
        try addContext("remote", host: "tcp://r:2375")
        XCTAssertEqual(ContextCatalog.currentName(configDir: config, environment: [:]), "default")
        try setCurrent("remote")
        XCTAssertEqual(ContextCatalog.currentName(configDir: config, environment: [:]), "remote")
        XCTAssertEqual(ContextCatalog.currentName(configDir: config, environment: ["DOCKER_CONTEXT": "other"]), "other")
        XCTAssertEqual(ContextCatalog.currentName(configDir: config, environment: ["DOCKER_HOST": "tcp://x:1", "DOCKER_CONTEXT": "other"]),
                       "default")
    }

    // MARK: - Precedence

    func testHostAndContextTogetherAreAnError() throws {
        try addContext("remote", host: "tcp://r:2375")
        XCTAssertThrowsError(try resolve(host: "unix:///x.sock", context: "remote")) { error in
            XCTAssertTrue(String(describing: error).contains("either give --host or --context, not both"), "\(error)")
        }
    }

    func testContextFlagBeatsDockerHostWhichBeatsDockerContextWhichBeatsConfig() throws {
        try addContext("flag", host: "tcp://flag:2375")
        try addContext("env", host: "tcp://env:2375")
        try addContext("config", host: "tcp://config:2375")
        try setCurrent("config")
        let host = ["DOCKER_HOST": "tcp://dockerhost:2375", "DOCKER_CONTEXT": "env"]
        XCTAssertEqual(try resolve(context: "flag", env: host).address, .tcp(host: "flag", port: 2375, tls: false))
        XCTAssertEqual(try resolve(context: "flag", env: host).source, "context 'flag'")
        XCTAssertEqual(try resolve(host: "tcp://h:1", env: host).source, "--host")
        XCTAssertEqual(try resolve(env: host).address, .tcp(host: "dockerhost", port: 2375, tls: false))
        XCTAssertEqual(try resolve(env: ["DOCKER_CONTEXT": "env"]).address, .tcp(host: "env", port: 2375, tls: false))
        XCTAssertEqual(try resolve().address, .tcp(host: "config", port: 2375, tls: false))
        // `default` is DOCKER_HOST's engine, else the default socket.
        XCTAssertEqual(try resolve(context: "default", env: ["DOCKER_HOST": "tcp://dh:2"]).address, .tcp(host: "dh", port: 2, tls: false))
        XCTAssertEqual(try resolve(context: "default").address, .unix(path: "/var/run/docker.sock"))
    }

    func testAMissingContextNamesWhereItWasLookedFor() throws {
        try setCurrent("gone")
        XCTAssertThrowsError(try resolve()) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("docker context 'gone' not found"), text)
            XCTAssertTrue(text.contains("currentContext in \(config)/config.json"), text)
        }
        XCTAssertThrowsError(try resolve(context: "nope")) { error in
            XCTAssertTrue(String(describing: error).contains("[from --context]"), "\(error)")
        }
    }

    func testAContextsTLSFilesAndSkipTLSVerify() throws {
        try addContext("secure", host: "tcp://s:2376", tlsFiles: ["ca.pem", "cert.pem", "key.pem"])
        try addContext("skip", host: "tcp://k:2376", skipVerify: true, tlsFiles: ["cert.pem", "key.pem"])
        let folder = "\(config)/contexts/tls/\(SHA256.hex(Array("secure".utf8)))/docker"
        let secure = try resolve(context: "secure")
        XCTAssertEqual(secure.address, .tcp(host: "s", port: 2376, tls: true))
        XCTAssertEqual(secure.tls, TLSMaterial(caFile: folder + "/ca.pem", certFile: folder + "/cert.pem", keyFile: folder + "/key.pem",
                                               verify: true))
        let skip = try resolve(context: "skip")
        XCTAssertEqual(skip.tls?.verify, false)
        XCTAssertNil(skip.tls?.caFile)
    }

    // MARK: - TLS of the default context

    func testTLSFlagsAndVariablesFollowTheCLI() throws {
        let certs = config + "/certs"
        try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
        for name in ["ca.pem", "cert.pem", "key.pem"] { _ = FileManager.default.createFile(atPath: certs + "/" + name, contents: Data()) }
        // tcp:// stays plain HTTP without a TLS flag or variable, even with DOCKER_CERT_PATH.
        XCTAssertEqual(try resolve(host: "tcp://e:2376", env: ["DOCKER_CERT_PATH": certs]).tls, nil)
        // Any non-empty DOCKER_TLS_VERIFY: TLS and verification (the CLI tests != "").
        for value in ["1", "0", "false"] {
            let endpoint = try resolve(host: "tcp://e:2376", env: ["DOCKER_TLS_VERIFY": value, "DOCKER_CERT_PATH": certs])
            XCTAssertEqual(endpoint.address, .tcp(host: "e", port: 2376, tls: true), value)
            XCTAssertEqual(endpoint.tls, TLSMaterial(caFile: certs + "/ca.pem", certFile: certs + "/cert.pem", keyFile: certs + "/key.pem",
                                                     verify: true), value)
        }
        // DOCKER_TLS or --tls: TLS without verification.
        XCTAssertEqual(try resolve(host: "tcp://e", env: ["DOCKER_TLS": "1"]).tls?.verify, false)
        XCTAssertEqual(try resolve(host: "tcp://e", env: ["DOCKER_TLS": "1"]).address, .tcp(host: "e", port: 2376, tls: true))
        XCTAssertEqual(try resolve(host: "tcp://e:1", tls: TLSOptions(tls: true)).tls?.verify, false)
        // The flags' files win over DOCKER_CERT_PATH; the cert folder defaults to the config folder.
        let flagged = try resolve(host: "tcp://e:1", tls: TLSOptions(verify: true, caFile: certs + "/cert.pem"), env: ["DOCKER_CERT_PATH": certs])
        XCTAssertEqual(flagged.tls?.caFile, certs + "/cert.pem")
        XCTAssertEqual(flagged.tls?.keyFile, certs + "/key.pem")
        XCTAssertEqual(try resolve(host: "tcp://e:1", tls: TLSOptions(verify: true)).tls, TLSMaterial(verify: true))
        XCTAssertThrowsError(try resolve(host: "tcp://e:1", tls: TLSOptions(verify: true, certFile: certs + "/missing.pem"))) { error in
            XCTAssertTrue(String(describing: error).contains("--tlscert \(certs)/missing.pem: no such file"), "\(error)")
        }
        // A unix socket ignores TLS settings.
        XCTAssertNil(try resolve(host: "unix:///x.sock", tls: TLSOptions(verify: true)).tls)
    }

    func testSeveralContextsResolveInOrder() throws {
        try addContext("a", host: "tcp://a:2375")
        try addContext("b", host: "tcp://b:2375")
        var env = ["DOCKER_CONFIG": config]
        let both = try EndpointResolver.resolveAll(hosts: [], contexts: ["a,b", "a"], environment: env, homeDirectory: "/nonexistent")
        XCTAssertEqual(both.map(\.source), ["context 'a'", "context 'b'"])
        XCTAssertThrowsError(try EndpointResolver.resolveAll(hosts: ["tcp://x:1"], contexts: ["a"], environment: env,
                                                              homeDirectory: "/nonexistent"))
        env["DOCKER_HOST"] = "tcp://dh:3"
        XCTAssertEqual(try EndpointResolver.resolveAll(hosts: [], contexts: [], environment: env, homeDirectory: "/nonexistent")
            .map(\.address), [.tcp(host: "dh", port: 3, tls: false)])
    }
}
