// swtop-fuzz: mutated recorded payloads through every decoder swtop runs on engine or terminal bytes.
//
//   swtop-fuzz [--inputs N] [--seed S] [--target NAME]... [--root DIR] [--save DIR] [--timeout SECONDS] [--list]
//
// Prints one line per target (inputs, findings, the slowest input) and exits 1 when a check failed; a crash
// or an input running past the timeout ends the run at once, its input saved in the --save folder.
import SwtopFuzz
#if canImport(Glibc)
import Glibc
#endif

var inputs = 1_000_000
var seed: UInt64 = 1
var chosen: [String] = []
var root = "."
var save = "/tmp/swtop-fuzz"
var timeout: UInt32 = 10
var list = false
var arguments = Array(CommandLine.arguments.dropFirst())

/// One line on stdout (1) or stderr (2), written at once (a long run is watched as it goes).
func say(_ text: String, to fd: Int32 = 1) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    say("swtop-fuzz: \(message)", to: 2)
    exit(2)
}

func number<T: FixedWidthInteger>(_ text: String, _ option: String) -> T {
    guard let value = T(text), value >= 0 else { fail("\(option) needs a number") }
    return value
}

while !arguments.isEmpty {
    let option = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail("\(option) needs a value") }
        return arguments.removeFirst()
    }
    switch option {
    case "--inputs": inputs = number(value(), option)
    case "--seed": seed = number(value(), option)
    case "--target": chosen.append(value())
    case "--root": root = value()
    case "--save": save = value()
    case "--timeout": timeout = number(value(), option)
    case "--list": list = true
    case "-h", "--help":
        say("swtop-fuzz [--inputs N] [--seed S] [--target NAME]... [--root DIR] [--save DIR] [--timeout SECONDS] [--list]")
        exit(0)
    default: fail("unknown option \(option)")
    }
}

let targets = FuzzTargets.all(root: root)
if list {
    for target in targets { say("\(target.name): \(target.summary) (\(target.seeds.count) seeds)") }
    exit(0)
}
for name in chosen where !targets.contains(where: { $0.name == name }) {
    fail("no target \(name) (--list shows them)")
}
mkdir(save, 0o755)
FuzzRunner.guardProcess(saveTo: save)
var found = 0
for target in targets where chosen.isEmpty || chosen.contains(target.name) {
    if target.seeds.count <= 1 && target.seeds.first?.isEmpty != false {
        fail("\(target.name) has no seeds under \(root) (run it from the package folder or pass --root)")
    }
    let report = FuzzRunner.run(target, inputs: inputs, seed: seed, saveTo: save, timeout: timeout) { partial in
        say("  \(partial.line)", to: 2)
    }
    say(report.line)
    for finding in report.findings.prefix(20) { say("  \(finding)") }
    found += report.findings.count
}
exit(found == 0 ? 0 : 1)
