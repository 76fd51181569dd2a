@testable import DockerEngine
import Foundation
import XCTest

/// References, credentials and progress as the docker CLI reads and shows them.
final class RegistryTests: XCTestCase {
    func testReferencesNameTheirRegistryAsTheDockerCLIDoes() throws {
        let hub = try XCTUnwrap(ImageReference("busybox"))
        XCTAssertEqual(hub.registry, "docker.io")
        XCTAssertEqual(hub.repository, "busybox")
        XCTAssertNil(hub.tag)
        XCTAssertEqual(hub.tagOrLatest, "latest")
        let local = try XCTUnwrap(ImageReference("localhost:5000/team/app:1.2"))
        XCTAssertEqual(local.registry, "localhost:5000")
        XCTAssertEqual(local.repository, "localhost:5000/team/app")
        XCTAssertEqual(local.tag, "1.2")
        XCTAssertEqual(ImageReference("127.0.0.1:15000/swtop/bb")?.registry, "127.0.0.1:15000")
        XCTAssertEqual(ImageReference("registry.example.com/app@sha256:abc")?.digest, "sha256:abc")
        XCTAssertEqual(ImageReference("team/app:v1")?.registry, "docker.io", "a first part without . or : is a Hub user")
        for bad in ["", "App", "app:", "app:bad tag", "/app", "app/", "a//b", "-app", "app@nodigest", "app:" + String(repeating: "x", count: 129)] {
            XCTAssertNil(ImageReference(bad), bad)
        }
    }

    func folder(_ config: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-auth-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try config.write(to: dir.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        return dir.path
    }

    func decodedHeader(_ auth: RegistryAuth) throws -> [String: String] {
        let base64 = auth.header.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }
        var text = String(base64)
        while text.count % 4 != 0 { text += "=" }
        return try JSONDecoder().decode([String: String].self, from: try XCTUnwrap(Data(base64Encoded: text)))
    }

