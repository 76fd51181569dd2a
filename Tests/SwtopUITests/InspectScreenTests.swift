import DockerEngine
import Foundation
import SwtopStore
import SwtopUI
import TermCanvas
import TestSupport
import XCTest

/// The inspect view, on inspect documents recorded from engine 20.10 (Fixtures/inspect): a container
/// run with `-e DB_PASSWORD=hunter2 -e API_TOKEN=abc -e PLAIN=visible` and labels (one secret-looking,
/// one carrying escape sequences), the busybox image, a volume, a network.
final class InspectScreenTests: XCTestCase {
    static let fixtures = Repo.root.appendingPathComponent("Tests/SwtopUITests/Fixtures/inspect")

    func document(_ name: String) throws -> OrderedJSON {
        try OrderedJSONParser.parse(Array(Data(contentsOf: Self.fixtures.appendingPathComponent(name + ".json"))))
    }

    func opened(_ name: String = "container", kind: InspectKind = .container, width: Int = 120, height: Int = 30,
                secretNames: [String] = SecretNames.defaults) throws -> (UIState, InspectModel) {
        let model = InspectModel()
        model.ingest(document: try document(name))
        var state = UIState(width: width, height: height)
        state.screens = [.inspect(InspectScreen(request: InspectRequest(kind: kind, id: "7974ccdfacb950988276c20c91abd7bf160ca7dad77144084dbf5ba0ecd71e6c",
                                                                        name: "swtop-inspect"),
                                                secretNames: secretNames, session: .test))]
        return (state, model)
    }

    func press(_ keys: [Key], _ state: UIState, _ model: InspectModel?, effects: inout [Effect]) -> UIState {
        var state = state
        for key in keys {
            let (next, more) = Reducer.reduce(state, key, StoreSnapshot(), models: .holding(inspect: model))
            state = next
            effects += more
        }
        return state
    }

    func press(_ keys: [Key], _ state: UIState, _ model: InspectModel?) -> UIState {
        var effects: [Effect] = []
        return press(keys, state, model, effects: &effects)
    }

    func type(_ text: String) -> [Key] { text.map { Key.char($0) } }

