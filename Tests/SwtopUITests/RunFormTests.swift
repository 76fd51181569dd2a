import DockerEngine
import Foundation
import SwtopStore
@testable import SwtopUI
import TermCanvas
import XCTest

/// `r` on an image: the form, its checks and the `docker run` line.
final class RunFormTests: XCTestCase {
    func form(_ values: [RunFormScreen.Field: String], tty: Bool = false, autoRemove: Bool = false) -> RunFormScreen {
        var screen = RunFormScreen(image: "app:1", engine: "e")
        screen.values = values
        screen.tty = tty
        screen.autoRemove = autoRemove
        return screen
    }

    func testTheFormReadsWhatDockerRunTakesAndSaysWhichFieldDoesNot() throws {
        let good = form([.name: "web", .command: "httpd -f -p 80 -h '/srv/my site'", .ports: "8080:80 127.0.0.1:5353:53/udp 9000",
                         .volumes: "data:/data /srv:/www:ro", .env: "A=1 B=\"two words\"", .network: "backend",
                         .restart: "on-failure:3", .user: "nobody", .workdir: "/srv"], tty: true)
        let spec = try good.spec.get()
        XCTAssertEqual(spec.name, "web")
        XCTAssertEqual(spec.command, ["httpd", "-f", "-p", "80", "-h", "/srv/my site"])
        XCTAssertEqual(spec.ports, [ContainerSpec.Port(hostPort: "8080", containerPort: "80"),
                                    ContainerSpec.Port(hostIP: "127.0.0.1", hostPort: "5353", containerPort: "53", proto: "udp"),
                                    ContainerSpec.Port(hostPort: nil, containerPort: "9000")])
        XCTAssertEqual(spec.binds, ["data:/data", "/srv:/www:ro"])
        XCTAssertEqual(spec.env, ["A=1", "B=two words"])
        XCTAssertEqual(spec.network, "backend")
        XCTAssertEqual(spec.restart, "on-failure:3")
        XCTAssertTrue(spec.tty)
        for (field, text, message) in [(RunFormScreen.Field.ports, "80:http", "is not [IP:]HOST:CONTAINER"),
                                       (.volumes, "relative:path", "is not VOLUME:/PATH"), (.env, "NOVALUE", "is not KEY=value"),
                                       (.restart, "sometimes", "no, always, unless-stopped"), (.name, "-bad", "a name is"),
                                       (.command, "echo 'open", "a quote is not closed"), (.workdir, "srv", "an absolute path")] {
            guard case let .failure(problem) = form([field: text]).spec else { return XCTFail("\(field) \(text) read") }
            XCTAssertEqual(problem.field, field)
            XCTAssertTrue(problem.message.contains(message), problem.message)
        }
        guard case let .failure(both) = form([.restart: "always"], autoRemove: true).spec else { return XCTFail("--rm with a restart") }
        XCTAssertEqual(both.field, .autoRemove)
    }

    func testTheDockerRunLineMasksSecretsOnScreenAndCopiesThemWhole() {
        let screen = form([.name: "db", .ports: "5432:5432", .env: "POSTGRES_PASSWORD=hunter2 MODE=dev", .command: "postgres -c 'a b'"])
        XCTAssertEqual(screen.commandLine(reveal: false),
                       "docker run -d --name db -p 5432:5432 -e 'POSTGRES_PASSWORD=••••••' -e MODE=dev app:1 postgres -c 'a b'")
        XCTAssertEqual(screen.commandLine(reveal: true),
                       "docker run -d --name db -p 5432:5432 -e POSTGRES_PASSWORD=hunter2 -e MODE=dev app:1 postgres -c 'a b'")
        var state = UIState(width: 120, height: 30)
        state.screens = [.runForm(screen)]
        let (copied, effects) = Reducer.reduce(state, .char("y"), StoreSnapshot())
        XCTAssertEqual(effects, [.copy(screen.commandLine(reveal: true))])
        XCTAssertEqual(copied.notice?.text, "copied the docker run line (it holds the value of POSTGRES_PASSWORD)")
        let drawn = Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0)).buffer.plainLines().joined(separator: "\n")
        XCTAssertFalse(drawn.contains("hunter2"), drawn)
        XCTAssertTrue(drawn.contains("POSTGRES_PASSWORD=••••••"), drawn)
    }

    func testEnterEditsAFieldTabGoesOnSpaceFlipsAndABadFieldStopsTheRun() throws {
        var snapshot = StoreSnapshot()
        snapshot.images = [ImageSummary(Id: "sha256:ab", RepoTags: ["app:1"])]
        var state = UIState(width: 120, height: 30)
        state.view = .images
        var effects: [Effect] = []
        func press(_ keys: [Key]) {
            for key in keys {
                let (next, more) = Reducer.reduce(state, key, snapshot)
                state = next
                effects += more
            }
        }
        press([.char("r"), .enter] + "web".map { Key.char($0) } + [.tab, .enter] + "sleep 1".map { Key.char($0) } + [.enter])
        var screen = try XCTUnwrap(state.top(RunFormScreen.self))
        XCTAssertEqual(screen.value(.name), "web")
        XCTAssertEqual(screen.value(.command), "sleep 1")
        XCTAssertFalse(screen.editing)
        press([.char("G"), .char("k"), .char(" ")])
        XCTAssertTrue(try XCTUnwrap(state.top(RunFormScreen.self)).tty, "Space on -it flips it")
        press([.char("g"), .char("j"), .char("j"), .enter] + "80:x".map { Key.char($0) } + [.enter, .char("R")])
        screen = try XCTUnwrap(state.top(RunFormScreen.self))
        XCTAssertEqual(screen.errorField, .ports)
        XCTAssertEqual(screen.cursor, .ports)
        XCTAssertEqual(effects, [], "nothing sent with a bad field")
        press([.enter, .ctrl("u")] + "8080:80".map { Key.char($0) } + [.enter, .char("R")])
        guard case let .openSession(_, .work(work))? = effects.last else { return XCTFail("\(effects)") }
        XCTAssertEqual(work, AnyWork(RunContainerWork(spec: try XCTUnwrap(state.top(RunFormScreen.self)).spec.get(), engine: "")))
        // --read-only: r is refused.
        var readOnly = UIState(width: 120, height: 30, readOnly: true)
        readOnly.view = .images
        XCTAssertNil(Reducer.reduce(readOnly, .char("r"), snapshot).0.top(RunFormScreen.self))
    }
}
