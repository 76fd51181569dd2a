import DockerEngine
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SwtopStore {
    /// Runs an action on containers in the background; the result, or the engine's own message,
    /// becomes `lastResult`. Each container gets its own request, so one slow `stop` holds no other.
    public func perform(_ action: ContainerAction, on targets: [(id: String, name: String)]) {
        guard let client else {
            snapshot.lastResult = ActionResult(text: "\(action) refused: the engine is not connected", isError: true)
            publish()
            return
        }
        guard !targets.isEmpty else { return }
        for target in targets { snapshot.pending[target.id] = action }
        publish()
        let earlier = targets.compactMap { actionTails[$0.id]?.task }
        actionCount += 1
        let number = actionCount
        let task = Task {
            for previous in earlier { await previous.value }
            let failures = await withTaskGroup(of: String?.self) { group in
                for target in targets {
                    group.addTask {
                        do {
                            try await client.perform(action, on: target.id)
                            return nil
                        } catch {
                            return "\(target.name): \(Self.message(error))"
                        }
                    }
                }
                var failures: [String] = []
                for await failure in group { if let failure { failures.append(failure) } }
                return failures
            }
            self.finish(action, targets: targets, failures: failures, number: number)
        }
        for target in targets { actionTails[target.id] = (number, task) }
    }

    private func finish(_ action: ContainerAction, targets: [(id: String, name: String)], failures: [String], number: Int) {
        for target in targets where actionTails[target.id]?.number == number {
            actionTails[target.id] = nil
            snapshot.pending[target.id] = nil
        }
        if failures.isEmpty {
            let names = targets.map(\.name)
            let shown = names.count <= 3 ? names.joined(separator: ", ") : "\(names.count) containers"
            snapshot.lastResult = ActionResult(text: "\(action.pastTense) \(shown)", isError: false)
        } else {
            snapshot.lastResult = ActionResult(text: "\(action) failed: " + failures.sorted().joined(separator: "; "), isError: true)
        }
        for target in targets { dirty.containerIDs.insert(target.id) }
        scheduleRefresh()
        publish()
    }

    /// The engine's own message for an API error, without the path noise.
    static func message(_ error: Error) -> String {
        (error as? DockerError)?.userMessage ?? String(describing: error)
    }
}
