import XCTest
@testable import DockerEngine
import NIOCore

final class LogFrameDecoderTests: XCTestCase {
    func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
        frame(stream, Array(text.utf8))
    }

    func frame(_ stream: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let n = UInt32(payload.count)
        return [stream, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + payload
    }

    func testSeveralFramesInOneRead() throws {
        var decoder = LogFrameDecoder()
        let frames = try decoder.push(frame(1, "out\n") + frame(2, "err\n") + frame(1, "more\n"))
        XCTAssertEqual(frames, [LogFrame(stream: .stdout, payload: Array("out\n".utf8)),
                                LogFrame(stream: .stderr, payload: Array("err\n".utf8)),
                                LogFrame(stream: .stdout, payload: Array("more\n".utf8))])
        XCTAssertEqual(decoder.pendingByteCount, 0)
    }

    func testFrameSplitAtEveryByteBoundary() throws {
        let bytes = frame(1, "hello\n") + frame(2, "world\n")
        for cut in 1..<bytes.count {
            var decoder = LogFrameDecoder()
            var frames = try decoder.push(bytes[..<cut])
            frames += try decoder.push(bytes[cut...])
            XCTAssertEqual(frames.map(\.stream), [.stdout, .stderr], "cut at \(cut)")
            XCTAssertEqual(frames.map { String(decoding: $0.payload, as: UTF8.self) }, ["hello\n", "world\n"], "cut at \(cut)")
            XCTAssertNoThrow(try decoder.finish())
        }
    }

    func testByteByByte() throws {
        var decoder = LogFrameDecoder()
        var frames: [LogFrame] = []
        for byte in frame(2, "x") + frame(1, "yz") { frames += try decoder.push([byte]) }
        XCTAssertEqual(frames, [LogFrame(stream: .stderr, payload: [0x78]), LogFrame(stream: .stdout, payload: [0x79, 0x7a])])
    }

    func testLargeFramesAndLinesSpanningFrames() throws {
        // The engine cuts lines over 16 KiB into several frames; the assembler must join them.
        let long = String(repeating: "a", count: 40_000)
        let chunks = stride(from: 0, to: long.utf8.count, by: 16_384).map { start in
            Array(long.utf8)[start..<min(start + 16_384, long.utf8.count)]
        }
        var bytes: [UInt8] = []
        for chunk in chunks { bytes += frame(1, Array(chunk)) }
        bytes += frame(1, "\n") + frame(2, "tail\n")
        var decoder = LogFrameDecoder()
        var assembler = LineAssembler(timestamps: false)
        var lines: [LogLine] = []
        for piece in stride(from: 0, to: bytes.count, by: 5000) {
            for f in try decoder.push(bytes[piece..<min(piece + 5000, bytes.count)]) {
                lines += assembler.push(f.payload, stream: f.stream)
            }
        }
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0].text.count, 40_000)
        XCTAssertEqual(lines[0].stream, .stdout)
        XCTAssertEqual(lines[1], LogLine(stream: .stderr, text: "tail"))
    }

    func testStreamThreeIsTheEngineSpeaking() throws {
        var decoder = LogFrameDecoder()
        let frames = try decoder.push(frame(3, "error from daemon"))
        XCTAssertEqual(frames.first?.stream, .system)
        XCTAssertEqual(String(decoding: frames[0].payload, as: UTF8.self), "error from daemon")
    }

    func testRawBytesAreRejectedNotMisread() {
        var decoder = LogFrameDecoder()
        XCTAssertThrowsError(try decoder.push(Array("hello world, a TTY stream\n".utf8))) { error in
            guard case DockerError.protocolViolation = error else { return XCTFail("\(error)") }
        }
    }

    func testCutFrameAtEndIsReported() throws {
        var decoder = LogFrameDecoder()
        _ = try decoder.push(frame(1, "abcdef").prefix(10))
        XCTAssertEqual(decoder.pendingByteCount, 10)
        XCTAssertThrowsError(try decoder.finish())
    }

    func testEmptyFrame() throws {
        var decoder = LogFrameDecoder()
        XCTAssertEqual(try decoder.push(frame(1, "")), [LogFrame(stream: .stdout, payload: [])])
    }
}

final class LineAssemblerTests: XCTestCase {
    func testInterleavedPartialLinesStayApart() {
        var assembler = LineAssembler(timestamps: false)
        XCTAssertEqual(assembler.push(Array("par".utf8), stream: .stdout), [])
        XCTAssertEqual(assembler.push(Array("oops\n".utf8), stream: .stderr), [LogLine(stream: .stderr, text: "oops")])
        XCTAssertEqual(assembler.push(Array("tial\r\nnext".utf8), stream: .stdout), [LogLine(stream: .stdout, text: "partial")])
        XCTAssertEqual(assembler.flush(), [LogLine(stream: .stdout, text: "next")])
    }

    func testTimestampsAreSplitOff() {
        var assembler = LineAssembler(timestamps: true)
        let lines = assembler.push(Array("2026-11-29T09:00:00.123456789Z hello there\n".utf8), stream: .stdout)
        XCTAssertEqual(lines, [LogLine(stream: .stdout, timestamp: "2026-11-29T09:00:00.123456789Z", text: "hello there")])
        // An engine error in the stream may come without a stamp: its first word stays.
        XCTAssertEqual(assembler.push(Array("Error grabbing logs: corrupt\n".utf8), stream: .system),
                       [LogLine(stream: .system, text: "Error grabbing logs: corrupt")])
    }

