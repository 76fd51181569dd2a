import Foundation

/// The private sshd Scripts/test.sh starts (Scripts/sshd.sh), from `SWTOP_TEST_SSH`:
/// `url=ssh://root@127.0.0.1:PORT/path/to/engine.sock,config=FILE,unknown=FILE,port=PORT`.
/// Missing means the tests were run without the harness: a failure, never a skip.
public struct SSHSetup: Sendable {
    /// The ssh:// URL of the engine behind the sshd.
    public var url: String
    /// A client config (`ssh -F`) with our key and a known_hosts holding the sshd's host key.
    public var config: String
    /// The same with an empty known_hosts: the host key is unknown.
    public var unknownConfig: String
    public var port: Int

    public static func fromEnvironment() throws -> SSHSetup {
        guard let spec = ProcessInfo.processInfo.environment["SWTOP_TEST_SSH"], !spec.isEmpty else {
            throw TestFailure("SWTOP_TEST_SSH is not set: run the tests with Scripts/test.sh, which starts the private sshd "
                + "(or: bash Scripts/sshd.sh up SOCKET; eval \"$(bash Scripts/sshd.sh env)\")")
        }
        var fields: [String: String] = [:]
        for item in spec.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let url = fields["url"], let config = fields["config"], let unknown = fields["unknown"],
              let port = fields["port"].flatMap({ Int($0) }) else {
            throw TestFailure("SWTOP_TEST_SSH lacks url=, config=, unknown= or port=: \(spec)")
        }
        return SSHSetup(url: url, config: config, unknownConfig: unknown, port: port)
    }

    /// The same engine through its unix socket on this machine: the reference.
    public var unixHost: String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "unix:///var/run/docker.sock" }
        return "unix://" + rest[slash...]
    }

    /// Established TCP connections to the sshd's port (client ends): the SSH connections open now.
    public func connectionCount() throws -> Int {
        let out = try Shell.check(["ss", "-tnH", "state", "established", "( dport = :\(port) )"])
        return out.split(whereSeparator: \.isNewline).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
    }

    /// Live `ssh` processes whose parent is `parent` (zombies not counted).
    public static func sshChildren(of parent: Int32) -> [Int32] {
        sshProcesses().filter { $0.parent == parent }.map(\.pid)
    }

    /// Every live ssh client process: pid, parent pid and command line.
    public static func sshProcesses() -> [(pid: Int32, parent: Int32, command: String)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var found: [(Int32, Int32, String)] = []
        for entry in entries {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
            let comm = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard comm == "ssh", fields.count > 2, fields[0] != "Z", let parent = Int32(fields[1]) else { continue }
            let command = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/cmdline")))
                .map { String(decoding: $0.map { $0 == 0 ? 32 : $0 }, as: UTF8.self) } ?? ""
            found.append((pid, parent, command))
        }
        return found
    }
}
