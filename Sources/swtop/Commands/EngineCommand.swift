import ArgumentParser
import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct EngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "engine", abstract: "Show the engine's version, API version, OS, storage driver and counts.")

    @OptionGroup var engine: EngineOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await failing {
            let (client, version, info) = try await withClient(engine) { client in
                (client, try await client.version(), try await client.info())
            }
            let record = EngineRecord(
                address: client.endpoint.address.description, source: client.endpoint.source,
                version: version.Version ?? "?", apiVersion: client.apiVersion.description,
                engineMaxAPIVersion: version.ApiVersion ?? client.ping.apiVersion?.description ?? "?",
                os: info.OperatingSystem ?? version.Os ?? "?", kernel: info.KernelVersion ?? version.KernelVersion ?? "?",
                storageDriver: info.Driver ?? "?", cgroupDriver: info.CgroupDriver ?? "?",
                cgroupVersion: info.CgroupVersion ?? "?",
                containers: info.Containers ?? 0, running: info.ContainersRunning ?? 0,
                paused: info.ContainersPaused ?? 0, stopped: info.ContainersStopped ?? 0, images: info.Images ?? 0)
            if json {
                printJSON(record)
            } else {
                let lines: [(String, String)] = [
                    ("Engine", "\(record.address) (\(record.source))"),
                    ("Version", record.version),
                    ("API version", "\(record.apiVersion) (engine supports up to \(record.engineMaxAPIVersion))"),
                    ("OS", "\(record.os), kernel \(record.kernel)"),
                    ("Storage driver", record.storageDriver),
                    ("Cgroups", "\(record.cgroupDriver), v\(record.cgroupVersion)"),
                    ("Containers", "\(record.containers) (\(record.running) running, \(record.paused) paused, \(record.stopped) stopped)"),
                    ("Images", String(record.images)),
                ]
                for (key, value) in lines {
                    print(key + String(repeating: " ", count: max(0, 15 - key.count)) + " " + CLIText.safe(value))
                }
            }
        }
    }
}

struct EngineRecord: Encodable {
    let address, source, version, apiVersion, engineMaxAPIVersion, os, kernel, storageDriver, cgroupDriver, cgroupVersion: String
    let containers, running, paused, stopped, images: Int
}
