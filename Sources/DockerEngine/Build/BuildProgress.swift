/// A classic build's progress as the engine streams it: each Dockerfile step with whether the cache
/// served it, the layer it made and its own output; the image's id and tags at the end, or the step
/// that failed with its exit code.
public struct BuildProgress: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var number: Int
        public var total: Int
        /// `RUN echo hi > /greeting`, as the engine repeats it.
        public var instruction: String
        public var cached = false
        /// The short id of the layer (image) the step made.
        public var layer: String?
        /// The step's own output, newest last (the last `keep` lines).
        public var output: [String] = []
        public var outputLines = 0
        public var failed = false
    }

    public static let keep = 200

    public var steps: [Step] = []
    /// Lines before the first step and the engine's notes outside steps.
    public var notes: [String] = []
    /// The image made (`sha256:…` from `aux`, else the short id of "Successfully built").
    public var imageID: String?
    public var tagged: [String] = []
    public var error: String?
    /// The failing step's exit code (`returned a non-zero code: N`).
    public var exitCode: Int?
    public var finished = false
    /// A line not yet ended by a newline.
    var partial = ""

    public init() {}

    public var succeeded: Bool { finished && error == nil && imageID != nil }

    public mutating func apply(_ message: ProgressMessage) {
        if let id = message.aux?.ID { imageID = id }
        if let error = message.errorMessage {
            self.error = error
            if let range = error.firstRange(of: "non-zero code: ") {
                exitCode = Int(error[range.upperBound...].prefix { $0.isNumber })
            }
            if let last = steps.indices.last { steps[last].failed = true }
            return
        }
        if let text = message.stream {
            partial += text
            while let newline = partial.firstIndex(of: "\n") {
                let line = String(partial[..<newline])
                partial = String(partial[partial.index(after: newline)...])
                take(line)
            }
        } else if let status = message.status, !status.isEmpty {
            // A FROM that pulls reports the pull's lines as status.
            take((message.id.map { "\($0): " } ?? "") + status)
        }
    }

    /// The stream ended: what was left unfinished counts as a line.
    public mutating func finish() {
        if !partial.isEmpty {
            take(partial)
            partial = ""
        }
        finished = true
    }

    mutating func take(_ raw: String) {
        let line = raw.last == "\r" ? String(raw.dropLast()) : raw
        if let step = Self.step(line) {
            steps.append(step)
            return
        }
        let trimmed = String(line.drop { $0 == " " })
        if trimmed.hasPrefix("---> ") {
            let rest = String(trimmed.dropFirst(5))
            guard let last = steps.indices.last else { return }
            if rest == "Using cache" {
                steps[last].cached = true
            } else if rest.hasPrefix("Running in ") || rest.hasPrefix("Removed intermediate container") {
                return
            } else if rest.count >= 12, rest.allSatisfy({ $0.isHexDigit }) {
                steps[last].layer = rest
            } else {
                append(line, to: last)
            }
            return
        }
        if line.hasPrefix("Removing intermediate container ") { return }
        if line.hasPrefix("Successfully built ") {
            if imageID == nil { imageID = String(line.dropFirst("Successfully built ".count)) }
            return
        }
        if line.hasPrefix("Successfully tagged ") {
            tagged.append(String(line.dropFirst("Successfully tagged ".count)))
            return
        }
        if let last = steps.indices.last {
            append(line, to: last)
        } else if !line.isEmpty {
            notes.append(line)
            if notes.count > Self.keep { notes.removeFirst(notes.count - Self.keep) }
        }
    }

    mutating func append(_ line: String, to index: Int) {
        steps[index].output.append(line)
        steps[index].outputLines += 1
        if steps[index].output.count > Self.keep { steps[index].output.removeFirst(steps[index].output.count - Self.keep) }
    }

    /// `Step 2/3 : RUN …` (Docker) or `STEP 2/3: RUN …` (podman).
    static func step(_ line: String) -> Step? {
        let lower = line.lowercased()
        guard lower.hasPrefix("step ") else { return nil }
        let rest = line.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/"), let number = Int(rest[..<slash]) else { return nil }
        let afterSlash = rest[rest.index(after: slash)...]
        let totalText = afterSlash.prefix { $0.isNumber }
        guard let total = Int(totalText) else { return nil }
        var instruction = afterSlash.dropFirst(totalText.count)
        instruction = instruction.drop { $0 == " " }
        guard instruction.first == ":" else { return nil }
        return Step(number: number, total: total, instruction: String(instruction.dropFirst().drop { $0 == " " }))
    }
}
