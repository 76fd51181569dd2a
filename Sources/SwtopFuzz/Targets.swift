import DockerEngine
import LayerKit
import SwtopConfig
import SwtopStore
import SwtopUI
import TermCanvas

/// Every decoder swtop runs on engine or terminal bytes, with the recorded payloads under `root` (the
/// package's folder: the test fixtures, the README's config examples, `Tests/FuzzTests/Seeds`).
public enum FuzzTargets {
    public static func all(root: String) -> [FuzzTarget] {
        let seeds = SeedFiles(root: root)
        return [
            logStream(seeds), events(seeds), engineJSON(seeds), progress(seeds), imageArchive(seeds),
            layerTar(seeds), terminalText(seeds), httpHead(seeds), config(seeds),
        ]
    }

    // MARK: - Logs

    /// A log body (framed or raw) through the frame decoder and the line assembler, timestamps read, each
    /// line made safe for the terminal.
    static func logStream(_ seeds: SeedFiles) -> FuzzTarget {
        let recorded = seeds.engineFiles { $0.hasPrefix("logs-") && $0.hasSuffix(".bin") }
        return FuzzTarget(name: "log-stream", summary: "log frames, lines, timestamps, the sanitiser",
                          seeds: recorded, dictionary: ["2026-12-06T18:16:30.123456789Z ", "1970-01-01T00:00:00Z ",
                                                         "+14:00", "-23:59", ".000000000"],
                          extraTokens: [[1, 0, 0, 0, 0, 0, 0, 5], [2, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]]) { bytes, random in
            // The frames, whole and in chunks: the same frames, or both fail.
            var whole = LogFrameDecoder()
            let wholeFrames: [LogFrame]? = try? whole.push(bytes) + { try whole.finish(); return [] }()
            var chunked = LogFrameDecoder()
            var chunkFrames: [LogFrame]? = []
            for chunk in Mutator.chunks(bytes, &random) {
                guard let frames = try? chunked.push(chunk) else { chunkFrames = nil; break }
                chunkFrames! += frames
            }
            if chunkFrames != nil, (try? chunked.finish()) == nil { chunkFrames = nil }
            if (wholeFrames == nil) != (chunkFrames == nil) {
                return "frames: one push \(wholeFrames == nil ? "failed" : "read \(wholeFrames!.count)"), chunks \(chunkFrames == nil ? "failed" : "read \(chunkFrames!.count)")"
            }
            if let wholeFrames, let chunkFrames, wholeFrames != chunkFrames {
                return "frames differ with the chunking: \(wholeFrames.count) against \(chunkFrames.count)"
            }
            // Lines: a framed body's payloads, or the raw body of a TTY container.
            let timestamps = random.oneIn(2)
            let pieces: [(LogStream, [UInt8])] = wholeFrames.map { $0.map { ($0.stream, $0.payload) } } ?? [(.stdout, bytes)]
            let limit = random.oneIn(4) ? 1 + random.below(200) : 1 << 20
            var one = LineAssembler(timestamps: timestamps, maximumLineBytes: limit)
            var oneLines: [LogLine] = []
            for (stream, payload) in pieces { oneLines += one.push(payload, stream: stream) }
            oneLines += one.flush()
            var split = LineAssembler(timestamps: timestamps, maximumLineBytes: limit)
            var splitLines: [LogLine] = []
            for (stream, payload) in pieces {
                for chunk in Mutator.chunks(payload, &random) { splitLines += split.push(Array(chunk), stream: stream) }
            }
            splitLines += split.flush()
            if oneLines != splitLines {
                return "lines differ with the chunking: \(oneLines.count) against \(splitLines.count)"
            }
            for line in oneLines {
                if let stamp = line.timestamp, let time = LogTime.parse(stamp) {
                    let again = LogTime.parse(time.rfc3339(fractionDigits: 9))
                    if again != time { return "timestamp \(stamp) read as \(time.nanoseconds) ns reads back as \(again?.nanoseconds ?? -1)" }
                }
                if let bad = Safety.unsafeRuns(TerminalSafe.sanitizeKeepingSGR(line.text)) { return "log line: \(bad)" }
            }
            return nil
        }
    }

