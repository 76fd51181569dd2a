import XCTest
@testable import SwtopStore

/// cgroup trees laid out as the kernel and Docker lay them out, built in a temporary folder: v2 (the
/// unified hierarchy, with `cgroup.controllers` at its root) with the systemd driver's
/// `system.slice/docker-<id>.scope` and the cgroupfs driver's `docker/<id>`, and v1 (one hierarchy per
/// controller). This machine runs v1, so without these tests the v2 reader would never run.
final class CgroupStatsTests: FileTreeTestCase {
    let idA = String(repeating: "a", count: 64)
    let idB = String(repeating: "b", count: 64)
    // MARK: - v2

    func makeV2() throws {
        try write("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n")
        // systemd driver: a limited container.
        let a = "system.slice/docker-\(idA).scope/"
        try write(a + "cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 0\n")
        try write(a + "memory.current", "104857600\n")
        try write(a + "memory.max", "536870912\n")
        try write(a + "memory.stat", "anon 52428800\nfile 52428800\nactive_file 10485760\ninactive_file 41943040\n")
        // cgroupfs driver: an unlimited one.
        let b = "docker/\(idB)/"
        try write(b + "cpu.stat", "usage_usec 7\nuser_usec 7\nsystem_usec 0\n")
        try write(b + "memory.current", "4096\n")
        try write(b + "memory.max", "max\n")
        try write(b + "memory.stat", "anon 4096\nfile 0\ninactive_file 0\n")
    }

    func testV2Readings() throws {
        try makeV2()
        let reader = try XCTUnwrap(CgroupStatsReader(root: root))
        XCTAssertEqual(reader.version, .v2)

        let a = try XCTUnwrap(reader.locate(containerID: idA))
        XCTAssertEqual(a.cpuDir, "\(root)/system.slice/docker-\(idA).scope")
        XCTAssertEqual(reader.read(a), .init(cpuNanoseconds: 2_500_000_000, memoryUsed: 104_857_600 - 41_943_040,
                                             memoryLimit: 536_870_912))

        let b = try XCTUnwrap(reader.locate(containerID: idB))
        XCTAssertEqual(b.memoryDir, "\(root)/docker/\(idB)")
        XCTAssertEqual(reader.read(b), .init(cpuNanoseconds: 7000, memoryUsed: 4096, memoryLimit: nil), "\"max\" is unlimited")

        XCTAssertNil(reader.locate(containerID: String(repeating: "c", count: 64)))
    }

