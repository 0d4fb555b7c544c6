// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "RingMQ",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "RingMQ", targets: ["RingMQ"]),
        .library(name: "RingMQTesting", targets: ["RingMQTesting"]),
        .library(name: "RingMQTestingSwiftTesting", targets: ["RingMQTestingSwiftTesting"]),
        .library(name: "RingMQFoundation", targets: ["RingMQFoundation"]),
        .executable(name: "ringmq-bench", targets: ["ringmq-bench"]),
        .executable(name: "Playground", targets: ["Playground"]),
        .executable(name: "ringmq-fuzz", targets: ["ringmq-fuzz"]),
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
        // Frame ⇄ Data, apart so that the core never links Foundation (launch time, size).
        .target(
            name: "RingMQFoundation",
            dependencies: ["RingMQ"]
        ),
        // Test support for users of RingMQ: a manual clock, faults on demand.
        .target(
            name: "RingMQTesting",
            dependencies: ["RingMQ"]
        ),
        // Controlled runs inside Swift Testing tests, apart so that RingMQTesting never links
        // Testing (and through it Foundation) into programs that are not tests.
        .target(
            name: "RingMQTestingSwiftTesting",
            dependencies: ["RingMQ", "RingMQTesting"]
        ),

        // MARK: - Executables
        .executableTarget(
            name: "Playground",
            dependencies: ["RingMQ", "RingMQTesting"],
            path: "Playground"
        ),
        .executableTarget(
            name: "ringmq-bench",
            dependencies: ["RingMQ", "RingMQTesting"]
        ),

        // MARK: - Fuzzing
        // The fuzz driver: bytes decoded into RingMQ calls, checked against the contract.
        .target(
            name: "RingMQFuzzing",
            dependencies: ["RingMQ", "RingMQTesting"]
        ),
        // libFuzzer's entry point, declared for a build with -sanitize=fuzzer.
        .target(name: "CLibFuzzer"),
        // Replays inputs; built with -sanitize=fuzzer -DRINGMQ_LIBFUZZER, the libFuzzer target
        // (commands in Docs/Reliability.md).
        .executableTarget(
            name: "ringmq-fuzz",
            dependencies: ["RingMQFuzzing", "CLibFuzzer"]
        ),

        // MARK: - Tests
        .testTarget(
            name: "RingMQTests",
            dependencies: [
                "RingMQ", "RingMQTesting", "RingMQTestingSwiftTesting", "RingMQFuzzing", "RingMQFoundation",
            ]
        ),
        .testTarget(
            name: "BenchTests",
            dependencies: ["ringmq-bench"]
        ),
        .testTarget(
            name: "PlaygroundTests",
            dependencies: ["Playground"]
        ),
    ]
)

for target in package.targets where target.type != .system {
    guard target.name != "CRingMQShims", target.name != "CLibFuzzer" else { continue }
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
