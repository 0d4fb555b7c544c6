// swift-tools-version:6.1
// Programs CI builds against RingMQ as a user would, to check what the test suite cannot:
// what an optimised build prints (release-probe) and what the compiler refuses (noasync-probe).
// See .ci/run.
import PackageDescription

let package = Package(
    name: "probes",
    dependencies: [.package(name: "RingMQ", path: "../..")],
    targets: [
        .executableTarget(name: "release-probe", dependencies: [.product(name: "RingMQ", package: "RingMQ")]),
        .executableTarget(name: "noasync-probe", dependencies: [.product(name: "RingMQ", package: "RingMQ")]),
    ]
)
