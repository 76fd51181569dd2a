import DockerEngine
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NCursesBackend
import SwtopSessions
import SwtopStore
import SwtopUI
import TermCanvas

/// The screen thread: poll stdin and the mailbox, reduce keys, draw at most ~30 frames a second,
/// and only when something changed. Idle, it sleeps in poll(2) and writes nothing.
struct ScreenLoop {
    let app: DashboardApp
    static let frameInterval = 1.0 / 30

    func run() -> DashboardApp.Outcome {
        let terminal = Terminal()
        Signals.install(wakeFD: app.mailbox.writeFD)
        CrashGuard.arm()  // saves the shell's terminal modes before curses changes them
        terminal.theme = app.look.theme
        do {
            try terminal.start(mouse: app.look.mouse)
        } catch {
            CrashGuard.disarm()
            return .failure(String(describing: error))
        }
        defer {
            terminal.stop()
            CrashGuard.disarm()
        }
        let (width, height) = terminal.size()
        var state = UIState(width: width, height: height, readOnly: app.readOnly)
        state.logTail = app.logLimits.tail
        state.secretNames = app.secretNames
        state.keys = app.look.keys
        state.mouse = app.look.mouse
        state.showStopped = !app.look.hideStopped
        state.columns = app.look.columns
        if let sort = app.look.sort { state.sort[.containers] = sort }
        state.workingDirectory = FileManager.default.currentDirectoryPath
        state.logLines = app.logLimits.lines
        state.logBytes = app.logLimits.bytes
        var snapshot = StoreSnapshot()
        let models = SessionModels()
        let sessions = SessionRegistry(connect: { [app] engine in await app.client(engine) },
                                       wake: { [mailbox = app.mailbox] in mailbox.wake() },
                                       notify: { [app] result in app.post(result) })
        defer { sessions.closeAll() }
        let handOver = HandOver(app: app)
        if let request = app.initialLayers {
            let open = LayerScreen.open(LayerScreen(request: request, quitOnClose: true), &state)
            if case let .openSession(id, request) = open { sessions.open(id, request) }
        }
        /// Runs what a reducer asked for; true when it asked to quit.
        func run(_ effects: [Effect], _ state: inout UIState) -> Bool {
            for effect in effects {
                switch effect {
                case .quit: return true
                case .suspend: suspend(terminal, &state)
                case .redraw: terminal.forceFullRedraw()
                case let .openSession(id, request): sessions.open(id, request)
                case let .saveLogs(id, path, pickFreeName, timestamps):
                    sessions.save(models.log(id), to: path, pickFreeName: pickFreeName, timestamps: timestamps)
                case let .swarm(action, engine, refresh): sessions.perform(action, engine: engine, refresh: refresh)
                case let .handOver(request):
                    state.notice = handOver.handOver(request, terminal: terminal)
                    terminal.forceFullRedraw()
                case let .handOverLocal(request):
                    state.notice = handOver.handOver(request, terminal: terminal)
                    terminal.forceFullRedraw()
                case let .copy(text): terminal.writeRaw(OSC52.sequence(for: text, insideTmux: getenv("TMUX") != nil))
                default: app.send(effect)
                }
            }
            return false
        }
        var dirty = true
        var lastDraw = 0.0
        var lastVisible: [String] = []
        var lastFigures = false
        var lastSortFigures = false
        var seenNotice: ActionResult?
        var seenResult: ActionResult?
        var lastLogDrain = 0.0
        while true {
            if Signals.quitRequested { return .quit }
            let now = ProcessInfo.processInfo.systemUptime
            // A banner counts down while the engine is away; otherwise sleep until something happens.
            // Uptimes and "… ago" are computed from the clock: look once a second whether a cell changed
            // (only changed cells are written, so a still screen still writes nothing).
            var timeout: Int32 = snapshot.loaded ? 1000 : -1
            if case .unreachable = snapshot.connection { timeout = 1000 }
            if dirty { timeout = Int32(max(0, (lastDraw + Self.frameInterval - now) * 1000)) }
            // Log lines are taken at most once a frame: a flood then wakes this thread 30 times a second,
            // not once per chunk the engine sends.
            if sessions.hasLogNews {
                let wait = Int32(max(0, (lastLogDrain + Self.frameInterval - now) * 1000))
                timeout = timeout < 0 ? wait : min(timeout, wait)
            }
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: app.mailbox.readFD, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, timeout) == 0 { dirty = true }
            if let fresh = app.mailbox.take() {
                snapshot = fresh
                dirty = true
            }
            if case .unreachable = snapshot.connection { dirty = true }
            // News from the sessions, the log lines at most once a frame.
            let drainClock = ProcessInfo.processInfo.systemUptime
            let takeLogs = drainClock - lastLogDrain >= Self.frameInterval * 0.9
            if takeLogs { lastLogDrain = drainClock }
            for (id, news) in sessions.drain(logs: takeLogs) {
                // A screen may move on by itself (a build that succeeded opens its layers, a started
                // container is handed the terminal): its effects run as a key's do.
                let effects = Reducer.receive(&state, id, news, models)
                if !effects.isEmpty {
                    if run(effects, &state) { return .quit }
                    let held = state.heldSessions
                    sessions.retain(held)
                    models.retain(held)
                }
                dirty = true
            }
            if let notice = app.takeNotice() {
                state.notice = notice
                dirty = true
            }
            if Signals.take(.suspend) {
                suspend(terminal, &state)
                dirty = true
            }
            if Signals.take(.continued) {
                terminal.reclaimAfterContinue()
                dirty = true
            }
            // Drain every key ncurses has (a paste or a held key arrives as many).
            while let key = terminal.readKey(timeoutMilliseconds: 0) {
                var (next, effects) = Reducer.reduce(state, key, snapshot, models: models)
                effects += Reducer.followDetails(&next, snapshot)
                state = next
                dirty = true
                if case .resize = key { terminal.forceFullRedraw() }
                if run(effects, &state) { return .quit }
                // A session no screen holds any more is stopped, its model dropped.
                let held = state.heldSessions
                sessions.retain(held)
                models.retain(held)
            }
            let sizeNow = terminal.size()
            if sizeNow.width != state.width || sizeNow.height != state.height {
                state.width = sizeNow.width
                state.height = sizeNow.height
                terminal.forceFullRedraw()
                dirty = true
            }
            // Every message the status line shows goes into the history `M` opens.
            if let notice = state.notice, notice != seenNotice { state.messages.record(notice, at: Date()) }
            seenNotice = state.notice
            if let result = snapshot.lastResult, result != seenResult { state.messages.record(result, at: Date()) }
            seenResult = snapshot.lastResult
            let clock = ProcessInfo.processInfo.systemUptime
            guard dirty, clock - lastDraw >= Self.frameInterval * 0.9 else { continue }
            let frame = Renderer.render(snapshot, state, now: Date(), models: models)
            terminal.present(frame.buffer)
            lastDraw = clock
            dirty = false
            if frame.visibleContainerIDs != lastVisible || frame.showsFigures != lastFigures || frame.sortsByFigures != lastSortFigures {
                lastVisible = frame.visibleContainerIDs
                lastFigures = frame.showsFigures
                lastSortFigures = frame.sortsByFigures
                app.setVisible(lastVisible, figures: lastFigures, offScreen: lastSortFigures)
            }
        }
    }

    /// Ctrl-Z or SIGTSTP: hand the terminal back to the shell, stop, and take it again on SIGCONT.
    private func suspend(_ terminal: Terminal, _ state: inout UIState) {
        _ = Signals.take(.continued)
        terminal.suspendProcess {
            // Until our SIGCONT (or a quit request, which a shell sends with one) has been seen.
            while !Signals.take(.continued), !Signals.quitRequested { usleep(10_000) }
        }
        let (w, h) = terminal.size()
        state.width = w
        state.height = h
    }
}
