import Foundation
import SwtopFuzz
import XCTest

/// A short pass of every fuzz target (Scripts/fuzz.sh runs each for a million inputs or more): the
/// recorded seeds first, then mutations of them. Any crash ends the test run; a failed check fails here
/// with the input's number and seed, which `swtop-fuzz --target NAME --seed S` repeats.
final class FuzzTests: XCTestCase {
    static let root: String = {
        var path = "\(#filePath)"
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    /// Inputs per target in this process (a debug build): SWTOP_FUZZ_INPUTS, else 1,000.
    var inputs: Int { ProcessInfo.processInfo.environment["SWTOP_FUZZ_INPUTS"].flatMap(Int.init) ?? 1_000 }

    func testEveryDecoderHasRecordedSeeds() {
        let targets = FuzzTargets.all(root: Self.root)
        XCTAssertEqual(targets.map(\.name), ["log-stream", "events", "engine-json", "progress", "image-archive",
                                             "layer-tar", "terminal-text", "http-head", "config"])
        for target in targets {
            XCTAssertGreaterThanOrEqual(target.seeds.count, 3, "\(target.name) has too few seeds")
            XCTAssertFalse(target.seeds.contains { $0.isEmpty }, "\(target.name) has an empty seed")
        }
    }

    func testMutationsAreRepeatableFromTheSeed() throws {
        let target = try XCTUnwrap(FuzzTargets.all(root: Self.root).first { $0.name == "events" })
        let first = (0..<200).map { target.input($0, seed: 7) }
        XCTAssertEqual(first, (0..<200).map { target.input($0, seed: 7) })
        XCTAssertNotEqual(first, (0..<200).map { target.input($0, seed: 8) })
        // Most inputs differ from every seed (the seeds come first, as recorded).
        let changed = first.dropFirst(target.seeds.count).filter { !target.seeds.contains($0) }
        XCTAssertGreaterThan(changed.count, 150)
    }

    func testLogStream() { pass("log-stream") }
    func testEvents() { pass("events") }
    func testEngineJSON() { pass("engine-json") }
    func testProgress() { pass("progress") }
    func testImageArchive() { pass("image-archive") }
    func testLayerTar() { pass("layer-tar") }
    func testTerminalText() { pass("terminal-text") }
    func testHTTPHead() { pass("http-head") }
    func testConfig() { pass("config") }

    /// The short pass: 10,000 inputs per target through the release build of swtop-fuzz (SWTOP_FUZZ_BIN,
    /// which Scripts/test.sh builds; else the debug one this build made, slower), every target clean.
    func testTenThousandInputsPerDecoder() throws {
        let binary = ProcessInfo.processInfo.environment["SWTOP_FUZZ_BIN"] ?? Self.root + "/.build/debug/swtop-fuzz"
        let save = NSTemporaryDirectory() + "swtop-fuzz-\(getpid())"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--inputs", "10000", "--root", Self.root, "--save", save, "--timeout", "30"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(text)
        XCTAssertEqual(process.terminationReason, .exit, text)
        XCTAssertEqual(process.terminationStatus, 0, text)
        let lines = text.split(separator: "\n").filter { $0.contains(" inputs in ") }
        XCTAssertEqual(lines.map { String($0.prefix { $0 != ":" }) }, FuzzTargets.all(root: Self.root).map(\.name), text)
        for line in lines {
            XCTAssertTrue(line.contains(": 10000 inputs in ") && line.contains(", 0 findings,"), String(line))
        }
    }

    func pass(_ name: String, inputs count: Int? = nil, file: StaticString = #filePath, line: UInt = #line) {
        guard let target = FuzzTargets.all(root: Self.root).first(where: { $0.name == name }) else {
            return XCTFail("no target \(name)", file: file, line: line)
        }
        let seed = UInt64(ProcessInfo.processInfo.environment["SWTOP_FUZZ_SEED"] ?? "") ?? 20261206
        let report = FuzzRunner.run(target, inputs: count ?? inputs, seed: seed)
        print(report.line)
        XCTAssertEqual(report.findings, [], file: file, line: line)
    }
}
