import ArgumentParser
import DockerEngine
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LayerKit
import SwtopUI

/// `swtop layers IMAGE`: an image's layer stack and space efficiency for scripts and CI. Same figures as
/// `dive --ci` (efficiency, wastedBytes, userWastedPercent), plus what dive leaves out (reclaimable bytes);
/// `--json` gives every layer's changes; `--tui` opens the layer view.
struct LayersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Show an image's layers: what each added, changed and removed, and the space wasted.",
        discussion: """
            Exit codes with --ci: 0 every rule passed or was skipped, 1 a rule failed, 2 a usage, \
            configuration or engine error. Rules default to dive's (lowestEfficiency 0.9, \
            highestWastedBytes disabled, highestUserWastedPercent 0.1); a .dive-ci file in the current \
            directory (or --ci-config) and the flags override them, flags last.
            """)

    @OptionGroup var engine: EngineOptions
    @OptionGroup var configFile: ConfigOption
    @Argument(help: "Image name, id, or (with --container) a container.") var image: String
    @Flag(help: "Write the analysis as JSON.") var json = false
    @Flag(help: "Evaluate the efficiency rules and exit 1 if one fails (dive --ci).") var ci = false
    @Option(name: .customLong("ci-config"), help: "Rules file (default .dive-ci when present).") var ciConfig: String?
    @Option(name: [.customLong("lowest-efficiency"), .customLong("lowestEfficiency")],
            help: "Fail below this efficiency ratio (0-1, or \"disabled\").") var lowestEfficiency: String?
    @Option(name: [.customLong("highest-wasted-bytes"), .customLong("highestWastedBytes")],
            help: "Fail above this many wasted bytes (20MB, 1000, or \"disabled\").") var highestWastedBytes: String?
    @Option(name: [.customLong("highest-user-wasted-percent"), .customLong("highestUserWastedPercent")],
            help: "Fail above this ratio of wasted to user-added bytes (0-1, or \"disabled\").") var highestUserWastedPercent: String?
    @Option(help: "Where files come from: auto (cache, overlay2 directories, else the image export), overlay, export.")
    var source: String = "auto"
    @Flag(name: .customLong("no-cache"), help: "Neither read nor write the layer cache.") var noCache = false
    @Flag(help: "Treat the argument as a container: its image plus its read/write layer.") var container = false
    @Flag(help: "Open the interactive layer view.") var tui = false

    func run() async throws {
        guard let choice = LayerSourceChoice(rawValue: source) else {
            throw ValidationError("--source takes auto, overlay or export, not \(source)")
        }
        if tui {
            // The dashboard opens on the layer view; leaving it quits. Container or image: the engine says.
            let target: LayerTarget = container ? .container(id: image, name: image) : .image(id: image, name: image)
            try await DashboardCommand.runDashboard(engine: engine, readOnly: true, logFile: nil, logLevel: "info", apiStats: false,
                                                    resyncSeconds: 15, limits: LogLimits(),
                                                    initialLayers: LayerRequest(target: target), config: try configFile.load())
            return
        }
        var config = CIConfig()
        if ci {
            do { config = try readConfig() } catch {
                Console.error("swtop: ci configuration error: \(error)\n")
                throw ExitCode(2)
            }
        }
        let cache = noCache ? nil : LayerCache.standard()
        let analysis: ImageAnalysis
        do {
            analysis = try await withClient(engine) { client in
                let loaded: LoadedImage
                if container {
                    loaded = try await ImageLoader.loadContainer(client: client, id: image, choice: choice, cache: cache)
                } else {
                    let metadata = try await ImageLoader.metadata(client: client, reference: image)
                    loaded = try await ImageLoader.load(client: client, metadata: metadata, choice: choice, cache: cache)
                }
                return ImageAnalysis(loaded, keepChanges: json)
            }
        } catch let failure as CLIFailure {
            Console.error("swtop: \(failure.message)\n")
            throw ExitCode(ci ? 2 : 1)
        }
        if json {
            printJSON(LayersJSON(analysis))
            if !ci { return }
        }
        if !json { Console.out(LayersText.summary(analysis, ci: ci)) }
        guard ci else { return }
        let verdicts = config.evaluate(analysis.efficiency)
        let text = LayersText.results(verdicts)
        if json { Console.error(text) } else { Console.out(text) }
        if verdicts.contains(where: { if case .fail = $0.1 { return true } else { return false } }) {
            throw ExitCode(1)
        }
    }

    private func readConfig() throws -> CIConfig {
        var config = CIConfig()
        let path = ciConfig ?? ".dive-ci"
        if let bytes = LayerCache.readStream(path, limit: 1 << 20) {
            try config.apply(yaml: String(decoding: bytes, as: UTF8.self))
            if !json { Console.out("  Using CI config: \(CLIText.safe(path))\n") }
        } else if ciConfig != nil {
            throw CIConfig.Problem(description: "cannot read \(path)")
        } else if !json {
            Console.out("  Using default CI config\n")
        }
        if let lowestEfficiency { try config.set("lowestEfficiency", lowestEfficiency) }
        if let highestWastedBytes { try config.set("highestWastedBytes", highestWastedBytes) }
        if let highestUserWastedPercent { try config.set("highestUserWastedPercent", highestUserWastedPercent) }
        return config
    }
}

