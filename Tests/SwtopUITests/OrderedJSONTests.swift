import SwtopUI
import XCTest

/// The inspect view's JSON parser: document order, numbers as written, escapes, and clear refusals.
final class OrderedJSONTests: XCTestCase {
    func parse(_ text: String) throws -> OrderedJSON { try OrderedJSONParser.parse(text) }

    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONParseError? {
        do {
            _ = try OrderedJSONParser.parse(text)
            XCTFail("parsed: \(text)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testMembersKeepTheirOrderAndNestingHolds() throws {
        let value = try parse(#" { "Zeta": 1, "Alpha": {"b": [true, false, null], "a": {}}, "Mid": [] } "#)
        guard case let .object(members) = value else { return XCTFail("\(value)") }
        XCTAssertEqual(members.map(\.key), ["Zeta", "Alpha", "Mid"])
        XCTAssertEqual(members[1].value, .object([OrderedJSONMember("b", .array([.bool(true), .bool(false), .null])),
                                                  OrderedJSONMember("a", .object([]))]))
        XCTAssertEqual(members[2].value, .array([]))
        XCTAssertEqual(value.compactText, #"{"Zeta":1,"Alpha":{"b":[true,false,null],"a":{}},"Mid":[]}"#)
    }

    func testNumbersAreKeptAsTheirText() throws {
        XCTAssertEqual(try parse("[0, -0, 12345678901234567890, 1.50, -2.5e-3, 1E+400, 7e0]"),
                       .array(["0", "-0", "12345678901234567890", "1.50", "-2.5e-3", "1E+400", "7e0"].map { .number($0) }))
    }

    func testStringEscapesAndSurrogatePairs() throws {
        XCTAssertEqual(try parse(#""a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u4e2d""#), .string("a\"b\\c/d\u{08}\u{0C}\n\r\tAé中"))
        XCTAssertEqual(try parse(#""\ud83d\ude00 \uD83D\uDE00""#), .string("😀 😀"), "a surrogate pair is one character")
        XCTAssertEqual(try parse(#""x\ud83dy\ude00z""#), .string("x\u{FFFD}y\u{FFFD}z"), "lone surrogates become U+FFFD")
        XCTAssertEqual(try parse("\"héllo ✓\""), .string("héllo ✓"), "raw UTF-8 passes")
        XCTAssertEqual(OrderedJSON.string("a\"\n\u{1B}").compactText, #""a\"\n\u001b""#, "written back escaped")
    }

    func testMalformedInputIsRefusedWithWhereAndWhy() {
        XCTAssertEqual(error(#"{"a": 1,}"#)?.description, "unexpected “}”, a member name (a string) expected at line 1, column 9")
        XCTAssertEqual(error("[1, 2")?.message, "unexpected end of the document, “,” or “]” expected in an array")
        XCTAssertEqual(error("{\n  \"a\" 1}")?.description, "unexpected “1”, “:” expected after a member name at line 2, column 7")
        XCTAssertEqual(error("01")?.message, "a number with a leading zero")
        XCTAssertEqual(error("1.")?.message, "a digit expected after the decimal point")
        XCTAssertEqual(error("-")?.message, "a digit expected in a number")
        XCTAssertEqual(error(#""abc"#)?.message, "a string that never ends")
        XCTAssertEqual(error("\"a\u{01}b\"")?.message, "a raw control character (0x01) in a string")
        XCTAssertEqual(error(#""\x""#)?.message, #"an unknown escape \x in a string"#)
        XCTAssertEqual(error(#""\u12G4""#)?.message, #"four hex digits expected after \u"#)
        XCTAssertEqual(error("tru")?.message, "unexpected “t”, a value expected")
        XCTAssertEqual(error("{} {}")?.message, "unexpected “{” after the document")
        XCTAssertEqual(error("")?.message, "unexpected end of the document, a value expected")
        XCTAssertEqual(error("// no\n{}")?.message, "unexpected “/”, a value expected")
        XCTAssertEqual(error("{'a': 1}")?.message, "unexpected “'”, a member name (a string) expected")
    }

    func testDeepNestingIsRefusedNotRecursedInto() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertEqual(error(deep)?.message, "nested deeper than 512 levels")
        let fine = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try OrderedJSONParser.parse(fine))
    }
}
