import ArgumentParser
import DockerEngine
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@main
struct Swtop: AsyncParsableCommand {
    static let version = "0.3.0"

    static let configuration = CommandConfiguration(
        commandName: "swtop",
        abstract: "A terminal dashboard for Docker engines.",
        version: "swtop \(version) (commit \(swtopCommit))",
        subcommands: [DashboardCommand.self, PsCommand.self, ImagesCommand.self, LogsCommand.self, LayersCommand.self, ExecCommand.self, EngineCommand.self],
        defaultSubcommand: DashboardCommand.self)

    /// Global options work before the subcommand too (`swtop -H URL ps`), as with the docker CLI.
    static func main() async {
        await main(GlobalOptions.movedAfterSubcommand(Array(CommandLine.arguments.dropFirst())))
    }
}

/// `-H/--host` and `--api-version` are declared on each command; given before the subcommand they
/// are moved after it, so ArgumentParser sees them where it expects them.
enum GlobalOptions {
    static let withValue: Set<String> = ["-H", "--host", "--api-version"]
    static let subcommands: Set<String> = ["dashboard", "ps", "images", "logs", "layers", "exec", "engine", "help"]

    static func movedAfterSubcommand(_ arguments: [String]) -> [String] {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if subcommands.contains(argument) {
                guard !globals.isEmpty else { return arguments }
                return [argument] + globals + arguments[(index + 1)...]
            }
            if withValue.contains(argument), index + 1 < arguments.count {
                globals += [argument, arguments[index + 1]]
                index += 2
            } else if let name = argument.split(separator: "=", maxSplits: 1).first, argument.contains("="),
                      withValue.contains(String(name)) {
                globals.append(argument)
                index += 1
            } else {
                // Anything else (a dashboard flag, a value) means there is no subcommand to move past.
                return arguments
            }
        }
        return arguments
    }
}

/// Options every command takes.
struct EngineOptions: ParsableArguments {
    @Option(name: [.customShort("H"), .long], help: ArgumentHelp(
        "Engine address: unix:///path, tcp://host:port, https://host:port, ssh://[user@]host[:port][/socket] (default: "
            + "DOCKER_HOST, the docker context, then /var/run/docker.sock). The dashboard takes several (-H A -H B), each "
            + "optionally named: -H prod=ssh://admin@prod.",
        valueName: "[NAME=]URL"))
    var host: [String] = []

    @Option(name: .long, help: "Speak this API version instead of negotiating (e.g. 1.41).")
    var apiVersion: String?

    func endpoint() throws -> EngineEndpoint {
        guard host.count <= 1 else {
            throw CLIFailure(message: "this command talks to one engine; -H was given \(host.count) times (the dashboard takes several)")
        }
        return try EndpointResolver.resolve(explicitHost: host.first.map { EngineSet.split($0).url })
    }

    /// Connects, or exits 1 with one clear line naming the address tried and how to point elsewhere.
    func connect() async throws -> DockerClient {
        let endpoint: EngineEndpoint
        do {
            endpoint = try self.endpoint()
        } catch {
            throw CLIFailure(message: String(describing: error))
        }
        let pinned = try pinnedVersion()
        do {
            return try await DockerClient.connect(endpoint, pinnedVersion: pinned)
        } catch {
            throw CLIFailure(message: Self.unreachableText(error, endpoint: endpoint))
        }
    }

    /// The version `--api-version` pins, nil to negotiate.
    func pinnedVersion() throws -> APIVersion? {
        guard let apiVersion else { return nil }
        guard let parsed = APIVersion(apiVersion) else {
            throw CLIFailure(message: "--api-version '\(apiVersion)' is not of the form 1.NN")
        }
        return parsed
    }

    static func unreachableText(_ error: Error, endpoint: EngineEndpoint) -> String {
        let hint = "point swtop at an engine with --host URL or DOCKER_HOST (e.g. -H unix:///run/docker.sock)"
        if let docker = error as? DockerError, case .unreachable = docker {
            return "\(docker) [address from \(endpoint.source)]; \(hint)"
        }
        return "\(error) [engine at \(endpoint.address), from \(endpoint.source)]"
    }
}

/// A failure already worded for the user: printed as one line, exit code 1.
struct CLIFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Runs a body with a connected client and always shuts the client down.
func withClient<T>(_ options: EngineOptions, _ body: (DockerClient) async throws -> T) async throws -> T {
    let client = try await options.connect()
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw CLIFailure(message: String(describing: error))
    }
}

extension AsyncParsableCommand {
    /// Prints a CLIFailure as `swtop: message` on stderr and exits 1 (ArgumentParser would print usage).
    func failing(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as CLIFailure {
            Console.error("swtop: \(failure.message)\n")
            throw ExitCode(1)
        }
    }
}
