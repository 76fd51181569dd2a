import DockerEngine
import Foundation
import SwtopStore
@testable import SwtopUI
import TermCanvas
import XCTest

/// `c`: a compose project's screen, its actions, and what it offers when the files are not here.
final class ComposeScreenTests: XCTestCase {
    func render(_ state: UIState, _ snapshot: StoreSnapshot) -> String {
        Renderer.render(snapshot, state, now: Date(timeIntervalSince1970: 0)).buffer.plainLines().joined(separator: "\n")
    }

    func demo() throws -> (StoreSnapshot, UIState, String) {
        let snapshot = try RecordedSnapshot.make()
        let project = try XCTUnwrap(snapshot.containers.compactMap(\.composeProject).first)
        var state = UIState(width: 120, height: 30)
        state.selection[.containers] = .composeGroup(project, engine: snapshot.containers.first { $0.composeProject == project }!.engine)
        return (snapshot, state, project)
    }

    func testCOnAProjectsHeaderOpensItAndChecksItsFilesOffTheScreenThread() throws {
        let (snapshot, state, project) = try demo()
        let (open, effects) = press([.char("c")], state, snapshot)
        let screen = try XCTUnwrap(open.top(ComposeScreen.self))
        XCTAssertEqual(screen.project.name, project)
        guard case let .openSession(id, .work(work))? = effects.first else { return XCTFail("\(effects)") }
        XCTAssertEqual(screen.probe, id)
        XCTAssertTrue(work.base is ComposeProbeWork)
        let text = render(open, snapshot)
        XCTAssertTrue(text.contains("compose project \(project) on"), text)
        XCTAssertTrue(text.contains("checking the files and Compose…"), text)
        // Before the check answers, an action waits for it.
        let (early, none) = press([.char("u")], open, snapshot)
        XCTAssertEqual(none, [])
        XCTAssertEqual(early.notice?.text, "still checking the project's files and Compose…")
    }

    func testUpRunsComposeAndItsOutputFillsThePane() throws {
        let (snapshot, state, project) = try demo()
        var (open, _) = press([.char("c")], state, snapshot)
        var screen = try XCTUnwrap(open.top(ComposeScreen.self))
        screen.receive(.payload(ComposeStatus(problem: nil, tool: "/usr/libexec/docker/cli-plugins/docker-compose")), from: screen.probe!,
                       open, SessionModels())
        open.replaceTop(screen)
        let (running, effects) = press([.char("u")], open, snapshot)
        guard case let .openSession(id, .work(work))? = effects.first, let compose = work.base as? ComposeWork else { return XCTFail("\(effects)") }
        XCTAssertEqual(compose.action, .up)
        XCTAssertEqual(compose.project.name, project)
        var shown = try XCTUnwrap(running.top(ComposeScreen.self))
        XCTAssertEqual(shown.session, id)
        shown.receive(.output(.stdout, Array(" Container web-1  Started\n \u{1B}]0;owned\u{07}evil\n".utf8)), from: id, running, SessionModels())
        shown.receive(.ended(exitCode: 0, error: nil), from: id, running, SessionModels())
        var done = running
        done.replaceTop(shown)
        let text = render(done, snapshot)
        XCTAssertTrue(text.contains("── up ─"), text)
        XCTAssertTrue(text.contains("Container web-1  Started"), text)
        XCTAssertTrue(text.contains("✓ up done"), text)
        XCTAssertFalse(text.contains("\u{1B}"), "no escape reaches the terminal")
        // Down with volumes asks first; n sends nothing.
        let (asking, noneYet) = press([.char("V")], done, snapshot)
        XCTAssertEqual(noneYet, [])
        XCTAssertTrue(render(asking, snapshot).contains("remove its named volumes too (their data goes)? y/n"))
        XCTAssertEqual(press([.char("n")], asking, snapshot).1, [])
        guard case let .openSession(_, .work(yes))? = press([.char("y")], asking, snapshot).1.first,
              let down = yes.base as? ComposeWork else { return XCTFail() }
        XCTAssertEqual(down.action, .downVolumes)
        // Read-only: every action but config is refused.
        var readOnly = done
        readOnly.readOnly = true
        XCTAssertEqual(press([.char("d")], readOnly, snapshot).1, [])
        guard case let .openSession(_, .work(config))? = press([.char("c")], readOnly, snapshot).1.first else { return XCTFail() }
        XCTAssertEqual((config.base as? ComposeWork)?.action, .config)
    }

    /// The files elsewhere: Compose's actions are refused with the reason; down goes through the engine
    /// alone, after a question.
    func testWithoutTheFilesTheEngineAloneStillStopsStartsAndTakesItDown() throws {
        let (snapshot, state, project) = try demo()
        var (open, _) = press([.char("c")], state, snapshot)
        var screen = try XCTUnwrap(open.top(ComposeScreen.self))
        let problem = "the compose files of \(project) are not on this machine: /srv/x does not exist here (a remote engine, or a moved directory)"
        screen.receive(.payload(ComposeStatus(problem: problem, tool: nil)), from: screen.probe!, open, SessionModels())
        open.replaceTop(screen)
        let text = render(open, snapshot)
        XCTAssertTrue(text.contains("✗ the compose files of \(project) are not on this machine"), text)
        XCTAssertTrue(text.contains("through the engine alone: s stop · S start · x remove the containers · d down without the files"), text)
        let (refused, none) = press([.char("u")], open, snapshot)
        XCTAssertEqual(none, [])
        XCTAssertEqual(refused.notice?.text, "Compose cannot run \(project) from here (above) — s, S, x and d work through the engine alone")
        let (asking, _) = press([.char("d")], open, snapshot)
        XCTAssertTrue(render(asking, snapshot).contains("without its files: stop and remove its containers, remove its networks (volumes kept)? y/n"))
        guard case let .openSession(_, .work(work))? = press([.char("y")], asking, snapshot).1.first,
              let engineWork = work.base as? ComposeEngineWork else { return XCTFail() }
        XCTAssertEqual(engineWork.step, .down)
        XCTAssertEqual(engineWork.project, project)
        guard case let .openSession(_, .work(stop))? = press([.char("s")], open, snapshot).1.first else { return XCTFail() }
        XCTAssertEqual((stop.base as? ComposeEngineWork)?.step, .stop)
    }

    /// Away from a project's rows, `c` takes the project in swtop's folder (named by the probe).
    func testCElsewhereTakesTheProjectInSwtopsFolder() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30)
        state.workingDirectory = "/home/me/shop"
        let standalone = try XCTUnwrap(snapshot.containers.first { $0.composeProject == nil })
        state.selection[.containers] = .container(standalone.id)
        let (open, effects) = press([.char("c")], state, snapshot)
        var screen = try XCTUnwrap(open.top(ComposeScreen.self))
        XCTAssertEqual(screen.project.workingDirectory, "/home/me/shop")
        XCTAssertTrue(render(open, snapshot).contains("compose project in /home/me/shop"))
        guard case .openSession(_, .work)? = effects.first else { return XCTFail("\(effects)") }
        screen.receive(.payload(ComposeStatus(problem: nil, tool: "/x/docker-compose",
                                              project: ComposeProject(name: "shop", workingDirectory: "/home/me/shop",
                                                                      configFiles: ["/home/me/shop/compose.yaml"]))),
                       from: screen.probe!, open, SessionModels())
        var found = open
        found.replaceTop(screen)
        let text = render(found, snapshot)
        XCTAssertTrue(text.contains("compose project shop on"), text)
        XCTAssertTrue(text.contains("containers: no containers (down)"), text)
    }
}
