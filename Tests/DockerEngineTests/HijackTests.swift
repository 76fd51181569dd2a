import XCTest
@testable import DockerEngine

/// The pieces of a hijacked session that need no engine: the answer's head read up to the blank line
/// (the stream's first bytes kept), the detach keys in the docker CLI's spelling, and the matcher that
/// holds back what could be the start of them.
final class HijackTests: XCTestCase {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    // MARK: - UpgradeHead

    static let upgraded = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n"
        + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n"

    func testUpgradeKeepsTheStreamBytesAfterTheBlankLine() throws {
        let stream: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 4] + bytes("out\n") + [13, 10, 13, 10]
        let head = try XCTUnwrap(UpgradeHead.parse(bytes(Self.upgraded) + stream))
        XCTAssertEqual(head.status, 101)
        XCTAssertEqual(head.rest, stream, "everything after the first blank line belongs to the stream, a later CRLFCRLF too")
        XCTAssertNil(head.contentLength)
        XCTAssertEqual(head.header("content-type"), "application/vnd.docker.multiplexed-stream", "names match in any case")
        XCTAssertEqual(head.header("UPGRADE"), "tcp")
        XCTAssertEqual(head.headers.map(\.0), ["Content-Type", "Connection", "Upgrade"])
        XCTAssertNil(head.header("Content-Length"))
    }

    func testAHeadArrivingByteByByteIsNilUntilTheBlankLine() throws {
        let all = bytes(Self.upgraded)
        for count in 0..<all.count {
            XCTAssertNil(try UpgradeHead.parse(Array(all.prefix(count))), "after \(count) of \(all.count) bytes")
        }
        let head = try XCTUnwrap(UpgradeHead.parse(all))
        XCTAssertEqual(head.status, 101)
        XCTAssertEqual(head.rest, [])
        // The way `hijack` feeds it: what has arrived so far, growing.
        var received: [UInt8] = []
        var parsed: UpgradeHead?
        for byte in all + bytes("x") where parsed == nil {
            received.append(byte)
            parsed = try UpgradeHead.parse(received)
        }
        XCTAssertEqual(parsed?.rest, [], "parsed as soon as the blank line is complete, before the stream's first byte")
    }

    func testAnErrorAnswerCarriesItsLengthAndJSONBody() throws {
        let body = #"{"message":"Container 4f2c is not running"}"#
        let text = "HTTP/1.1 409 Conflict\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nDate: Tue, 01 Jan 2030 00:00:00 GMT\r\n\r\n" + body
        let head = try XCTUnwrap(UpgradeHead.parse(bytes(text)))
        XCTAssertEqual(head.status, 409)
        XCTAssertEqual(head.contentLength, body.utf8.count)
        XCTAssertEqual(head.rest, bytes(body))
        let error = DockerError.fromResponse(status: head.status, body: head.rest, path: "/exec/x/start")
        XCTAssertEqual(error.status, 409)
        XCTAssertEqual(error.userMessage, "Container 4f2c is not running")
        // Half the body so far: the head is complete all the same, the rest grows later.
        let cut = try XCTUnwrap(UpgradeHead.parse(Array(bytes(text).dropLast(10))))
        XCTAssertEqual(cut.rest.count, body.utf8.count - 10)
    }

    func testA200UpgradeFromOlderEnginesParses() throws {
        let head = try XCTUnwrap(UpgradeHead.parse(bytes("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nhi")))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.rest, bytes("hi"))
    }

    func testAGarbageStatusLineThrows() {
        for garbage in ["SSH-2.0-OpenSSH_9.2\r\n\r\n", "HTTP/1.1 abc Conflict\r\n\r\n", "\r\n\r\n", "HTTP/1.1\r\n\r\n",
                        "hello world 101\r\nUpgrade: tcp\r\n\r\n"] {
            XCTAssertThrowsError(try UpgradeHead.parse(bytes(garbage)), garbage.debugDescription) { error in
                guard case let .protocolViolation(text)? = error as? DockerError else {
                    return XCTFail("\(garbage.debugDescription): \(error)")
                }
                XCTAssertTrue(text.hasPrefix("not an HTTP answer"), text)
            }
        }
    }

    func testMoreThan64KiBWithoutABlankLineThrows() throws {
        let line = bytes("HTTP/1.1 101 UPGRADED\r\nX-Padding: ")
        XCTAssertNil(try UpgradeHead.parse(line + Array(repeating: UInt8(ascii: "a"), count: 65_536 - line.count)),
                     "64 KiB exactly may still end")
        XCTAssertThrowsError(try UpgradeHead.parse(line + Array(repeating: UInt8(ascii: "a"), count: 70_000))) { error in
            guard case let .protocolViolation(text)? = error as? DockerError else { return XCTFail("\(error)") }
            XCTAssertTrue(text.contains("64 KiB"), text)
        }
    }

    func testTheRequestIsOneWriteWithHostLengthAndUpgrade() throws {
        let unix = HijackedConnection(socket: try EngineSocket(EngineEndpoint(address: .unix(path: "/run/docker.sock"), source: "test"), forwardedSocket: nil))
        let json = bytes(#"{"Detach":false,"Tty":true}"#)
        let request = unix.requestBytes(method: "POST", path: "/v1.41/exec/abc/start", json: json)
        let text = String(decoding: request, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("POST /v1.41/exec/abc/start HTTP/1.1\r\nHost: docker\r\n"), text)
        XCTAssertTrue(text.contains("\r\nContent-Length: \(json.count)\r\n"), text)
        XCTAssertTrue(text.contains("\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"), text)
        XCTAssertTrue(request.suffix(json.count).elementsEqual(json), "the body follows the head")
        let tcp = HijackedConnection(socket: try EngineSocket(EngineEndpoint(address: .tcp(host: "engine.example", port: 2376, tls: true), source: "test"), forwardedSocket: nil))
        XCTAssertTrue(String(decoding: tcp.requestBytes(method: "POST", path: "/x", json: []), as: UTF8.self)
            .contains("\r\nHost: engine.example:2376\r\n"))
        let v6 = HijackedConnection(socket: try EngineSocket(EngineEndpoint(address: .tcp(host: "::1", port: 2375, tls: false), source: "test"), forwardedSocket: nil))
        XCTAssertTrue(String(decoding: v6.requestBytes(method: "POST", path: "/x", json: []), as: UTF8.self)
            .contains("\r\nHost: [::1]:2375\r\n"))
    }

    // MARK: - DetachKeys

    func testDetachKeysInTheCLIsSpelling() throws {
        XCTAssertEqual(try DetachKeys("ctrl-p,ctrl-q").bytes, [16, 17])
        XCTAssertEqual(DetachKeys.standard.bytes, [16, 17])
        XCTAssertEqual(DetachKeys.standard.spec, "ctrl-p,ctrl-q")
        XCTAssertEqual(try DetachKeys("ctrl-a,d").bytes, [1, UInt8(ascii: "d")])
        XCTAssertEqual(try DetachKeys("ctrl-@").bytes, [0])
        XCTAssertEqual(try DetachKeys("ctrl-[").bytes, [27])
        XCTAssertEqual(try DetachKeys("ctrl-\\").bytes, [28])
        XCTAssertEqual(try DetachKeys("ctrl-]").bytes, [29])
        XCTAssertEqual(try DetachKeys("ctrl-^").bytes, [30])
        XCTAssertEqual(try DetachKeys("ctrl-_").bytes, [31])
        XCTAssertEqual(try DetachKeys("ctrl-z,ctrl-a").bytes, [26, 1])
        XCTAssertEqual(try DetachKeys("CTRL-P,Ctrl-Q").bytes, [16, 17], "any case")
        XCTAssertEqual(try DetachKeys("a,b,c").bytes, [97, 98, 99])
        XCTAssertEqual(try DetachKeys("ctrl-x").bytes, [24])
    }

    func testDisplay() throws {
        XCTAssertEqual(DetachKeys.standard.display, "Ctrl-P Ctrl-Q")
        XCTAssertEqual(try DetachKeys("ctrl-a,d").display, "Ctrl-A d")
        XCTAssertEqual(try DetachKeys("ctrl-@,ctrl-_").display, "Ctrl-@ Ctrl-_")
    }

    func testInvalidSpecsThrowWithAMessage() {
        for spec in ["", "ctrl-1", "ctrl-", "ctrl-pq", "ab", "ctrl-p,,ctrl-q", "ctrl-p,", "é", "\t", "ctrl-p ctrl-q"] {
            XCTAssertThrowsError(try DetachKeys(spec), spec.debugDescription) { error in
                guard let invalid = error as? DetachKeys.Invalid else { return XCTFail("\(spec.debugDescription): \(error)") }
                XCTAssertTrue(invalid.description.hasPrefix("detach keys"), invalid.description)
                XCTAssertTrue(invalid.description.contains("unknown key") || invalid.description.contains("empty"),
                              invalid.description)
            }
        }
        XCTAssertEqual((try? DetachKeys("ctrl-1")).map(\.bytes), nil)
        do {
            _ = try DetachKeys("ctrl-p,ctrl-1")
        } catch let error as DetachKeys.Invalid {
            XCTAssertTrue(error.description.contains("'ctrl-1'"), "names the key at fault: \(error)")
        } catch {
            XCTFail("\(error)")
        }
    }

    func testResolveTakesTheFlagFirst() throws {
        XCTAssertEqual(try DetachKeys.resolve(flag: "ctrl-a,d").bytes, [1, 100])
        XCTAssertThrowsError(try DetachKeys.resolve(flag: "nonsense"))
    }

    // MARK: - DetachMatcher

    func testPlainBytesPassStraightThrough() {
        var matcher = DetachMatcher(.standard)
        let typed = bytes("ls -l\r") + [3, 4, 27, 91, 65, 17]  // ^C, ^D, an arrow, a lone ^Q
        let (forward, detach) = matcher.feed(typed)
        XCTAssertEqual(forward, typed)
        XCTAssertFalse(detach)
        XCTAssertEqual(matcher.feed([]).forward, [])
    }

    func testTheWholeSequenceDetachesAndIsNeverForwarded() {
        var matcher = DetachMatcher(.standard)
        let (forward, detach) = matcher.feed(bytes("ab") + [16, 17] + bytes("cd"))
        XCTAssertEqual(forward, bytes("ab"), "what came before goes on; the keys and what follows do not")
        XCTAssertTrue(detach)
        var alone = DetachMatcher(.standard)
        let result = alone.feed([16, 17])
        XCTAssertEqual(result.forward, [])
        XCTAssertTrue(result.detach)
    }

    func testABrokenPrefixForwardsTheHeldBytesInOrder() {
        var matcher = DetachMatcher(.standard)
        var (forward, detach) = matcher.feed(bytes("x") + [16])
        XCTAssertEqual(forward, bytes("x"), "^P is held back")
        XCTAssertFalse(detach)
        (forward, detach) = matcher.feed(bytes("yz"))
        XCTAssertEqual(forward, [16] + bytes("yz"), "then sent before the byte that broke the sequence")
        XCTAssertFalse(detach)
        // Within one feed as well.
        var again = DetachMatcher(.standard)
        XCTAssertEqual(again.feed([16, 3, 16, 16]).forward, [16, 3, 16])
        XCTAssertEqual(again.feed(bytes("q")).forward, [16] + bytes("q"))
    }

    func testTheSequenceSplitAcrossFeeds() {
        var matcher = DetachMatcher(.standard)
        XCTAssertEqual(matcher.feed([16]).forward, [])
        XCTAssertFalse(matcher.feed([]).detach, "nothing new: still waiting")
        let (forward, detach) = matcher.feed([17])
        XCTAssertEqual(forward, [])
        XCTAssertTrue(detach)
        // Three keys, one per feed, after other typing.
        var three = DetachMatcher(try! DetachKeys("ctrl-a,d,ctrl-b"))
        XCTAssertEqual(three.feed(bytes("echo")).forward, bytes("echo"))
        XCTAssertEqual(three.feed([1]).forward, [])
        XCTAssertEqual(three.feed(bytes("d")).forward, [])
        let last = three.feed([2])
        XCTAssertEqual(last.forward, [])
        XCTAssertTrue(last.detach)
    }

    func testARepeatedFirstKeyStillDetaches() {
        var matcher = DetachMatcher(.standard)
        let (forward, detach) = matcher.feed([16, 16, 17])
        XCTAssertEqual(forward, [16], "the first ^P goes on; the second starts the sequence")
        XCTAssertTrue(detach)
        var split = DetachMatcher(.standard)
        XCTAssertEqual(split.feed([16]).forward, [])
        XCTAssertEqual(split.feed([16]).forward, [16])
        XCTAssertTrue(split.feed([17]).detach)
    }

    func testASingleKeySequence() throws {
        var matcher = DetachMatcher(try DetachKeys("ctrl-x"))
        var (forward, detach) = matcher.feed(bytes("ab"))
        XCTAssertEqual(forward, bytes("ab"))
        XCTAssertFalse(detach, "nothing is held back")
        (forward, detach) = matcher.feed(bytes("c") + [24] + bytes("d"))
        XCTAssertEqual(forward, bytes("c"))
        XCTAssertTrue(detach)
        var first = DetachMatcher(try DetachKeys("ctrl-x"))
        XCTAssertTrue(first.feed([24]).detach)
        var printable = DetachMatcher(try DetachKeys("q"))
        XCTAssertEqual(printable.feed(bytes("ab")).forward, bytes("ab"))
        XCTAssertTrue(printable.feed(bytes("q")).detach)
    }

    func testAfterDetachingTheMatcherStartsAfresh() {
        var matcher = DetachMatcher(.standard)
        XCTAssertTrue(matcher.feed([16, 17]).detach)
        XCTAssertEqual(matcher.feed(bytes("a")).forward, bytes("a"))
        XCTAssertTrue(matcher.feed([16, 17]).detach)
    }
}
