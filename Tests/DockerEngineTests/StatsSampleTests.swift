import XCTest
@testable import DockerEngine

/// The figures of one-shot stats samples as engines send them on cgroup v1 and v2, and what an odd
/// field does (nothing but leave that figure out).
final class StatsSampleTests: XCTestCase {
    func decode(_ json: String) throws -> StatsSample {
        try DockerClient.decode(StatsSample.self, from: Array(json.utf8), what: "stats")
    }

    let cpu = #""cpu_stats":{"cpu_usage":{"total_usage":33579124},"system_cpu_usage":1346880000000,"online_cpus":2}"#
    let memory = #""memory_stats":{"usage":475136,"stats":{"inactive_file":0},"limit":25276502016}"#

    /// Engine 20.10 on cgroup v1 after some I/O: capitalised ops, one entry per op and device, with Sync,
    /// Async and Total beside Read and Write.
    func testCgroupV1Sample() throws {
        let sample = try decode("""
            {"read":"2026-11-29T09:47:12.927142928Z","pids_stats":{"current":3},
             "blkio_stats":{"io_service_bytes_recursive":[
               {"major":8,"minor":0,"op":"Read","value":1048576},{"major":8,"minor":0,"op":"Write","value":8192},
               {"major":8,"minor":0,"op":"Sync","value":1056768},{"major":8,"minor":0,"op":"Async","value":0},
               {"major":8,"minor":0,"op":"Discard","value":0},{"major":8,"minor":0,"op":"Total","value":1056768},
               {"major":8,"minor":16,"op":"Read","value":4096},{"major":8,"minor":16,"op":"Write","value":0}],
               "io_serviced_recursive":[],"io_queue_recursive":[],"sectors_recursive":[]},
             \(cpu),\(memory),
             "networks":{"eth0":{"rx_bytes":1200,"rx_packets":10,"tx_bytes":648,"tx_packets":7},
                         "eth1":{"rx_bytes":100,"rx_packets":1,"tx_bytes":2,"tx_packets":1}}}
            """)
        XCTAssertEqual(sample.pids, 3)
        XCTAssertEqual(sample.blockIOBytes.map { [$0.read, $0.write] }, [1_052_672, 8192], "Read and Write only, Total not counted")
        XCTAssertEqual(sample.networkBytes.map { [$0.rx, $0.tx] }, [1300, 650], "summed over interfaces")
    }

    /// Engine 26.1 on cgroup v2: lower-case ops, the other lists null, a pids limit of 2^64 - 1.
    func testCgroupV2Sample() throws {
        let sample = try decode("""
            {"read":"2026-11-29T09:47:13.473924289Z","pids_stats":{"current":1,"limit":18446744073709551615},
             "blkio_stats":{"io_service_bytes_recursive":[{"major":254,"minor":0,"op":"read","value":1343488},
               {"major":254,"minor":0,"op":"write","value":4096}],"io_serviced_recursive":null,"io_queue_recursive":null,
               "io_service_time_recursive":null,"io_wait_time_recursive":null,"io_merged_recursive":null,
               "io_time_recursive":null,"sectors_recursive":null},
             \(cpu),\(memory),
             "networks":{"eth0":{"rx_bytes":738,"rx_packets":9,"rx_errors":0,"rx_dropped":0,"tx_bytes":0,"tx_packets":0}}}
            """)
        XCTAssertEqual(sample.blockIOBytes.map { [$0.read, $0.write] }, [1_343_488, 4096])
        XCTAssertEqual(sample.pids, 1)
        XCTAssertEqual(sample.networkBytes.map { [$0.rx, $0.tx] }, [738, 0])
    }

    /// cgroup v2 before any I/O sends a null list (`docker stats` shows 0B / 0B); a container without a
    /// network namespace of its own (`--network host` / `none`) has no `networks`.
    func testNullBlockIOAndNoNetworks() throws {
        let sample = try decode("""
            {"pids_stats":{},"blkio_stats":{"io_service_bytes_recursive":null,"io_serviced_recursive":null},\(cpu),\(memory)}
            """)
        XCTAssertEqual(sample.blockIOBytes.map { [$0.read, $0.write] }, [0, 0])
        XCTAssertNil(sample.networkBytes)
        XCTAssertNil(sample.pids)
        let bare = try decode("{\(cpu),\(memory)}")
        XCTAssertNil(bare.blockIOBytes)
        XCTAssertNil(bare.networkBytes)
        XCTAssertNil(bare.pids)
    }

    /// A field of a surprising type loses that figure only: CPU and memory of the same sample stand.
    func testMalformedFiguresAreNilNotAnError() throws {
        let sample = try decode("""
            {"pids_stats":{"current":"many"},
             "blkio_stats":{"io_service_bytes_recursive":[{"op":"Read","value":-5},{"op":7,"value":1},"junk",
                                                          {"op":"Write","value":10}]},
             "networks":{"eth0":{"rx_bytes":"x","tx_bytes":5},"eth1":42},
             \(cpu),\(memory)}
            """)
        XCTAssertNil(sample.pids)
        XCTAssertEqual(sample.blockIOBytes.map { [$0.read, $0.write] }, [0, 10])
        XCTAssertEqual(sample.networkBytes.map { [$0.rx, $0.tx] }, [0, 5])
        XCTAssertEqual(sample.cpu_stats?.cpu_usage?.total_usage, 33_579_124)
        XCTAssertEqual(sample.memory_stats?.usage, 475_136)
        let odd = try decode(#"{"blkio_stats":[],"networks":"none","pids_stats":3,"#
                             + "\(cpu),\(memory)}")
        XCTAssertNil(odd.blockIOBytes)
        XCTAssertNil(odd.networkBytes)
        XCTAssertNil(odd.pids)
        XCTAssertEqual(odd.memory_stats?.usage, 475_136)
    }
}