    // MARK: - JSON

    /// `/events` bodies: the NDJSON splitter (whole and chunked), each line decoded as an event.
    static func events(_ seeds: SeedFiles) -> FuzzTarget {
        FuzzTarget(name: "events", summary: "the NDJSON splitter and event decoding",
                   seeds: seeds.lineGroups(seeds.engineFiles { $0.hasPrefix("events") }, 8),
                   dictionary: JSONTokens.words + ["\"Type\":\"container\"", "\"Action\":\"die\"", "\"timeNano\":",
                                                   "\"Attributes\":{", "\"Actor\":{\"ID\":\"\""]) { bytes, random in
            var whole = NDJSONSplitter()
            var wholeLines = whole.push(bytes)
            if let rest = whole.flush() { wholeLines.append(rest) }
            var chunked = NDJSONSplitter()
            var chunkLines: [[UInt8]] = []
            for chunk in Mutator.chunks(bytes, &random) { chunkLines += chunked.push(chunk) }
            if let rest = chunked.flush() { chunkLines.append(rest) }
            if wholeLines != chunkLines { return "lines differ with the chunking: \(wholeLines.count) against \(chunkLines.count)" }
            for line in wholeLines { _ = try? EnginePayload.object(EngineEvent.self, line, what: "/events") }
            return nil
        }
    }

    /// Every JSON answer the lists, inspect and stats read, and the order-keeping reader of the inspect
    /// screen (what it reads must write back and read again as the same document).
    static func engineJSON(_ seeds: SeedFiles) -> FuzzTarget {
        let recorded = seeds.engineFiles { $0.hasSuffix(".json") } + seeds.files(in: "Tests/SwtopUITests/Fixtures/inspect")
            + seeds.files(in: "Tests/SwtopUITests/Fixtures/swarm")
        return FuzzTarget(name: "engine-json", summary: "inspect, lists, info, stats, errors; the order-keeping JSON reader",
                          seeds: recorded, dictionary: JSONTokens.words) { bytes, _ in
            _ = try? EnginePayload.list(ContainerSummary.self, bytes, what: "/containers/json")
            _ = try? EnginePayload.list(ImageSummary.self, bytes, what: "/images/json")
            _ = try? EnginePayload.object(ContainerDetails.self, bytes, what: "/containers/{id}/json")
            _ = try? EnginePayload.object(ImageDetails.self, bytes, what: "/images/{name}/json")
            _ = try? EnginePayload.list(ImageHistoryEntry.self, bytes, what: "/images/{name}/history")
            _ = try? EnginePayload.object(EngineInfo.self, bytes, what: "/info")
            _ = try? EnginePayload.object(EngineVersion.self, bytes, what: "/version")
            _ = try? EnginePayload.object(StatsSample.self, bytes, what: "/containers/{id}/stats")
            let error = EnginePayload.error(status: 500, bytes, path: "/containers/json")
            if let bad = Safety.unsafe(TerminalSafe.sanitize(error.description)) { return "error message: \(bad)" }
            guard let document = try? OrderedJSONParser.parse(bytes) else { return nil }
            let text = document.compactText
            guard let again = try? OrderedJSONParser.parse(text) else { return "its own text does not read: \(text.prefix(120))" }
            if again != document { return "read, written and read again, it changed: \(text.prefix(120))" }
            return nil
        }
    }

