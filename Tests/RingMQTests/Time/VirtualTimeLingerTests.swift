import RingMQ
import RingMQTesting
import Testing

/// `linger` measured on a ``ManualClock``: a PUSH connects before anything is bound, queues
/// messages, and closes with a linger of 5 s. Its connection waits for the bind while the
/// linger lasts on the clock, and is dropped (with what it queued) at the first topology change
/// after the linger has passed: a bind 4 s later delivers the messages, a bind 6 s later
/// finds nothing.
@Suite(.runsAlone) struct VirtualTimeLingerTests {
    /// Connect before bind, queue `count` numbered messages, close with `linger`.
    private func closeWithQueuedMessages(
        _ time: VirtualTime, endpoint: String, linger: Duration?,
        count: Int = 3
    ) throws {
        let push = try time.socket(.push)
        try push.connect(endpoint)
        #expect(try fill(push, limit: count) == count)
        push.linger = linger
        push.close()
    }

    @Test func messagesLingerUntilTheLingerPassesOnTheClock() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        try closeWithQueuedMessages(time, endpoint: "inproc://linger-4s", linger: .seconds(5))
        time.clock.advance(by: .seconds(4))

        let pull = try time.socket(.pull)
        try pull.bind("inproc://linger-4s")
        #expect(try drainNumbers(pull) == [0, 1, 2])
        time.expectFast()
    }

    @Test func messagesAreDroppedOnceTheLingerHasPassedOnTheClock() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        try closeWithQueuedMessages(time, endpoint: "inproc://linger-6s", linger: .seconds(5))
        time.clock.advance(by: .seconds(6))

        let pull = try time.socket(.pull)
        try pull.bind("inproc://linger-6s")
        #expect(try pull.tryReceive() == nil)
        #expect(pull.statistics == SocketStatistics(), "no peer, nothing queued")
        time.expectFast()
    }

    /// The linger ends at the instant it reaches on the clock, to the nanosecond.
    @Test func theLingerEndsExactlyWhenItsTimeIsReached() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        try closeWithQueuedMessages(time, endpoint: "inproc://linger-edge-in", linger: .seconds(5))
        try closeWithQueuedMessages(time, endpoint: "inproc://linger-edge-out", linger: .seconds(5))
        time.clock.advance(by: .seconds(5) - .nanoseconds(1))
        let early = try time.socket(.pull)
        try early.bind("inproc://linger-edge-in")
        #expect(try drainNumbers(early) == [0, 1, 2])

        time.clock.advance(by: .nanoseconds(1))
        let late = try time.socket(.pull)
        try late.bind("inproc://linger-edge-out")
        #expect(try late.tryReceive() == nil)
        time.expectFast()
    }

    /// The connection is dropped at the next topology change of the context after the linger,
    /// whatever that change is: a bind elsewhere, a connect, a close.
    @Test func anUnrelatedTopologyChangePrunesAnExpiredLinger() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        try closeWithQueuedMessages(time, endpoint: "inproc://linger-pruned", linger: .seconds(5))
        time.clock.advance(by: .seconds(6))
        let other = try time.socket(.pull)
        try other.bind("inproc://linger-elsewhere")  // prunes
        let pull = try time.socket(.pull)
        try pull.bind("inproc://linger-pruned")
        #expect(try pull.tryReceive() == nil)
        time.expectFast()
    }

    /// Each lingering connection has its own deadline, from its own close.
    @Test func lingersStartAtTheirOwnClose() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        try closeWithQueuedMessages(time, endpoint: "inproc://linger-two", linger: .seconds(5), count: 1)
        time.clock.advance(by: .seconds(3))
        let second = try time.socket(.push)
        try second.connect("inproc://linger-two")
        try second.send("second")
        second.linger = .seconds(5)
        second.close()
        time.clock.advance(by: .seconds(3))  // 6 s after the first close, 3 s after the second

        let pull = try time.socket(.pull)
        try pull.bind("inproc://linger-two")
        #expect(try drain(pull) == ["second"])
        time.expectFast()
    }

    @Test func noLingerKeepsMessagesUntilTheBindHoweverLong() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        try closeWithQueuedMessages(time, endpoint: "inproc://linger-forever", linger: nil)
        time.clock.advance(by: .seconds(365 * 86_400))
        let pull = try time.socket(.pull)
        try pull.bind("inproc://linger-forever")
        #expect(try drainNumbers(pull) == [0, 1, 2])
        time.expectFast()
    }

    @Test func aZeroLingerDropsAtTheClose() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        try closeWithQueuedMessages(time, endpoint: "inproc://linger-zero", linger: .zero)
        let pull = try time.socket(.pull)
        try pull.bind("inproc://linger-zero")
        #expect(try pull.tryReceive() == nil)
        #expect(time.elapsed == .zero)
        time.expectFast()
    }
}
