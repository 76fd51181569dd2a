import DockerEngine
import XCTest
@testable import SwtopStore

/// Pids, block I/O and network beside CPU and memory: cgroup v1 and v2 trees and a /proc with the
/// container's processes, laid out as the kernel does, in a temporary folder.
final class CgroupFiguresTests: FileTreeTestCase {
    let idA = String(repeating: "a", count: 64)
    let idB = String(repeating: "b", count: 64)
    var cgroup: String { root + "/cgroup" }
    var proc: String { root + "/proc" }

    /// What the kernel writes, `lo` first; `eth1`'s name runs into its first number as a long one does.
    func netDev(rx: UInt64, tx: UInt64, rx1: UInt64 = 0, tx1: UInt64 = 0) -> String {
        """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:  999999      10    0    0    0     0          0         0   999999      10    0    0    0     0       0          0
          eth0: \(rx)      10    0    0    0     0          0         0 \(tx)       7    0    0    0     0       0          0
        eth1:\(rx1) 3 0 0 0 0 0 0 \(tx1) 2 0 0 0 0 0 0

        """
    }

    func makeV2() throws {
        try write("cgroup/cgroup.controllers", "cpu io memory pids\n")
        let a = "cgroup/system.slice/docker-\(idA).scope/"
        try write(a + "cpu.stat", "usage_usec 1000\n")
        try write(a + "memory.current", "4096\n")
        try write(a + "memory.stat", "inactive_file 0\n")
        try write(a + "memory.max", "max\n")
        try write(a + "pids.current", "7\n")
        try write(a + "io.stat", "8:0 rbytes=1048576 wbytes=4096 rios=10 wios=1 dbytes=0 dios=0\n"
                                + "253:1 rbytes=2000 wbytes=3000 rios=2 wios=3 dbytes=0 dios=0\n")
        try write(a + "cgroup.procs", "4242\n4243\n")
        try write("proc/4242/net/dev", netDev(rx: 1200, tx: 648, rx1: 100, tx1: 2))
    }

    func testV2Figures() throws {
        try makeV2()
        let reader = try XCTUnwrap(CgroupStatsReader(root: cgroup, procRoot: proc))
        let location = try XCTUnwrap(reader.locate(containerID: idA))
        var scratch = CgroupStatsReader.makeScratch()
        XCTAssertEqual(reader.pids(location, scratch: &scratch), 7)
        XCTAssertEqual(reader.blockIO(location, scratch: &scratch), .init(read: 1_050_576, write: 7096), "summed over devices")
        let file = try XCTUnwrap(reader.networkFile(location, scratch: &scratch))
        XCTAssertEqual(file, proc + "/4242/net/dev", "the first process of cgroup.procs")
        XCTAssertEqual(reader.network(file, scratch: &scratch), .init(rx: 1300, tx: 650), "every interface but lo")
    }