    func testV2CPUPercentOverTwoReadings() throws {
        try makeV2()
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: root))
        let t0: UInt64 = 1_000_000_000_000
        XCTAssertEqual(sampler.sampleCgroups([idA, idB], visible: [idA, idB], hostMemory: 8 << 30, now: t0), [])
        XCTAssertNil(sampler.current[idA]?.cpuPercent, "one reading gives no rate")
        XCTAssertEqual(sampler.current[idA]?.memoryUsed, 62_914_560)
        XCTAssertEqual(sampler.current[idA]?.memoryLimit, 536_870_912)
        XCTAssertEqual(sampler.current[idB]?.memoryLimit, 8 << 30, "unlimited shows the host's memory")
        XCTAssertEqual(sampler.current[idA]?.source, .cgroupV2)

        // 0.75 s of CPU over 0.5 s of wall time: 150 % of one core.
        try write("system.slice/docker-\(idA).scope/cpu.stat", "usage_usec 3250000\nuser_usec 2500000\n")
        _ = sampler.sampleCgroups([idA, idB], visible: [idA, idB], hostMemory: 8 << 30, now: t0 + 500_000_000)
        XCTAssertEqual(sampler.current[idA]?.cpuPercent, 150)
        XCTAssertEqual(sampler.current[idB]?.cpuPercent, 0)
        XCTAssertEqual(sampler.current[idA]?.cpuHistory, [150])
        XCTAssertEqual(sampler.current[idA]?.memoryHistory, [62_914_560, 62_914_560])
    }

    /// podman's layouts: `machine.slice/libpod-<id>.scope` (systemd, v2) and `libpod_parent/libpod-<id>`
    /// (cgroupfs, v1): read from the files, not left to the API.
    func testPodmanLayouts() throws {
        try write("cgroup.controllers", "cpu io memory pids\n")
        let a = "machine.slice/libpod-\(idA).scope/"
        try write(a + "cpu.stat", "usage_usec 1500000\n")
        try write(a + "memory.current", "10485760\n")
        try write(a + "memory.stat", "anon 8388608\ninactive_file 2097152\n")
        try write(a + "memory.max", "max\n")
        let v2 = try XCTUnwrap(CgroupStatsReader(root: root))
        let location = try XCTUnwrap(v2.locate(containerID: idA))
        XCTAssertEqual(location.cpuDir, "\(root)/machine.slice/libpod-\(idA).scope")
        XCTAssertEqual(v2.read(location), .init(cpuNanoseconds: 1_500_000_000, memoryUsed: 8_388_608, memoryLimit: nil))

        try remove("cgroup.controllers")
        try write("memory/memory.usage_in_bytes", "1\n")
        try write("cpuacct/cpuacct.usage", "1\n")
        try write("cpuacct/libpod_parent/libpod-\(idB)/cpuacct.usage", "42000\n")
        try write("memory/libpod_parent/libpod-\(idB)/memory.usage_in_bytes", "4096\n")
        try write("memory/libpod_parent/libpod-\(idB)/memory.stat", "total_inactive_file 0\n")
        try write("memory/libpod_parent/libpod-\(idB)/memory.limit_in_bytes", "1073741824\n")
        let v1 = try XCTUnwrap(CgroupStatsReader(root: root))
        let b = try XCTUnwrap(v1.locate(containerID: idB))
        XCTAssertEqual(b.memoryDir, "\(root)/memory/libpod_parent/libpod-\(idB)")
        XCTAssertEqual(v1.read(b), .init(cpuNanoseconds: 42000, memoryUsed: 4096, memoryLimit: 1_073_741_824))
    }

    // MARK: - v1

    func makeV1() throws {
        try write("memory/memory.usage_in_bytes", "999999999\n")
        try write("cpuacct/cpuacct.usage", "1\n")
        let a = "docker/\(idA)/"
        try write("cpuacct/" + a + "cpuacct.usage", "123456789012\n")
        try write("memory/" + a + "memory.usage_in_bytes", "20971520\n")
        // total_inactive_file is the hierarchy's figure docker stats uses on v1, not inactive_file.
        try write("memory/" + a + "memory.stat",
                  "cache 8388608\nrss 12582912\ninactive_file 1048576\nactive_file 0\ntotal_cache 8388608\ntotal_rss 12582912\ntotal_inactive_file 4194304\ntotal_active_file 4194304\n")
        try write("memory/" + a + "memory.limit_in_bytes", "9223372036854771712\n")
        let b = "system.slice/docker-\(idB).scope/"
        try write("cpuacct/" + b + "cpuacct.usage", "5\n")
        try write("memory/" + b + "memory.usage_in_bytes", "1048576\n")
        try write("memory/" + b + "memory.stat", "total_inactive_file 2097152\n")
        try write("memory/" + b + "memory.limit_in_bytes", "268435456\n")
    }

    func testV1Readings() throws {
        try makeV1()
        let reader = try XCTUnwrap(CgroupStatsReader(root: root))
        XCTAssertEqual(reader.version, .v1)
        let a = try XCTUnwrap(reader.locate(containerID: idA))
        XCTAssertEqual(a.cpuDir, "\(root)/cpuacct/docker/\(idA)")
        XCTAssertEqual(a.memoryDir, "\(root)/memory/docker/\(idA)")
        XCTAssertEqual(reader.read(a), .init(cpuNanoseconds: 123_456_789_012, memoryUsed: 20_971_520 - 4_194_304, memoryLimit: nil),
                       "the page-rounded maximum means no limit")
        let b = try XCTUnwrap(reader.locate(containerID: idB))
        XCTAssertEqual(reader.read(b), .init(cpuNanoseconds: 5, memoryUsed: 1_048_576, memoryLimit: 268_435_456),
                       "inactive larger than usage leaves usage as it is")
    }

    func testV1CPUPercentAndSource() throws {
        try makeV1()
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: root))
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 10_000_000_000)
        try write("cpuacct/docker/\(idA)/cpuacct.usage", "123706789012\n")  // +0.25 s
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 11_000_000_000)
        XCTAssertEqual(sampler.current[idA]?.cpuPercent, 25)
        XCTAssertEqual(sampler.current[idA]?.memoryUsed, 16_777_216)
        XCTAssertNil(sampler.current[idA]?.memoryLimit)
        XCTAssertEqual(sampler.current[idA]?.source, .cgroupV1)
    }

    // MARK: - What a tick reads

    func testRowsOffScreenAreReadLessOften() throws {
        try makeV2()
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: root))
        sampler.othersInterval = 5
        let second: UInt64 = 1_000_000_000
        for tick in 0..<11 {
            try write("docker/\(idB)/cpu.stat", "usage_usec \(7 + tick * 100_000)\n")
            _ = sampler.sampleCgroups([idA, idB], visible: [idA], hostMemory: nil, now: UInt64(tick + 1) * second)
        }
        // Every reading adds one memory figure. A (on screen) is read every tick; B (off screen) on its
        // first tick, then at tick 3 (first readings are spread over the interval), then every 5 ticks.
        XCTAssertEqual(sampler.current[idA]?.memoryHistory.count, 11)
        XCTAssertEqual(sampler.current[idB]?.memoryHistory.count, 3)
        XCTAssertEqual(sampler.current[idB]?.cpuPercent, 10, "0.5 s of CPU over the 5 s since its last reading")
    }

    func testMemoryStatIsReadOnlyWhenUsageMoves() throws {
        try makeV2()
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: root))
        let a = "system.slice/docker-\(idA).scope/"
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 1)
        try remove(a + "memory.stat")
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 2)
        XCTAssertEqual(sampler.current[idA]?.memoryUsed, 62_914_560, "usage unchanged: the last inactive figure stands (memory.stat is gone)")
        try write(a + "memory.current", "105000000\n")  // moved by 142 kB: not enough to read memory.stat again
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 3)
        XCTAssertEqual(sampler.current[idA]?.memoryUsed, 105_000_000 - 41_943_040)
        try write(a + "memory.current", "209715200\n")
        try write(a + "memory.stat", "inactive_file 9715200\n")
        _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 4)
        XCTAssertEqual(sampler.current[idA]?.memoryUsed, 200_000_000)
    }

    func testMissingFolderIsLeftToTheAPI() throws {
        try makeV2()
        var sampler = StatsSampler()
        sampler.cgroups = try XCTUnwrap(CgroupStatsReader(root: root))
        let gone = String(repeating: "d", count: 64)
        XCTAssertEqual(sampler.sampleCgroups([idA, gone], visible: [], hostMemory: nil, now: 1), [gone])
        try remove("system.slice/docker-\(idA).scope/cpu.stat")
        try remove("system.slice/docker-\(idA).scope/memory.current")
        for now in 2...7 { _ = sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: UInt64(now)) }
        XCTAssertEqual(sampler.sampleCgroups([idA], visible: [idA], hostMemory: nil, now: 8), [idA], "files gone: the API takes over")
    }

    func testNoCgroupTree() throws {
        XCTAssertNil(CgroupStatsReader(root: root), "an empty folder is no cgroup tree")
    }

    func testParsers() {
        let data = Array("usage_usec_x 5\nusage_usec 42\n".utf8)
        XCTAssertEqual(CgroupStatsReader.keyedValue(data, data.count, CgroupStatsReader.usageUsecKey), 42)
        XCTAssertNil(CgroupStatsReader.keyedValue(data, data.count, CgroupStatsReader.inactiveKey))
        let max = Array("max\n".utf8)
        XCTAssertNil(CgroupStatsReader.parseNumber(max, 0, max.count))
        let big = Array("18446744073709551616\n".utf8)
        XCTAssertNil(CgroupStatsReader.parseNumber(big, 0, big.count), "overflow is no number")
    }
}
