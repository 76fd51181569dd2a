import DockerEngine
import Foundation
import SwtopConfig
import SwtopStore
@testable import SwtopUI
import TermCanvas
import XCTest

/// `[[commands]]`: read and checked with the line of each mistake, bound on the lists they name, run
/// with the row's fields as whole arguments.
final class CustomCommandTests: XCTestCase {
    let file = """
    [ui]
    mouse = false

    [[commands]]
    name = "echo-name"
    key = "y"
    scopes = ["containers", "projects"]
    command = ["printf", "[%s]", "{{.Name}}", "{{.Project}}", "{{.Host}}", "{{ .Name }}/{{.State.Status}}"]

    [[commands]]
    name = "ps-in"
    key = "Y"
    scopes = ["containers"]
    run = "container"
    command = "ps -o 'pid,args'"
    mutating = true

    [[commands]]
    name = "term"
    key = "F5"
    scopes = ["containers", "images"]
    run = "terminal"
    command = ["sh", "-c", "echo \\"$1\\"", "_", "{{.Image}}"]
    confirm = true
    description = "echo the image in the terminal"

    """

    func snapshot() -> StoreSnapshot {
        var snapshot = StoreSnapshot()
        snapshot.engine = "e1"
        snapshot.connection = .connected
        snapshot.loaded = true
        var summary = ContainerSummary(Id: String(repeating: "a", count: 64))
        summary.Names = ["/a; rm -rf ~"]
        summary.Image = "shop/web:1"
        summary.State = "running"
        summary.Labels = ["com.docker.compose.project": "$(touch pwned)"]
        snapshot.containers = [ContainerItem(summary, engine: "e1")]
        return snapshot
    }

    func testCommandsAreReadBoundAndListed() throws {
        let config = try SwtopConfig.parse(file, path: "/home/me/.config/swtop/config.toml")
        let keys = config.keys
        XCTAssertEqual(keys.customCommands.keys.sorted(), ["echo-name", "ps-in", "term"])
        let onContainers = keys.bindings(.containers).filter { if case .custom = $0.command { return true } else { return false } }
        XCTAssertEqual(onContainers.map(\.keyText), ["y", "Y", "F5"])
        XCTAssertEqual(keys.binding(for: .char("y"), on: .compose)?.command, .custom("echo-name"))
        XCTAssertEqual(keys.binding(for: .function(5), on: .images)?.dangerous, true)
        XCTAssertNil(keys.binding(for: .char("y"), on: .images))
        XCTAssertEqual(keys.customCommands["ps-in"]?.words, ["ps", "-o", "pid,args"])
        XCTAssertEqual(keys.binding(for: .char("Y"), on: .containers)?.mutating, true)
        // ? lists them, with what they run.
        XCTAssertTrue(keys.bindings(.containers).contains { $0.description == "echo the image in the terminal: sh -c 'echo \"$1\"' _ '{{.Image}}' (in the terminal)" })
    }

    /// A row's fields go in as whole arguments: a name with `;` and a project with `$( )` stay text.
    func testTheRowsFieldsAreWholeArguments() throws {
        var state = UIState(width: 120, height: 30)
        state.keys = try SwtopConfig.parse(file, path: "c.toml").keys
        let snapshot = snapshot()
        state.selection[.containers] = .container(String(repeating: "a", count: 64))
        let (pane, effects) = Reducer.reduce(state, .char("y"), snapshot)
        guard case let .openSession(id, .work(work))? = effects.first, let custom = work.base as? CustomCommandWork else {
            return XCTFail("\(effects)")
        }
        XCTAssertEqual(pane.top(RunScreen.self)?.session, id)
        XCTAssertEqual(custom.run.command.arguments(custom.run.row, host: "unix:///run/e1.sock"),
                       ["printf", "[%s]", "a; rm -rf ~", "$(touch pwned)", "unix:///run/e1.sock", "{{ .Name }}/{{.State.Status}}"])
        let (local, problem) = custom.run.local(cli: DockerCLIEnvironment(host: "unix:///run/e1.sock"),
                                                environment: ["PATH": "/usr/bin:/bin", "DOCKER_CONTEXT": "prod"])
        XCTAssertNil(problem)
        XCTAssertEqual(local?.arguments, ["[%s]", "a; rm -rf ~", "$(touch pwned)", "unix:///run/e1.sock", "{{ .Name }}/{{.State.Status}}"])
        XCTAssertEqual(local?.environment["DOCKER_HOST"], "unix:///run/e1.sock")
        XCTAssertNil(local?.environment["DOCKER_CONTEXT"])
        // Inside the container: the words as the exec's argv, no sh -c.
        let (_, inside) = Reducer.reduce(state, .char("Y"), snapshot)
        guard case let .openSession(_, .run(request))? = inside.first else { return XCTFail("\(inside)") }
        XCTAssertEqual(request.argv, ["ps", "-o", "pid,args"])
        // Asks first; the yes hands the terminal over.
        let (asking, none) = Reducer.reduce(state, .function(5), snapshot)
        XCTAssertEqual(none, [])
        XCTAssertEqual(asking.confirm?.question, "term: sh -c 'echo \"$1\"' _ shop/web:1?")
        let (_, yes) = Reducer.reduce(asking, .char("y"), snapshot)
        guard case let .handOverLocal(handOver)? = yes.first, case let .custom(run) = handOver.plan else { return XCTFail("\(yes)") }
        XCTAssertEqual(run.row.image, "shop/web:1")
        XCTAssertEqual(handOver.engine, "e1")
        // Read-only refuses a mutating one.
        var readOnly = state
        readOnly.readOnly = true
        XCTAssertEqual(Reducer.reduce(readOnly, .char("Y"), snapshot).1, [])
    }

