#if canImport(Glibc)
import Glibc
#endif

/// Tells at once why a unix socket cannot be reached (absent, refused, not allowed), with a plain
/// connect(2): nil when something listens there.
enum UnixSocketProbe {
    static func failure(_ path: String) -> String? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return "socket path longer than \(capacity - 1) bytes" }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }  // no verdict; let the client try
        defer { close(fd) }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc != 0 else { return nil }
        switch errno {
        case ENOENT: return "no socket there (is the engine running?)"
        case ECONNREFUSED: return "connection refused (is the engine running?)"
        case EACCES, EPERM: return "permission denied (are you in the docker group?)"
        case ENOTSOCK: return "that path is not a socket"
        default: return String(cString: strerror(errno))
        }
    }
}