    func testV1FiguresAndTheBlkioFallback() throws {
        try write("cgroup/memory/memory.usage_in_bytes", "1\n")
        try write("cgroup/cpuacct/cpuacct.usage", "1\n")
        for id in [idA, idB] {
            try write("cgroup/cpuacct/docker/\(id)/cpuacct.usage", "5\n")
            try write("cgroup/memory/docker/\(id)/memory.usage_in_bytes", "4096\n")
            try write("cgroup/memory/docker/\(id)/memory.stat", "total_inactive_file 0\n")
            try write("cgroup/memory/docker/\(id)/memory.limit_in_bytes", "9223372036854771712\n")
        }
        try write("cgroup/pids/docker/\(idA)/pids.current", "3\n")
        try write("cgroup/memory/docker/\(idA)/cgroup.procs", "77\n")
        try write("proc/77/net/dev", netDev(rx: 5, tx: 6))
        try write("cgroup/blkio/docker/\(idA)/blkio.throttle.io_service_bytes", """
            8:0 Read 4096
            8:0 Write 8192
            8:0 Sync 12288
            8:0 Async 0
            8:0 Discard 0
            8:0 Total 12288
            8:16 Read 1
            8:16 Write 2
            8:16 Total 3
            Total 12291

            """)
        // B: the throttle file lists no device; blkio.io_service_bytes has the figures.
        try write("cgroup/blkio/docker/\(idB)/blkio.throttle.io_service_bytes", "Total 0\n")
        try write("cgroup/blkio/docker/\(idB)/blkio.io_service_bytes", "8:0 Read 100\n8:0 Write 200\n8:0 Total 300\nTotal 300\n")
        let reader = try XCTUnwrap(CgroupStatsReader(root: cgroup, procRoot: proc))
        XCTAssertEqual(reader.version, .v1)
        var scratch = CgroupStatsReader.makeScratch()
        let a = try XCTUnwrap(reader.locate(containerID: idA))
        XCTAssertEqual(reader.pids(a, scratch: &scratch), 3)
        XCTAssertEqual(reader.blockIO(a, scratch: &scratch), .init(read: 4097, write: 8194), "Read and Write lines only, Total not counted")
        XCTAssertEqual(reader.networkFile(a, scratch: &scratch).flatMap { reader.network($0, scratch: &scratch) }, .init(rx: 5, tx: 6))
        let b = try XCTUnwrap(reader.locate(containerID: idB))
        XCTAssertNil(reader.pids(b, scratch: &scratch), "no pids folder for it")
        XCTAssertEqual(reader.blockIO(b, scratch: &scratch), .init(read: 100, write: 200, fromFallback: true))
        XCTAssertEqual(reader.blockIO(b, scratch: &scratch, tryFallback: false), .init(read: 0, write: 0),
                       "without the fallback: the throttle file's nothing")
        XCTAssertNil(reader.networkFile(b, scratch: &scratch), "no cgroup.procs: no process to read")
    }

