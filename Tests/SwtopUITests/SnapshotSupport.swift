import DockerEngine
import Foundation
import SwtopStore
import SwtopUI
import TermCanvas
import TestSupport
import XCTest

/// Screens compared with files under Snapshots/. Set SWTOP_RECORD_SNAPSHOTS=1 to write them; a run
/// that records fails, so a recording can never pass as a test.
enum Snapshots {
    static let folder = Repo.root.appendingPathComponent("Tests/SwtopUITests/Snapshots")

    static func assert(_ buffer: ScreenBuffer, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let url = folder.appendingPathComponent(name + ".txt")
        let actual = buffer.snapshot()
        if ProcessInfo.processInfo.environment["SWTOP_RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            XCTFail("recorded \(name); run again without SWTOP_RECORD_SNAPSHOTS", file: file, line: line)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no snapshot \(url.path); record with SWTOP_RECORD_SNAPSHOTS=1", file: file, line: line)
            return
        }
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }
            let where_ = first.map { "line \($0.offset + 1):\n  expected: \($0.element.0)\n  actual:   \($0.element.1)" } ?? "line count \(e.count) vs \(a.count)"
            XCTFail("\(name) differs at \(where_)\n--- actual ---\n\(actual)", file: file, line: line)
        }
    }
}

/// A store snapshot made of payloads recorded from engine 20.10 (Tests/DockerEngineTests/Fixtures),
/// with fixed stats, so every run draws the same screen.
enum RecordedSnapshot {
    static let fixtures = Repo.root.appendingPathComponent("Tests/DockerEngineTests/Fixtures/engine-20.10")

    static func load<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    static func make() throws -> StoreSnapshot {
        var snapshot = StoreSnapshot()
        snapshot.endpoint = "unix:///var/run/docker.sock"
        snapshot.engineVersion = "20.10.24+dfsg1"
        snapshot.apiVersion = "1.41"
        snapshot.connection = .connected
        snapshot.loaded = true
        snapshot.containers = try load([ContainerSummary].self, "containers.json").map { ContainerItem($0) }.sorted { $0.name < $1.name }
        snapshot.images = try load([ImageSummary].self, "images.json")
        snapshot.volumes = try JSONDecoder().decode([Volume].self, from: Data(#"[{"Name":"swtop-data","Driver":"local"},{"Name":"orphan-volume","Driver":"local"}]"#.utf8))
        snapshot.networks = try JSONDecoder().decode([Network].self, from: Data(#"""
            [{"Id":"n1","Name":"bridge","Driver":"bridge","Scope":"local"},{"Id":"n2","Name":"host","Driver":"host","Scope":"local"},
             {"Id":"n3","Name":"none","Driver":"null","Scope":"local"},{"Id":"n4","Name":"swtop-net","Driver":"bridge","Scope":"local"}]
            """#.utf8))
        let running = try load(ContainerDetails.self, "container-inspect-running.json")
        snapshot.details[running.Id] = running
        // The engine's timestamps as events and inspect give them: started a minute after creation,
        // stopped half a minute after that (exit 3 for swtop-exited); swtop-created has none.
        for item in snapshot.containers where item.state != .created {
            let created = Date(timeIntervalSince1970: Double(item.created))
            let stopped = !item.state.isActive
            snapshot.timing[item.id] = ContainerTiming(startedAt: created.addingTimeInterval(60),
                                                       finishedAt: stopped ? created.addingTimeInterval(90) : nil,
                                                       exitCode: stopped ? (item.name == "swtop-exited" ? 3 : 0) : nil)
        }
        for (index, item) in snapshot.containers.enumerated() where item.state == .running {
            var stats = ContainerStats(cpuPercent: Double(index) * 1.5, memoryUsed: UInt64(index + 1) * 1_048_576,
                                       memoryLimit: 2 * 1_073_741_824)
            stats.source = .cgroupV1
            stats.cpuHistory = (0..<60).map { Double(($0 * 7 + index) % 40) }
            stats.memoryHistory = (0..<60).map { Double(1_000_000 + ($0 % 10) * 50_000) }
            stats.pids = UInt64(index % 4 + 1)
            // swtop-tty has no network figure (as a container on the host's network).
            if item.name != "swtop-tty" {
                stats.network = .init(UInt64(index) * 123_456 + 648, UInt64(index) * 45_678)
                stats.networkRate = .init(Double(index) * 1024, Double(index) * 100)
                stats.networkHistory = (0..<60).map { Double(($0 * 5 + index) % 30) * 1000 }
            }
            stats.blockIO = .init(UInt64(index) * 1_500_000, UInt64(index % 3) * 20_480)
            stats.blockIORate = .init(0, Double(index % 3) * 4096)
            stats.blockIOHistory = (0..<60).map { $0 % 15 == 0 ? 40_960 : 0 }
            snapshot.stats[item.id] = stats
        }
        return snapshot
    }

    /// An hour after the newest recorded object, so "ago" texts are fixed.
    static var now: Date {
        let newest: Int64 = (try? make().containers.map(\.created).max() ?? 0) ?? 0
        return Date(timeIntervalSince1970: Double(newest + 3600))
    }
}
