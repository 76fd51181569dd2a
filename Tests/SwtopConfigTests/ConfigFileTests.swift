import NCursesBackend
import SwtopConfig
import SwtopUI
import TermCanvas
import XCTest

/// The config file as a user writes it: what it changes, and each mistake named by file and line.
final class ConfigFileTests: XCTestCase {
    func parse(_ text: String) throws -> SwtopConfig { try SwtopConfig.parse(text, path: "c.toml") }

    /// The error a text gives, as swtop prints it.
    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try parse(text)
            XCTFail("no error for:\n\(text)", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    func XCTAssertPrefix(_ text: String, _ prefix: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(text.hasPrefix(prefix), "\(text) does not start with \(prefix)", file: file, line: line)
    }

    func testRebindingTheContainersLogsActionToV() throws {
        let config = try parse("""
        # mine
        [keys.containers]
        logs = "v"
        """)
        XCTAssertEqual(config.keys.binding(for: .char("v"), on: .containers)?.command, .logs)
        XCTAssertNil(config.keys.binding(for: .char("l"), on: .containers), "l no longer opens logs")
        XCTAssertEqual(config.keys.binding(for: .char("l"), on: .images)?.command, nil, "images never had l")
        XCTAssertEqual(config.keys.binding(for: .char("w"), on: .logs)?.command, .logWrap, "other screens unchanged")
        XCTAssertEqual(config.origin("keys.containers.logs"), "c.toml:3")
        XCTAssertEqual(config.origin("ui.log-tail"), "default")
    }

    func testSeveralKeysUnbindingAndGlobalRebinding() throws {
        let config = try parse("""
        [keys.logs]
        wrap = ["W", "Ctrl-W"]
        timestamps = ""
        [keys.global]
        redraw = "F5"
        """)
        XCTAssertEqual(config.keys.binding(for: .char("W"), on: .logs)?.command, .logWrap)
        XCTAssertEqual(config.keys.binding(for: .ctrl("w"), on: .logs)?.command, .logWrap)
        XCTAssertNil(config.keys.binding(for: .char("t"), on: .logs))
        XCTAssertFalse(config.keys.bindings(.logs).contains { $0.command == .logTimestamps }, "an unbound action is not in help")
        for screen in ScreenName.allCases {
            XCTAssertEqual(config.keys.binding(for: .function(5), on: screen)?.command, .redraw, "\(screen)")
            XCTAssertNil(config.keys.binding(for: .ctrl("l"), on: screen), "\(screen)")
        }
    }

    func testAScreensOwnRebindingOfASharedActionStaysOnThatScreen() throws {
        let keys = try parse("[keys.inspect]\nhelp = \"F1\"\n").keys
        XCTAssertEqual(keys.binding(for: .function(1), on: .inspect)?.command, .help)
        XCTAssertNil(keys.binding(for: .char("?"), on: .inspect))
        XCTAssertEqual(keys.binding(for: .char("?"), on: .logs)?.command, .help, "other screens keep ?")
    }

    func testMistakesNameTheirLine() {
        XCTAssertEqual(error("[keys.containers]\nlogs = \"v\"\nstart-stop = \"v\"\n"),
                       "c.toml:3: v is bound twice on containers: start-stop and logs")
        XCTAssertPrefix(error("\n\n[keys.containers]\nlogz = \"v\"\n"), "c.toml:4: containers has no action \"logz\" (it")
        XCTAssertPrefix(error("[keys.dashboard]\nlogs = \"v\"\n"), "c.toml:1: unknown screen \"dashboard\" i")
        XCTAssertPrefix(error("[keys.logs]\nwrap = \"Hyper-W\"\n"), "c.toml:2: unknown key name \"Hyper-W\" (a")
        XCTAssertEqual(error("[ui]\nlog-tail = \"lots\"\n"), "c.toml:2: ui.log-tail is a whole number, 0 or more")
        XCTAssertEqual(error("[ui]\nread-only = true\nmouse = 1\n"), "c.toml:3: ui.mouse is true or false")
        XCTAssertPrefix(error("[ui]\nsort = \"size\"\n"), "c.toml:2: ui.sort is one of \"n")
        XCTAssertPrefix(error("[ui]\ntail = 5\n"), "c.toml:2: unknown setting ui.tail (s")
        XCTAssertEqual(error("[ui]\nengines = [\"unix:///a\"]\ncontexts = [\"b\"]\n"),
                       "c.toml:3: ui.engines and ui.contexts cannot both be set (as -H and --context)")
        XCTAssertEqual(error("[theme]\nname = \"solarized\"\n"), "c.toml:2: theme.name is one of dark, light, high-contrast, mono")
        XCTAssertEqual(error("[theme.roles]\nrunning = 300\n"), "c.toml:2: running: 300 is not a colour number (0–255)")
        XCTAssertPrefix(error("[theme.roles]\nrunnin = 3\n"), "c.toml:2: unknown role \"runnin\" (r")
        XCTAssertEqual(error("[theme.roles]\nselected = { fg = 1, blink = true }\n"),
                       "c.toml:2: selected: unknown \"blink\" (fg, bg, bold, underline, reverse, dim)")
        XCTAssertPrefix(error("[colors]\nx = 1\n"), "c.toml:1: unknown section [colors];")
        XCTAssertPrefix(error("ui = 3\n"), "c.toml:1: ui must be a table ")
        // TOML itself: the parser's line.
        XCTAssertTrue(error("[ui]\nread-only = tru\n").hasPrefix("c.toml:2: "), error("[ui]\nread-only = tru\n"))
        XCTAssertTrue(error("[ui\n").hasPrefix("c.toml:1: "))
        // Found by swtop-fuzz (config): a size past Int's range trapped.
        XCTAssertEqual(error("[ui]\nlog-bytes = \"9223372036854775807MB\"\n"), 
                       "c.toml:2: ui.log-bytes is a size: a number of bytes or a string such as \"64MB\", \"1GB\"")
        // Found by swtop-fuzz (config): what the file holds is quoted in the message, escapes and all.
        let hostile = error("[keys.logs]\nwrap = \"x\\u001B]0;owned\\u0007\\u009B2Jy\"\n")
        XCTAssertPrefix(hostile, "c.toml:2: unknown key name \"xy\"")
        XCTAssertFalse(hostile.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, hostile)
    }

    /// `[ui] columns`: the containers list's columns in the order given; a name swtop does not know is an
    /// error on its line that lists the names it knows.
    func testColumns() throws {
        let config = try parse("[ui]\nhide-stopped = true\ncolumns = [\"name\", \"CPU\", \"mem\", \"net\", \"io\", \"pids\"]\n")
        XCTAssertEqual(config.ui.columns, [.name, .cpu, .mem, .net, .io, .pids])
        XCTAssertEqual(config.origin("ui.columns"), "c.toml:3")
        XCTAssertNil(try parse("[ui]\nmouse = true\n").ui.columns, "none given: swtop's choice by width")
        XCTAssertEqual(try parse("[ui]\nsort = \"pids\"\n").ui.sort, "pids", "the new columns sort too")
        XCTAssertEqual(error("[ui]\n\ncolumns = [\"name\", \"netio\"]\n"),
                       "c.toml:3: ui.columns has an unknown column \"netio\" (columns: \"name\", \"image\", \"state\", "
                       + "\"status\", \"cpu\", \"mem\", \"net\", \"io\", \"pids\", \"ports\")")
        XCTAssertPrefix(error("[ui]\ncolumns = [\"name\", 3]\n"), "c.toml:2: ui.columns is a list of strings: \"name\", ")
        XCTAssertEqual(error("[ui]\ncolumns = [\"name\", \"cpu\", \"cpu\"]\n"), "c.toml:2: ui.columns names \"cpu\" twice")
        XCTAssertEqual(error("[ui]\ncolumns = [\"cpu\", \"mem\"]\n"), "c.toml:2: ui.columns must include \"name\"")
        XCTAssertPrefix(error("[ui]\ncolumns = \"name,cpu\"\n"), "c.toml:2: ui.columns is a list of column names: \"name\"")
        XCTAssertTrue(ConfigReport.effective(config).contains(#"columns = ["name", "cpu", "mem", "net", "io", "pids"]  # c.toml:3"#),
                      ConfigReport.effective(config))
    }

    func testMissingFiles() throws {
        let missing = NSTemporaryDirectory() + "swtop-no-such-\(UUID().uuidString).toml"
        XCTAssertNil(try SwtopConfig.load(path: missing).path, "a missing default file is no config")
        XCTAssertThrowsError(try SwtopConfig.load(path: missing, required: true)) { error in
            XCTAssertEqual("\(error)", "\(missing):0: cannot read the file (no such file)")
        }
        XCTAssertThrowsError(try SwtopConfig.load(path: NSTemporaryDirectory(), required: true)) { error in
            XCTAssertTrue("\(error)".hasPrefix(NSTemporaryDirectory() + ":0: cannot read the file"), "\(error)")
        }
    }

    func testTheDefaultLocation() {
        XCTAssertEqual(ConfigLocation.path(explicit: "/x.toml", environment: ["HOME": "/h"]), "/x.toml")
        XCTAssertEqual(ConfigLocation.path(explicit: nil, environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/x"]),
                       "/x/swtop/config.toml")
        XCTAssertEqual(ConfigLocation.path(explicit: nil, environment: ["HOME": "/h", "XDG_CONFIG_HOME": ""]),
                       "/h/.config/swtop/config.toml")
    }

    func testUISettings() throws {
        let config = try parse("""
        [ui]
        read-only = true
        shell = "ash -l"
        log-tail = 50
        log-lines = 2000
        log-bytes = "1MB"
        secret-names = ["token"]
        hide-stopped = true
        sort = "CPU"
        sort-reversed = true
        api-stats = true
        resync-seconds = 30
        contexts = ["prod", "ci"]
        mouse = false
        detach-keys = "ctrl-x"
        """)
        var expected = UIOptions()
        expected.readOnly = true
        expected.shell = "ash -l"
        expected.logTail = 50
        expected.logLines = 2000
        expected.logBytes = 1 << 20
        expected.secretNames = ["TOKEN"]
        expected.hideStopped = true
        expected.sort = "cpu"
        expected.sortReversed = true
        expected.apiStats = true
        expected.resyncSeconds = 30
        expected.contexts = ["prod", "ci"]
        expected.mouse = false
        expected.detachKeys = "ctrl-x"
        XCTAssertEqual(config.ui, expected)
        XCTAssertEqual(config.origin("ui.mouse"), "c.toml:14")
    }

    /// `swtop config` prints a file that reads back as the same configuration, each value with its origin.
    func testTheEffectiveConfigReadsBackTheSame() throws {
        let config = try parse("""
        [ui]
        log-tail = 50
        secret-names = ["TOKEN", "A\\"B"]
        [theme]
        name = "light"
        [theme.roles]
        running = "#00ff00"
        selected = { fg = "default", bg = 25, bold = true }
        [keys.containers]
        logs = ["v", "Ctrl-V"]
        """)
        let text = ConfigReport.effective(config)
        XCTAssertTrue(text.contains("log-tail = 50  # c.toml:2\n"), text)
        XCTAssertTrue(text.contains("# log-lines = 100000  (default; "), text)
        XCTAssertTrue(text.contains("name = \"light\"  # c.toml:5\n"), text)
        XCTAssertTrue(text.contains("logs = [\"v\", \"Ctrl-V\"]  # c.toml:10\n"), text)
        let again = try SwtopConfig.parse(text, path: "again.toml")
        XCTAssertEqual(again.ui, config.ui)
        XCTAssertEqual(again.theme, config.theme)
        XCTAssertEqual(ConfigReport.keyRows(again.keys), ConfigReport.keyRows(config.keys))
        XCTAssertEqual(config.theme.overrides[.running]?.foreground, .index(46), "#00ff00 is xterm-256's 46")
        let defaults = ConfigReport.effective(SwtopConfig())
        XCTAssertTrue(defaults.contains("# file: none (every value a default)"), defaults)
        XCTAssertNoThrow(try SwtopConfig.parse(defaults, path: "d.toml"), "the defaults' printout is a valid config")
    }

    func testSwtopKeysListsEveryScreensBindingsInEffect() throws {
        let rows = ConfigReport.keyRows(try parse("[keys.containers]\nlogs = \"v\"\n").keys)
        let logs = try XCTUnwrap(rows.first { $0.screen == "containers" && $0.action == "logs" })
        XCTAssertEqual(logs.keys, ["v"])
        let remove = try XCTUnwrap(rows.first { $0.screen == "containers" && $0.action == "remove" })
        XCTAssertTrue(remove.mutating && remove.dangerous)
        let quit = try XCTUnwrap(rows.first { $0.screen == "logs" && $0.action == "quit" })
        XCTAssertTrue(quit.shared)
        XCTAssertFalse(try XCTUnwrap(rows.first { $0.screen == "containers" && $0.action == "quit" }).shared,
                       "the lists' quit (q) is their own")
        XCTAssertEqual(Set(rows.map(\.screen)), Set(ScreenName.allCases.map(\.rawValue)))
    }
}