    /// Pull, push and build streams: each line decoded and applied to the progress views.
    static func progress(_ seeds: SeedFiles) -> FuzzTarget {
        FuzzTarget(name: "progress", summary: "pull, push and build progress lines",
                   seeds: seeds.files(in: "Tests/FuzzTests/Seeds/progress"),
                   dictionary: JSONTokens.words + ["\"status\":\"Downloading\"", "\"progressDetail\":{\"current\":",
                                                   "\"stream\":\"Step 1/2 : FROM x\\n\"", "\"aux\":{\"ID\":\"sha256:",
                                                   "\"errorDetail\":{\"message\":\""]) { bytes, _ in
            var splitter = NDJSONSplitter()
            var lines = splitter.push(bytes)
            if let rest = splitter.flush() { lines.append(rest) }
            var build = BuildProgress()
            var transfer = TransferProgress()
            for line in lines {
                guard let message = try? EnginePayload.object(ProgressMessage.self, line, what: "/images/create") else { continue }
                build.apply(message)
                transfer.apply(message)
            }
            build.finish()
            return nil
        }
    }

    // MARK: - Image archives

    /// `docker save` archives (legacy and OCI) through the outer and the layer tar readers.
    static func imageArchive(_ seeds: SeedFiles) -> FuzzTarget {
        FuzzTarget(name: "image-archive", summary: "image archives: outer tar, layer tars, gzip layers, the config",
                   seeds: seeds.imageArchives(), dictionary: TarTokens.words, extraTokens: TarTokens.bytes,
                   maximumSize: 4 << 20,
                   prepare: { bytes, random in random.oneIn(4) ? bytes : TarRepair.checksums(bytes) },
                   check: { bytes, random in ArchiveCheck.compare(bytes, &random) })
    }

    /// One layer (plain or gzip) inside an otherwise sound archive: the layer reader's paths, links,
    /// PAX records and whiteouts, and the gunzip stream.
    static func layerTar(_ seeds: SeedFiles) -> FuzzTarget {
        FuzzTarget(name: "layer-tar", summary: "one layer tar, plain or gzip, in a sound archive",
                   seeds: seeds.layerTars(), dictionary: TarTokens.words, extraTokens: TarTokens.bytes,
                   maximumSize: 4 << 20,
                   prepare: { bytes, random in
                       let layer = random.oneIn(4) ? bytes : TarRepair.checksums(bytes)
                       var member = random.oneIn(2) ? Gzip.stored(layer) : layer
                       if random.oneIn(8), !member.isEmpty { member[random.below(member.count)] ^= random.byte() }
                       return TarWriter.archive([("blobs/sha256/" + String(repeating: "a", count: 64), member)])
                   },
                   check: { bytes, random in ArchiveCheck.compare(bytes, &random) })
    }

    // MARK: - The terminal

    /// Hostile text (names, labels, log lines) through the sanitiser and onto the screen buffer: nothing that
    /// reaches a cell may be a control, an escape or a bidi control, and nothing is drawn past its width.
    static func terminalText(_ seeds: SeedFiles) -> FuzzTarget {
        FuzzTarget(name: "terminal-text", summary: "the escape scanner, the sanitiser, SGR runs, the screen buffer",
                   seeds: HostileText.samples + seeds.engineFiles { $0.hasPrefix("logs-") },
                   dictionary: ["\u{1B}[31m", "\u{1B}[0m", "\u{1B}[38;5;196m", "\u{1B}[48;2;1;2;3m", "\u{1B}]0;title\u{07}",
                                "\u{1B}]8;;http://x\u{1B}\\", "\u{1B}P1$r\u{1B}\\", "\u{1B}[?1049h", "\u{1B}(B", "\t",
                                "e\u{301}", "👩‍👩‍👧", "漢字", "\u{200D}", "\u{FE0F}", "🇫🇷", "\u{1F3FB}"]) { bytes, random in
            let text = String(decoding: bytes, as: UTF8.self)
            let newlines = random.oneIn(2)
            let plain = TerminalSafe.sanitize(text, keepNewlines: newlines)
            if let bad = Safety.unsafe(plain, newlines: newlines) { return "sanitize: \(bad)" }
            let runs = TerminalSafe.sanitizeKeepingSGR(text, keepNewlines: newlines)
            if let bad = Safety.unsafeRuns(runs, newlines: newlines) { return "sanitizeKeepingSGR: \(bad)" }
            if runs.map(\.text).joined() != plain { return "the SGR runs' text is not the sanitised text" }
            let width = 1 + random.below(120)
            var screen = ScreenBuffer(width: width, height: 2)
            let x = random.below(width + 4) - 2
            let maxWidth: Int? = random.oneIn(2) ? random.below(width + 2) : nil
            let drawn = screen.put(TerminalSafe.sanitize(text), x: x, y: random.below(3), maxWidth: maxWidth)
            if let maxWidth, drawn > max(maxWidth, 0) { return "put drew \(drawn) columns into \(maxWidth)" }
            for y in 0..<2 {
                for column in 0..<width {
                    let cell = screen[column, y]
                    if let bad = Safety.unsafe(String(cell.character)) { return "cell \(column),\(y): \(bad)" }
                }
            }
            return nil
        }
    }

