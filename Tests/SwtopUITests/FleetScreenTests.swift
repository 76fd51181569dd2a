import DockerEngine
import Foundation
import SwtopStore
@testable import SwtopUI
import TermCanvas
import XCTest

/// Two engines in one dashboard, drawn from recorded payloads: the same objects on engine "alpha" and
/// (with fresh container ids, the same image ids, volume and network names) on engine "beta".
final class FleetScreenTests: XCTestCase {
    /// One engine's snapshot as its store publishes it: every row stamped with the engine.
    func part(_ engine: String, idSuffix: String, connection: ConnectionState = .connected) throws -> StoreSnapshot {
        var snapshot = try RecordedSnapshot.make()
        snapshot.engine = engine
        snapshot.endpoint = "unix:///srv/\(engine)/docker.sock"
        snapshot.connection = connection
        var renamed: [String: String] = [:]
        snapshot.containers = snapshot.containers.map { item in
            var item = item
            let fresh = String(item.id.dropLast(idSuffix.count)) + idSuffix
            renamed[item.id] = fresh
            item.id = fresh
            item.engine = engine
            return item
        }
        snapshot.stats = Dictionary(uniqueKeysWithValues: snapshot.stats.map { (renamed[$0.key] ?? $0.key, $0.value) })
        snapshot.timing = Dictionary(uniqueKeysWithValues: snapshot.timing.map { (renamed[$0.key] ?? $0.key, $0.value) })
        snapshot.details = [:]
        snapshot.images = snapshot.images.map { var image = $0; image.engine = engine; return image }
        snapshot.volumes = snapshot.volumes.map { var volume = $0; volume.engine = engine; return volume }
        snapshot.networks = snapshot.networks.map { var network = $0; network.engine = engine; return network }
        return snapshot
    }

    func fleet(betaConnection: ConnectionState = .connected) throws -> StoreSnapshot {
        Fleet.merge([try part("alpha", idSuffix: "aa"), try part("beta", idSuffix: "bb", connection: betaConnection)])
    }

    func testMergeKeepsEveryEnginesRowsAndState() throws {
        let alpha = try part("alpha", idSuffix: "aa")
        let merged = try fleet()
        XCTAssertEqual(merged.containers.count, 2 * alpha.containers.count)
        XCTAssertEqual(merged.images.count, 2 * alpha.images.count)
        XCTAssertEqual(merged.members.map(\.name), ["alpha", "beta"])
        XCTAssertEqual(merged.members[0].running, alpha.runningCount)
        XCTAssertEqual(Set(merged.containers.map(\.engine)), ["alpha", "beta"])
        XCTAssertEqual(merged.stats.count, 2 * alpha.stats.count, "stats of both engines, by container id")
        let single = Fleet.merge([alpha])
        XCTAssertTrue(single.members.isEmpty, "one engine: its snapshot as it is (the dashboard looks as before)")
    }

    func testMergedConnectionIsUnreachableOnlyWhenEveryEngineIs() throws {
        let away = ConnectionState.unreachable(reason: "connection refused", retryingAt: RecordedSnapshot.now)
        XCTAssertEqual(try fleet(betaConnection: away).connection, .connected)
        let both = Fleet.merge([try part("alpha", idSuffix: "aa", connection: away), try part("beta", idSuffix: "bb", connection: away)])
        XCTAssertEqual(both.connection, away)
    }

    func testRowsCarryTheirEngineAndScreensShowIt() throws {
        let merged = try fleet(betaConnection: .unreachable(reason: "connection refused", retryingAt: RecordedSnapshot.now.addingTimeInterval(3)))
        var state = UIState(width: 160, height: 40)
        Snapshots.assert(Renderer.render(merged, state, now: RecordedSnapshot.now).buffer, "fleet-containers-160x40")
        state.groupByEngine = true
        Snapshots.assert(Renderer.render(merged, state, now: RecordedSnapshot.now).buffer, "fleet-grouped-160x40")
        state.groupByEngine = false
        state.view = .images
        Snapshots.assert(Renderer.render(merged, state, now: RecordedSnapshot.now).buffer, "fleet-images-160x40")
    }

    func testTheSameImageOnTwoEnginesIsTwoRowsEachInspectedOnItsEngine() throws {
        let merged = try fleet()
        var state = UIState(width: 160, height: 40)
        state.view = .images
        let keys = RowKeys.of(merged, state)
        XCTAssertEqual(keys.count, Set(keys).count, "no two rows share a key")
        let image = try XCTUnwrap(merged.images.first)
        XCTAssertTrue(keys.contains(.image(image.Id, engine: "alpha")) && keys.contains(.image(image.Id, engine: "beta")))
        state.selection[.images] = .image(image.Id, engine: "beta")
        let (_, effects) = Reducer.reduce(state, .char("i"), merged)
        guard case let .openSession(_, .inspect(request))? = effects.first else { return XCTFail("i opened no inspect: \(effects)") }
        XCTAssertEqual(request.engine, "beta")
        XCTAssertEqual(request.id, image.Id)
    }

    func testActionsLogsAndExecGoToTheRowsEngine() throws {
        let merged = try fleet()
        var state = UIState(width: 160, height: 40)
        let beta = try XCTUnwrap(merged.containers.first { $0.engine == "beta" && $0.name == "swtop-running" })
        let alpha = try XCTUnwrap(merged.containers.first { $0.engine == "alpha" && $0.name == "swtop-running" })
        state.selection[.containers] = .container(beta.id)
        var (_, effects) = Reducer.reduce(state, .char("s"), merged)
        XCTAssertEqual(effects, [.perform(.stop(timeoutSeconds: nil), [Target(id: beta.id, name: "swtop-running", engine: "beta")])])
        (_, effects) = Reducer.reduce(state, .char("e"), merged)
        guard case let .handOver(request)? = effects.first else { return XCTFail("e: \(effects)") }
        XCTAssertEqual(request.target.engine, "beta")
        // Marked rows on both engines: one log view, each source read from its own engine.
        state.marked = [alpha.id, beta.id]
        (_, effects) = Reducer.reduce(state, .char("l"), merged)
        guard case let .openSession(_, .logs(sources, _))? = effects.first else { return XCTFail("l: \(effects)") }
        XCTAssertEqual(Set(sources.map(\.engine)), ["alpha", "beta"])
    }

    func testTheFilterMatchesTheEngineName() throws {
        let merged = try fleet()
        var state = UIState(width: 160, height: 40)
        state.filter[.containers] = "beta"
        let items = ContainerRows.build(merged, state).compactMap(\.container)
        XCTAssertFalse(items.isEmpty)
        XCTAssertTrue(items.allSatisfy { $0.engine == "beta" })
    }

    func testGroupingNeedsSeveralEngines() throws {
        let single = try RecordedSnapshot.make()
        let (state, _) = Reducer.reduce(UIState(width: 80, height: 24), .char("@"), single)
        XCTAssertFalse(state.groupByEngine)
        XCTAssertTrue(state.notice?.text.contains("one engine") == true)
    }
}
