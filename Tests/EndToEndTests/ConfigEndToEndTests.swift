import Foundation
import TestSupport
import XCTest

/// The config file and the mouse, in a real terminal against the 20.10 engine: a rebinding as a user
/// sees it, a theme without colour, SGR-1006 mouse reports typed into the pane, and the mouse off.
final class ConfigEndToEndTests: XCTestCase {
    var panes: [TmuxSession] = []
    var containers: [(TestEngine, String)] = []
    let folder = NSTemporaryDirectory() + "swtop-e2e-config-\(UUID().uuidString.prefix(6))"

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for pane in panes { pane.kill() }
        panes.removeAll()
        for (engine, name) in containers { _ = try? engine.dockerResult(["rm", "-f", name]) }
        containers.removeAll()
        try? FileManager.default.removeItem(atPath: folder)
    }

    func engine() throws -> TestEngine { try XCTUnwrap(try TestEngine.all().first) }

    /// swtop in a pane with this config file (none: the default location, under an empty XDG folder).
    func launch(config: String?, width: Int = 200, height: Int = 50, waitFor: String = "swtop-logger",
                term: String = "xterm-256color") throws -> TmuxSession {
        let engine = try engine()
        var arguments = "-H \(engine.host) --log-file \(folder)/swtop.log"
        if let config {
            let path = "\(folder)/config-\(panes.count).toml"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += " --config \(path)"
        }
        let pane = try TmuxSession(command: "\(Repo.swtopBinary) \(arguments)", width: width, height: height,
                                   environment: ["TERM": term, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                                                 "XDG_CONFIG_HOME": folder + "/xdg"])
        panes.append(pane)
        try pane.waitFor(text: waitFor)
        return pane
    }

    /// A container that printed `lines` numbered lines and then waits.
    func printer(_ lines: Int) throws -> String {
        let engine = try engine()
        let name = Repo.uniqueName("cfgp")
        containers.append((engine, name))
        _ = try Shell.check([Repo.dockerCLI, "-H", engine.host, "run", "-d", "--name", name, "swtop/busybox:latest", "sh", "-c",
                             "i=0; while [ $i -lt \(lines) ]; do i=$((i+1)); echo printed-$i; done; exec sleep 100000"])
        return name
    }

    func title(_ screen: String) -> String { screen.split(separator: "\n").first.map(String.init) ?? "" }

    /// SGR colour parameters (30–37, 38, 40–47, 48, 90–97, 100–107) in captured text.
    func colourParameters(_ text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "\u{1b}[") {
            rest = rest[start.upperBound...]
            let body = rest.prefix { $0.isNumber || $0 == ";" || $0 == ":" }
            rest = rest.dropFirst(body.count)
            guard rest.first == "m" else { continue }
            for parameter in body.split(separator: ";") {
                guard let n = Int(parameter) else { continue }
                if (30...38).contains(n) || (40...48).contains(n) || (90...97).contains(n) || (100...107).contains(n) {
                    found.append(String(n))
                }
            }
        }
        return found
    }

    /// A config binding the containers screen's logs action to `v`: `v` opens logs, `l` no longer does,
    /// `?` lists `v`; a mistake in the file stops swtop with its line and exit 2.
    func testAConfigRebindsLogsToV() throws {
        let pane = try launch(config: "[keys.containers]\nlogs = \"v\"\n")
        try pane.send("l")
        try pane.send("?")
        let help = try pane.waitFor(text: "Keys (Esc or ? closes)")
        XCTAssertTrue(title(help).contains("1 Containers"), "l opened nothing: the dashboard is under the help\n\(help)")
        let line = try XCTUnwrap(help.split(separator: "\n").first { $0.contains("logs of the container") }, help)
        XCTAssertTrue(line.contains("│v "), "help shows v: \(line)")
        try pane.send("Escape")
        try pane.waitFor("help closed") { !$0.contains("Keys (Esc or ? closes)") }
        XCTAssertTrue(try pane.capture().contains("v logs"), "the hint names v")
        try pane.send("v")
        try pane.waitFor("the log view") { self.title($0).contains("logs:") }

        // A mistake: the dashboard does not start; the file's line is named and swtop exits 2.
        try "[keys.containers]\nlogs = \"v\"\nstart-stop = \"v\"\n".write(toFile: "\(folder)/bad.toml", atomically: true, encoding: .utf8)
        let bad = try TmuxSession(command: "\(Repo.swtopBinary) --config \(folder)/bad.toml", environment: ["TERM": "xterm-256color"])
        panes.append(bad)
        let refused = try bad.waitFor(text: "[exit=2]")
        XCTAssertTrue(refused.contains("\(folder)/bad.toml:3: v is bound twice on containers: start-stop and logs"), refused)
        let result = try Shell.run([Repo.swtopBinary, "config", "--check", "\(folder)/bad.toml"], timeout: 20)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "\(folder)/bad.toml:3: v is bound twice on containers: start-stop and logs\n")
    }

    /// `[theme] name = "mono"`: not one colour on the screen; the default theme draws colours.
    func testAMonoThemeDrawsNoColour() throws {
        let mono = try launch(config: "[theme]\nname = \"mono\"\n")
        try mono.waitFor(text: "running")
        let plain = try mono.capture(escapes: true)
        XCTAssertEqual(colourParameters(plain), [], "mono draws no colour")
        XCTAssertTrue(plain.contains("\u{1b}[7m") || plain.contains(";7m"), "the selected row is still marked (reverse)")
        let dark = try launch(config: nil)
        try dark.waitFor(text: "running")
        XCTAssertFalse(colourParameters(try dark.capture(escapes: true)).isEmpty, "the default theme draws colours")
    }

    /// SGR-1006 reports typed into the pane: a click selects the third row (Enter's detail pane names it),
    /// the wheel scrolls a log view up three lines; reporting is off while a shell has the terminal.
    func testMouseSelectsTheThirdRowAndScrollsALogView() throws {
        let name = try printer(200)
        let pane = try launch(config: nil)
        XCTAssertEqual(try pane.format("#{mouse_sgr_flag}"), "1", "swtop asked the terminal for SGR mouse reports")
        let screen = try pane.capture()
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        let third = rows[4].split(separator: " ").first { $0 != "▾" && $0 != "▸" }.map(String.init) ?? ""
        try pane.sendLiteral("\u{1b}[<0;5;5M\u{1b}[<0;5;5m")
        try pane.send("l")
        // One container's logs (a compose group's would say "2 containers: …").
        try pane.waitFor("logs of the third row, \(third)") { self.title($0).contains("logs: \(third) ") }
        try pane.send("Escape")
        try pane.waitFor("the dashboard") { self.title($0).contains("1 Containers") }

        try pane.send("/")
        try pane.sendLiteral(name)
        try pane.send("Enter")
        try pane.waitFor("only \(name)") { $0.contains(name) && !$0.contains("swtop-logger") }
        try pane.send("l")
        try pane.waitFor(text: "printed-200")
        try pane.sendLiteral("\u{1b}[<64;20;20M")
        let scrolled = try pane.waitFor("three lines up") { !$0.contains("printed-200") && $0.contains("printed-197") }
        XCTAssertFalse(scrolled.contains("printed-198"), scrolled)
        try pane.sendLiteral("\u{1b}[<65;20;20M")
        try pane.waitFor("three lines down again") { $0.contains("printed-200") }
        try pane.send("Escape")

        try pane.send("e")
        try pane.waitFor(text: "[swtop] shell in \(name)")
        try pane.waitFor(format: "#{mouse_any_flag}", toBe: "0")
        try pane.sendLiteral("exit")
        try pane.send("Enter")
        try pane.waitFor(format: "#{mouse_sgr_flag}", toBe: "1")
    }

    /// The reports are read whatever the terminfo entry says of the mouse (xterm's names `ESC [ <`, tmux's and
    /// screen's the older `ESC [ M`), and are never taken for keys (their `M` would open the messages).
    func testAClickSelectsUnderEveryCommonTERM() throws {
        for term in ["xterm-256color", "tmux-256color", "screen"] {
            let pane = try launch(config: nil, term: term)
            // The row under the click, once the list has settled: a second engine's containers can come a
            // moment after the first frame and move the rows (CI saw the click land on another container).
            func thirdRow(_ screen: String) -> String {
                let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
                guard rows.count > 4 else { return "" }
                return rows[4].split(separator: " ").first { $0 != "▾" && $0 != "▸" }.map(String.init) ?? ""
            }
            var seen = "", unchanged = 0
            let settled = try pane.waitFor("[\(term)] the list's third row unchanged for a second") { screen in
                let name = thirdRow(screen)
                unchanged = name == seen && !name.isEmpty ? unchanged + 1 : 0
                seen = name
                return unchanged >= 20
            }
            let third = thirdRow(settled)
            try pane.sendLiteral("\u{1b}[<0;5;5M\u{1b}[<0;5;5m")
            try pane.send("l")
            let logs = try pane.waitFor("[\(term)] logs of \(third)") { self.title($0).contains("logs:") }
            XCTAssertTrue(title(logs).contains("logs: \(third) "), "[\(term)] one container's logs: \(title(logs))")
            XCTAssertFalse(logs.contains("Messages, newest first"), "[\(term)] no report leaked as keys")
            pane.kill()
        }
    }

    /// `mouse = false`: the terminal is not asked for reports, and reports that still arrive do nothing.
    func testMouseFalseDoesNothing() throws {
        let name = try printer(200)
        let pane = try launch(config: "[ui]\nmouse = false\n")
        XCTAssertEqual(try pane.format("#{mouse_any_flag}"), "0")
        try pane.send("l")
        let first = title(try pane.waitFor("logs of the first row") { self.title($0).contains("logs:") })
        try pane.send("Escape")
        try pane.waitFor("the dashboard") { self.title($0).contains("1 Containers") }
        try pane.sendLiteral("\u{1b}[<0;5;5M\u{1b}[<0;5;5m")
        try pane.send("l")
        let again = title(try pane.waitFor("logs") { self.title($0).contains("logs:") })
        XCTAssertEqual(first.prefix(40), again.prefix(40), "the click selected nothing: the same row's logs")
        try pane.send("Escape")
        try pane.send("/")
        try pane.sendLiteral(name)
        try pane.send("Enter")
        try pane.waitFor("only \(name)") { $0.contains(name) && !$0.contains("swtop-logger") }
        try pane.send("l")
        try pane.waitFor(text: "printed-200")
        try pane.sendLiteral("\u{1b}[<64;20;20M")
        try pane.send("?")
        try pane.waitFor(text: "Keys (Esc or ? closes)")
        try pane.send("Escape")
        let after = try pane.waitFor("help closed") { !$0.contains("Keys (Esc or ? closes)") }
        XCTAssertTrue(after.contains("printed-200") && after.contains("following"), "the wheel did not scroll:\n\(after)")
    }
}