    // MARK: - Protocol heads and the config

    /// The head of a hijacked exec or attach answer.
    static func httpHead(_ seeds: SeedFiles) -> FuzzTarget {
        let upgrade = Array("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\u{1}\0\0\0\0\0\0\u{2}hi".utf8)
        return FuzzTarget(name: "http-head", summary: "the head of a hijacked exec or attach answer",
                          seeds: seeds.engineFiles { $0.hasSuffix("-headers.txt") } + [upgrade],
                          dictionary: ["\r\n", "\r\n\r\n", "HTTP/1.1 ", "Content-Length: ", ": ", "101", "200"]) { bytes, _ in
            let blank = Array("\r\n\r\n".utf8)
            let end = (0..<max(0, bytes.count - 3)).first { bytes[$0..<($0 + 4)].elementsEqual(blank) }
            let head: (status: Int, rest: [UInt8])?
            do { head = try EnginePayload.hijackedHead(bytes) } catch { return nil }
            guard let end else { return head == nil ? nil : "a head without a blank line was read" }
            guard let head else { return "a complete head was not read" }
            if head.rest != Array(bytes[(end + 4)...]) { return "the bytes after the head were not kept as they came" }
            return nil
        }
    }

    /// The config file: TOML, then swtop's own checks.
    static func config(_ seeds: SeedFiles) -> FuzzTarget {
        FuzzTarget(name: "config", summary: "the TOML parser and the config checks",
                   seeds: seeds.readmeBlocks(language: "toml") + seeds.files(in: "Tests/FuzzTests/Seeds/config"),
                   dictionary: ["[ui]", "[keys]", "[theme]", "[[commands]]", " = ", "\"\"\"", "'''", "\\u0000", "[[", "]]",
                                "{ a = 1 }", "0x7fffffffffffffff", "1e999", "inf", "nan", "2026-12-06T18:00:00Z",
                                "key = \"ctrl-", "\"{{.ID}}\"", "\"{{.id}}\"", "\\\n", "#", "\r"]) { bytes, _ in
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? TOMLTable(parsing: text)
            do {
                _ = try SwtopConfig.parse(text, path: "fuzz.toml")
            } catch let error as ConfigError {
                if error.message.isEmpty { return "a config error without words" }
                if let bad = Safety.unsafe(error.description) { return "config error message: \(bad)" }
            } catch {
                return "an error that is not a ConfigError: \(error)"
            }
            return nil
        }
    }
}

/// What may never reach a terminal cell: C0 controls (a newline only where it was asked for), DEL, C1
/// controls, bidi controls.
enum Safety {
    static func unsafe(_ text: String, newlines: Bool = false) -> String? {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let control = (v < 0x20 && !(newlines && v == 0x0A)) || v == 0x7F || (0x80...0x9F).contains(v)
            let bidi = v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            if control || bidi { return "U+\(String(v, radix: 16, uppercase: true)) got through" }
        }
        return nil
    }

    static func unsafeRuns(_ runs: [StyledRun], newlines: Bool = false) -> String? {
        for run in runs { if let bad = unsafe(run.text, newlines: newlines) { return bad } }
        return nil
    }
}

