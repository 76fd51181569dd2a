import SwtopStore

extension SwtopStore {
    /// The first snapshot it publishes that satisfies `predicate`; a failure naming `what` after `seconds`
    /// (or when the store stops first).
    public func snapshot(within seconds: Double = 20, _ what: String,
                         where predicate: @escaping @Sendable (StoreSnapshot) -> Bool) async throws -> StoreSnapshot {
        try await withThrowingTaskGroup(of: StoreSnapshot?.self) { group in
            group.addTask {
                for await snapshot in self.snapshots where predicate(snapshot) { return snapshot }
                throw TestFailure("the store stopped before: \(what)")
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let found = first else { throw TestFailure("timed out after \(seconds) s waiting for: \(what)") }
            return found
        }
    }
}
