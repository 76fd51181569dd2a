@testable import DockerEngine
import Foundation
import XCTest

/// A service or node update sends the inspected Spec back whole: what goes out must be what came in,
/// but for the one field changed.
final class EditableJSONTests: XCTestCase {
    func testRoundTripKeepsUnknownFieldsAndLargeIntegers() throws {
        let text = #"""
            {"Name":"web","Labels":{"a":"b"},"TaskTemplate":{"ContainerSpec":{"Image":"busybox","Args":["sh","-c","echo"],
             "Init":false,"Future":{"Nested":[1,2.5,null,true]}},"Resources":{"Limits":{"MemoryBytes":9223372036854775807,
             "NanoCPUs":18446744073709551615}}},"Mode":{"Replicated":{"Replicas":2}}}
            """#
        var spec = try JSONDecoder().decode(EditableJSON.self, from: Data(text.utf8))
        spec[path: ["Mode", "Replicated", "Replicas"]] = .uint(5)
        let back = try JSONDecoder().decode(EditableJSON.self, from: spec.encoded())
        XCTAssertEqual(back[path: ["Mode", "Replicated", "Replicas"]]?.intValue, 5)
        XCTAssertEqual(back[path: ["TaskTemplate", "Resources", "Limits", "MemoryBytes"]], .int(Int64.max))
        XCTAssertEqual(back[path: ["TaskTemplate", "Resources", "Limits", "NanoCPUs"]], .uint(UInt64.max))
        XCTAssertEqual(back[path: ["TaskTemplate", "ContainerSpec", "Future", "Nested"]], .array([.int(1), .double(2.5), .null, .bool(true)]))
        XCTAssertEqual(back[path: ["TaskTemplate", "ContainerSpec", "Init"]], .bool(false))
        var unchanged = back
        unchanged[path: ["Mode", "Replicated", "Replicas"]] = .int(2)
        XCTAssertEqual(unchanged, try JSONDecoder().decode(EditableJSON.self, from: Data(text.utf8)).normalisedReplicas())
    }
}

private extension EditableJSON {
    /// The original with its replica count spelled as the test sets it.
    func normalisedReplicas() -> EditableJSON {
        var copy = self
        copy[path: ["Mode", "Replicated", "Replicas"]] = .int(2)
        return copy
    }
}

/// `details=1` service log lines, as engine 20.10 sent them.
final class ServiceLogDetailsTests: XCTestCase {
    func testTheTaskIdComesOffTheLine() {
        let line = "com.docker.swarm.node.id=rt18xkjj9lwqhuyevwkigj4kn,com.docker.swarm.service.id=95a67lx64nu7pjhnw70nxtxas,"
            + "com.docker.swarm.task.id=kj6zb2e153e31rkipf5qjnjkz hi there"
        let (task, text) = ServiceLogDetails.split(line)
        XCTAssertEqual(task, "kj6zb2e153e31rkipf5qjnjkz")
        XCTAssertEqual(text, "hi there")
        XCTAssertEqual(ServiceLogDetails.split("plain line").text, "plain line")
        XCTAssertNil(ServiceLogDetails.split("plain line").taskID)
        XCTAssertEqual(ServiceLogDetails.split("com.docker.swarm.node.id=x").text, "com.docker.swarm.node.id=x", "no text: kept whole")
    }
}