    func testMistakesNameTheirLine() {
        func error(_ text: String) -> String {
            do {
                _ = try SwtopConfig.parse(text, path: "c.toml")
                return "no error"
            } catch {
                return error.description
            }
        }
        let entry = "[[commands]]\nname = \"one\"\nkey = \"y\"\nscopes = [\"containers\"]\ncommand = [\"true\"]\n"
        XCTAssertEqual(error(entry + "\n[[commands]]\nname = \"two\"\nkey = \"l\"\nscopes = [\"containers\"]\ncommand = \"true\"\n"),
                       "c.toml:9: command two: l is bound twice on containers: logs and custom:two")
        XCTAssertEqual(error(entry + "\n[[commands]]\nname = \"two\"\nkey = \"y\"\nscopes = [\"containers\"]\ncommand = \"true\"\n"),
                       "c.toml:9: command two: y is bound twice on containers: custom:one and custom:two")
        XCTAssertEqual(error(entry.replacingOccurrences(of: "[\"true\"]", with: "[\"echo\", \"{{.name}}\"]")),
                       "c.toml:5: command one: {{.name}} is written {{.Name}} (fields: {{.ID}}, {{.Name}}, {{.Image}}, {{.Project}}, {{.Engine}}, {{.Host}}; any other {{…}} goes to the command as written)")
        XCTAssertEqual(error(entry.replacingOccurrences(of: "[\"containers\"]", with: "[\"pods\"]")),
                       "c.toml:4: command one: unknown scope \"pods\" (scopes: containers, images, volumes, networks, projects, services)")
        XCTAssertEqual(error(entry + "run = \"container\"\n").prefix(10), "no error")
        XCTAssertEqual(error(entry.replacingOccurrences(of: "[\"containers\"]", with: "[\"images\"]") + "run = \"container\"\n"),
                       "c.toml:6: command one: run = \"container\" needs scopes = [\"containers\"] (it runs inside the selected container)")
        XCTAssertEqual(error(entry + "shell = true\n"), "c.toml:6: unknown command setting \"shell\" (settings: name, key, scopes, command, run, confirm, mutating, description)")
        // A rebinding in [keys] that frees the key makes room, wherever it stands in the file.
        XCTAssertEqual(error(entry.replacingOccurrences(of: "\"y\"", with: "\"l\"") + "\n[keys.containers]\nlogs = \"L\"\nlayers = \"\"\n"), "no error")
    }

    /// The README's worked example is a file swtop takes, with the keys it says.
    func testTheReadmesWorkedExampleIsRead() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let after = try XCTUnwrap(readme.range(of: "A worked example"))
        let start = try XCTUnwrap(readme.range(of: "```toml\n", range: after.upperBound..<readme.endIndex))
        let end = try XCTUnwrap(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let keys = try SwtopConfig.parse(String(readme[start.upperBound..<end.lowerBound]), path: "README.md").keys
        XCTAssertEqual(keys.customCommands.keys.sorted(), ["health", "history", "project-logs", "sockets"])
        XCTAssertEqual(keys.binding(for: .char("K"), on: .compose)?.command, .custom("project-logs"))
        XCTAssertEqual(keys.binding(for: .function(2), on: .images)?.command, .custom("history"))
        XCTAssertEqual(keys.customCommands["health"]?.arguments(RowFields(id: "c1", engine: "e"), host: "unix:///s"),
                       ["docker", "inspect", "-f", "{{json .State.Health}}", "c1"])
    }
}