    func testInvalidUTF8BecomesReplacementNotACrash() {
        var assembler = LineAssembler(timestamps: false)
        let lines = assembler.push([0x61, 0xff, 0xfe, 0x62, 0x0a], stream: .stdout)
        XCTAssertEqual(lines.first?.text, "a\u{FFFD}\u{FFFD}b")
    }

    func testKoreanSplitMidCharacterAcrossPushes() {
        var assembler = LineAssembler(timestamps: false)
        let bytes = Array("한국어\n".utf8)
        XCTAssertEqual(assembler.push(Array(bytes[..<4]), stream: .stdout), [])
        XCTAssertEqual(assembler.push(Array(bytes[4...]), stream: .stdout), [LogLine(stream: .stdout, text: "한국어")])
    }

    func testOverlongLineIsCutNotHoarded() {
        var assembler = LineAssembler(timestamps: false, maximumLineBytes: 10)
        let lines = assembler.push(Array(String(repeating: "x", count: 25).utf8), stream: .stdout)
        XCTAssertEqual(lines.map(\.text.count), [10, 10])
        XCTAssertEqual(assembler.flush().map(\.text.count), [5])
    }
}

final class NDJSONSplitterTests: XCTestCase {
    func testChunkingAnywhere() {
        let body = Array("{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}".utf8)
        for cut in 0...body.count {
            var splitter = NDJSONSplitter()
            var lines = splitter.push(body[..<cut])
            lines += splitter.push(body[cut...])
            if let rest = splitter.flush() { lines.append(rest) }
            XCTAssertEqual(lines.map { String(decoding: $0, as: UTF8.self) }, ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"], "cut \(cut)")
        }
    }
}

final class LogReaderChunkingTests: XCTestCase {
    /// A framed body with stamped lines of stdout and stderr, a line over several frames and an unterminated
    /// end, read through `LogReader` in chunks cut at every position: the same lines every time.
    func testLinesDoNotDependOnWhereChunksAreCut() async throws {
        func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
            let payload = Array(text.utf8)
            let n = UInt32(payload.count)
            return [stream, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + payload
        }
        let body = frame(1, "2026-12-08T01:02:03.000000001Z one\n") + frame(2, "2026-12-08T01:02:03.5Z err\r\n")
            + frame(1, "2026-12-08T01:02:04Z two ") + frame(1, "halves\n2026-12-08T01:02:05Z three\n")
            + frame(2, "2026-12-08T01:02:06Z tail")
        func read(cutAt cuts: [Int]) async throws -> [LogLine] {
            var pieces: [ByteBuffer] = []
            var start = 0
            for cut in cuts + [body.count] where cut > start {
                pieces.append(ByteBuffer(bytes: body[start..<cut]))
                start = cut
            }
            let queue = Queue(pieces)
            var reader = LogReader(isRaw: false, timestamps: true) { queue.next() }
            var lines: [LogLine] = []
            while let more = try await reader.nextLines() { lines += more }
            return lines
        }
        let whole = try await read(cutAt: [])
        XCTAssertEqual(whole, [
            LogLine(stream: .stdout, timestamp: "2026-12-08T01:02:03.000000001Z", text: "one"),
            LogLine(stream: .stderr, timestamp: "2026-12-08T01:02:03.5Z", text: "err"),
            LogLine(stream: .stdout, timestamp: "2026-12-08T01:02:04Z", text: "two halves"),
            LogLine(stream: .stdout, timestamp: "2026-12-08T01:02:05Z", text: "three"),
            LogLine(stream: .stderr, timestamp: "2026-12-08T01:02:06Z", text: "tail"),
        ])
        for cut in 1..<body.count {
            let lines = try await read(cutAt: [cut])
            XCTAssertEqual(lines, whole, "cut at \(cut)")
        }
        let byteByByte = try await read(cutAt: Array(1..<body.count))
        XCTAssertEqual(byteByByte, whole)
    }

    /// A body cut inside a frame: the complete lines first, then the error.
    func testABodyCutInsideAFrameGivesItsLinesThenThrows() async throws {
        let bytes: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 3] + Array("ok\n".utf8) + [1, 0, 0, 0, 0, 0, 0, 9, 0x61]
        let queue = Queue([ByteBuffer(bytes: bytes)])
        var reader = LogReader(isRaw: false, timestamps: false) { queue.next() }
        let first = try await reader.nextLines()
        XCTAssertEqual(first, [LogLine(stream: .stdout, text: "ok")])
        do {
            _ = try await reader.nextLines()
            XCTFail("a cut frame must end the body with an error")
        } catch {
            XCTAssertTrue(String(describing: error).contains("inside a log frame"), "\(error)")
        }
    }

    final class Queue: @unchecked Sendable {
        private var pieces: [ByteBuffer]
        init(_ pieces: [ByteBuffer]) { self.pieces = pieces }
        func next() -> ByteBuffer? { pieces.isEmpty ? nil : pieces.removeFirst() }
    }
}