enum LayersText {
    static func summary(_ analysis: ImageAnalysis, ci: Bool) -> String {
        let meta = analysis.image.metadata
        let report = analysis.efficiency
        var out = "Image: \(CLIText.safe(meta.name)) (\(ShortID.image(meta.id)), \(meta.layers.count) layers, "
            + "\(ByteText.human(meta.size)); files from \(origins(analysis.image.origins)))\n"
        if !ci {
            // The whole instruction when piped; on a terminal, as much as fits its width, marked with …
            // where cut (the other columns take ~32).
            let width = isatty(1) != 0 ? TerminalPump.terminalSize().map { max(24, $0.0 - 32) } ?? 100 : Int.max
            var rows: [[String]] = []
            for (index, summary) in analysis.summaries.enumerated() {
                let step = meta.step(forLayer: index)
                let command = index >= meta.layers.count ? "container \(analysis.image.containerName ?? "") read/write layer"
                    : (step?.command ?? "")
                rows.append([String(index), ByteText.human(summary.size), "+\(summary.added) ~\(summary.modified) -\(summary.removed)",
                             command.count > width ? String(command.prefix(width - 1)) + "…" : command])
            }
            out += tableText(header: ["LAYER", "SIZE", "CHANGES", "COMMAND"], rows: rows)
        }
        out += "  efficiency: \(Fixed.text(report.efficiency * 100, digits: 4)) %\n"
        out += "  wastedBytes: \(report.wastedBytes) bytes (\(ByteText.human(report.wastedBytes)))\n"
        out += "  userWastedPercent: \(Fixed.text(report.userWastedPercent * 100, digits: 4)) %\n"
        out += "  reclaimableBytes: \(report.reclaimableBytes) bytes (\(ByteText.human(report.reclaimableBytes))) "
            + "— what squashing would free (kept copies not counted, opaque directories seen)\n"
        out += "Inefficient Files:\n"
        out += "Count  Wasted Space  File Path\n"
        if report.inefficientFiles.isEmpty { out += "None\n" }
        do {
            for file in report.inefficientFiles {
                out += pad(String(file.count), 5) + "  " + pad(ByteText.human(file.size), 12) + "  " + CLIText.safe(file.path) + "\n"
            }
        }
        return out
    }

    static func results(_ verdicts: [(CIRule, CIVerdict)]) -> String {
        var out = "Results:\n"
        var passed = 0, failed = 0, skipped = 0
        for (rule, verdict) in verdicts {
            switch verdict {
            case .pass: out += "  PASS: \(rule.name.rawValue)\n"; passed += 1
            case let .fail(why): out += "  FAIL: \(rule.name.rawValue): \(why)\n"; failed += 1
            case .skip: out += "  SKIP: \(rule.name.rawValue): rule disabled\n"; skipped += 1
            }
        }
        out += "Result:\(failed > 0 ? "FAIL" : "PASS") [Total:\(verdicts.count)] [Passed:\(passed)] [Failed:\(failed)] "
            + "[Warn:0] [Skipped:\(skipped)]\n"
        return out
    }

    static func origins(_ origins: [LayerOrigin]) -> String {
        var counts: [(LayerOrigin, Int)] = []
        for origin in origins {
            if let i = counts.firstIndex(where: { $0.0 == origin }) { counts[i].1 += 1 } else { counts.append((origin, 1)) }
        }
        let names: [LayerOrigin: String] = [.cache: "cache", .overlay: "overlay2 directories", .export: "image export",
                                            .changes: "container changes"]
        return counts.map { "\(names[$0.0]!) \($0.1)" }.joined(separator: ", ")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// The `--json` document (the issue's shape; paths absolute, modes octal permission strings).
struct LayersJSON: Encodable {
    struct Image: Encodable {
        var id: String
        var tags: [String]
        var sizeBytes: Int64
        var efficiency: Double
        var wastedBytes: Int64
        var userWastedPercent: Double
        var reclaimableBytes: Int64
        var inefficientFiles: [File]
    }
    struct File: Encodable { var path: String; var count: Int; var sizeBytes: Int64 }
    struct Layer: Encodable {
        var index: Int
        var digest: String
        var command: String
        var sizeBytes: Int64
        var changes: [Change]
    }
    struct Change: Encodable {
        var path: String
        var change: String
        var type: String
        var mode: String
        var uid: UInt32
        var gid: UInt32
        var size: Int64
        var linkTarget: String
    }
    var image: Image
    var layers: [Layer]

    init(_ analysis: ImageAnalysis) {
        let meta = analysis.image.metadata
        let report = analysis.efficiency
        image = Image(id: meta.id, tags: meta.tags, sizeBytes: report.imageSize, efficiency: report.efficiency,
                      wastedBytes: report.wastedBytes, userWastedPercent: report.userWastedPercent,
                      reclaimableBytes: report.reclaimableBytes,
                      inefficientFiles: report.inefficientFiles.map { File(path: $0.path, count: $0.count, sizeBytes: $0.size) })
        layers = analysis.changes.enumerated().map { index, changes in
            let command = index < meta.layers.count ? (meta.step(forLayer: index)?.command ?? "")
                : "container \(analysis.image.containerName ?? "") read/write layer"
            return Layer(index: index, digest: analysis.image.layers[index].diffID, command: command,
                         sizeBytes: analysis.summaries[index].size,
                         changes: changes.filter { $0.change != .unchanged }.map { change in
                             let r = change.record
                             let octal = String(r.mode, radix: 8)
                             return Change(path: r.path, change: change.change.jsonName, type: r.kind.jsonName,
                                           mode: String(repeating: "0", count: max(0, 4 - octal.count)) + octal,
                                           uid: r.uid, gid: r.gid, size: r.size, linkTarget: r.link)
                         })
        }
    }
}
