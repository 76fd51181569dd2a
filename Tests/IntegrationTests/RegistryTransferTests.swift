import DockerEngine
import Foundation
import TestSupport
import XCTest

/// Push from one engine, pull on the other, through the private registries: the image arrives with
/// the same id and layers; a registry that wants credentials refuses without them, with a message
/// that says how to log in, and takes them from a docker config.json.
final class RegistryTransferTests: EngineTestCase {
    /// An image of the test's own on `engine`: busybox plus a layer no other image has.
    func uniqueImage(_ engine: TestEngine, tag: String) throws -> String {
        let builder = Repo.uniqueName("swtop-push-b")
        try engine.docker("run", "--name", builder, "swtop/busybox:latest", "sh", "-c", "echo \(builder) > /mark")
        defer { _ = try? engine.dockerResult(["rm", "-f", builder]) }
        try engine.docker("commit", builder, tag)
        addTeardownBlock { _ = try? engine.dockerResult(["rmi", "-f", tag]) }
        return try engine.docker("image", "inspect", "-f", "{{.Id}}", tag).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func collect(_ stream: AsyncThrowingStream<ProgressMessage, Error>) async throws -> TransferProgress {
        var progress = TransferProgress()
        for try await message in stream { progress.apply(message) }
        return progress
    }

    func testAPushFromOneEngineIsPulledOnTheOtherWithItsLayers() async throws {
        let registries = try TestRegistries.fromEnvironment()
        let engines = try TestEngine.all()
        XCTAssertEqual(engines.count, 2)
        let (from, to) = (engines[0], engines[1])
        let name = "\(registries.plain)/swtop/\(Repo.uniqueName("moved")):v1"
        let id = try uniqueImage(from, tag: name)
        let reference = try XCTUnwrap(ImageReference(name))
        let source = try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: from.host))
        let pushed = try await collect(try await source.pushImage(reference, auth: nil))
        await source.shutdown()
        XCTAssertNil(pushed.error)
        XCTAssertEqual(pushed.layers.count, 2, "busybox's layer and the test's: \(pushed.layers)")
        XCTAssertTrue(pushed.layers.allSatisfy { $0.status == "Pushed" || $0.status == "Layer already exists" || $0.status.hasPrefix("Mounted from ") }, "\(pushed.layers)")
        XCTAssertNotNil(pushed.digest)

        addTeardownBlock { _ = try? to.dockerResult(["rmi", "-f", name]) }
        let target = try await DockerClient.connect(try EndpointResolver.resolve(explicitHost: to.host))
        let pulled = try await collect(try await target.pullImage(reference, auth: nil))
        await target.shutdown()
        XCTAssertNil(pulled.error)
        XCTAssertEqual(pulled.digest, pushed.digest)
        XCTAssertTrue(pulled.layers.contains { $0.status == "Pull complete" }, "the new layer came down: \(pulled.layers)")
        XCTAssertEqual(try to.docker("image", "inspect", "-f", "{{.Id}}", name).trimmingCharacters(in: .whitespacesAndNewlines), id,
                       "the same image on the other engine")
        XCTAssertEqual(try to.docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", name),
                       try from.docker("image", "inspect", "-f", "{{json .RootFS.Layers}}", name), "the same layers")
    }

    func testACredentialedRegistryRefusesWithoutAndAcceptsWithTheConfigsAuth() async throws {
        let registries = try TestRegistries.fromEnvironment()
        try await forEachEngine { engine, client in
            let name = "\(registries.auth)/swtop/\(Repo.uniqueName("guarded")):v1"
            _ = try uniqueImage(engine, tag: name)
            let reference = try XCTUnwrap(ImageReference(name))
            // No credentials: refused, and the message says which registry and how to log in.
            let anonymous = try RegistryAuth.lookup(reference.registry, environment: ["DOCKER_CONFIG": "/nonexistent"])
            let refused = try await collect(try await client.pushImage(reference, auth: anonymous))
            let error = try XCTUnwrap(refused.error, "[\(engine.name)] pushed without credentials")
            let said = RegistryAuth.explain(error, registry: reference.registry, auth: anonymous)
            XCTAssertTrue(said.contains("the registry \(registries.auth) refused") && said.contains("docker login \(registries.auth)"),
                          "[\(engine.name)] \(said)")
            // Wrong password: refused too, and the message says the credentials were.
            let wrongDir = try registries.configFolder(password: "wrong")
            defer { try? FileManager.default.removeItem(atPath: wrongDir) }
            let wrong = try RegistryAuth.lookup(reference.registry, environment: ["DOCKER_CONFIG": wrongDir])
            let badPush = try await collect(try await client.pushImage(reference, auth: wrong))
            XCTAssertTrue(RegistryAuth.explain(try XCTUnwrap(badPush.error), registry: reference.registry, auth: wrong)
                .contains("credentials from \(wrongDir)/config.json were refused"), "[\(engine.name)] \(badPush.error ?? "")")
            // From config.json: accepted.
            let dir = try registries.configFolder()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let auth = try RegistryAuth.lookup(reference.registry, environment: ["DOCKER_CONFIG": dir])
            XCTAssertFalse(auth.isAnonymous)
            let pushed = try await collect(try await client.pushImage(reference, auth: auth))
            XCTAssertNil(pushed.error, "[\(engine.name)]")
            XCTAssertNotNil(pushed.digest, "[\(engine.name)]")
        }
    }
}
