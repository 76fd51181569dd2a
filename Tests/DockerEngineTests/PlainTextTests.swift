import XCTest
@testable import DockerEngine

/// The small replacements for Foundation APIs (String(format:), ISO8601DateFormatter, CharacterSet,
/// JSONSerialization, NSString paths) that keep DockerEngine on FoundationEssentials.
final class PlainTextTests: XCTestCase {
    func testByteCounts() {
        XCTAssertEqual(ByteCount.text(999), "999B")
        XCTAssertEqual(ByteCount.text(1500), "1.5kB")
        XCTAssertEqual(ByteCount.text(1250), "1.2kB", "half to even, like printf")
        XCTAssertEqual(ByteCount.text(9_960), "10.0kB")
        XCTAssertEqual(ByteCount.text(123_456_789), "123MB")
        XCTAssertEqual(ByteCount.binary(62_914_560), "60MiB")
        XCTAssertEqual(ByteCount.binary(1_610_612_736), "1.5GiB")
    }

    func testRFC3339() {
        XCTAssertEqual(RelativeTime.parse("2026-11-29T10:37:29Z")?.timeIntervalSince1970, 1_795_948_649)
        XCTAssertEqual(RelativeTime.parse("1970-01-01T00:00:00.5Z")?.timeIntervalSince1970, 0.5)
        XCTAssertEqual(RelativeTime.parse("2024-02-29T23:59:59.123456789+01:00")?.timeIntervalSince1970 ?? 0,
                       1_709_247_599.123456789, accuracy: 1e-6)
        XCTAssertEqual(RelativeTime.parse("2000-03-01T00:00:00-00:30")?.timeIntervalSince1970, 951_870_600)
        XCTAssertNil(RelativeTime.parse("0001-01-01T00:00:00Z"), "the engine's zero time")
        XCTAssertNil(RelativeTime.parse("2026-11-29 10:37"))
        XCTAssertNil(RelativeTime.parse("2026-13-29T10:37:29Z"))
        XCTAssertNil(RelativeTime.parse("2026-11-29T10:37:29"), "no zone")
    }

    func testQueryEscapingAndFilters() {
        XCTAssertEqual(DockerClient.escape("a-b._~Z9"), "a-b._~Z9")
        XCTAssertEqual(DockerClient.escape("{\"id\": [\"é/\"]}"), "%7B%22id%22%3A%20%5B%22%C3%A9%2F%22%5D%7D")
        XCTAssertEqual(DockerClient.filtersJSON(["type": ["container", "image"], "label": ["a/b=c"]]),
                       #"{"label":["a/b=c"],"type":["container","image"]}"#)
    }

    func testTrimAndJoin() {
        XCTAssertEqual(" \t1.41\n".trimmedWhitespace, "1.41")
        XCTAssertEqual("   ".trimmedWhitespace, "")
        XCTAssertEqual(PlainPath.join("/home/me", ".docker"), "/home/me/.docker")
        XCTAssertEqual(PlainPath.join("/", "x"), "/x")
    }
}

final class FixedPointTests: XCTestCase {
    func testFixedPoint() {
        XCTAssertEqual(FixedPoint.text(12.345, decimals: 1), "12.3")
        XCTAssertEqual(FixedPoint.text(0.05, decimals: 1), "0.1", "0.05 is a little above a half in binary, as printf sees it")
        XCTAssertEqual(FixedPoint.text(0.25, decimals: 1), "0.2")
        XCTAssertEqual(FixedPoint.text(150, decimals: 1), "150.0")
        XCTAssertEqual(FixedPoint.text(-1.25, decimals: 1), "-1.2")
        XCTAssertEqual(FixedPoint.text(3.14159, decimals: 3), "3.142")
        XCTAssertEqual(FixedPoint.text(1.005, decimals: 2), "1.00", "1.005 is 1.00499999... in binary")
        XCTAssertEqual(FixedPoint.text(2.5, decimals: 0), "2")
    }
}
