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
        subcommands: [DashboardCommand.self, PsCommand.self, ImagesCommand.self, LogsCommand.self, LayersCommand.self, ExecCommand.self, EngineCommand.self,
                      ServicesCommand.self, NodesCommand.self, ContextCommand.self, KeysCommand.self, ConfigCommand.self, DiskUsageCommand.self, PullCommand.self, PushCommand.self, BuildCommand.self],
        defaultSubcommand: DashboardCommand.self)

    /// Global options work before the subcommand too (`swtop -H URL ps`), as with the docker CLI.
    static func main() async {
        await main(GlobalOptions.movedAfterSubcommand(Array(CommandLine.arguments.dropFirst())))
    }
}

/// `-H/--host`, `-c/--context`, the TLS options and `--api-version` are declared on each command; given
/// before the subcommand they are moved after it, so ArgumentParser sees them where it expects them.
enum GlobalOptions {
    static let withValue: Set<String> = ["-H", "--host", "-c", "--context", "--api-version", "--tlscacert", "--tlscert", "--tlskey"]
    static let withoutValue: Set<String> = ["--tls", "--tlsverify"]
    static let subcommands: Set<String> = ["dashboard", "ps", "images", "logs", "layers", "exec", "engine", "services", "nodes", "context", "contexts", "keys", "config", "df", "pull", "push", "build", "help"]

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
            } else if withoutValue.contains(argument) {
                globals.append(argument)
                index += 1
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

    @Option(name: [.customShort("c"), .long], help: "Docker context to use (default: DOCKER_CONTEXT, then the current context of the docker config); a,b for several.")
    var context: String?

    @Flag(name: .customLong("tls"), help: "Use TLS (implied by --tlsverify).")
    var tls = false

    @Flag(name: .customLong("tlsverify"), help: "Use TLS and verify the engine's certificate (as DOCKER_TLS_VERIFY).")
    var tlsVerify = false

    @Option(name: .customLong("tlscacert"), help: "Trust certificates signed by this CA only (default: DOCKER_CERT_PATH/ca.pem).")
    var tlsCACert: String?

    @Option(name: .customLong("tlscert"), help: "Client certificate (default: DOCKER_CERT_PATH/cert.pem).")
    var tlsCert: String?

    @Option(name: .customLong("tlskey"), help: "Client certificate's key (default: DOCKER_CERT_PATH/key.pem).")
    var tlsKey: String?

    @Option(name: .long, help: "Speak this API version instead of negotiating (e.g. 1.41).")
    var apiVersion: String?

    var tlsOptions: TLSOptions {
        TLSOptions(tls: tls, verify: tlsVerify, caFile: tlsCACert, certFile: tlsCert, keyFile: tlsKey)
    }

    /// The single engine: several `-H` or `--context a,b` name several, which this refuses (the dashboard
    /// takes them: `EngineSet.resolve`).
    func endpoint() throws -> EngineEndpoint {
        let all = try EngineSet.resolve(self)
        guard all.count == 1, let only = all.first else {
            throw DockerError.invalidHost("this command talks to one engine; \(all.count) are named (the dashboard takes several)")
        }
        return only.endpoint
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
        if let docker = error as? DockerError, case let .unreachable(_, reason) = docker {
            // A TLS failure already says which file or flag to change.
            if reason.hasPrefix("TLS:") || reason.contains("speaks TLS") { return "\(docker) [address from \(endpoint.source)]" }
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
