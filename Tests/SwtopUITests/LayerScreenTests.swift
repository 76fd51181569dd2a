import DockerEngine
import Foundation
import LayerKit
import SwtopStore
import SwtopUI
import TermCanvas
import XCTest

/// The layer view: opening and leaving it, walking the stack, the two trees and their marks, folding,
/// filtering, sorting, and what it draws while the files are still being read.
final class LayerScreenTests: XCTestCase {
    static let created: Int64 = 1_700_000_000
    let now = Date(timeIntervalSince1970: 1_700_000_000 + 3600)

    func file(_ path: String, _ size: Int64, mode: UInt32 = 0o644, hash: UInt64 = 1) -> FileRecord {
        FileRecord(path: path, kind: .file, mode: mode, size: size, hash: ContentHash(high: hash, low: 0))
    }

    func dir(_ path: String, opaque: Bool = false) -> FileRecord {
        FileRecord(path: path, kind: .directory, mode: 0o755, opaque: opaque)
    }

    /// base: /etc/os-release, /app/old.txt, /app/conf/a.conf; 1: overwrite + add; 2: delete + chmod.
    func image() -> ImageAnalysis {
        let layers = [
            LayerFiles(diffID: "sha256:" + String(repeating: "1", count: 64), records: [
                dir("/app"), dir("/app/conf"), file("/app/conf/a.conf", 300), file("/app/old.txt", 2_000),
                dir("/etc"), file("/etc/os-release", 120),
            ], fullyHashed: true),
            LayerFiles(diffID: "sha256:" + String(repeating: "2", count: 64), records: [
                dir("/app"), dir("/app/conf"), file("/app/conf/a.conf", 310, hash: 2), file("/app/new.bin", 50_000),
            ], fullyHashed: true),
            LayerFiles(diffID: "sha256:" + String(repeating: "3", count: 64), records: [
                dir("/app"), FileRecord(path: "/app/old.txt", kind: .whiteout), file("/app/new.bin", 50_000, mode: 0o755),
            ], fullyHashed: true),
        ]
        let steps = [
            HistoryStep(command: "ADD rootfs.tar /", created: Self.created, layer: 0, size: 2_420),
            HistoryStep(command: "ENV MODE=prod", created: Self.created, layer: nil, size: 0),
            HistoryStep(command: "RUN make install", created: Self.created, layer: 1, size: 50_310),
            HistoryStep(command: "RUN rm /app/old.txt && chmod +x /app/new.bin", created: Self.created, layer: 2, size: 50_000),
        ]
        let metadata = ImageMetadata(id: "sha256:" + String(repeating: "ab", count: 32), tags: ["demo/app:1"], size: 102_730,
                                     layers: layers.map(\.diffID), steps: steps, graphDriver: "overlay2", graphData: [:])
        return ImageAnalysis(LoadedImage(metadata: metadata, layers: layers, origins: [.export, .export, .export],
                                         directories: [nil, nil, nil]))
    }

    func opened(width: Int = 120, height: Int = 30) -> (UIState, LayerModel) {
        let model = LayerModel()
        let analysis = image()
        model.ingest(metadata: analysis.image.metadata)
        model.ingest(sharing: [2, 0, 0])
        model.ingest(analysis: analysis)
        var state = UIState(width: width, height: height)
        state.screens = [.layers(LayerScreen(request: LayerRequest(target: .image(id: analysis.image.metadata.id, name: "demo/app:1")), session: .test))]
        return (state, model)
    }

    func press(_ keys: [Key], _ state: UIState, _ model: LayerModel?, effects: inout [Effect]) -> UIState {
        var state = state
        for key in keys {
            let (next, more) = Reducer.reduce(state, key, StoreSnapshot(), models: .holding(layer: model))
            state = next
            effects += more
        }
        return state
    }

    func draw(_ state: UIState, _ model: LayerModel?) -> [String] {
        Renderer.render(StoreSnapshot(), state, now: now, models: .holding(layer: model)).buffer.plainLines()
    }

    func screen(_ state: UIState) -> LayerScreen {
        guard let screen = state.top(LayerScreen.self) else { XCTFail("no layer screen"); fatalError() }
        return screen
    }

