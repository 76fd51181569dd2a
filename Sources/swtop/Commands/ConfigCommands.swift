import ArgumentParser
import SwtopConfig
import SwtopUI

/// `--config FILE`, and the one way every command reads the file: a mistake in it stops swtop with
/// `FILE:LINE: what is wrong` and exit 2.
struct ConfigOption: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp(
        "The config file (default: $XDG_CONFIG_HOME/swtop/config.toml, else ~/.config/swtop/config.toml; a missing default file is fine).",
        valueName: "FILE"))
    var file: String?

    func load() throws -> SwtopConfig {
        do {
            return try SwtopConfig.load(path: ConfigLocation.path(explicit: file), required: file != nil)
        } catch {
            Console.error("\(error)\n")
            throw ExitCode(2)
        }
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Every screen's key bindings in effect (the config file's included): screen, action, keys, flags, description.",
        discussion: "Rebind in the config file by these names: [keys.SCREEN] ACTION = \"KEY\" or [\"KEY\", …]; \"\" unbinds.")

    @OptionGroup var config: ConfigOption
    @Flag(help: "One JSON array: screen, action, keys, mutating, dangerous, shared, description.") var json = false

    func run() throws {
        let loaded = try config.load()
        if json {
            printJSON(ConfigReport.keyRows(loaded.keys))
        } else {
            printTable(header: ["SCREEN", "ACTION", "KEYS", "FLAGS", "DESCRIPTION"], rows: ConfigReport.keyTable(loaded.keys))
        }
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The configuration in effect, each value with where it came from; --check FILE checks a file.")

    @OptionGroup var config: ConfigOption
    @Option(help: ArgumentHelp("Check this file only: \"FILE: ok\", or FILE:LINE: what is wrong and exit 2.", valueName: "FILE"))
    var check: String?

    func run() throws {
        if let check {
            do {
                let checked = try SwtopConfig.load(path: check, required: true)
                Console.out("\(check): ok (\(checked.lines.count) setting\(checked.lines.count == 1 ? "" : "s"))\n")
            } catch {
                Console.error("\(error)\n")
                throw ExitCode(2)
            }
            return
        }
        Console.out(ConfigReport.effective(try config.load()))
    }
}
