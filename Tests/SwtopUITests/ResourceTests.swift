import DockerEngine
import Foundation
import SwtopStore
@testable import SwtopUI
import TermCanvas
import XCTest

/// `d`, `t` and `n` on the images, volumes and networks lists.
final class ResourceTests: XCTestCase {
    func list(_ view: ViewKind, _ key: RowKey) -> UIState {
        var state = UIState(width: 120, height: 30)
        state.view = view
        state.selection[view] = key
        return state
    }

    func testAnImageARunningContainerUsesIsRefusedWithItsNameAStoppedOneAsksToForce() throws {
        var snapshot = try RecordedSnapshot.make()
        let running = try XCTUnwrap(snapshot.containers.first { $0.state == .running })
        let image = try XCTUnwrap(snapshot.images.first { $0.Id == running.imageID })
        let (refused, none) = press([.char("d")], list(.images, .image(image.Id)), snapshot)
        XCTAssertEqual(none, [])
        XCTAssertNil(refused.confirm)
        let text = try XCTUnwrap(refused.notice?.text)
        XCTAssertTrue(text.contains(running.name) && text.contains("stop and remove"), text)
        // Only stopped containers use it: the question says so and the yes forces.
        snapshot.containers = snapshot.containers.filter { $0.imageID != image.Id } + [stopped(running)]
        let (asking, _) = press([.char("d")], list(.images, .image(image.Id)), snapshot)
        let question = try XCTUnwrap(asking.confirm?.question)
        XCTAssertTrue(question.contains("used by stopped container \(running.name)") && question.contains("force"), question)
        let (_, yes) = press([.char("y")], asking, snapshot)
        guard case let .resource(.removeImage(id, _, force), engine)? = yes.first else { return XCTFail("\(yes)") }
        XCTAssertEqual(id, image.Id)
        XCTAssertTrue(force)
        XCTAssertEqual(engine, "")
        // Nothing uses it: a plain question, no force.
        snapshot.containers = snapshot.containers.filter { $0.imageID != image.Id }
        let (plain, _) = press([.char("d")], list(.images, .image(image.Id)), snapshot)
        XCTAssertEqual(press([.char("y")], plain, snapshot).1.first,
                       .resource(.removeImage(id: image.Id, name: image.tags.first ?? ShortID.image(image.Id), force: false), engine: ""))
    }

    func testAnImageWithSeveralTagsLosesTheOneTheFilterNamesEvenInUse() throws {
        var snapshot = try RecordedSnapshot.make()
        let running = try XCTUnwrap(snapshot.containers.first { $0.state == .running })
        let index = try XCTUnwrap(snapshot.images.firstIndex { $0.Id == running.imageID })
        snapshot.images[index].RepoTags = ["app:1", "registry.local/app:1"]
        var state = list(.images, .image(snapshot.images[index].Id))
        state.filter[.images] = "registry"
        let (asking, _) = press([.char("d")], state, snapshot)
        XCTAssertEqual(asking.confirm?.question, "Untag registry.local/app:1? The image stays as app:1.")
        XCTAssertEqual(press([.char("y")], asking, snapshot).1,
                       [.resource(.removeImage(id: "registry.local/app:1", name: "registry.local/app:1", force: false), engine: "")])
    }

    func stopped(_ item: ContainerItem) -> ContainerItem {
        var item = item
        item.state = .exited
        return item
    }