    func testCredentialsComeFromAuthsATokenOrAHelperAndABrokenFileIsSaid() throws {
        let auth = Data("swtop:s3cr:et".utf8).base64EncodedString()
        let dir = try folder(#"{"auths": {"127.0.0.1:15001": {"auth": "\#(auth)"}, "https://index.docker.io/v1/": {"identitytoken": "tok"}}}"#)
        let found = try RegistryAuth.lookup("127.0.0.1:15001", environment: ["DOCKER_CONFIG": dir])
        XCTAssertEqual(found.username, "swtop")
        XCTAssertEqual(found.password, "s3cr:et", "only the first colon splits")
        XCTAssertEqual(try decodedHeader(found), ["username": "swtop", "password": "s3cr:et", "serveraddress": "127.0.0.1:15001"])
        let hub = try RegistryAuth.lookup("docker.io", environment: ["DOCKER_CONFIG": dir])
        XCTAssertEqual(try decodedHeader(hub), ["identitytoken": "tok", "serveraddress": "https://index.docker.io/v1/"])
        let none = try RegistryAuth.lookup("other.example:5000", environment: ["DOCKER_CONFIG": dir])
        XCTAssertTrue(none.isAnonymous)
        XCTAssertEqual(try decodedHeader(none), [:], "anonymous: {}")
        XCTAssertTrue(try RegistryAuth.lookup("x.example", environment: ["DOCKER_CONFIG": "/nonexistent"]).isAnonymous)
        let broken = try folder("{not json")
        XCTAssertThrowsError(try RegistryAuth.lookup("x.example", environment: ["DOCKER_CONFIG": broken]))

        // A credential helper, as `docker login` with credsStore leaves it: run with the server on stdin.
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("swtop-helper-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: bin) }
        let script = bin.appendingPathComponent("docker-credential-swtoptest")
        try """
        #!/bin/sh
        read server
        case "$server" in
          reg.example:5000) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-pass"}' "$server" ;;
          tok.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"id-token"}' "$server" ;;
          *) echo "credentials not found in native keychain"; exit 1 ;;
        esac
        """.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let helperDir = try folder(#"{"credsStore": "swtoptest", "auths": {"plain.example": {"auth": "\#(auth)"}}}"#)
        let env = ["DOCKER_CONFIG": helperDir, "PATH": bin.path + ":/usr/bin:/bin"]
        let helped = try RegistryAuth.lookup("reg.example:5000", environment: env)
        XCTAssertEqual(helped.username, "helper-user")
        XCTAssertEqual(helped.password, "helper-pass")
        XCTAssertEqual(helped.source, "docker-credential-swtoptest")
        XCTAssertEqual(try RegistryAuth.lookup("tok.example", environment: env).identityToken, "id-token")
        XCTAssertEqual(try RegistryAuth.lookup("plain.example", environment: env).username, "swtop",
                       "not in the helper: auths still answers")
        XCTAssertTrue(try RegistryAuth.lookup("nowhere.example", environment: env).isAnonymous)
        let missing = try folder(#"{"credHelpers": {"reg.example": "absent"}}"#)
        XCTAssertThrowsError(try RegistryAuth.lookup("reg.example", environment: ["DOCKER_CONFIG": missing, "PATH": "/nonexistent"])) {
            XCTAssertTrue("\($0)".contains("docker-credential-absent"), "\($0)")
        }
    }

    func testProgressKeepsOneLinePerLayerAndTheImageLinesApart() throws {
        let lines = [
            #"{"status":"Pulling from swtop/bb","id":"1"}"#,
            #"{"status":"Pulling fs layer","progressDetail":{},"id":"ad91edb0c720"}"#,
            #"{"status":"Already exists","progressDetail":{},"id":"0123456789ab"}"#,
            #"{"status":"Downloading","progressDetail":{"current":500000,"total":1100000},"progress":"[==>  ]","id":"ad91edb0c720"}"#,
            #"{"status":"Download complete","progressDetail":{},"id":"ad91edb0c720"}"#,
            #"{"status":"Extracting","progressDetail":{"current":1100000,"total":1100000},"id":"ad91edb0c720"}"#,
            #"{"status":"Pull complete","progressDetail":{},"id":"ad91edb0c720"}"#,
            #"{"status":"Digest: sha256:c955"}"#,
            #"{"status":"Status: Downloaded newer image for 127.0.0.1:15000/swtop/bb:1"}"#,
        ]
        var progress = TransferProgress()
        for line in lines { progress.apply(try JSONDecoder().decode(ProgressMessage.self, from: Data(line.utf8))) }
        XCTAssertEqual(progress.layers.map(\.id), ["ad91edb0c720", "0123456789ab"])
        XCTAssertEqual(progress.layers.map(\.status), ["Pull complete", "Already exists"])
        XCTAssertEqual(progress.layers[0].total, 1_100_000)
        XCTAssertEqual(progress.notes, ["1: Pulling from swtop/bb", "Digest: sha256:c955",
                                        "Status: Downloaded newer image for 127.0.0.1:15000/swtop/bb:1"])
        XCTAssertEqual(progress.digest, "sha256:c955")
        XCTAssertEqual(progress.summary.done, 2)
        var failed = TransferProgress()
        failed.apply(try JSONDecoder().decode(ProgressMessage.self,
                                              from: Data(#"{"errorDetail":{"message":"unauthorized"},"error":"unauthorized"}"#.utf8)))
        XCTAssertEqual(failed.error, "unauthorized")
        let explained = RegistryAuth.explain("unauthorized: authentication required", registry: "127.0.0.1:15001", auth: nil)
        XCTAssertTrue(explained.contains("the registry 127.0.0.1:15001 refused") && explained.contains("docker login 127.0.0.1:15001"),
                      explained)
        XCTAssertEqual(RegistryAuth.explain("manifest unknown", registry: "r", auth: nil), "manifest unknown")
    }
}

final class BuildProgressTests: XCTestCase {
    func message(_ json: String) throws -> ProgressMessage { try JSONDecoder().decode(ProgressMessage.self, from: Data(json.utf8)) }

    /// 26.1 sends lines split across chunks and "Removed intermediate container"; podman "STEP 1/2:".
    func testStepsSplitAcrossChunksAndEveryEngineSpelling() throws {
        var progress = BuildProgress()
        for json in [#"{"stream":"Step 1/2 : FR"}"#, #"{"stream":"OM swtop/busybox:latest\n ---> b0a0f0fc33f2\nStep 2/2 : RUN echo hi\n"}"#,
                     #"{"stream":" ---> Running in 8f9ad2b188b4\n"}"#, #"{"stream":"hi\n"}"#,
                     #"{"stream":" ---> Removed intermediate container 8f9ad2b188b4\n"}"#, #"{"stream":" ---> 1234567890ab\n"}"#,
                     #"{"aux":{"ID":"sha256:1234567890abcdef"}}"#, #"{"stream":"Successfully built 1234567890ab\n"}"#] {
            progress.apply(try message(json))
        }
        progress.finish()
        XCTAssertEqual(progress.steps.map(\.instruction), ["FROM swtop/busybox:latest", "RUN echo hi"])
        XCTAssertEqual(progress.steps[1].output, ["hi"])
        XCTAssertEqual(progress.steps.map(\.layer), ["b0a0f0fc33f2", "1234567890ab"])
        XCTAssertTrue(progress.succeeded)
        XCTAssertEqual(progress.imageID, "sha256:1234567890abcdef")
        var podman = BuildProgress()
        podman.apply(try message(#"{"stream":"STEP 1/2: FROM swtop/busybox:latest\nSTEP 2/2: RUN true\n"}"#))
        XCTAssertEqual(podman.steps.map(\.number), [1, 2])
        XCTAssertEqual(podman.steps.last?.instruction, "RUN true")
        var failed = BuildProgress()
        failed.apply(try message(#"{"stream":"Step 1/1 : RUN exit 7\n"}"#))
        failed.apply(try message(#"{"errorDetail":{"code":7,"message":"The command '/bin/sh -c exit 7' returned a non-zero code: 7"},"error":"x returned a non-zero code: 7"}"#))
        failed.finish()
        XCTAssertEqual(failed.exitCode, 7)
        XCTAssertEqual(failed.steps.first?.failed, true)
        XCTAssertFalse(failed.succeeded)
    }
}
