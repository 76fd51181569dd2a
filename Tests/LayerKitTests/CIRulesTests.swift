import Foundation
@testable import LayerKit
import TestSupport
import XCTest

/// dive's three CI rules, its `.dive-ci` file and its number formats.
final class CIRulesTests: XCTestCase {
    private func config(_ yaml: String) throws -> CIConfig {
        var config = CIConfig()
        try config.apply(yaml: yaml)
        return config
    }

    private func thresholds(_ config: CIConfig) -> [Double?] {
        [config.lowestEfficiency, config.highestWastedBytes, config.highestUserWastedPercent]
    }

    private func assertProblem(_ yaml: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try config(yaml), file: file, line: line) { error in
            XCTAssertEqual((error as? CIConfig.Problem)?.description, expected, file: file, line: line)
        }
    }

    func testDefaultsAreDives() {
        let defaults = CIConfig()
        XCTAssertEqual(thresholds(defaults), [0.9, nil, 0.1])
        XCTAssertEqual(defaults.rules.map(\.name), [.highestUserWastedPercent, .highestWastedBytes, .lowestEfficiency],
                       "dive's order: by name")
        XCTAssertEqual(thresholds(try config("")), [0.9, nil, 0.1], "an empty file changes nothing")
        XCTAssertEqual(thresholds(try config("# nothing but a comment\n\nrules:\n")), [0.9, nil, 0.1])
    }

    func testDiveCIShapes() throws {
        // dive's README example (case c2)
        XCTAssertEqual(thresholds(try config("rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.20\n")),
                       [0.95, 20_000_000, 0.2])
        // case c1: a kB size with a fraction, a ratio in plain decimal
        XCTAssertEqual(thresholds(try config("rules:\n  lowestEfficiency: 0.99999\n  highestWastedBytes: 0.2kB\n  highestUserWastedPercent: 0.00001\n")),
                       [0.99999, 200, 0.00001])
        // case c10 (alt.yaml): keys in any case, a quoted value, KiB, an integer 0
        XCTAssertEqual(thresholds(try config(try Fixture.text("ci-cases/alt.yaml"))), [0.99999, 1024, 0])
        // comments, blank lines, single quotes, tabs, "disabled", no trailing newline
        let commented = """
            # rules for the pipeline
            rules:   # the only section

            \tlowestefficiency: '0.5'   # half
              HIGHESTWASTEDBYTES: "disabled"
              highestUserWastedPercent: disabled
            """
        XCTAssertEqual(thresholds(try config(commented)), [0.5, nil, nil])
        // Windows line ends
        XCTAssertEqual(thresholds(try config("rules:\r\n  lowestEfficiency: 0.75\r\n  highestWastedBytes: 1KiB\r\n")), [0.75, 1024, 0.1])
        // dashes, as the flags are spelled
        XCTAssertEqual(thresholds(try config("rules:\n  lowest-efficiency: 0.8\n")), [0.8, nil, 0.1])
    }

    func testMisconfiguredValuesAreErrors() {
        // case c3
        assertProblem("rules:\n  lowestEfficiency: 95\n",
                      "lowestEfficiency must be a ratio between 0 and 1 or \"disabled\", not '95'")
        assertProblem("rules:\n  highestWastedBytes: lots\n",
                      "highestWastedBytes must be a size (e.g. 20MB, 512kB, 1000) or \"disabled\", not 'lots'")
        assertProblem("rules:\n  highestUserWastedPercent: -0.1\n",
                      "highestUserWastedPercent must be a ratio between 0 and 1 or \"disabled\", not '-0.1'")
        assertProblem("rules:\n  highestUserWastedPercent: 10%\n",
                      "highestUserWastedPercent must be a ratio between 0 and 1 or \"disabled\", not '10%'")
        assertProblem("rules:\n  highestWastedBytes: 20 XB\n",
                      "highestWastedBytes must be a size (e.g. 20MB, 512kB, 1000) or \"disabled\", not '20 XB'")
        assertProblem("rules:\n  lowestEfficency: 0.9\n",
                      "unknown rule 'lowestEfficency' (lowestEfficiency, highestWastedBytes, highestUserWastedPercent)")
        assertProblem("rules:\n  lowestEfficiency:\n", "lowestEfficiency must be a ratio between 0 and 1 or \"disabled\", not ''")
    }

    func testBadYAMLIsAnError() {
        // case c4
        assertProblem("rules:\n  lowestEfficiency: [0.9\n", "line 2: 'lowestEfficiency' takes a single value")
        assertProblem("rules:\n  lowestEfficiency: {a: 1}\n", "line 2: 'lowestEfficiency' takes a single value")
        assertProblem("rules:\n  just words\n", "line 2: expected 'key: value'")
        assertProblem("lowestEfficiency: 0.95\n  highestWastedBytes: 1\n", "line 2: 'highestWastedBytes' is outside 'rules:'")
        assertProblem("settings:\n  lowestEfficiency: 0.95\n", "line 1: unknown section 'settings'")
        // A flow mapping on the rules line would be silently ignored: an error instead.
        assertProblem("rules: {lowestEfficiency: 0.95}\n", "line 1: 'rules' takes its rules on the lines below it")
    }

    /// Flags are set after the file (case c5): they win.
    func testFlagsOverrideTheFile() throws {
        var config = try config("rules:\n  lowestEfficiency: 0.99999\n")
        try config.set("lowestEfficiency", "disabled")
        try config.set("highestWastedBytes", "233")
        XCTAssertEqual(thresholds(config), [nil, 233, 0.1])
        XCTAssertThrowsError(try config.set("lowestEfficiency", "1.5"))
        XCTAssertEqual(config.lowestEfficiency, nil, "a rejected value leaves the rule as it was")
    }

    // MARK: evaluation, against dive's own lines for swtop/layers:latest

    static let sample = EfficiencyReport(efficiency: SampleImage.diveEfficiency, wastedBytes: SampleImage.diveWastedBytes,
                                         userWastedPercent: SampleImage.diveUserWastedPercent,
                                         reclaimableBytes: SampleImage.reclaimableBytes, imageSize: SampleImage.diveSizeBytes,
                                         inefficientFiles: [], layerSizes: [])

    /// "PASS: name", "FAIL: name: message", "SKIP: name: rule disabled", as dive prints them.
    static func lines(_ verdicts: [(CIRule, CIVerdict)]) -> [String] {
        verdicts.map { rule, verdict in
            switch verdict {
            case .pass: return "PASS: \(rule.name.rawValue)"
            case let .fail(why): return "FAIL: \(rule.name.rawValue): \(why)"
            case .skip: return "SKIP: \(rule.name.rawValue): rule disabled"
            }
        }
    }

    /// dive's rule lines from a transcript, colours removed.
    static func diveLines(_ name: String) throws -> [String] {
        let text = try Fixture.text("ci-cases/\(name).stdout")
            .replacingOccurrences(of: "\u{1b}\\[[0-9;]*m", with: "", options: .regularExpression)
        return text.split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix("  PASS: ") || $0.hasPrefix("  FAIL: ") || $0.hasPrefix("  SKIP: ") }
            .map { String($0.dropFirst(2)) }
    }

    func testVerdictsMatchDivesLines() throws {
        // c1: every rule fails
        let c1 = try config("rules:\n  lowestEfficiency: 0.99999\n  highestWastedBytes: 0.2kB\n  highestUserWastedPercent: 0.00001\n")
        XCTAssertEqual(Self.lines(c1.evaluate(Self.sample)), try Self.diveLines("c1-all-fail"))
        // c5: a flag disables one rule and sets another below the waste
        var c5 = try config("rules:\n  lowestEfficiency: 0.99999\n")
        try c5.set("lowestEfficiency", "disabled")
        try c5.set("highestWastedBytes", "233")
        XCTAssertEqual(Self.lines(c5.evaluate(Self.sample)), try Self.diveLines("c5-flag-overrides-file"))
        // c10: alt.yaml
        let c10 = try config(try Fixture.text("ci-cases/alt.yaml"))
        XCTAssertEqual(Self.lines(c10.evaluate(Self.sample)), try Self.diveLines("c10-ci-config-flag-lowercase-keys"))
        // the defaults: two pass, one skipped (dive-ci-*.stdout)
        XCTAssertEqual(Self.lines(CIConfig().evaluate(Self.sample)),
                       ["PASS: highestUserWastedPercent", "SKIP: highestWastedBytes: rule disabled", "PASS: lowestEfficiency"])
    }

    func testThresholdsAreInclusive() throws {
        var config = CIConfig()
        try config.set("lowestEfficiency", String(SampleImage.diveEfficiency))
        try config.set("highestWastedBytes", "234")
        try config.set("highestUserWastedPercent", String(SampleImage.diveUserWastedPercent))
        XCTAssertEqual(Self.lines(config.evaluate(Self.sample)),
                       ["PASS: highestUserWastedPercent", "PASS: highestWastedBytes", "PASS: lowestEfficiency"])
        try config.set("highestWastedBytes", "20MB")
        var wasteful = Self.sample
        wasteful.wastedBytes = 20_000_001
        XCTAssertEqual(Self.lines(config.evaluate(wasteful))[1],
                       "FAIL: highestWastedBytes: too many bytes wasted (wasted-bytes=20000001 > threshold=20000000)",
                       "byte counts print as integers, however large")
    }

    // MARK: number formats

    /// go-humanize's Bytes: SI units, one decimal below 10, none from 10 on (Go's %.0f: ties to even).
    func testByteTextHuman() {
        let cases: [(Int64, String)] = [
            (0, "0 B"), (9, "9 B"), (10, "10 B"), (234, "234 B"), (999, "999 B"), (1000, "1.0 kB"), (2000, "2.0 kB"),
            (1049, "1.0 kB"), (1050, "1.1 kB"), (9949, "9.9 kB"), (9950, "10 kB"),
            (10_500, "10 kB"), (11_500, "12 kB"), (12_500, "12 kB"), (999_949, "1000 kB"),
            (1_000_000, "1.0 MB"), (2_000_001, "2.0 MB"), (8_388_608, "8.4 MB"), (10_000_000, "10 MB"),
            (10_371_257, "10 MB"), (10_499_999, "10 MB"), (10_500_000, "10 MB"), (10_550_000, "11 MB"),
            (1_982_365, "2.0 MB"), (1_000_000_000, "1.0 GB"), (123_456_789_012, "124 GB"), (1_500_000_000_000_000, "1.5 PB"),
            (Int64.max, "9.2 EB"),
        ]
        for (bytes, text) in cases { XCTAssertEqual(ByteText.human(bytes), text, "\(bytes)") }
    }

    /// go-humanize's ParseBytes, as dive reads highestWastedBytes.
    func testByteTextParse() {
        let cases: [(String, Int64?)] = [
            ("1000", 1000), ("20MB", 20_000_000), ("20 MB", 20_000_000), ("20mb", 20_000_000), ("20M", 20_000_000),
            ("20MiB", 20_971_520), ("0.2kB", 200), ("1KiB", 1024), ("1 GiB", 1_073_741_824), ("1.5GB", 1_500_000_000),
            ("2TB", 2_000_000_000_000), ("1TiB", 1_099_511_627_776), ("1PB", 1_000_000_000_000_000), ("1EB", 1_000_000_000_000_000_000),
            ("1,000", 1000), ("1,000 kB", 1_000_000), ("0.0015kB", 1), ("1.9", 1), ("0", 0), ("7b", 7),
            ("lots", nil), ("", nil), ("20 XB", nil), ("-5", nil), ("1e3", nil), ("1.2.3", nil), ("MB", nil),
        ]
        for (text, bytes) in cases { XCTAssertEqual(ByteText.parse(text), bytes, "'\(text)'") }
    }

    /// Go's %v for float64: shortest digits, exponent form below 1e-4 and from 1e+06 on.
    func testGoFloat() {
        let cases: [(Double, String)] = [
            (2, "2"), (0, "0"), (-2, "-2"), (0.1, "0.1"), (0.5, "0.5"), (0.25, "0.25"),
            (1e-05, "1e-05"), (0.0001, "0.0001"), (0.00012, "0.00012"),
            (2.7894029390293738e-05, "2.7894029390293738e-05"), (0.9999848620085299, "0.9999848620085299"),
            (0.6153846153846154, "0.6153846153846154"), (1.3333333333333333, "1.3333333333333333"),
            (4.99999750000125e-07, "4.99999750000125e-07"), (2_000_001, "2.000001e+06"), (1e6, "1e+06"),
            (123_456, "123456"), (999_999.5, "999999.5"), (1_234_567.5, "1.2345675e+06"), (-1_234_567, "-1.234567e+06"),
            (1e21, "1e+21"), (1.5e300, "1.5e+300"), (.leastNonzeroMagnitude, "5e-324"), (200, "200"), (20_000_000, "2e+07"),
            (.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
        ]
        for (value, text) in cases { XCTAssertEqual(GoFloat.text(value), text, "\(value)") }
    }

    /// Go's %.Nf: the exact value rounded, ties to even.
    func testFixed() {
        let cases: [(Double, Int, String)] = [
            (99.99848620085299, 4, "99.9985"), (61.53846153846154, 4, "61.5385"), (0, 4, "0.0000"),
            (0.0027894029390293738, 4, "0.0028"), (200_000_100, 4, "200000100.0000"), (100, 4, "100.0000"),
            (2.5, 0, "2"), (3.5, 0, "4"), (10.5, 0, "10"), (0.125, 2, "0.12"), (0.375, 2, "0.38"),
            (99.03125, 4, "99.0312"), (99.03135, 4, "99.0314"),
            (0.00015, 4, "0.0001"), // the double is just below 0.00015
            (1.005, 2, "1.00"),     // the double is just below 1.005
            (-1.25, 1, "-1.2"), (8.4, 1, "8.4"),
        ]
        for (value, digits, text) in cases { XCTAssertEqual(Fixed.text(value, digits: digits), text, "\(value) \(digits)") }
    }
}
