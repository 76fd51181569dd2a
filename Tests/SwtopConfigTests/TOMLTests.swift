@testable import SwtopConfig
import XCTest

/// The TOML reader against the TOML 1.0 specification's own examples: every kind of value, keys, tables,
/// and the line of each mistake.
final class TOMLTests: XCTestCase {
    func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> TOMLTable {
        do {
            return try TOMLTable(parsing: text)
        } catch {
            XCTFail("line \(error.line): \(error.message)", file: file, line: line)
            return TOMLTable()
        }
    }

    func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> TOMLError? {
        do {
            _ = try TOMLTable(parsing: text)
            XCTFail("no error for:\n\(text)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testStrings() {
        let doc = parse(#"""
        basic = "I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF."
        literal = 'C:\Users\nodejs\templates'
        regex = '<\i\c*\s*>'
        multi = """
        Roses are red
        Violets are blue"""
        folded = """\
               The quick brown \
               fox."""
        quotes = """Here are two quotation marks: "". Simple enough."""
        five = """""five quotes"""""
        lines = '''
        The first newline is
        trimmed in raw strings.
        '''
        emoji = "\U0001F600"
        """#)
        XCTAssertEqual(doc["basic"]?.string, "I'm a string. \"You can quote me\". Name\tJosé\nLocation\tSF.")
        XCTAssertEqual(doc["literal"]?.string, #"C:\Users\nodejs\templates"#)
        XCTAssertEqual(doc["regex"]?.string, #"<\i\c*\s*>"#)
        XCTAssertEqual(doc["multi"]?.string, "Roses are red\nViolets are blue")
        XCTAssertEqual(doc["folded"]?.string, "The quick brown fox.")
        XCTAssertEqual(doc["quotes"]?.string, "Here are two quotation marks: \"\". Simple enough.")
        XCTAssertEqual(doc["five"]?.string, "\"\"five quotes\"\"")
        XCTAssertEqual(doc["lines"]?.string, "The first newline is\ntrimmed in raw strings.\n")
        XCTAssertEqual(doc["emoji"]?.string, "😀")
    }

    func testNumbersBooleansAndDates() {
        let doc = parse("""
        a = +99
        b = -17
        c = 0
        d = 1_000_000
        e = 0xDEAD_beef
        f = 0o755
        g = 0b1101
        h = 3.1415
        i = -0.01
        j = 5e+22
        k = 6.626e-34
        l = -inf
        m = nan
        n = true
        o = false
        p = 1979-05-27T07:32:00-08:00
        q = 1979-05-27 07:32:00
        r = 07:32:00
        """)
        XCTAssertEqual(doc["a"]?.int, 99)
        XCTAssertEqual(doc["b"]?.int, -17)
        XCTAssertEqual(doc["c"]?.int, 0)
        XCTAssertEqual(doc["d"]?.int, 1_000_000)
        XCTAssertEqual(doc["e"]?.int, 0xDEADBEEF)
        XCTAssertEqual(doc["f"]?.int, 0o755)
        XCTAssertEqual(doc["g"]?.int, 13)
        XCTAssertEqual(doc["h"]?.double, 3.1415)
        XCTAssertEqual(doc["i"]?.double, -0.01)
        XCTAssertEqual(doc["j"]?.double, 5e22)
        XCTAssertEqual(doc["k"]?.double, 6.626e-34)
        XCTAssertEqual(doc["l"]?.double, -.infinity)
        XCTAssertTrue(doc["m"]?.double?.isNaN ?? false)
        XCTAssertEqual(doc["n"]?.bool, true)
        XCTAssertEqual(doc["o"]?.bool, false)
        XCTAssertEqual(doc["p"], .datetime("1979-05-27T07:32:00-08:00"))
        XCTAssertEqual(doc["q"], .datetime("1979-05-27 07:32:00"))
        XCTAssertEqual(doc["r"], .datetime("07:32:00"))
        XCTAssertNil(doc["h"]?.int, "a float is not an integer")
    }

    func testArraysInlineTablesAndKeys() {
        let doc = parse("""
        # a comment
        colors = [ "red", "yellow", # inline comment
          "green", ]   # trailing comma
        nested = [ [ 1, 2 ], ["a", 'b'] ]
        point = { x = 1, y = 2, "z.w" = { deep = true } }
        site."google.com" = true
        fruit . name = "banana"
        "" = "empty key"
        1234 = "bare digits"

        [servers.alpha]
        ip = "10.0.0.1"

        [servers.beta]
        ip = "10.0.0.2"

        [[products]]
        name = "Hammer"

        [[products]]

        [[products]]
        name = "Nail"
        """)
        XCTAssertEqual(doc["colors"]?.array?.compactMap(\.string), ["red", "yellow", "green"])
        XCTAssertEqual(doc["nested"]?.array?.first?.array?.compactMap(\.int), [1, 2])
        XCTAssertEqual(doc["point"]?.table?["y"]?.int, 2)
        XCTAssertEqual(doc["point"]?.table?["z.w"]?.table?["deep"]?.bool, true)
        XCTAssertEqual(doc["site"]?.table?["google.com"]?.bool, true)
        XCTAssertEqual(doc["fruit"]?.table?["name"]?.string, "banana")
        XCTAssertEqual(doc[""]?.string, "empty key")
        XCTAssertEqual(doc["1234"]?.string, "bare digits")
        XCTAssertEqual(doc["servers"]?.table?.keys, ["alpha", "beta"])
        XCTAssertEqual(doc["servers"]?.table?["beta"]?.table?["ip"]?.string, "10.0.0.2")
        XCTAssertEqual(doc["products"]?.array?.map { $0.table?["name"]?.string }, ["Hammer", nil, "Nail"])
        XCTAssertEqual(doc.keys, ["colors", "nested", "point", "site", "fruit", "", "1234", "servers", "products"],
                       "keys in the file's order")
    }

    func testWindowsLineEndings() {
        let doc = parse("[ui]\r\nmouse = false # no mouse\r\nshell = \"sh\"\r\n")
        XCTAssertEqual(doc["ui"]?.table?["mouse"]?.bool, false)
        XCTAssertEqual(doc["ui"]?.table?["shell"]?.string, "sh")
    }

    func testEachMistakeSaysItsLine() {
        let cases: [(String, Int, String)] = [
            ("a = 1\na = 2\n", 2, "a is defined twice"),
            ("[t]\nx = 1\n[t]\n", 3, "table [t] is defined twice"),
            ("a.b = 1\n[a]\n", 2, "table [a] is defined twice"),
            ("a = 1\n[a]\n", 2, "a is already a value, not a table"),
            ("x = \"open\ny = 2\n", 1, "a string is not closed on its line"),
            ("x = tru\n", 1, "tru is not a value"),
            ("\n\nx = 01\n", 3, "01 is not a value"),
            ("x = 1__0\n", 1, "1__0 is not a value"),
            ("x = 1_\n", 1, "1_ is not a value"),
            ("x = .5\n", 1, ".5 is not a value"),
            ("x = \"\\q\"\n", 1, "unknown escape \\q"),
            ("x = [1, 2\n", 1, "an array is not closed"),
            // Found by swtop-fuzz (config): 100,000 ['s overflowed the stack.
            ("x = " + String(repeating: "[", count: 100_000) + "\n", 1, "arrays and inline tables nest 64 deep at most"),
            ("x = " + String(repeating: "{ a = ", count: 65) + "1" + String(repeating: " }", count: 65) + "\n", 1,
             "arrays and inline tables nest 64 deep at most"),
            // And a header of 57,000 dotted parts took minutes.
            ("\n[keys" + String(repeating: ".contai", count: 57_000) + "]\n", 2, "a key has 64 parts at most"),
            ("a" + String(repeating: ".b", count: 64) + " = 1\n", 1, "a key has 64 parts at most"),
            ("x = { a = 1, }\n", 1, "a key was expected"),
            ("x = 1 y = 2\n", 1, "unexpected \"y\" after the value"),
            ("[ui\n", 1, "a table header ends with ]"),
            ("= 1\n", 1, "a key was expected"),
            ("x =\n", 1, "a value was expected after ="),
            ("x = \"a\u{01}b\"\n", 1, "a control character in a string"),
            ("[[a]]\n[a]\n", 2, "table [a] is defined twice"),
            ("a = [1]\n[[a]]\n", 2, "a is already a value, not an array of tables"),
            ("x = \"\"\"never closed\n", 2, "a multi-line string is not closed"),
        ]
        for (text, line, message) in cases {
            guard let error = failure(text) else { continue }
            XCTAssertEqual(error.line, line, "\(text.debugDescription): \(error.message)")
            XCTAssertTrue(error.message.hasPrefix(message), "\(text.debugDescription): \(error.message)")
        }
    }
}
