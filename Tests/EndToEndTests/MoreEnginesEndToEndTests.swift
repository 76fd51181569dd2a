import Foundation
import TestSupport
import XCTest

/// The dashboard against podman and against the containerd image store, in tmux as a user runs it.
extension ExecEndToEndTests {
    /// podman: attach without a TTY starts every line at column 0; `T` lists the processes (podman answers
    /// the ps options with an empty 200) and says its PIDs are the container's; `l` on a paused container
    /// says so once (podman ends the stream of a paused container) and goes on after the unpause.
    func testPodmanAttachProcessesAndPausedLogs() throws {
        let engine = try TestEngine.podman()
        let name = Repo.uniqueName("pmdash")
        containers.append((engine, name))
        // --stop-timeout 1: busybox sh ignores SIGTERM, and podman's forced removal waits that long.
        try engine.docker(["run", "-d", "--stop-timeout", "1", "--name", name, "swtop/busybox:latest"] + Self.ticking)
        let pane = try shellPane()
        try startSwtop(pane, engine, waitFor: name)
        try filterTo(pane, name, "[podman] only the container")
        try attachExpectingTicksAtColumnZero(pane, name, "[podman]")

        try pane.send("T")
        let processes = try pane.waitFor("[podman] the processes and whose PIDs they are") { $0.contains("PIDs as the container numbers them") }
        XCTAssertTrue(processes.contains(" processes · every 2 s"), processes)
        XCTAssertTrue(processes.contains("while true"), "[podman] the main process: \(processes)")
        XCTAssertFalse(processes.contains("not valid JSON"), processes)
        try pane.send("Escape")
        try pane.waitFor(text: "NAME")

        try engine.docker("pause", name)
        try pane.waitFor("[podman] paused in the list") { $0.contains("paused") }
        try pane.send("l")
        try pane.waitFor("[podman] the paused notice") { $0.contains("is paused — following resumes when it is unpaused") }
        Thread.sleep(forTimeInterval: 3)  // what must not happen (more notices) has no signal to wait for
        let paused = try pane.capture()
        XCTAssertEqual(paused.components(separatedBy: "is paused").count - 1, 1, "[podman] one notice:\n\(paused)")
        let seen = paused.split(separator: "\n").filter { $0.contains("tick-") }.count
        try engine.docker("unpause", name)
        try pane.waitFor("[podman] new lines after the unpause") { screen in
            screen.contains("unpaused — following again") && screen.split(separator: "\n").filter { $0.contains("tick-") }.count > seen
        }
        try pane.send("Escape")
        try pane.send("q")
        try pane.waitFor(text: "SWTOP-EXIT=0")
        try assertShellHasTheTerminal(pane, "[podman] after the session", token: "STTY-PM")
    }

    /// The containerd image store: the seeded rows, a container's log, and `L` reading the layers through
    /// the export (no overlay2 directories there).
    func testContainerdStoreDashboardLogsAndLayers() throws {
        let engine = try TestEngine.containerdStore()
        let pane = try shellPane(width: 160, height: 40)
        try startSwtop(pane, engine, waitFor: "swtop-logger")
        try filterTo(pane, "swtop-lay", "[ctrd] the layers container")
        try pane.send("L")
        let layers = try pane.waitFor("[ctrd] the layer view", seconds: 30) { $0.contains("layers of container swtop-layers") && $0.contains("files from ") }
        // The export (or the layer cache it filled), never overlay2 directories: the store has none.
        XCTAssertTrue(layers.contains("files from changes + export") || layers.contains("files from cache + changes"), layers)
        XCTAssertTrue(layers.contains("RUN chmod 0755"), "[ctrd] the history: \(layers)")
        XCTAssertFalse(layers.contains("1.1 MB"), "[ctrd] the compressed size is not the image's: \(layers)")
        try pane.send("Escape")
        try pane.waitFor(text: "NAME")
        try pane.send("/")
        try pane.send("C-u")
        try pane.sendLiteral("swtop-logger")
        try pane.send("Enter")
        try pane.waitFor("[ctrd] only the logger") { $0.contains("swtop-logger") && !$0.contains("swtop-layers") }
        try pane.send("l")
        let logs = try pane.waitFor("[ctrd] the logger's lines") { $0.contains("out-3") && $0.contains("err-2") }
        XCTAssertTrue(hasLine(logs, "out-1") || logs.contains("out-1"), logs)
        try pane.send("Escape")
        try pane.send("q")
        try pane.waitFor(text: "SWTOP-EXIT=0")
    }
}
