// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swtop",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swtop", targets: ["swtop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // No pkgConfig: ncursesw.pc carries -D flags SwiftPM refuses (a warning on every build); the module map
        // links ncursesw and tinfo itself and the headers are in the default include path.
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses", providers: [.apt(["libncurses-dev"])]),
        // fork + PR_SET_PDEATHSIG + exec for the ssh client of ssh:// engines (it must die with swtop).
        .systemLibrary(name: "CSpawn", path: "Sources/CSpawn"),
        .target(name: "DockerEngine", dependencies: [
            "CSpawn",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "TermCanvas"),
        // Image layers: tar and gzip streams, overlay2 diff directories, the per-layer cache, the stacking
        // that tells added / modified / removed, and dive-compatible efficiency figures.
        .target(name: "LayerKit", dependencies: [
            "DockerEngine",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "SwtopStore", dependencies: [
            "DockerEngine",
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "SwtopUI", dependencies: [
            "TermCanvas", "SwtopStore", "DockerEngine", "LayerKit",
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        // The sessions of the screen thread (logs, layers, inspect, swarm, `x`, `T`, contexts): one registry
        // by session id, each session's engine work on its own task, news drained for `Reducer.receive`.
        .target(name: "SwtopSessions", dependencies: [
            "DockerEngine", "SwtopStore", "SwtopUI", "LayerKit", "TermCanvas",
        ]),
        .target(name: "NCursesBackend", dependencies: ["CNCurses", "TermCanvas"]),
        // The config file: keys, theme and the dashboard's defaults, checked with the line of each mistake.
        .target(name: "SwtopConfig", dependencies: [
            "SwtopUI", "NCursesBackend", "TermCanvas",
        ]),
        .executableTarget(name: "swtop", dependencies: [
            "DockerEngine", "SwtopStore", "LayerKit", "SwtopUI", "SwtopSessions", "TermCanvas", "NCursesBackend", "SwtopConfig",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], plugins: ["VersionStamp"]),
        .plugin(name: "VersionStamp", capability: .buildTool()),
        // Fuzzing: recorded payloads mutated through every decoder of engine and terminal bytes
        // (Scripts/fuzz.sh runs the executable; FuzzTests a short pass).
        .target(name: "SwtopFuzz", dependencies: [
            "DockerEngine", "LayerKit", "SwtopConfig", "SwtopStore", "SwtopUI", "TermCanvas",
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .executableTarget(name: "swtop-fuzz", dependencies: ["SwtopFuzz"]),
        .testTarget(name: "DockerEngineTests", dependencies: ["DockerEngine"],
                    resources: [.copy("Fixtures")]),
        .target(name: "TestSupport", dependencies: [
            "LayerKit", "DockerEngine", "SwtopStore",
            .product(name: "NIOCore", package: "swift-nio"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "IntegrationTests", dependencies: ["DockerEngine", "SwtopStore", "LayerKit", "SwtopUI", "TestSupport"]),
        .testTarget(name: "TermCanvasTests", dependencies: ["TermCanvas"]),
        .testTarget(name: "SwtopConfigTests", dependencies: ["SwtopConfig", "SwtopUI", "NCursesBackend", "TermCanvas"]),
        .testTarget(name: "SwtopStoreTests", dependencies: ["SwtopStore", "DockerEngine", "TestSupport"]),
        .testTarget(name: "SwtopSessionsTests", dependencies: ["SwtopSessions", "SwtopUI", "SwtopStore", "DockerEngine", "TermCanvas", "TestSupport"]),
        // Fixtures (small archives and dive's outputs for them) are read from the source tree, not bundled.
        .testTarget(name: "LayerKitTests", dependencies: ["LayerKit", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["Fixtures"]),
        // Snapshots and fixtures are read from (and recorded into) the source tree, not bundled.
        .testTarget(name: "SwtopUITests", dependencies: ["SwtopUI", "TermCanvas", "SwtopStore", "DockerEngine", "TestSupport"],
                    exclude: ["Snapshots", "Fixtures"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
        // Seeds recorded from the engines are read from the source tree, not bundled.
        .testTarget(name: "FuzzTests", dependencies: ["SwtopFuzz", "DockerEngine", "LayerKit", "TermCanvas", "SwtopUI"],
                    exclude: ["Seeds"]),
    ]
)
