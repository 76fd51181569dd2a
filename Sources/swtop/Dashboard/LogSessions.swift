import DockerEngine
import Glibc
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SwtopStore
import SwtopUI
import TermCanvas

/// The log sessions of the screen thread: the full-screen view's and the detail pane's, each with the
/// model it fills. Opened and closed by the reducer's effects (the detail pane's by what is selected).
struct LogSessions {
    let app: DashboardApp
    private var open: [LogPurpose: (session: LogSession, model: LogModel)] = [:]
    private var detailID: String?

    init(app: DashboardApp) { self.app = app }

    var screenModel: LogModel? { open[.screen]?.model }
    var detailModel: LogModel? { open[.detail]?.model }

    mutating func open(_ request: LogRequest) {
        close(request.purpose)
        let (session, model) = app.makeLogSession(request)
        open[request.purpose] = (session, model)
        session.start()
    }

    mutating func close(_ purpose: LogPurpose) {
        open[purpose]?.session.stop()
        open[purpose] = nil
        if purpose == .detail { detailID = nil }
    }

    mutating func closeAll() {
        for purpose in Array(open.keys) { close(purpose) }
    }

    var hasNews: Bool { open.values.contains { $0.session.hasNews } }

    /// Takes what the sessions have for the models; true when something changed.
    func drain() -> Bool {
        var changed = false
        for (_, pair) in open {
            let news = pair.session.drain()
            if !news.entries.isEmpty || news.states != pair.model.states {
                pair.model.ingest(news)
                changed = true
            }
        }
        return changed
    }

    /// Brings the full-screen model's indexes to the view's search and stream choices.
    func sync(_ state: UIState) {
        if let screen = state.top(LogScreen.self) { open[.screen]?.model.sync(screen) }
    }

    /// The detail pane shows the selected container's last lines: follow it while the pane is open.
    mutating func followDetails(_ state: UIState, _ snapshot: StoreSnapshot) {
        var wanted: LogSession.Source?
        if state.showDetails, state.view == .containers, let id = state.selection[.containers]?.containerID,
           let item = snapshot.containers.first(where: { $0.id == id }) {
            wanted = LogSession.Source(id: id, name: item.name, engine: item.engine)
        }
        guard wanted?.id != detailID else { return }
        if let wanted {
            open(LogRequest(purpose: .detail, sources: [wanted], options: LogSession.Options(tail: 50)))
            detailID = wanted.id
        } else {
            close(.detail)
        }
    }

    /// Writes the view's lines to a file off the screen thread; the result comes back as a notice.
    func save(to path: String, pickFreeName: Bool, timestamps: Bool) {
        guard let model = open[.screen]?.model else {
            app.post(ActionResult(text: "no log to save", isError: true))
            return
        }
        let entries = model.buffer.entries
        let names = model.sources.map(\.name)
        let merged = model.isMerged
        let app = self.app
        Task.detached {
            app.post(LogFile.write(entries, names: names, merged: merged, timestamps: timestamps,
                                   to: path, pickFreeName: pickFreeName))
        }
    }
}

/// The saved form of a log view: the containers' lines as the engine sent them, one per line, without
/// swtop's decorations (no notices, no colours removed or added); `docker logs -t`'s timestamp first
/// when the view shows times, and `name | ` first when several containers are merged.
enum LogFile {
    static func write<C: Collection>(_ entries: C, names: [String], merged: Bool, timestamps: Bool,
                                     to requested: String, pickFreeName: Bool) -> ActionResult where C.Element == LogEntry {
        var path = requested
        if path.hasPrefix("~/"), let home = getenv("HOME") { path = String(cString: home) + path.dropFirst(1) }
        if !path.hasPrefix("/") {
            var cwd = [CChar](repeating: 0, count: 4096)
            if getcwd(&cwd, cwd.count) != nil {
                let dir = String(decoding: cwd.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                path = (dir == "/" ? "" : dir) + "/" + path
            }
        }
        if pickFreeName { path = freeName(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            return ActionResult(text: "cannot save to \(path): \(String(cString: strerror(errno)))", isError: true)
        }
        defer { close(fd) }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 16)
        var lines = 0
        func flush() -> Bool {
            defer { chunk.removeAll(keepingCapacity: true) }
            return FileOutput.writeAll(fd, chunk)
        }
        for entry in entries where entry.isOutput {
            if merged { chunk += Array(((Int(entry.source) < names.count ? names[Int(entry.source)] : "?") + " | ").utf8) }
            if timestamps, let time = entry.time { chunk += Array((time.description + " ").utf8) }
            chunk += Array(entry.text.utf8)
            chunk.append(10)
            lines += 1
            if chunk.count >= 1 << 16, !flush() {
                return ActionResult(text: "saving to \(path) failed: \(String(cString: strerror(errno)))", isError: true)
            }
        }
        guard flush() else {
            return ActionResult(text: "saving to \(path) failed: \(String(cString: strerror(errno)))", isError: true)
        }
        return ActionResult(text: "saved \(lines) line\(lines == 1 ? "" : "s") to \(path)", isError: false)
    }

    /// `path`, or `name-1.ext`, `name-2.ext`, … when it exists.
    static func freeName(_ path: String) -> String {
        guard access(path, F_OK) == 0 else { return path }
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let file = path[slash...]
        let dot = file.lastIndex(of: ".") ?? file.endIndex
        let stem = path[..<dot]
        let ext = path[dot...]
        for n in 1..<10_000 {
            let candidate = "\(stem)-\(n)\(ext)"
            if access(candidate, F_OK) != 0 { return candidate }
        }
        return path
    }
}
