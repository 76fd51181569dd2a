import DockerEngine
import Foundation
import TestSupport
import XCTest

/// The private TLS engine (dockerd 20.10 with --tlsverify on a loopback port, certificates made by
/// Scripts/tls-certs.sh): swtop connects with the right certificates and sees what the unix socket shows;
/// exec runs over TLS on the hijacked connection; a wrong CA, a missing client certificate and the wrong
/// protocol on either side are refused with a line naming what to change.
final class TLSTests: XCTestCase {
    func engine() throws -> TLSTestEngine { try TLSTestEngine.get() }

    func rightCerts(_ engine: TLSTestEngine) -> TLSOptions {
        TLSOptions(verify: true, caFile: engine.file("ca.pem"), certFile: engine.file("cert.pem"), keyFile: engine.file("key.pem"))
    }

    func connect(_ endpoint: EngineEndpoint) async throws -> DockerClient {
        try await DockerClient.connect(endpoint)
    }

    /// What connecting fails with, as a user reads it; fails the test when it connects.
    func refusal(_ endpoint: EngineEndpoint, file: StaticString = #filePath, line: UInt = #line) async -> (String, Double) {
        let start = Date()
        do {
            let client = try await DockerClient.connect(endpoint)
            await client.shutdown()
            XCTFail("connected to \(endpoint.address) although it should be refused", file: file, line: line)
            return ("", 0)
        } catch {
            return (String(describing: error), Date().timeIntervalSince(start))
        }
    }

    func names(_ client: DockerClient) async throws -> [String] {
        try await client.containers(all: true).map(\.name).sorted()
    }

    func testListsOverTLSEqualTheUnixSocketsLists() async throws {
        let engine = try engine()
        let endpoint = try EndpointResolver.resolve(explicitHost: engine.host, tlsOptions: rightCerts(engine), environment: [:])
        XCTAssertEqual(endpoint.address, .tcp(host: "127.0.0.1", port: Int(engine.host.split(separator: ":").last!)!, tls: true))
        let tls = try await connect(endpoint)
        let unix = try await connect(try EndpointResolver.resolve(explicitHost: engine.socket, environment: [:]))
        do {
            let overTLS = try await names(tls)
            XCTAssertTrue(overTLS.contains("swtop-running"), "\(overTLS)")
            let overUnix = try await names(unix)
            XCTAssertEqual(overTLS, overUnix)
            let cli = try engine.docker("ps", "-a", "--format", "{{.Names}}").split(separator: "\n").map(String.init).sorted()
            XCTAssertEqual(overTLS, cli)
            let imagesTLS = try await tls.images().map(\.Id).sorted()
            let imagesUnix = try await unix.images().map(\.Id).sorted()
            XCTAssertEqual(imagesTLS, imagesUnix)
            XCTAssertFalse(imagesTLS.isEmpty)
            XCTAssertEqual(tls.apiVersion, unix.apiVersion)
        } catch {
            XCTFail("\(error)")
        }
        await tls.shutdown()
        await unix.shutdown()
    }