    func buffer(_ state: UIState, _ model: InspectModel?) -> ScreenBuffer {
        Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0), models: .holding(inspect: model)).buffer
    }

    func draw(_ state: UIState, _ model: InspectModel?) -> [String] { buffer(state, model).plainLines() }

    func screen(_ state: UIState) -> InspectScreen {
        guard let screen = state.top(InspectScreen.self) else { XCTFail("no inspect screen"); fatalError() }
        return screen
    }

    /// The tree's rows as drawn (between the title and the two status rows), trailing blanks trimmed.
    func tree(_ lines: [String]) -> [String] { Array(lines.dropFirst().dropLast(2)) }

    /// The row the cursor is on (drawn in the selected role).
    func cursorLine(_ state: UIState, _ model: InspectModel) -> String {
        let buffer = buffer(state, model)
        let lines = buffer.plainLines()
        for y in 1..<(buffer.height - 2) where buffer[0, y].style.role == .selected { return lines[y] }
        return ""
    }

    /// Every character of the frame, so nothing hides in a cell a line reader would skip.
    func allText(_ buffer: ScreenBuffer) -> String { buffer.plainLines().joined(separator: "\n") }

    // MARK: order and folds

    func testTopLevelKeysShowInTheEnginesOrderWithTypesApart() throws {
        let (state, model) = try opened()
        let lines = tree(draw(state, model))
        XCTAssertEqual(lines.prefix(6).map { $0.trimmingCharacters(in: .whitespaces) }, [
            #"Id: "7974ccdfacb950988276c20c91abd7bf160ca7dad77144084dbf5ba0ecd71e6c""#,
            #"Created: "2026-11-30T02:08:27.543944867Z""#,
            #"Path: "sleep""#,
            "▾ Args [1]",
            #"[0]: "600""#,
            "▾ State {11}",
        ])
        // The document's top-level keys, in order, where they are drawn at depth 0 (the engine's order, not sorted).
        var effects: [Effect] = []
        let closed = press([.char("z"), .char("z")], state, model, effects: &effects)
        XCTAssertEqual(screen(closed).foldAll, .closed)
        let top = tree(draw(closed, model)).map { $0.trimmingCharacters(in: .whitespaces) }
            .map { String($0.drop { "▸▾ ".contains($0) }.prefix { $0 != ":" && $0 != " " }) }
        XCTAssertEqual(top.prefix(23), ["Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath", "HostsPath",
                                        "LogPath", "Name", "RestartCount", "Driver", "Platform", "MountLabel", "ProcessLabel",
                                        "AppArmorProfile", "ExecIDs", "HostConfig", "GraphDriver", "Mounts", "Config",
                                        "NetworkSettings"][...])
        // Strings, numbers, booleans and null each have a role of their own.
        var open = press([.char("z")], closed, model, effects: &effects)
        open.height = 100
        let frame = buffer(open, model)
        let all = frame.plainLines()
        func role(of text: String) -> ColorRole? {
            for (y, line) in all.enumerated() {
                guard let range = line.range(of: text) else { continue }
                let x = line.distance(from: line.startIndex, to: range.lowerBound)
                return frame[x, y].style.role
            }
            return nil
        }
        XCTAssertEqual(role(of: #""running""#), .ok)
        XCTAssertEqual(role(of: "Pid: "), .normal, "a key")
        let pidLine = try XCTUnwrap(all.firstIndex { $0.contains("Pid: ") })
        let pidColumn = all[pidLine].distance(from: all[pidLine].startIndex, to: all[pidLine].range(of: "Pid: ")!.upperBound)
        XCTAssertEqual(frame[pidColumn, pidLine].style.role, .accent, "a number")
        XCTAssertEqual(role(of: "false"), .warning, "a boolean")
        XCTAssertEqual(role(of: "null"), .dim, "null")
        XCTAssertEqual(effects, [])
    }

    func testSectionsOpenAndGraphDriverFoldedEnterAndArrowsFold() throws {
        var (state, model) = try opened()
        let lines = tree(draw(state, model)).map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(lines.contains(#"Status: "running""#), "State is open")
        var all = state
        all.height = 400
        let everything = tree(draw(all, model)).map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(everything.contains("▸ GraphDriver {2}"), "GraphDriver starts folded")
        XCTAssertFalse(everything.contains { $0.hasPrefix("Name: \"overlay2\"") }, "its members are not drawn")
        XCTAssertTrue(everything.contains("▾ HostConfig {\(65)}"), "a big top-level section still opens")
        // Enter on State closes it; → opens it again; ← on a member goes to its parent, ← again closes.
        state = press(type("jjjjj"), state, model)
        XCTAssertEqual(cursorLine(state, model).trimmingCharacters(in: .whitespaces), "▾ State {11}")
        state = press([.enter], state, model)
        XCTAssertEqual(cursorLine(state, model).trimmingCharacters(in: .whitespaces), "▸ State {11}")
        XCTAssertFalse(tree(draw(state, model)).contains { $0.contains("Status:") })
        state = press([.right], state, model)
        XCTAssertTrue(tree(draw(state, model)).contains { $0.contains(#"Status: "running""#) })
        state = press([.right, .char("j")], state, model)
        XCTAssertEqual(cursorLine(state, model).trimmingCharacters(in: .whitespaces), "Running: true")
        state = press([.left], state, model)
        XCTAssertEqual(cursorLine(state, model).trimmingCharacters(in: .whitespaces), "▾ State {11}", "← goes to the parent")
        state = press([.left], state, model)
        XCTAssertEqual(cursorLine(state, model).trimmingCharacters(in: .whitespaces), "▸ State {11}", "← again closes it")
        // z: every fold closed, then every fold open (GraphDriver too).
        state = press([.char("z")], state, model)
        state.height = 400
        let opened = tree(draw(state, model)).map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(opened.contains("▾ GraphDriver {2}") && opened.contains("▾ State {11}"), opened.joined(separator: "\n"))
        state = press([.char("z")], state, model)
        XCTAssertEqual(tree(draw(state, model)).filter { !$0.isEmpty }.count, 23, "closed: the 23 top-level keys")
    }

    // MARK: search

    func testSearchOpensFoldsMovesTheCursorAndNWalksTheMatches() throws {
        var (state, model) = try opened()
        state = press([.char("z"), .char("z")], state, model) // everything closed: Config's Env is hidden
        XCTAssertFalse(draw(state, model).joined().contains("PLAIN"))
        state = press([.char("/")] + type("plain"), state, model)
        XCTAssertEqual(cursorLine(state, model).trimmingCharacters(in: .whitespaces), "PLAIN=visible",
                       "smart case: lower case finds PLAIN; Config and Env opened to show it")
        state = press([.enter], state, model)
        XCTAssertEqual(screen(state).search, "plain")
        let status = draw(state, model)[state.height - 2]
        XCTAssertTrue(status.hasPrefix("match 1/1 of “plain” · .Config.Env[2]"), status)
        // Capitals make it case-sensitive: "Plain" matches nothing.
        state = press([.char("/")] + type("Plain") + [.enter], state, model)
        XCTAssertEqual(draw(state, model)[state.height - 2], "nothing matches “Plain”")
        // Several matches: n and N walk them in document order and wrap.
        state = press([.char("g"), .char("/")] + type("sleep") + [.enter], state, model)
        let first = cursorLine(state, model)
        XCTAssertTrue(first.contains(#"Path: "sleep""#), first)
        state = press([.char("n")], state, model)
        XCTAssertTrue(cursorLine(state, model).contains(#"[0]: "sleep""#), "Config.Cmd[0]: \(cursorLine(state, model))")
        XCTAssertTrue(draw(state, model)[state.height - 2].hasPrefix("match 2/2"))
        state = press([.char("n")], state, model)
        XCTAssertTrue(cursorLine(state, model).contains(#"Path: "sleep""#), "n wraps to the first")
        XCTAssertEqual(draw(state, model)[state.height - 2], "search wrapped to the top")
        state = press([.char("N")], state, model)
        XCTAssertTrue(cursorLine(state, model).contains(#"[0]: "sleep""#), "N wraps to the last")
        // Esc clears the search first, then leaves.
        var effects: [Effect] = []
        state = press([.escape], state, model, effects: &effects)
        XCTAssertEqual(screen(state).search, "")
        XCTAssertEqual(effects, [])
        state = press([.escape], state, model, effects: &effects)
        XCTAssertTrue(state.screens.isEmpty)
        XCTAssertEqual(effects, [])
        XCTAssertEqual(state.heldSessions, [], "the fetch is let go: the registry closes it")
    }

    func testMatchesAreHighlightedAndTheCursorStaysInView() throws {
        var (state, model) = try opened(height: 12)
        state = press([.char("/")] + type("Gateway") + [.enter], state, model)
        let buffer = buffer(state, model)
        let lines = buffer.plainLines()
        let y = try XCTUnwrap(lines.firstIndex { $0.contains("Gateway:") }, lines.joined(separator: "\n"))
        let x = lines[y].distance(from: lines[y].startIndex, to: lines[y].range(of: "Gateway")!.lowerBound)
        XCTAssertEqual(buffer[x, y].style.role, .selectedMarked, "the match is picked out")
        XCTAssertEqual(buffer[x - 2, y].style.role, .selected, "on the cursor's row")
        XCTAssertTrue(cursorLine(state, model).contains(#"Gateway: "10.213.41.1""#), "the cursor's row is drawn: \(lines)")
    }

    // MARK: secrets

    func testSecretsAreMaskedUntilRevealedAndSearchDoesNotSeeThem() throws {
        var (state, model) = try opened(height: 400)
        var text = allText(buffer(state, model))
        XCTAssertTrue(text.contains("DB_PASSWORD=••••••"), text)
        XCTAssertTrue(text.contains("API_TOKEN=••••••"))
        XCTAssertTrue(text.contains("PLAIN=visible"), "not a secret name")
        XCTAssertTrue(text.contains(#"deploy.auth-token: ••••••"#), "a label whose key looks secret")
        XCTAssertTrue(text.contains(#"com.example.vendor: "acme""#))
        XCTAssertFalse(text.contains("hunter2"))
        XCTAssertFalse(text.contains("s3cret"))
        XCTAssertTrue(draw(state, model)[0].contains("3 hidden values"), draw(state, model)[0])
        // Search does not look inside a hidden value.
        state = press([.char("/")] + type("hunter") + [.enter], state, model)
        XCTAssertEqual(draw(state, model)[state.height - 2], "nothing matches “hunter”")
        // m on the entry reveals it, and only it.
        state = press([.char("/")] + type("DB_PASS") + [.enter], state, model)
        XCTAssertEqual(cursorLine(state, model).trimmingCharacters(in: .whitespaces), "DB_PASSWORD=••••••")
        state = press([.char("m")], state, model)
        text = allText(buffer(state, model))
        XCTAssertEqual(cursorLine(state, model).trimmingCharacters(in: .whitespaces), "DB_PASSWORD=hunter2")
        XCTAssertTrue(text.contains("API_TOKEN=••••••"), "the others stay hidden")
        XCTAssertFalse(text.contains("s3cret"))
        state = press([.char("/")] + type("hunter") + [.enter], state, model)
        XCTAssertTrue(cursorLine(state, model).contains("DB_PASSWORD=hunter2"), "revealed, it is searched")
        state = press([.char("m")], state, model)
        XCTAssertFalse(allText(buffer(state, model)).contains("hunter2"), "m again hides it")
        // M reveals every one, M again hides them all.
        state = press([.char("M")], state, model)
        text = allText(buffer(state, model))
        XCTAssertTrue(text.contains("DB_PASSWORD=hunter2") && text.contains("API_TOKEN=abc") && text.contains(#"deploy.auth-token: "s3cret""#),
                      text)
        state = press([.char("M")], state, model)
        text = allText(buffer(state, model))
        XCTAssertFalse(text.contains("hunter2") || text.contains("s3cret") || text.contains("API_TOKEN=abc"))
    }

    func testMOnAnArrayRevealsTheSecretsInsideAndSecretNamesAreConfigurable() throws {
        var (state, model) = try opened(height: 400)
        state = press([.char("/")] + type("Env") + [.enter], state, model)
        XCTAssertTrue(cursorLine(state, model).contains("▾ Env [4]"), cursorLine(state, model))
        state = press([.char("m")], state, model)
        XCTAssertTrue(allText(buffer(state, model)).contains("DB_PASSWORD=hunter2"))
        XCTAssertTrue(allText(buffer(state, model)).contains("API_TOKEN=abc"))
        XCTAssertFalse(allText(buffer(state, model)).contains("s3cret"), "the label is outside Env")
        // --secret-names replaces the list: only PLAIN is a secret now.
        let (custom, customModel) = try opened(height: 400, secretNames: ["plain"])
        let text = allText(buffer(custom, customModel))
        XCTAssertTrue(text.contains("DB_PASSWORD=hunter2") && text.contains("PLAIN=••••••"), text)
        XCTAssertEqual(SecretNames.parse(" A, b ,,C "), ["A", "b", "C"])
    }

    func testImageEnvAndLabelsAreMaskedToo() throws {
        let model = InspectModel()
        model.ingest(document: try OrderedJSONParser.parse(#"{"Config": {"Env": ["GITHUB_TOKEN=ghp_x", "NOEQUALS", "HOME=/root"], "#
            + #""Labels": {"private.key": "k-123", "maintainer": "me"}}}"#))
        var state = UIState(width: 80, height: 20)
        state.screens = [.inspect(InspectScreen(request: InspectRequest(kind: .image, id: "sha256:ab", name: "x"), session: .test))]
        let text = allText(buffer(state, model))
        XCTAssertTrue(text.contains("GITHUB_TOKEN=••••••") && text.contains("NOEQUALS") && text.contains("HOME=/root"), text)
        XCTAssertTrue(text.contains("private.key: ••••••") && text.contains(#"maintainer: "me""#), text)
        XCTAssertFalse(text.contains("ghp_x") || text.contains("k-123"))
    }

    // MARK: copy

    func testYCopiesTheValueAndRefusesAHiddenOne() throws {
        var (state, model) = try opened(height: 400)
        var effects: [Effect] = []
        state = press([.char("/")] + type("PLAIN") + [.enter, .char("y")], state, model, effects: &effects)
        XCTAssertEqual(effects, [.copy("visible")], "an env entry: its value")
        XCTAssertEqual(draw(state, model)[state.height - 2], "copied 7 bytes (OSC 52; your terminal must allow it)")
        effects = []
        state = press([.char("/")] + type("DB_PASS") + [.enter, .char("y")], state, model, effects: &effects)
        XCTAssertEqual(effects, [], "a hidden secret is not copied")
        XCTAssertEqual(draw(state, model)[state.height - 2], "a hidden secret: reveal it first (m), then y")
        state = press([.char("m"), .char("y")], state, model, effects: &effects)
        XCTAssertEqual(effects, [.copy("hunter2")])
        // An object: its compact JSON, in the engine's order; refused while a secret inside is hidden.
        effects = []
        state = press([.char("g"), .char("/")] + type("State") + [.enter, .enter, .char("y")], state, model, effects: &effects)
        XCTAssertEqual(effects, [.copy(#"{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"#
            + #""Dead":false,"Pid":22634,"ExitCode":0,"Error":"","StartedAt":"2026-11-30T02:08:27.956447865Z","#
            + #""FinishedAt":"0001-01-01T00:00:00Z"}"#)])
        effects = []
        state = press([.char("/")] + type("Config") + [.enter], state, model, effects: &effects)
        for _ in 0..<5 where !cursorLine(state, model).contains("▾ Config {17}") { state = press([.char("n")], state, model) }
        state = press([.char("y")], state, model, effects: &effects)
        XCTAssertTrue(cursorLine(state, model).contains("▾ Config {17}"), cursorLine(state, model))
        XCTAssertEqual(effects, [])
        XCTAssertEqual(draw(state, model)[state.height - 2], "2 hidden secrets inside: reveal first (m here, M everywhere), then y")
        state = press([.char("M"), .char("y")], state, model, effects: &effects)
        guard case let .copy(json)? = effects.last else { return XCTFail("\(effects)") }
        XCTAssertTrue(json.hasPrefix(#"{"Hostname":"7974ccdfacb9","#) && json.contains(#""DB_PASSWORD=hunter2""#), json)
        // A number copies as written.
        effects = []
        state = press([.char("/")] + type("Pid") + [.enter, .char("y")], state, model, effects: &effects)
        XCTAssertEqual(effects, [.copy("22634")])
    }

    func testTheClipboardSequenceAndItsTmuxWrapping() {
        XCTAssertEqual(String(decoding: OSC52.sequence(for: "hunter2", insideTmux: false), as: UTF8.self), "\u{1B}]52;c;aHVudGVyMg==\u{07}")
        XCTAssertEqual(String(decoding: OSC52.sequence(for: "ab", insideTmux: true), as: UTF8.self),
                       "\u{1B}Ptmux;\u{1B}\u{1B}]52;c;YWI=\u{07}\u{1B}\\" + "\u{1B}]52;c;YWI=\u{07}")
        XCTAssertEqual(String(decoding: Base64.encode(Array("é✓".utf8)), as: UTF8.self), "w6ninJM=")
        XCTAssertEqual(Base64.encode([]), [])
    }

    // MARK: the dashboard around it

    func testIOnEachListOpensItsKindAndEscGivesTheDashboardBack() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30, readOnly: true)
        let running = try XCTUnwrap(snapshot.containers.first { $0.name == "swtop-running" })
        state.selection[.containers] = .container(running.id)
        state.filter[.containers] = "swtop"
        state.sort[.containers] = SortOrder(column: 1, reversed: true)
        state.scroll[.containers] = 2
        state.marked = [running.id]
        state.showDetails = true
        let before = state
        var (next, effects) = Reducer.reduce(state, .char("i"), snapshot)
        XCTAssertEqual(effects, [.openSession(SessionID(1), .inspect(InspectRequest(kind: .container, id: running.id, name: "swtop-running")))],
                       "read-only allows it")
        XCTAssertEqual(next.screens.count, 1)
        (next, effects) = Reducer.reduce(next, .escape, snapshot, models: .holding(inspect: InspectModel()))
        XCTAssertEqual(effects, [])
        XCTAssertTrue(next.screens.isEmpty)
        XCTAssertEqual(next.heldSessions, [])
        XCTAssertEqual(next.view, before.view)
        XCTAssertEqual(next.selection, before.selection)
        XCTAssertEqual(next.filter, before.filter)
        XCTAssertEqual(next.sort, before.sort)
        XCTAssertEqual(next.scroll, before.scroll)
        XCTAssertEqual(next.marked, before.marked)
        XCTAssertEqual(next.showDetails, before.showDetails)
        XCTAssertEqual(next.readOnly, before.readOnly)
        // Images, volumes, networks: their own kind, by id (volumes by name).
        let image = try XCTUnwrap(snapshot.images.first)
        var images = UIState(width: 120, height: 30)
        images.view = .images
        images.selection[.images] = .image(image.Id)
        XCTAssertEqual(Reducer.reduce(images, .char("i"), snapshot).1,
                       [.openSession(SessionID(1), .inspect(InspectRequest(kind: .image, id: image.Id, name: image.tags.first ?? ShortID.image(image.Id))))])
        var volumes = UIState(width: 120, height: 30)
        volumes.view = .volumes
        volumes.selection[.volumes] = .volume("swtop-data")
        XCTAssertEqual(Reducer.reduce(volumes, .char("i"), snapshot).1,
                       [.openSession(SessionID(1), .inspect(InspectRequest(kind: .volume, id: "swtop-data", name: "swtop-data")))])
        XCTAssertEqual(Reducer.reduce(volumes, .enter, snapshot).0.notice?.text,
                       "Enter: no detail pane for volumes; i shows the row's inspect document")
        var networks = UIState(width: 120, height: 30)
        networks.view = .networks
        networks.selection[.networks] = .network("n4")
        XCTAssertEqual(Reducer.reduce(networks, .char("i"), snapshot).1,
                       [.openSession(SessionID(1), .inspect(InspectRequest(kind: .network, id: "n4", name: "swtop-net")))])
        for view in ViewKind.allCases {
            XCTAssertTrue(KeymapSet.defaults.bindings(view.screenName).contains { $0.command == .inspect && !$0.mutating }, "i on \(view)")
        }
    }

    func testLoadingTheEnginesErrorAndHostileValues() throws {
        var state = UIState(width: 100, height: 20)
        state.screens = [.inspect(InspectScreen(request: InspectRequest(kind: .volume, id: "gone", name: "gone"), session: .test))]
        let model = InspectModel()
        XCTAssertTrue(tree(draw(state, model)).first?.contains("loading…") == true)
        model.ingest(error: "get gone: no such volume")
        XCTAssertTrue(tree(draw(state, model)).first?.contains("✗ get gone: no such volume") == true)
        var effects: [Effect] = []
        state = press([.char("j"), .char("y"), .char("m"), .enter, .char("z")], state, model, effects: &effects)
        XCTAssertEqual(effects, [], "keys on a failed document do nothing")
        // The label with escape sequences shows them as text; no control character reaches a cell.
        let (hostile, hostileModel) = try opened(height: 400)
        let frame = buffer(hostile, hostileModel)
        let text = allText(frame)
        XCTAssertTrue(text.contains(#"hostile: "\u001b]0;pwned\u0007\u001b[31mred""#), text)
        XCTAssertFalse(frame.cells.contains { $0.character.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } })
    }

    func testLongValuesAreCutWithAnEllipsisAndTinyTerminalsCope() throws {
        var (state, model) = try opened(width: 50, height: 400)
        let lines = tree(draw(state, model))
        let path = try XCTUnwrap(lines.first { $0.contains("PATH=") })
        XCTAssertTrue(path.hasSuffix("…"), path)
        XCTAssertEqual(DisplayWidth.of(path), 50)
        for (width, height) in [(20, 5), (25, 6), (10, 3)] {
            state.width = width
            state.height = height
            state = press([.char("G"), .char("g"), .pageDown], state, model)
            let small = draw(state, model)
            XCTAssertEqual(small.count, height)
        }
    }

    func testOtherKindsDrawTheirDocuments() throws {
        let (volume, volumeModel) = try opened("volume", kind: .volume, width: 100, height: 20)
        let text = draw(volume, volumeModel).joined(separator: "\n")
        XCTAssertTrue(text.contains(#"Name: "swtop-inspect-vol""#) && text.contains(#"owner: "swtop""#), text)
        XCTAssertTrue(draw(volume, volumeModel)[0].contains("inspect volume swtop-inspect"), draw(volume, volumeModel)[0])
        var (image, imageModel) = try opened("image", kind: .image, width: 100, height: 200)
        let imageLines = tree(draw(image, imageModel)).map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(imageLines.contains("▸ ContainerConfig {22}") || imageLines.contains { $0.hasPrefix("▸ ContainerConfig") },
                      imageLines.joined(separator: "\n"))
        XCTAssertTrue(imageLines.contains { $0.hasPrefix("▸ RootFS") } && imageLines.contains { $0.hasPrefix("▸ GraphDriver") })
        XCTAssertTrue(imageLines.contains { $0.hasPrefix("PATH=") }, "the image's Config.Env")
        image = press([.char("/")] + type("Layers") + [.enter], image, imageModel)
        XCTAssertTrue(cursorLine(image, imageModel).contains("Layers [1]"), "search opened RootFS")
        let (network, networkModel) = try opened("network", kind: .network, width: 100, height: 30)
        XCTAssertTrue(draw(network, networkModel).contains { $0.contains(#"Subnet: "10.241.0.0/24""#) })
    }

    func testSnapshots() throws {
        for (width, height) in [(120, 30), (80, 24)] {
            var (state, model) = try opened(width: width, height: height)
            state = press([.char("/")] + type("DB_PASS") + [.enter], state, model)
            Snapshots.assert(buffer(state, model), "inspect-\(width)x\(height)")
        }
    }

    /// The search edits through the one line editor and remembers what was kept.
    func testTheSearchEditsAtTheCursorAndRemembersSearches() throws {
        var (state, model) = try opened()
        state = press([.char("/"), .char("a"), .char("b"), .char(" "), .char("c"), .char("d"), .ctrl("w"), .left, .left,
                       .char("x"), .ctrl("k"), .ctrl("a"), .char("z")], state, model)
        XCTAssertEqual(screen(state).search, "zax")
        let lines = draw(state, model)
        XCTAssertTrue(lines[lines.count - 2].hasPrefix("/z▏ax"), lines[lines.count - 2])
        state = press([.escape, .char("/")] + type("Image") + [.enter, .char("/"), .up], state, model)
        XCTAssertEqual(screen(state).search, "Image", "↑ gives the kept search back")
    }

    /// A click puts the cursor on the row under it; a double click folds it, as Enter does.
    func testAClickMovesTheCursorToTheRowUnderItAndADoubleClickFoldsIt() throws {
        let (state, model) = try opened()
        let before = tree(draw(state, model))
        // Row 4 of the terminal is the fourth of the tree: "▾ Args [1]".
        XCTAssertTrue(before[3].contains("▾ Args"), before[3])
        let clicked = press([.mouse(MouseEvent(x: 4, y: 4, action: .press(.left)))], state, model)
        XCTAssertNotEqual(screen(clicked).cursor, screen(state).cursor)
        let highlighted = buffer(clicked, model)
        XCTAssertEqual(highlighted[2, 4].style.role, .selected, "row 4 is drawn selected")
        XCTAssertEqual(tree(draw(clicked, model)), before, "a click changes no row")
        let folded = press([.mouse(MouseEvent(x: 4, y: 4, action: .doubleClick(.left)))], state, model)
        XCTAssertTrue(tree(draw(folded, model))[3].contains("▸ Args"), "a double click folds the row, as Enter does")
    }
}
