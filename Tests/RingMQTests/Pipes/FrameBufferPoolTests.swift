import Testing

@testable import RingMQ

/// The per-thread recycling of frame buffers must never be visible: a frame keeps its bytes
/// for as long as it lives, whatever is created after it.
@Suite(.runsAlone) struct FrameBufferPoolTests {
    func bytes(_ seed: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }
    }

    @Test(arguments: [25, 64, 100, 1024, 4096, 5000])
    func liveFramesKeepTheirBytes(size: Int) {
        let kept = (0..<20).map { Frame(bytes($0, count: size)) }
        for round in 0..<400 {
            _ = Frame(bytes(1_000 + round, count: size))
        }
        for (seed, frame) in kept.enumerated() {
            #expect(frame.bytes == bytes(seed, count: size))
        }
    }

    @Test(.enabled(if: FrameBufferPool.isEnabled, "the pool is off under the thread sanitizer"))
    func aDroppedBufferIsReused() throws {
        func address(of frame: Frame) -> UnsafeRawPointer? {
            frame.withUnsafeBytes { $0.baseAddress }
        }
        // Fill the class's FIFO with buffers nobody holds any more, then look for reuse.
        var seen: Set<UnsafeRawPointer> = []
        for round in 0..<100 {
            let frame = Frame(bytes(round, count: 200))
            if let base = address(of: frame) { seen.insert(base) }
        }
        #expect(seen.count < 100, "every frame got a fresh buffer: \(seen.count) distinct")
    }

    @Test func sharedFramesSurviveRecycling() {
        let original = Frame(bytes(7, count: 300))
        var copies = [original, original]
        for round in 0..<500 { _ = Frame(bytes(round, count: 300)) }
        copies.append(original)
        #expect(copies.allSatisfy { $0 == Frame(bytes(7, count: 300)) })
    }
}