    func testExecOverTLSRunsOnTheHijackedConnection() async throws {
        let engine = try engine()
        let name = Repo.uniqueName("swtop-tls-exec")
        let id = try engine.docker("run", "-d", "--name", name, "--label", "swtop.test=1", "swtop/busybox:latest", "sh", "-c",
                                   "trap 'exit 0' TERM; while :; do sleep 1; done").trimmingCharacters(in: .whitespacesAndNewlines)
        addTeardownBlock { _ = try? engine.docker("rm", "-f", id) }
        let client = try await connect(try EndpointResolver.resolve(explicitHost: engine.host, tlsOptions: rightCerts(engine),
                                                                    environment: [:]))
        do {
            let exec = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "echo over-tls; echo err >&2; exit 3"],
                                                                tty: false, stdin: false))
            let session = try await Session.run(client, exec, tty: false, seconds: 20)
            XCTAssertEqual(session.end, .exited(3))
            XCTAssertEqual(session.text(.stdout), "over-tls\n")
            XCTAssertEqual(session.text(.stderr), "err\n")
            // The end of input reaches the process over TLS too (close_notify, then the write half's FIN).
            let piped = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "cat; echo after-eof"], tty: false, stdin: true))
            let eof = try await Session.run(client, piped, tty: false, seconds: 20, input: [.bytes(Array("hello\n".utf8)), .endOfInput])
            XCTAssertEqual(eof.end, .exited(0))
            XCTAssertEqual(eof.text(.stdout), "hello\nafter-eof\n")
            // With a terminal and input: what is typed comes back through the TLS stream.
            let tty = try await client.createExec(id, ExecSpec(command: ["sh", "-c", "read line; echo got:$line"], tty: true, stdin: true))
            let typed = try await Session.run(client, tty, tty: true, seconds: 20, input: [.bytes(Array("hello\n".utf8))])
            XCTAssertEqual(typed.end, .exited(0))
            XCTAssertTrue(typed.text(.stdout).contains("got:hello"), typed.text(.stdout))
        } catch {
            XCTFail("\(error)")
        }
        await client.shutdown()
    }

    func testAWrongCAIsRefusedNamingTheCAFile() async throws {
        let engine = try engine()
        let wrong = engine.file("wrong-ca/ca.pem")
        var options = rightCerts(engine)
        options.caFile = wrong
        let endpoint = try EndpointResolver.resolve(explicitHost: engine.host, tlsOptions: options, environment: [:])
        let (message, seconds) = await refusal(endpoint)
        XCTAssertTrue(message.contains("TLS: the engine's certificate is not signed by the CA in \(wrong)"), message)
        XCTAssertTrue(message.contains(engine.host.replacingOccurrences(of: "tcp://", with: "https://")), message)
        XCTAssertLessThan(seconds, 5, "a TLS refusal is said at once, not retried until a deadline")
    }

    func testNoClientCertificateIsRefusedSayingWhichFlagsGiveOne() async throws {
        let engine = try engine()
        let endpoint = try EndpointResolver.resolve(explicitHost: engine.host,
                                                    tlsOptions: TLSOptions(verify: true, caFile: engine.file("no-client/ca.pem")),
                                                    environment: [:])
        XCTAssertNil(endpoint.tls?.certFile)
        let (message, seconds) = await refusal(endpoint)
        XCTAssertTrue(message.contains("TLS: the engine asked for a client certificate (give --tlscert/--tlskey or DOCKER_CERT_PATH)"),
                      message)
        XCTAssertLessThan(seconds, 5)
    }

    func testPlainHTTPToTheTLSPortSaysTheEngineSpeaksTLS() async throws {
        let engine = try engine()
        let endpoint = try EndpointResolver.resolve(explicitHost: engine.host, environment: [:])
        XCTAssertNil(endpoint.tls)
        let (message, _) = await refusal(endpoint)
        XCTAssertTrue(message.contains("speaks TLS on that port: give --tlsverify"), message)
    }

    func testTLSToAPlainHTTPPortSaysItDoesNotSpeakTLS() async throws {
        let engine = try engine()
        // The seeded swtop-web container: busybox httpd, plain HTTP on 127.0.0.1:18085.
        let endpoint = try EndpointResolver.resolve(explicitHost: "tcp://127.0.0.1:18085", tlsOptions: rightCerts(engine),
                                                    environment: [:])
        let (message, seconds) = await refusal(endpoint)
        XCTAssertTrue(message.contains("does not speak TLS on that port"), message)
        XCTAssertLessThan(seconds, 5)
    }

    func testDockerCertPathAndDockerTLSVerifyFromTheEnvironment() async throws {
        let engine = try engine()
        // Any non-empty DOCKER_TLS_VERIFY turns verification on, "0" too (the docker CLI's rule).
        for verify in ["1", "0"] {
            let env = ["DOCKER_HOST": engine.host, "DOCKER_TLS_VERIFY": verify, "DOCKER_CERT_PATH": engine.certs]
            let endpoint = try EndpointResolver.resolve(explicitHost: nil, environment: env, homeDirectory: "/nonexistent")
            XCTAssertEqual(endpoint.tls, TLSMaterial(caFile: engine.file("ca.pem"), certFile: engine.file("cert.pem"),
                                                     keyFile: engine.file("key.pem"), verify: true))
            XCTAssertEqual(endpoint.source, "DOCKER_HOST")
            let client = try await connect(endpoint)
            let listed = try await names(client)
            await client.shutdown()
            XCTAssertTrue(listed.contains("swtop-running"), "\(listed)")
        }
        // DOCKER_CERT_PATH alone does not turn TLS on: plain HTTP, refused with the hint.
        let plain = try EndpointResolver.resolve(explicitHost: nil, environment: ["DOCKER_HOST": engine.host, "DOCKER_CERT_PATH": engine.certs],
                                                 homeDirectory: "/nonexistent")
        XCTAssertNil(plain.tls)
        let (message, _) = await refusal(plain)
        XCTAssertTrue(message.contains("speaks TLS"), message)
    }

    func testAContextWithTLSFilesOnDiskConnects() async throws {
        let engine = try engine()
        let config = try DockerConfigFolder()
        defer { config.remove() }
        try config.addContext("secure", host: engine.host, description: "the TLS engine",
                              tls: ["ca.pem": engine.file("ca.pem"), "cert.pem": engine.file("cert.pem"), "key.pem": engine.file("key.pem")])
        try config.addContext("wrong", host: engine.host,
                              tls: ["ca.pem": engine.file("wrong-ca/ca.pem"), "cert.pem": engine.file("cert.pem"),
                                    "key.pem": engine.file("key.pem")])
        try config.setCurrent("secure")
        let env = ["DOCKER_CONFIG": config.path]
        // The current context of config.json, then --context.
        for context in [nil, "secure"] {
            let endpoint = try EndpointResolver.resolve(explicitHost: nil, context: context, environment: env)
            XCTAssertEqual(endpoint.source, "context 'secure'")
            XCTAssertEqual(endpoint.tls?.verify, true)
            let client = try await connect(endpoint)
            let listed = try await names(client)
            await client.shutdown()
            XCTAssertTrue(listed.contains("swtop-running"), "\(listed)")
        }
        let wrong = try EndpointResolver.resolve(explicitHost: nil, context: "wrong", environment: env)
        let (message, _) = await refusal(wrong)
        XCTAssertTrue(message.contains("TLS: the engine's certificate is not signed by the CA in \(config.path)/contexts/tls/"), message)
    }
}
