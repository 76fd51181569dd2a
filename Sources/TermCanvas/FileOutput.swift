#if canImport(Glibc)
import Glibc
#endif

/// Writes bytes to a file descriptor whole: the one loop every writer of swtop shares (the terminal
/// between frames, a session inside a container, `swtop logs`, messages, a saved log).
public enum FileOutput {
    /// True when every byte was written. EINTR is retried; a full non-blocking descriptor is waited on
    /// (up to `waitMilliseconds` each time) rather than spun on; any other error gives up.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], waitMilliseconds: Int32 = 1000) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else if written < 0, errno == EAGAIN {
                var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                guard poll(&entry, 1, waitMilliseconds) > 0 else { return false }
            } else {
                return false
            }
        }
        return true
    }
}
