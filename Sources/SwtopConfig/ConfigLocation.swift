#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which file is the config: `--config FILE`, else `$XDG_CONFIG_HOME/swtop/config.toml`, else
/// `~/.config/swtop/config.toml`.
public enum ConfigLocation {
    public static func path(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit { return explicit }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/swtop/config.toml" }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/swtop/config.toml"
    }
}
