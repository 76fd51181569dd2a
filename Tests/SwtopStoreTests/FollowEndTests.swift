import DockerEngine
import Foundation
@testable import SwtopStore
import XCTest

/// What a log follow does when its stream ends, by the container's state (as engines report it).
final class FollowEndTests: XCTestCase {
    func state(_ json: String) throws -> ContainerState {
        try JSONDecoder().decode(ContainerState.self, from: Data(json.utf8))
    }

    func testEachStateHasItsOwnAnswer() throws {
        let run1 = "2026-12-03T18:02:46.668Z"
        let run2 = "2026-12-03T18:02:49.102Z"
        // Docker 20.10/26.1 between two runs of a restart policy: Running and Restarting both true.
        XCTAssertEqual(FollowEnd(state: try state(#"{"Running":true,"Restarting":true,"ExitCode":3,"StartedAt":"\#(run1)"}"#), followedRun: run1),
                       .restarting(exitCode: 3), "a restarting container is waited for, never asked again in a loop")
        // podman ends the stream of a paused container (Running stays true).
        XCTAssertEqual(FollowEnd(state: try state(#"{"Running":true,"Paused":true,"StartedAt":"\#(run1)"}"#), followedRun: run1), .paused)
        XCTAssertEqual(FollowEnd(state: try state(#"{"Running":true,"StartedAt":"\#(run2)"}"#), followedRun: run1), .newRun)
        XCTAssertEqual(FollowEnd(state: try state(#"{"Running":true,"StartedAt":"\#(run1)"}"#), followedRun: run1), .sameRun,
                       "the same run goes on: asked again quietly (with a growing pause when it keeps ending at once)")
        XCTAssertEqual(FollowEnd(state: try state(#"{"Running":true,"StartedAt":"\#(run1)"}"#), followedRun: nil), .sameRun)
        XCTAssertEqual(FollowEnd(state: try state(#"{"Running":false,"ExitCode":137}"#), followedRun: run1), .stopped(exitCode: 137))
        XCTAssertEqual(FollowEnd(state: nil, followedRun: run1), .stopped(exitCode: nil))
    }
}