    /// Tree rows as drawn: the letter column and the name, e.g. "M a.conf".
    func treeRows(_ lines: [String]) -> [String] {
        lines.compactMap { line -> String? in
            guard let range = line.range(of: #"[ AMD] [-dlhcw][-r][-w][-x][-r][-w][-x][-r][-w][-x]"#, options: .regularExpression) else { return nil }
            let letter = line[range].first!
            let name = line[range.upperBound...].split(separator: " ").last { !$0.hasPrefix("─") && !"│├└▾▸".contains($0.first!) } ?? ""
            return "\(letter) \(name)"
        }
    }

    func testLOnAContainerOpensItsImageWithTheReadWriteLayerAndEscGivesTheDashboardBack() throws {
        let snapshot = try RecordedSnapshot.make()
        var state = UIState(width: 120, height: 30)
        let running = try XCTUnwrap(snapshot.containers.first { $0.name == "swtop-running" })
        state.selection[.containers] = .container(running.id)
        state.filter[.containers] = "swtop"
        let before = state
        var effects: [Effect] = []
        var (next, more) = Reducer.reduce(state, .char("L"), snapshot)
        effects += more
        XCTAssertEqual(effects, [.openSession(SessionID(1), .layers(LayerRequest(target: .container(id: running.id, name: "swtop-running"))))])
        XCTAssertEqual(next.screens.count, 1)
        effects = []
        (next, more) = Reducer.reduce(next, .escape, snapshot, models: .holding(layer: LayerModel()))
        XCTAssertEqual(more, [])
        XCTAssertTrue(next.screens.isEmpty)
        XCTAssertEqual(next.heldSessions, [], "the loading is let go: the registry closes it")
        XCTAssertEqual(next.selection, before.selection)
        XCTAssertEqual(next.filter, before.filter)
        XCTAssertEqual(next.view, before.view)
    }

    func testOpenedFromTheCommandLineClosingQuits() {
        var state = UIState(width: 100, height: 30)
        state.screens = [.layers(LayerScreen(request: LayerRequest(target: .image(id: "x", name: "x")), quitOnClose: true))]
        let (_, effects) = Reducer.reduce(state, .char("q"), StoreSnapshot(), models: .holding(layer: LayerModel()))
        XCTAssertEqual(effects, [.quit])
    }

    func testTheStackListsLayersAndMetadataStepsWithSizesSharingAndAge() {
        let (state, model) = opened()
        let lines = draw(state, model)
        XCTAssertTrue(lines[0].contains("layers of demo/app:1 (abababababab) · 3 layers"), lines[0])
        XCTAssertTrue(lines[0].contains("efficiency 49.0801 % · wasted 103 kB"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("  0 "), lines[1])
        XCTAssertTrue(lines[1].contains("2.4 kB ⇄2  ADD rootfs.tar /"), lines[1])
        XCTAssertTrue(draw(opened(width: 180).0, model)[1].contains("About an hour ago"), "the age shows when the pane has room")
        XCTAssertTrue(lines[2].contains("·") && lines[2].contains("ENV MODE=prod"), lines[2])
        XCTAssertTrue(lines[3].contains("50 kB") && lines[3].contains("RUN make install"), lines[3])
        XCTAssertTrue(lines[3].contains("██████"), "the largest layer's bar is full: \(lines[3])")
        // Layer 0 is shared with two other images: deleting this one frees the other two layers only.
        XCTAssertTrue(lines.contains { $0.contains("Size 103 kB · deleting it frees 100 kB") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.contains("User wasted 102.2929 % · reclaimable 52 kB") }, lines.joined(separator: "\n"))
    }

    func testWalkingLayersShowsEachOnesChangesMarkedByLetter() {
        var (state, model) = opened()
        var effects: [Effect] = []
        XCTAssertEqual(treeRows(draw(state, model)), ["A app/", "A conf/", "A a.conf", "A old.txt", "A etc/", "A os-release"])
        state = press([.char("j")], state, model, effects: &effects)
        XCTAssertEqual(screen(state).layer, 1)
        let layer1 = draw(state, model)
        XCTAssertTrue(layer1.contains { $0.contains("Layer 1: its changes · 1 added, 1 modified, 0 removed") }, layer1.joined(separator: "\n"))
        XCTAssertEqual(treeRows(layer1), ["  app/", "  conf/", "M a.conf", "A new.bin"])
        state = press([.char("]")], state, model, effects: &effects)
        let layer2 = draw(state, model)
        XCTAssertEqual(treeRows(layer2), ["  app/", "M new.bin", "D old.txt"])
        XCTAssertTrue(layer2.contains { $0.contains("M -rwxr-xr-x") && $0.contains("new.bin") }, "chmod shows the new mode")
        XCTAssertTrue(layer2.contains { $0.contains("D -rw-r--r--") && $0.contains("2.0 kB") && $0.contains("old.txt") },
                      "a removed file shows what it took")
        XCTAssertEqual(effects, [])
    }

    func testWholeImageTreeOnlyChangesFoldFilterAndSort() {
        var (state, model) = opened()
        var effects: [Effect] = []
        state = press([.char("G"), .char("a")], state, model, effects: &effects)
        XCTAssertEqual(screen(state).mode, .image)
        // Whole image at layer 2: closed directories, sizes summed (removed bytes not counted).
        XCTAssertEqual(treeRows(draw(state, model)), ["  app/", "  etc/"])
        XCTAssertTrue(draw(state, model).contains { $0.contains("50 kB") && $0.contains("app/") })
        state = press([.tab, .enter], state, model, effects: &effects)
        XCTAssertEqual(treeRows(draw(state, model)), ["  app/", "  conf/", "M new.bin", "D old.txt", "  etc/"])
        state = press([.char("c")], state, model, effects: &effects)
        XCTAssertEqual(treeRows(draw(state, model)), ["  app/", "M new.bin", "D old.txt"], "only what layer 2 changed")
        state = press([.char("c"), .char("z")], state, model, effects: &effects)
        XCTAssertEqual(treeRows(draw(state, model)), ["  app/", "  conf/", "  a.conf", "M new.bin", "D old.txt", "  etc/", "  os-release"])
        state = press([.char("o")], state, model, effects: &effects)
        XCTAssertEqual(treeRows(draw(state, model)).prefix(3), ["  app/", "M new.bin", "D old.txt"], "largest first")
        state = press([.char("/")] + "conf".map { Key.char($0) } + [.enter], state, model, effects: &effects)
        XCTAssertEqual(treeRows(draw(state, model)), ["  app/", "  conf/", "  a.conf"])
        state = press([.escape], state, model, effects: &effects)
        XCTAssertEqual(screen(state).filter, "", "Esc clears the filter first")
        XCTAssertEqual(state.screens.count, 1)
        XCTAssertEqual(effects, [])
    }

    func testCursorFoldsWithLeftAndRightAndStaysInView() {
        var (state, model) = opened(width: 120, height: 12)
        var effects: [Effect] = []
        state = press([.tab, .char("G")], state, model, effects: &effects)
        let rows = treeRows(draw(state, model))
        XCTAssertEqual(rows.last, "A os-release", "the cursor's row is drawn")
        state = press([.left], state, model, effects: &effects)
        XCTAssertEqual(screen(state).cursor, 4, "Left on a file goes to its directory (etc/)")
        state = press([.left], state, model, effects: &effects)
        XCTAssertEqual(treeRows(draw(state, model)).suffix(1), ["A etc/"], "and closes it")
    }

    func testWhileTheFilesAreReadTheStackShowsAndProgressIsDrawn() {
        let model = LayerModel()
        model.ingest(metadata: image().image.metadata)
        model.ingest(progress: LoadProgress(layersDone: 1, layersTotal: 3, bytesRead: 40_000, bytesTotal: 102_730, origin: .export))
        var state = UIState(width: 120, height: 30)
        state.screens = [.layers(LayerScreen(request: LayerRequest(target: .image(id: "x", name: "demo/app:1")), session: .test))]
        let lines = draw(state, model)
        XCTAssertTrue(lines[3].contains("RUN make install"), lines[3])
        XCTAssertTrue(lines.contains { $0.contains("reading files: 1/3 layers · 40 kB of ~103 kB from the image export") },
                      lines.joined(separator: "\n"))
        model.ingest(error: "engine said: no such image")
        XCTAssertTrue(draw(state, model).contains { $0.contains("✗ engine said: no such image") })
    }

    /// The stack's line cuts a long instruction; the panel under it has the selected layer's whole
    /// instruction, digest, size and age (dive's Layer Details).
    func testTheSelectedLayersWholeInstructionIsInThePanel() {
        var (state, model) = opened(width: 120, height: 30)
        var effects: [Effect] = []
        state = press([.char("j"), .char("j")], state, model, effects: &effects)
        let lines = Renderer.render(StoreSnapshot(), state, now: now, models: .holding(layer: model)).buffer.plainLines()
        let stackLine = lines.first { $0.hasPrefix("  2 ") } ?? ""
        XCTAssertFalse(stackLine.contains("chmod +x /app/new.bin"), "cut in the stack at 120 columns: \(stackLine)")
        XCTAssertTrue(lines.contains { $0.hasPrefix(" Layer 2 · 50 kB · made About an hour ago") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix(" Digest sha256:3333") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix(" RUN rm /app/old.txt && chmod +x /app/new.bin") }, lines.joined(separator: "\n"))
    }

    func testSnapshots() {
        for (width, height) in [(120, 30), (80, 24)] {
            var (state, model) = opened(width: width, height: height)
            var effects: [Effect] = []
            state = press([.char("j"), .char("j")], state, model, effects: &effects)
            Snapshots.assert(Renderer.render(StoreSnapshot(), state, now: now, models: .holding(layer: model)).buffer, "layers-\(width)x\(height)")
        }
    }

    /// The tree filter edits through the one line editor and remembers what was kept.
    func testTheFilterEditsAtTheCursorAndRemembersFilters() {
        var (state, model) = opened()
        var effects: [Effect] = []
        state = press([.char("/"), .char("a"), .char("b"), .char(" "), .char("c"), .char("d"), .ctrl("w"), .left, .left,
                       .char("x"), .ctrl("k"), .ctrl("a"), .char("z")], state, model, effects: &effects)
        XCTAssertEqual(state.top(LayerScreen.self)?.filter, "zax")
        let status = Renderer.render(StoreSnapshot(), state, now: Date(timeIntervalSince1970: 0), models: .holding(layer: model)).buffer.plainLines()[28]
        XCTAssertTrue(status.hasPrefix("/z▏ax"), status)
        state = press([.escape, .char("/"), .char("a"), .char("p"), .char("p"), .enter, .char("/"), .up], state, model,
                      effects: &effects)
        XCTAssertEqual(state.top(LayerScreen.self)?.filter, "app", "↑ gives the kept filter back")
    }
}
