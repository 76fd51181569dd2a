import Foundation

extension TestEngine {
    /// Debian's podman 4.3 behind its Docker-compatible API (Scripts/engines.sh up podman), from
    /// SWTOP_TEST_PODMAN. Missing, the test fails: CI runs every test.
    public static func podman() throws -> TestEngine {
        try named("podman", "SWTOP_TEST_PODMAN", "the podman engine")
    }

    /// Engine 26.1 with the containerd image store (Scripts/engines.sh up ctrd), from SWTOP_TEST_CTRD.
    public static func containerdStore() throws -> TestEngine {
        try named("ctrd", "SWTOP_TEST_CTRD", "the containerd-store engine")
    }

    private static func named(_ name: String, _ variable: String, _ what: String) throws -> TestEngine {
        guard let host = ProcessInfo.processInfo.environment[variable], !host.isEmpty else {
            throw TestFailure("\(variable) is not set: run the tests with Scripts/test.sh, which starts \(what)")
        }
        return TestEngine(name: name, host: host)
    }
}