enum JSONTokens {
    static let words = ["{", "}", "[", "]", ":", ",", "\"", "\\\"", "\\\\", "\\u0041", "\\ud83d\\ude00", "true", "false", "null",
                        "-0", "1.5e-7", "\"Id\":", "\"Name\":", "\"State\":", "\"Labels\":{", "\"Config\":{", "\"Env\":[",
                        "\"Mounts\":[", "\"Ports\":[", "\"message\":", "\"NetworkSettings\":"]
}

enum TarTokens {
    static let words = ["ustar\u{0}00", "ustar  \u{0}", "././@LongLink", ".wh.", ".wh..wh..opq", "../", "/", "//",
                        "path=", "linkpath=", "size=", "uid=", "gid=", "30 path=a\n", "PaxHeaders", "00000000000",
                        "0000644\u{0}", "manifest.json", "index.json", "blobs/sha256/", "layer.tar", "\"diff_ids\":["]
    /// Typeflags and the gzip magic.
    static let bytes: [[UInt8]] = [[0x30], [0x31], [0x32], [0x35], [0x4C], [0x4B], [0x78], [0x67], [0x53], [0x1F, 0x8B, 0x08],
                                   [0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]]
}

/// Pushes an archive whole and in chunks: the same layers and config, or both fail.
enum ArchiveCheck {
    static func compare(_ bytes: [UInt8], _ random: inout FuzzRandom) -> String? {
        func read(_ chunks: [ArraySlice<UInt8>]) -> ([LayerFiles], [UInt8]?)? {
            var reader = ImageArchiveReader()
            var layers: [LayerFiles] = []
            do {
                for chunk in chunks {
                    try chunk.withUnsafeBytes { try reader.push($0) }
                    layers += reader.takeLayers()
                }
                try reader.finish()
            } catch {
                return nil
            }
            return (layers + reader.takeLayers(), reader.config)
        }
        let whole = read([bytes[...]])
        let chunked = read(Mutator.chunks(bytes, &random))
        if (whole == nil) != (chunked == nil) {
            return "one push \(whole == nil ? "failed" : "succeeded"), chunks \(chunked == nil ? "failed" : "succeeded")"
        }
        if let whole, let chunked {
            if whole.0 != chunked.0 { return "layers differ with the chunking: \(whole.0.count) against \(chunked.0.count)" }
            if whole.1 != chunked.1 { return "the config differs with the chunking" }
            for layer in whole.0 {
                for record in layer.records {
                    if let bad = Safety.unsafe(TerminalSafe.sanitize(record.path)) { return "layer path: \(bad)" }
                }
            }
        }
        return nil
    }
}

/// Text that has tried to take over terminals: window titles, screen clears, hyperlinks, DCS queries,
/// C1 controls, bidi overrides, wide and combining characters.
enum HostileText {
    static let samples: [[UInt8]] = [
        "\u{1B}]0;pwned\u{07}name", "\u{1B}[2J\u{1B}[Hcleared", "\u{1B}[31mred\u{1B}[0m plain \u{1B}[1;4;38;5;200mbold\u{1B}[m",
        "\u{1B}P+q544e\u{1B}\\query", "\u{9B}6n", "\u{202E}txt.exe", "a\tb\tc", "漢字 wide e\u{301} 👩‍👩‍👧",
        "\u{1B}]8;;http://example\u{1B}\\link\u{1B}]8;;\u{1B}\\", "\u{1B}[38;2;255;0;0mtrue colour\u{1B}[49m",
        "line one\nline two\r\nline three", "\u{1B}_apc\u{1B}\\\u{1B}^pm\u{1B}\\\u{1B}Xsos\u{1B}\\", "\u{1B}[?1049h\u{1B}[?25l",
    ].map { Array($0.utf8) } + [[0xC2, 0x9B, 0x32, 0x4A], [0xFF, 0xFE, 0x1B, 0x5B], [0xE2, 0x80, 0xAE, 0x61]]
}
