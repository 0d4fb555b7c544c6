// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "RingMQ",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RingMQ", targets: ["RingMQ"]),
        .library(name: "RingMQTesting", targets: ["RingMQTesting"]),
        .executable(name: "ringmq-bench", targets: ["ringmq-bench"]),
        .executable(name: "Playground", targets: ["Playground"]),
    ],
    targets: [
        // MARK: - Library
        .target(
            name: "CRingMQShims",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        .target(
            name: "RingMQ",
            dependencies: ["CRingMQShims"]
        ),
        // Test support for users of RingMQ: a manual clock, faults on demand.
        .target(
            name: "RingMQTesting",
            dependencies: ["RingMQ"]
        ),

        // MARK: - Executables
        .executableTarget(
            name: "Playground",
            dependencies: ["RingMQ", "RingMQTesting"],
            path: "Playground"
        ),
        .executableTarget(
            name: "ringmq-bench",
            dependencies: ["RingMQ"]
        ),

        // MARK: - Tests
        .testTarget(
            name: "RingMQTests",
            dependencies: ["RingMQ", "RingMQTesting"]
        ),
        .testTarget(
            name: "BenchTests",
            dependencies: ["ringmq-bench"]
        ),
    ]
)

for target in package.targets where target.type != .system {
    guard target.name != "CRingMQShims" else { continue }
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