    /// A missing file is a missing figure: CPU and memory still come from the files that are there.
    func testMissingFilesLeaveOnlyThoseFiguresOut() throws {
        try makeV2()
        let a = "cgroup/system.slice/docker-\(idA).scope/"
        for name in ["pids.current", "io.stat", "cgroup.procs"] { try FileManager.default.removeItem(atPath: root + "/" + a + name) }
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: cgroup, procRoot: proc))
        XCTAssertEqual(sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 1), [])
        let stats = try XCTUnwrap(sampler.current[idA])
        XCTAssertEqual(stats.memoryUsed, 4096)
        XCTAssertNil(stats.pids)
        XCTAssertNil(stats.blockIO)
        XCTAssertNil(stats.network)
    }

    func testRatesBetweenReadings() throws {
        try makeV2()
        let a = "cgroup/system.slice/docker-\(idA).scope/"
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: cgroup, procRoot: proc))
        let second: UInt64 = 1_000_000_000
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 10 * second)
        XCTAssertEqual(sampler.current[idA]?.network, .init(1300, 650))
        XCTAssertEqual(sampler.current[idA]?.blockIO, .init(1_050_576, 7096))
        XCTAssertEqual(sampler.current[idA]?.pids, 7)
        XCTAssertNil(sampler.current[idA]?.networkRate, "one reading gives no rate")

        // Two seconds later: 4000 more bytes received, 1000 more sent; 2 MB more read, nothing written.
        try write("proc/4242/net/dev", netDev(rx: 5200, tx: 1648, rx1: 100, tx1: 2))
        try write(a + "io.stat", "8:0 rbytes=3048576 wbytes=4096\n253:1 rbytes=2000 wbytes=3000\n")
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 12 * second)
        let stats = try XCTUnwrap(sampler.current[idA])
        XCTAssertEqual(stats.networkRate, .init(2000, 500))
        XCTAssertEqual(stats.blockIORate, .init(1_000_000, 0))
        XCTAssertEqual(stats.networkHistory, [2500])
        XCTAssertEqual(stats.blockIOHistory, [1_000_000])

        // The counters start again (a restart): no rate from that pair, the totals are the new ones.
        try write("proc/4242/net/dev", netDev(rx: 10, tx: 10))
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 13 * second)
        XCTAssertEqual(sampler.current[idA]?.network, .init(10, 10))
        XCTAssertEqual(sampler.current[idA]?.networkHistory, [2500], "no rate across a reset")
    }

    func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// A row on screen keeps its five every-tick files open and reads them again from the start (what
    /// changed in place is seen); off screen, or gone, they are closed.
    func testOnScreenRowsKeepTheirFilesOpen() throws {
        try makeV2()
        let a = "cgroup/system.slice/docker-\(idA).scope/"
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: cgroup, procRoot: proc))
        let before = openDescriptors()
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 1)
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 2)
        XCTAssertEqual(openDescriptors() - before, 5, "cpu.stat, memory.current, pids.current, io.stat, net/dev")
        // Rewritten in place, as the kernel's files change: the kept descriptors read the new values.
        let cpu = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/" + a + "cpu.stat"))
        try cpu.truncate(atOffset: 0)
        try cpu.write(contentsOf: Data("usage_usec 9000\n".utf8))
        try cpu.close()
        let pids = try FileHandle(forWritingTo: URL(fileURLWithPath: root + "/" + a + "pids.current"))
        try pids.truncate(atOffset: 0)
        try pids.write(contentsOf: Data("12\n".utf8))
        try pids.close()
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 3)
        XCTAssertEqual(sampler.current[idA]?.pids, 12)
        XCTAssertEqual(openDescriptors() - before, 5, "no descriptor more for a re-read")
        // Off screen: closed (read every few ticks with open and close, as before).
        _ = sampler.sampleCgroups([idA], visible: [], hostMemory: nil, now: 4)
        XCTAssertEqual(openDescriptors(), before)
        // On screen again, then the container goes: closed with its entry.
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 5)
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 6)
        XCTAssertEqual(openDescriptors() - before, 5)
        sampler.forgetAllBut([])
        XCTAssertEqual(openDescriptors(), before)
    }

    /// Off screen nothing shows them: read only while the list is sorted by one of them.
    func testRowsOffScreenReadTheFiguresOnlyForASort() throws {
        try makeV2()
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: cgroup, procRoot: proc))
        sampler.othersInterval = 1
        _ = sampler.sampleCgroups([idA], visible: [], hostMemory: nil, now: 1)
        XCTAssertEqual(sampler.current[idA]?.memoryUsed, 4096)
        XCTAssertNil(sampler.current[idA]?.pids, "off screen, no sort by them")
        sampler.readsFiguresOffScreen = true
        _ = sampler.sampleCgroups([idA], visible: [], hostMemory: nil, now: 2)
        XCTAssertEqual(sampler.current[idA]?.pids, 7)
        XCTAssertEqual(sampler.current[idA]?.network, .init(1300, 650))
    }

    /// While nothing shows them (a narrow list, no detail pane), only CPU and memory files are read.
    func testFiguresAreReadOnlyWhenShown() throws {
        try makeV2()
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: cgroup, procRoot: proc))
        sampler.readsFigures = false
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 1)
        XCTAssertEqual(sampler.current[idA]?.memoryUsed, 4096)
        XCTAssertNil(sampler.current[idA]?.pids)
        XCTAssertNil(sampler.current[idA]?.network)
        XCTAssertNil(sampler.current[idA]?.blockIO)
        sampler.readsFigures = true
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 2)
        XCTAssertEqual(sampler.current[idA]?.pids, 7)
        XCTAssertEqual(sampler.current[idA]?.network, .init(1300, 650))
        XCTAssertNil(sampler.current[idA]?.networkRate, "a rate needs two readings of the figures")
    }

    /// The process that gave the counters is gone: the next reading takes another one of cgroup.procs.
    func testAnotherProcessWhenTheFirstIsGone() throws {
        try makeV2()
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: cgroup, procRoot: proc))
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 1)
        try FileManager.default.removeItem(atPath: proc + "/4242")
        try write("cgroup/system.slice/docker-\(idA).scope/cgroup.procs", "5151\n")
        try write("proc/5151/net/dev", netDev(rx: 42, tx: 43))
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 2)
        XCTAssertNil(sampler.current[idA]?.network, "that reading found the file gone")
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 3)
        XCTAssertEqual(sampler.current[idA]?.network, .init(42, 43))
    }

    /// `--network host`: the process's namespace is this machine's, its counters the host's: no figure.
    func testHostNetworkHasNoFigure() throws {
        try makeV2()
        try link("proc/self/ns/net", to: "net:[4026531833]")
        try link("proc/4242/ns/net", to: "net:[4026531833]")
        let reader = try XCTUnwrap(CgroupStatsReader(root: cgroup, procRoot: proc))
        var scratch = CgroupStatsReader.makeScratch()
        let location = try XCTUnwrap(reader.locate(containerID: idA))
        XCTAssertNil(reader.networkFile(location, scratch: &scratch))
        try link("proc/4242/ns/net", to: "net:[4026532301]")
        XCTAssertEqual(reader.networkFile(location, scratch: &scratch), proc + "/4242/net/dev", "its own namespace")

        // Without readable links (another user's process), the container list's network mode says.
        var sampler = StatsSampler()
        sampler.cgroups = reader
        sampler.hostNetwork = [idA]
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 1)
        XCTAssertNil(sampler.current[idA]?.network)
        XCTAssertEqual(sampler.current[idA]?.pids, 7)
    }

    /// A remote engine: the same figures from the one-shot samples the API sampler already takes, rated
    /// between two samples of the same container.
    func testAPISamplesGiveTheSameFigures() throws {
        func sample(rx: Int, tx: Int, read: Int, write: Int) throws -> StatsSample {
            try JSONDecoder().decode(StatsSample.self, from: Data("""
                {"cpu_stats":{"cpu_usage":{"total_usage":1000},"system_cpu_usage":100000,"online_cpus":2},
                 "memory_stats":{"usage":8192,"stats":{"inactive_file":0},"limit":1073741824},"pids_stats":{"current":4},
                 "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"read","value":\(read)},
                                                              {"major":8,"minor":0,"op":"write","value":\(write)}]},
                 "networks":{"eth0":{"rx_bytes":\(rx),"tx_bytes":\(tx)}}}
                """.utf8))
        }
        var sampler = StatsSampler()
        let second: UInt64 = 1_000_000_000
        sampler.recordAPI(idA, try sample(rx: 1000, tx: 500, read: 0, write: 0), hostMemory: nil, now: 5 * second)
        XCTAssertEqual(sampler.current[idA]?.network, .init(1000, 500))
        XCTAssertEqual(sampler.current[idA]?.blockIO, .init(0, 0))
        XCTAssertEqual(sampler.current[idA]?.pids, 4)
        XCTAssertEqual(sampler.current[idA]?.source, .engineAPI)
        XCTAssertNil(sampler.current[idA]?.networkRate)
        sampler.recordAPI(idA, try sample(rx: 5000, tx: 1500, read: 8192, write: 4096), hostMemory: nil, now: 9 * second)
        XCTAssertEqual(sampler.current[idA]?.networkRate, .init(1000, 250))
        XCTAssertEqual(sampler.current[idA]?.blockIORate, .init(2048, 1024))
        XCTAssertEqual(sampler.current[idA]?.networkHistory, [1250])
        XCTAssertEqual(sampler.current[idA]?.blockIOHistory, [3072])

        sampler.hostNetwork = [idB]
        sampler.recordAPI(idB, try sample(rx: 1, tx: 1, read: 0, write: 0), hostMemory: nil, now: 9 * second)
        XCTAssertNil(sampler.current[idB]?.network, "on the host's network: no figure")
    }

    func testParsers() {
        let dev = Array(netDev(rx: 1, tx: 2, rx1: 3, tx1: 4).utf8)
        XCTAssertEqual(CgroupStatsReader.netDev(dev, dev.count), .init(rx: 4, tx: 6))
        let headersOnly = Array("Inter-|\n face |bytes\n".utf8)
        XCTAssertEqual(CgroupStatsReader.netDev(headersOnly, headersOnly.count), .init(rx: 0, tx: 0))
        let empty = [UInt8]()
        XCTAssertEqual(CgroupStatsReader.ioStat(empty, 0), .init(read: 0, write: 0), "an idle cgroup's io.stat is empty")
        let odd = Array("8:0 rbytes=x wbytes=5\n".utf8)
        XCTAssertEqual(CgroupStatsReader.ioStat(odd, odd.count), .init(read: 0, write: 5))
        let blkio = Array("8:0 Read 10\n8:0 ReadAhead 99\n8:0 Write 20\nTotal 30\n".utf8)
        let (counters, devices) = CgroupStatsReader.blkio(blkio, blkio.count)
        XCTAssertEqual(counters, .init(read: 10, write: 20))
        XCTAssertTrue(devices)
    }
}
