import RingMQ
import RingMQTesting
import Testing

/// Timeouts on a ``ManualClock``: each kind of wait with a 30-second timeout — a blocking and
/// an async receive, a blocking and an async send on a full queue (HWM 1), a blocking and an
/// async poll — is still waiting after `advance(by: .seconds(29))` (asleep again, unfinished,
/// still registered on the clock) and ends with `.timedOut` (a poll: with no ready socket)
/// after the 30th second, without waiting out the 30 s in real time (milliseconds when the
/// suite runs alone; the bound asserted is only the 30 s, see ``RealTimeBudget``).
///
/// No sleeps: `waitForSleepers` says when the waiter has reached its wait, and `advance`
/// wakes it before returning.
@Suite(.runsAlone) struct VirtualTimeTests {
    // MARK: - Receive

    @Test func aBlockingReceiveTimesOutAfterThirtySecondsAndNotAfterTwentyNine() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        try pull.bind("inproc://vt-receive")

        let receiving = Peer { try pull.receive() }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        expectStillBlocked(receiving, on: time.clock)
        time.clock.advance(by: .seconds(1))
        #expect(throws: RingMQError.timedOut) { try receiving.join().get() }
        #expect(time.clock.sleepers == 0)
        time.expectFast()
    }

    @Test func anAsyncReceiveTimesOutAfterThirtySecondsAndNotAfterTwentyNine() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        try pull.bind("inproc://vt-receive-async")

        let receiving = TrackedTask { try await pull.receive() }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        await expectStillSuspended(receiving, parkedOn: pull, on: time.clock)
        time.clock.advance(by: .seconds(1))
        await #expect(throws: RingMQError.timedOut) { try await receiving.value() }
        #expect(time.clock.sleepers == 0)
        time.expectFast()
    }

    /// The deadline is the instant 30 s after the call: one nanosecond short of it, the
    /// receive still waits.
    @Test func theDeadlineIsExactToTheNanosecond() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveTimeout = .seconds(30)

        time.clock.advance(by: .seconds(100))  // deadlines count from the call, not from the clock's start
        let receiving = Peer { try pull.receive() }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(30) - .nanoseconds(1))
        expectStillBlocked(receiving, on: time.clock)
        time.clock.advance(by: .nanoseconds(1))
        #expect(throws: RingMQError.timedOut) { try receiving.join().get() }
        #expect(time.elapsed == .seconds(130))
        time.expectFast()
    }

    /// A big jump is as good as many small steps: the waiter is due, and is woken once.
    @Test func oneJumpPastTheDeadlineEndsTheWait() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveTimeout = .seconds(30)

        let receiving = TrackedTask { try await pull.receive() }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(3600))
        await #expect(throws: RingMQError.timedOut) { try await receiving.value() }
        #expect(time.clock.sleepers == 0)
        time.expectFast()
    }

    /// A receive that timed out leaves the socket as it was: the next message is received.
    @Test func theSocketWorksNormallyAfterATimeout() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        try pull.bind("inproc://vt-after-timeout")
        let push = try time.socket(.push)
        try push.connect("inproc://vt-after-timeout")

        let receiving = Peer { try pull.receive() }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(30))
        #expect(throws: RingMQError.timedOut) { try receiving.join().get() }

        try push.send("after the timeout")
        #expect(try pull.receive() == "after the timeout")
        #expect(pull.statistics == SocketStatistics(messagesReceived: 1, peers: 1))
        time.expectFast()
    }

    // MARK: - Send on a full queue

    @Test func aBlockingSendOnAFullQueueTimesOutAfterThirtySecondsAndNotAfterTwentyNine() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let (push, pull) = try fullPushPull(time, endpoint: "inproc://vt-send")
        push.sendTimeout = .seconds(30)

        let sending = Peer { try push.send("no room") }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        expectStillBlocked(sending, on: time.clock)
        time.clock.advance(by: .seconds(1))
        #expect(throws: RingMQError.timedOut) { try sending.join().get() }

        // Nothing was sent: the queue holds what filled it.
        #expect(push.statistics.messagesSent == 2)
        #expect(try drainNumbers(pull) == [0, 1])
        time.expectFast()
    }

    @Test func anAsyncSendOnAFullQueueTimesOutAfterThirtySecondsAndNotAfterTwentyNine() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let (push, pull) = try fullPushPull(time, endpoint: "inproc://vt-send-async")
        push.sendTimeout = .seconds(30)

        let sending = TrackedTask { try await push.send("no room") }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        await expectStillSuspended(sending, parkedOn: push, on: time.clock)
        time.clock.advance(by: .seconds(1))
        await #expect(throws: RingMQError.timedOut) { try await sending.value() }

        #expect(push.statistics.messagesSent == 2)
        #expect(try drainNumbers(pull) == [0, 1])
        time.expectFast()
    }

    /// A send with no peer at all waits too (nothing is bound at the endpoint yet).
    @Test func aSendWithNoPeerTimesOutOnVirtualTime() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let push = try time.socket(.push)
        push.sendTimeout = .seconds(30)

        let sending = Peer { try push.send("nobody there") }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        expectStillBlocked(sending, on: time.clock)
        time.clock.advance(by: .seconds(1))
        #expect(throws: RingMQError.timedOut) { try sending.join().get() }
        time.expectFast()
    }

    /// An XPUB with `xpubNoDrop` waits for a full subscriber instead of dropping: on virtual
    /// time too.
    @Test func anXPubWithNoDropTimesOutOnVirtualTime() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let xpub = try time.socket(.xpub)
        xpub.xpubNoDrop = true
        xpub.sendHighWaterMark = 1
        xpub.sendTimeout = .seconds(30)
        try xpub.bind("inproc://vt-xpub-nodrop")
        let sub = try time.socket(.sub)
        sub.receiveHighWaterMark = 1
        try sub.connect("inproc://vt-xpub-nodrop")
        try sub.subscribe("")
        #expect(try fill(xpub) == 2)

        let sending = Peer { try xpub.send("no room") }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        expectStillBlocked(sending, on: time.clock)
        time.clock.advance(by: .seconds(1))
        #expect(throws: RingMQError.timedOut) { try sending.join().get() }
        #expect(try drainNumbers(sub) == [0, 1])
        time.expectFast()
    }

    // MARK: - Poll

    @Test func aBlockingPollTimesOutAfterThirtySecondsAndNotAfterTwentyNine() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        try pull.bind("inproc://vt-poll")
        let (push, _) = try fullPushPull(time, endpoint: "inproc://vt-poll-full")
        var poller = Poller()
        poller.register(pull, for: .readable)
        poller.register(push, for: .writable)

        let polling = Peer { [poller] in try poller.poll(timeout: .seconds(30)) }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        expectStillBlocked(polling, on: time.clock)
        time.clock.advance(by: .seconds(1))
        #expect(try polling.join().get().isEmpty, "a poll that times out finds nothing ready")
        #expect(time.clock.sleepers == 0)
        time.expectFast()
    }

    @Test func anAsyncPollTimesOutAfterThirtySecondsAndNotAfterTwentyNine() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        try pull.bind("inproc://vt-poll-async")
        let (push, _) = try fullPushPull(time, endpoint: "inproc://vt-poll-async-full")
        var poller = Poller()
        poller.register(pull, for: .readable)
        poller.register(push, for: .writable)

        let polling = TrackedTask { [poller] in try await poller.poll(timeout: .seconds(30)).count }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        await expectStillSuspended(polling, parkedOn: pull, on: time.clock)
        time.clock.advance(by: .seconds(1))
        #expect(try await polling.value() == 0, "a poll that times out finds nothing ready")
        #expect(time.clock.sleepers == 0)
        time.expectFast()
    }

    /// A poll whose sockets are all closed can never be ready: it waits out its timeout, on
    /// the context's clock.
    @Test func aPollOfClosedSocketsWaitsOutItsTimeoutOnVirtualTime() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        var poller = Poller()
        poller.register(pull, for: .readable)
        pull.close()

        let blocking = Peer { [poller] in try poller.poll(timeout: .seconds(30)).count }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        expectStillBlocked(blocking, on: time.clock)
        time.clock.advance(by: .seconds(1))
        #expect(try blocking.join().get() == 0)

        let suspended = TrackedTask { [poller] in try await poller.poll(timeout: .seconds(30)).count }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        #expect(time.clock.sleepers == 1)
        #expect(!suspended.isFinished)
        time.clock.advance(by: .seconds(1))
        #expect(try await suspended.value() == 0)
        time.expectFast()
    }

    // MARK: - Zero

    /// `.zero` never waits, on virtual time as on real time: nothing registers on the clock.
    @Test func aZeroTimeoutNeverWaitsNorRegisters() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveTimeout = .zero
        let (push, _) = try fullPushPull(time, endpoint: "inproc://vt-zero")
        push.sendTimeout = .zero
        var poller = Poller()
        poller.register(pull, for: .readable)

        expectError(.timedOut) { try pull.receive() }
        await expectAsyncError(.timedOut) { try await pull.receive() }
        expectError(.timedOut) { try push.send("no room") }
        await expectAsyncError(.timedOut) { try await push.send("no room") }
        let blockingPoll = { [poller] () throws -> [Poller.Item] in try poller.poll(timeout: .zero) }
        #expect(try blockingPoll().isEmpty)
        #expect(try await poller.poll(timeout: .zero).isEmpty)
        #expect(time.clock.sleepers == 0)
        #expect(time.elapsed == .zero)
        time.expectFast()
    }
}
