import Testing

@testable import RingMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The build switches that force the portable wait path (Docs/Architecture.md, "Which wait
/// path runs where") must not be silently ignored: CI names the mode it built in
/// `RINGMQ_EXPECT_WAIT_PATH`, and this checks that the shim compiled exactly that.
@Suite(.runsAlone) struct WaitPathTests {
    @Test func theWaitPathInForceIsTheOneTheBuildAskedFor() {
        let asked = getenv("RINGMQ_EXPECT_WAIT_PATH").map { String(cString: $0) }
        print("wait path in force: \(WaitPath.name)")
        if let asked {
            #expect(WaitPath.name == asked, "the build was asked for \(asked)")
        } else {
            // An ordinary build: futex on Linux, buckets and a symmetric publish elsewhere.
            #if os(Linux)
                #expect(WaitPath.usesFutex)
                #expect(WaitPath.hasMembarrier)
            #else
                #expect(WaitPath.name == "buckets+seqcst")
            #endif
        }
    }

    @Test func anAsymmetricPublishNeedsMembarrierCompiledIn() {
        // The sleeper pays for the publisher's plain store with membarrier; without it the
        // handshake would lose wake-ups.
        #expect(!Fence.isAsymmetric || WaitPath.hasMembarrier)
    }
}
