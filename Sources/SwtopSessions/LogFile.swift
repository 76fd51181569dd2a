import Glibc
import SwtopStore
import TermCanvas

/// The saved form of a log view: the containers' lines as the engine sent them, one per line, without
/// swtop's decorations (no notices, no colours removed or added); `docker logs -t`'s timestamp first
/// when the view shows times, and `name | ` first when several containers are merged.
public enum LogFile {
    public static func write<C: Collection>(_ entries: C, names: [String], merged: Bool, timestamps: Bool,
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
    public static func freeName(_ path: String) -> String {
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
