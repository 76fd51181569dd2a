import SwtopStore
import XCTest

final class LogBufferTests: XCTestCase {
    func line(_ text: String, source: UInt16 = 0, at nanos: Int64? = nil, kind: LogEntry.Kind = .stdout) -> LogEntry {
        LogEntry(kind: kind, source: source, time: nanos.map { LogTime(nanoseconds: $0) }, text: text)
    }

    func testLineCapDropsTheOldestAndCountsThem() {
        var buffer = LogBuffer(maxLines: 3, maxBytes: 1 << 20)
        buffer.add((1...5).map { line("l\($0)") }, mergeByTime: false)
        XCTAssertEqual(buffer.entries.map(\.text), ["l3", "l4", "l5"])
        XCTAssertEqual(buffer.evicted, 2)
        XCTAssertEqual(buffer.received, 5)
        // Positions do not move when lines are dropped: l3 was the third line added.
        XCTAssertEqual(buffer.startIndex, 2)
        XCTAssertEqual(buffer[2].text, "l3")
        XCTAssertEqual(buffer.endIndex, 5)
    }

    func testByteCapHoldsHoweverLongAFollowRuns() {
        var buffer = LogBuffer(maxLines: 1_000_000, maxBytes: 64 << 10)
        let text = String(repeating: "x", count: 1000)
        for _ in 0..<10 { buffer.add((0..<1000).map { _ in line(text) }, mergeByTime: false) }
        XCTAssertLessThanOrEqual(buffer.bytes, 64 << 10)
        XCTAssertEqual(buffer.count, (64 << 10) / (1000 + 48))
        XCTAssertEqual(buffer.received, 10_000)
        XCTAssertEqual(buffer.evicted, 10_000 - buffer.count)
    }

    func testOneHugeLineIsKeptEvenOverTheByteCap() {
        var buffer = LogBuffer(maxLines: 10, maxBytes: 4096)
        buffer.add([line(String(repeating: "y", count: 1 << 20))], mergeByTime: false)
        XCTAssertEqual(buffer.count, 1)
        buffer.add([line("next")], mergeByTime: false)
        XCTAssertEqual(buffer.entries.map(\.text), ["next"])
    }

    func testMergeInterleavesContainersInTimeOrder() {
        var buffer = LogBuffer()
        // Container 0's tail arrives first, then container 1's, whose lines fall between.
        buffer.add([line("a1", source: 0, at: 10), line("a2", source: 0, at: 30), line("a3", source: 0, at: 50)], mergeByTime: true)
        let changed = buffer.add([line("b1", source: 1, at: 20), line("b2", source: 1, at: 40), line("b3", source: 1, at: 60)],
                                 mergeByTime: true)
        XCTAssertEqual(buffer.entries.map(\.text), ["a1", "b1", "a2", "b2", "a3", "b3"])
        XCTAssertEqual(changed, 1, "the first line that moved is reported, for the indexes")
    }

    func testMergeKeepsEachContainersOwnOrder() {
        var buffer = LogBuffer()
        // A container's lines stay in the engine's order even when its clock went back.
        buffer.add([line("a1", source: 0, at: 50), line("a2", source: 0, at: 40)], mergeByTime: true)
        buffer.add([line("b1", source: 1, at: 45)], mergeByTime: true)
        XCTAssertEqual(buffer.entries.map(\.text), ["a1", "a2", "b1"])
    }

    func testWithoutMergeLinesStayInArrivalOrder() {
        var buffer = LogBuffer()
        buffer.add([line("late", at: 50), line("early", at: 10)], mergeByTime: false)
        XCTAssertEqual(buffer.entries.map(\.text), ["late", "early"])
    }

    func testTimesParseAndPrintAsTheEngineWritesThem() throws {
        let time = try XCTUnwrap(LogTime.parse("2026-11-29T20:15:03.123456789Z"))
        XCTAssertEqual(time.description, "2026-11-29T20:15:03.123456789Z")
        XCTAssertEqual(time.clockText, "20:15:03.123")
        XCTAssertEqual(time.seconds, 1_795_983_303)
        XCTAssertEqual(time.engineSince, "1795983303.123456789")
        // Fewer fraction digits, an offset, and no fraction at all.
        XCTAssertEqual(LogTime.parse("2026-11-29T20:15:03.5Z")?.nanoseconds, 1_795_983_303_500_000_000)
        XCTAssertEqual(LogTime.parse("2026-11-29T21:15:03+01:00")?.seconds, 1_795_983_303)
        XCTAssertEqual(LogTime.parse("1970-01-01T00:00:00Z")?.nanoseconds, 0)
        XCTAssertEqual(LogTime.parse("2000-02-29T00:00:00Z")?.description, "2000-02-29T00:00:00.000000000Z")
        XCTAssertNil(LogTime.parse("not a time at all, no"))
        XCTAssertNil(LogTime.parse("2026-13-01T00:00:00Z"))
        XCTAssertNil(LogTime.parse("2026-11-29T20:15:03.Z"))
    }

    /// Found by swtop-fuzz (log-stream): a timestamp past 2262 overflowed the nanoseconds and trapped.
    func testTimesOutsideWhatNanosecondsHoldAreNotTimes() {
        XCTAssertNil(LogTime.parse("2726-11-29T09:47:06.173895629Z"))
        XCTAssertNil(LogTime.parse("9999-12-31T23:59:59.999999999Z"))
        XCTAssertNil(LogTime.parse("0000-01-01T00:00:00Z"))
        XCTAssertEqual(LogTime.parse("2262-04-11T23:47:16.854775807Z")?.nanoseconds, Int64.max)
        XCTAssertEqual(LogTime.parse("1900-01-01T00:00:00Z")?.nanoseconds, -2_208_988_800_000_000_000)
    }
}

final class LogStitchTests: XCTestCase {
    func t(_ n: Int64) -> LogTime { LogTime(nanoseconds: n) }

    func testAResumedStreamRepeatsNoLineAndLosesNone() {
        var stitch = LogStitch()
        stitch.begin(resuming: false)
        // First stream: lines at 1, 2, 3, 3 (two lines in the same nanosecond).
        XCTAssertEqual([1, 2, 3, 3].map { stitch.admit(t($0)) }, [true, true, true, true])
        XCTAssertEqual(stitch.last, t(3))
        XCTAssertEqual(stitch.takenAtLast, 2)
        // The engine's `since: 3` sends both lines stamped 3 again, then a third one stamped 3 that was
        // written after the stream ended, then newer lines.
        stitch.begin(resuming: true)
        XCTAssertEqual([3, 3, 3, 4, 5].map { stitch.admit(t($0)) }, [false, false, true, true, true])
        // An older line (the engine's `since` is a filter on a clock that may go back) is not taken twice.
        stitch.begin(resuming: true)
        XCTAssertEqual([4, 5, 6].map { stitch.admit(t($0)) }, [false, false, true])
    }

    func testTheFirstStreamTakesEverythingAndLinesWithoutTimesPass() {
        var stitch = LogStitch()
        stitch.begin(resuming: false)
        XCTAssertEqual([5, 3, 3].map { stitch.admit(t($0)) }, [true, true, true])
        XCTAssertTrue(stitch.admit(nil))
        stitch.begin(resuming: true)
        XCTAssertEqual(stitch.admit(nil), true)
    }
}
