import NCursesBackend
import SwtopConfig
import TermCanvas
import XCTest

/// The built-in themes and a config's per-role colours, as the terminal gets them on each capability.
final class ThemeTests: XCTestCase {
    func testDarkIsTodaysPaletteAndTheOthersDiffer() {
        for capability in [ColorCapability.colors8, .colors16, .colors256] {
            for role in ColorRole.allCases {
                XCTAssertEqual(Theme(name: .dark).appearance(of: role, for: capability), ColorPalette.appearance(of: role, for: capability))
            }
        }
        XCTAssertNotEqual(Theme(name: .light).appearance(of: .statusBar, for: .colors256), Theme().appearance(of: .statusBar, for: .colors256))
        XCTAssertNotEqual(Theme(name: .highContrast).appearance(of: .selected, for: .colors256),
                          Theme().appearance(of: .selected, for: .colors256))
        XCTAssertEqual(Theme(name: .light).appearance(of: .running, for: .colors8).foreground, 2, "xterm 28 is green on 8 colours")
    }

    func testMonoDrawsNoColourAndKeepsTheAttributes() {
        XCTAssertTrue(Theme(name: .mono).forcesMono)
        for name in ThemeName.allCases {
            for role in ColorRole.allCases {
                let look = Theme(name: name).appearance(of: role, for: .mono)
                XCTAssertEqual(look.foreground, -1)
                XCTAssertEqual(look.background, -1)
                XCTAssertEqual(look, ColorPalette.appearance(of: role, for: .mono), "\(name) \(role): the mono look")
            }
        }
    }

    func testARolesColoursFromTheConfigAreDownsampledAndNoColourStillWins() throws {
        let config = try SwtopConfig.parse("""
        [theme.roles]
        running = "#ff0000"
        status-bar = { fg = "black", bg = "bright-white", bold = true }
        """, path: "t.toml")
        let theme = config.theme
        XCTAssertEqual(theme.appearance(of: .running, for: .colors256).foreground, 196)
        XCTAssertEqual(theme.appearance(of: .running, for: .colors8).foreground, 1)
        let bar = theme.appearance(of: .statusBar, for: .colors16)
        XCTAssertEqual([bar.foreground, bar.background], [0, 15])
        XCTAssertTrue(bar.bold)
        XCTAssertEqual(theme.appearance(of: .statusBar, for: .mono), RoleAppearance(bold: true, reverse: true),
                       "mono keeps only the attributes")
        XCTAssertEqual(ColorCapability.detect(hasColors: true, colors: 256, colorPairs: 256, noColor: "1"), .mono)
    }
}