    func testAVolumeInUseAndANetworkWithContainersSayWhoAndSendNothing() throws {
        let snapshot = try RecordedSnapshot.make()
        let user = try XCTUnwrap(snapshot.containers.first { $0.mounts.contains { $0.Type == "volume" } })
        let volume = try XCTUnwrap(user.mounts.first { $0.Type == "volume" }?.Name)
        let (refused, none) = press([.char("d")], list(.volumes, .volume(volume)), snapshot)
        XCTAssertEqual(none, [])
        XCTAssertTrue(refused.notice?.text.contains(user.name) == true, refused.notice?.text ?? "")
        if let orphan = snapshot.volumes.first(where: { volume in !snapshot.containers.contains { $0.mounts.contains { $0.Name == volume.Name } } }) {
            let (asking, _) = press([.char("d")], list(.volumes, .volume(orphan.Name)), snapshot)
            XCTAssertEqual(press([.char("y")], asking, snapshot).1, [.resource(.removeVolume(name: orphan.Name), engine: "")])
        }
        let bridge = try XCTUnwrap(snapshot.networks.first { $0.Name == "bridge" })
        XCTAssertEqual(press([.char("d")], list(.networks, .network(bridge.Id)), snapshot).0.notice?.text,
                       "bridge is a predefined network: the engine keeps it")
        let member = try XCTUnwrap(snapshot.containers.first { $0.networks.contains { !ResourceReducer.predefinedNetworks.contains($0) } })
        let name = try XCTUnwrap(member.networks.first { !ResourceReducer.predefinedNetworks.contains($0) })
        let network = try XCTUnwrap(snapshot.networks.first { $0.Name == name })
        let connected = press([.char("d")], list(.networks, .network(network.Id)), snapshot)
        XCTAssertEqual(connected.1, [])
        XCTAssertTrue(connected.0.notice?.text.contains(member.name) == true, connected.0.notice?.text ?? "")
    }

    func testTagAndCreateAskWithTheLineEditorAndReadOnlyRefusesThem() throws {
        let snapshot = try RecordedSnapshot.make()
        let image = try XCTUnwrap(snapshot.images.first)
        let name = image.tags.first ?? ShortID.image(image.Id)
        var (state, _) = press([.char("t")], list(.images, .image(image.Id)), snapshot)
        XCTAssertEqual(state.prompt?.purpose, .tag)
        let typed = "localhost:5000/team/app:1.2".map { Key.char($0) }
        var effects: [Effect]
        (state, effects) = press(typed + [.enter], state, snapshot)
        XCTAssertEqual(effects, [.resource(.tagImage(id: image.Id, name: name, repository: "localhost:5000/team/app", tag: "1.2"), engine: "")])
        (state, effects) = press([.char("t")] + "Bad Name".map { Key.char($0) } + [.enter], list(.images, .image(image.Id)), snapshot)
        XCTAssertEqual(effects, [])
        XCTAssertEqual(state.notice?.text, "t: “Bad Name” is not a REPOSITORY[:TAG]")
        // n on networks: name, Tab, driver.
        var networks = UIState(width: 120, height: 30)
        networks.view = .networks
        (state, effects) = press([.char("n")] + "backend".map { Key.char($0) } + [.tab] + "macvlan".map { Key.char($0) } + [.enter],
                                 networks, snapshot)
        XCTAssertEqual(effects, [.resource(.createNetwork(name: "backend", driver: "macvlan"), engine: snapshot.engine)])
        var volumes = UIState(width: 120, height: 30)
        volumes.view = .volumes
        (state, effects) = press([.char("n")] + "cache".map { Key.char($0) } + [.enter], volumes, snapshot)
        XCTAssertEqual(effects, [.resource(.createVolume(name: "cache"), engine: snapshot.engine)])
        // --read-only: each refused by its binding, nothing sent.
        for (view, key) in [(ViewKind.images, "t"), (.images, "d"), (.volumes, "n"), (.networks, "d")] {
            var readOnly = UIState(width: 120, height: 30, readOnly: true)
            readOnly.view = view
            let (refused, sent) = press([.char(Character(key))], readOnly, snapshot)
            XCTAssertEqual(sent, [])
            XCTAssertNil(refused.prompt)
            XCTAssertNil(refused.confirm)
            XCTAssertTrue(refused.notice?.text.hasPrefix("read-only: \(key) ") == true, refused.notice?.text ?? "")
        }
    }

    func testReferencesSplitAtTheTagNotAtARegistryPort() {
        XCTAssertEqual(ResourceReducer.reference("app")?.0, "app")
        XCTAssertNil(ResourceReducer.reference("app")?.1 ?? nil)
        XCTAssertEqual(ResourceReducer.reference("localhost:5000/app")?.0, "localhost:5000/app")
        XCTAssertNil(ResourceReducer.reference("localhost:5000/app")?.1 ?? nil)
        XCTAssertEqual(ResourceReducer.reference("localhost:5000/app:v2")?.1, "v2")
        XCTAssertNil(ResourceReducer.reference("App:1"))
        XCTAssertNil(ResourceReducer.reference("app:"))
        XCTAssertNil(ResourceReducer.reference("app@sha256:ab"))
    }
}
