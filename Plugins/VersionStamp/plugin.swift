import Foundation
import PackagePlugin

/// Writes `Commit.swift` (`let swtopCommit = "…"`) for `swtop --version`: the checkout's commit, with
/// "+changes" when the work tree differs from it, or "unknown" outside a git checkout. The file is
/// rewritten only when that text changes, so an unchanged tree rebuilds nothing.
@main
struct VersionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let script = #"""
            c=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || c=unknown
            if [ "$c" != unknown ] && ! git -C "$1" diff --quiet HEAD -- 2>/dev/null; then c="$c+changes"; fi
            mkdir -p "$2"
            line="let swtopCommit = \"$c\""
            [ "$(cat "$2/Commit.swift" 2>/dev/null)" = "$line" ] || printf '%s\n' "$line" > "$2/Commit.swift"
            """#
        return [.prebuildCommand(displayName: "swtop: stamp the commit for --version",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", script, "stamp", context.package.directoryURL.path, output.path],
                                 outputFilesDirectory: output)]
    }
}
