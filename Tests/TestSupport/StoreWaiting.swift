import SwtopStore
import Synchronization

extension SwtopStore {
    /// The first snapshot it publishes that satisfies `predicate`; a failure naming `what` after `seconds`
    /// (or when the store stops first).
    public func snapshot(within seconds: Double = 20, _ what: String,
                         where predicate: @escaping @Sendable (StoreSnapshot) -> Bool) async throws -> StoreSnapshot {
        let last = LastSeen()
        return try await withThrowingTaskGroup(of: StoreSnapshot?.self) { group in
            group.addTask {
                for await snapshot in self.snapshots {
                    if predicate(snapshot) { return snapshot }
                    last.text.withLock { $0 = snapshot.lastResult?.text }
                }
                throw TestFailure("the store stopped before: \(what)")
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let found = first else {
                let said = last.text.withLock { $0 }.map { " (the store's last result: \($0))" } ?? ""
                throw TestFailure("timed out after \(seconds) s waiting for: \(what)\(said)")
            }
            return found
        }
    }
}

private final class LastSeen: Sendable {
    let text = Mutex<String?>(nil)
}
