import Foundation

extension TestEngine {
    /// The one-node swarm Scripts/test.sh starts (engine `swarm`, `docker swarm init` done), from
    /// SWTOP_TEST_SWARM. Missing, the test fails: CI runs every test.
    public static func swarm() throws -> TestEngine {
        guard let host = ProcessInfo.processInfo.environment["SWTOP_TEST_SWARM"], !host.isEmpty else {
            throw TestFailure("SWTOP_TEST_SWARM is not set: run the tests with Scripts/test.sh, which starts the swarm engine")
        }
        return TestEngine(name: "swarm", host: host)
    }

    /// A replicated service of the test's own (busybox printing a line a second), removed afterwards
    /// by the caller's teardown; returns its name once every replica runs.
    public func makeService(_ prefix: String, replicas: Int = 2, line: String = "hello from swarm",
                            extra: [String] = []) throws -> String {
        let name = Repo.uniqueName(prefix)
        try docker(["service", "create", "--detach", "--name", name, "--replicas", String(replicas), "--no-resolve-image",
                    "--label", "swtop.test=1"] + extra
                   + ["swtop/busybox:latest", "sh", "-c", "while :; do echo \(line) $(hostname); sleep 1; done"])
        try pollUntil("\(name) to run \(replicas) replicas", timeout: 60) {
            try self.docker("service", "ls", "--filter", "name=\(name)", "--format", "{{.Replicas}}")
                .trimmingCharacters(in: .whitespacesAndNewlines) == "\(replicas)/\(replicas)"
        }
        return name
    }

    @discardableResult
    public func docker(_ arguments: [String], timeout: TimeInterval = 120) throws -> String {
        try Shell.check([Repo.dockerCLI, "-H", host] + arguments, timeout: timeout)
    }
}

/// Polls until `condition` holds, or fails naming what it waited for.
public func pollUntil(_ what: String, timeout: TimeInterval, interval: TimeInterval = 0.5,
                    _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    var lastError: Error?
    while Date() < deadline {
        do {
            if try condition() { return }
        } catch {
            lastError = error
        }
        Thread.sleep(forTimeInterval: interval)
    }
    throw TestFailure("timed out after \(Int(timeout)) s waiting for \(what)" + (lastError.map { " (last error: \($0))" } ?? ""))
}
