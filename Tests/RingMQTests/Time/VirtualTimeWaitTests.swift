import RingMQ
import RingMQTesting
import Testing

/// How waits on a ``ManualClock`` end other than by their deadline: a wait without a timeout is
/// never registered on the clock and never times out, however far the clock moves; a message
/// (or room) that arrives before the deadline wins, the registration goes, and later advances
/// change nothing; `terminate()` wakes virtual-time waiters with `.terminated`. And the manual
/// clock's own surface: `sleep(until:)`, `advance(to:)`, `waitForSleepers` giving up.
@Suite(.runsAlone) struct VirtualTimeWaitTests {
    // MARK: - No timeout: never on the clock

    @Test func aBlockingReceiveWithoutTimeoutIsNotOnTheClockAndNeverTimesOut() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        try pull.bind("inproc://vt-forever")
        let push = try time.socket(.push)
        try push.connect("inproc://vt-forever")

        let receiving = Peer { try pull.receive() }
        receiving.waitUntilBlocked()
        #expect(time.clock.sleepers == 0)
        time.clock.advance(by: .seconds(365 * 86_400))
        expectStillBlocked(receiving, on: time.clock, sleepers: 0)

        try push.send("a year later")
        #expect(try receiving.join().get() == "a year later")
        time.expectFast()
    }

    @Test func anAsyncReceiveWithoutTimeoutIsNotOnTheClockAndNeverTimesOut() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        try pull.bind("inproc://vt-forever-async")
        let push = try time.socket(.push)
        try push.connect("inproc://vt-forever-async")

        let receiving = TrackedTask { try await pull.receive() }
        #expect(await waitUntilParked(pull))
        #expect(time.clock.sleepers == 0)
        time.clock.advance(by: .seconds(365 * 86_400))
        await expectStillSuspended(receiving, parkedOn: pull, on: time.clock, sleepers: 0)

        try await push.send("a year later")
        #expect(try await receiving.value() == "a year later")
        time.expectFast()
    }

    @Test func aSendAndPollsWithoutTimeoutAreNotOnTheClock() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let (push, pull) = try fullPushPull(time, endpoint: "inproc://vt-forever-send")
        let idle = try time.socket(.pull)
        try idle.bind("inproc://vt-forever-poll")
        var poller = Poller()
        poller.register(idle, for: .readable)

        let sending = Peer { try push.send("waits for room") }
        let blockingPoll = Peer { [poller] in try poller.poll(timeout: nil).count }
        sending.waitUntilBlocked()
        blockingPoll.waitUntilBlocked()
        #expect(time.clock.sleepers == 0)
        time.clock.advance(by: .seconds(86_400))
        expectStillBlocked(sending, on: time.clock, sleepers: 0)
        expectStillBlocked(blockingPoll, on: time.clock, sleepers: 0)

        // Room and a message end them, not time.
        #expect(try pull.tryReceive() == numbered(0))
        #expect(try pull.tryReceive() == numbered(1))
        try sending.join().get()
        #expect(try pull.tryReceive() == "waits for room")
        let wake = try time.socket(.push)
        try wake.connect("inproc://vt-forever-poll")
        try await wake.send("ready")
        #expect(try blockingPoll.join().get() == 1)

        // The async poll: same.
        let asyncPoll = TrackedTask { [poller] in try await poller.poll(timeout: nil).count }
        #expect(try await asyncPoll.value() == 1, "the message is still queued")
        _ = try idle.tryReceive()
        let waiting = TrackedTask { [poller] in try await poller.poll(timeout: nil).count }
        #expect(await waitUntilParked(idle))
        time.clock.advance(by: .seconds(86_400))
        await expectStillSuspended(waiting, parkedOn: idle, on: time.clock, sleepers: 0)
        try await wake.send("ready again")
        #expect(try await waiting.value() == 1)
        time.expectFast()
    }

    // MARK: - A message before the deadline wins

    @Test func aMessageBeforeTheDeadlineWinsABlockingReceive() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        try pull.bind("inproc://vt-wins")
        let push = try time.socket(.push)
        try push.connect("inproc://vt-wins")

        let receiving = Peer { try pull.receive() }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        try push.send("just in time")
        #expect(try receiving.join().get() == "just in time")
        #expect(time.clock.sleepers == 0, "the wait left the clock when it ended")

        // Later advances change nothing: no late timeout, nothing lost or invented.
        time.clock.advance(by: .seconds(60))
        #expect(try pull.tryReceive() == nil)
        try push.send("next")
        #expect(try pull.receive() == "next")
        #expect(pull.statistics == SocketStatistics(messagesReceived: 2, peers: 1))
        time.expectFast()
    }

    @Test func aMessageBeforeTheDeadlineWinsAnAsyncReceive() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        try pull.bind("inproc://vt-wins-async")
        let push = try time.socket(.push)
        try push.connect("inproc://vt-wins-async")

        let receiving = TrackedTask { try await pull.receive() }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        try await push.send("just in time")
        #expect(try await receiving.value() == "just in time")
        #expect(time.clock.sleepers == 0)

        time.clock.advance(by: .seconds(60))
        #expect(try pull.tryReceive() == nil)
        try await push.send("next")
        #expect(try await pull.receive() == "next")
        time.expectFast()
    }

    @Test func roomBeforeTheDeadlineWinsABlockingAndAnAsyncSend() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let (push, pull) = try fullPushPull(time, endpoint: "inproc://vt-room-wins")
        push.sendTimeout = .seconds(30)

        let sending = Peer { try push.send("blocking") }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        #expect(try pull.tryReceive() == numbered(0))
        #expect(try pull.tryReceive() == numbered(1))
        try sending.join().get()
        #expect(time.clock.sleepers == 0)

        #expect(try push.trySend("fills the pipe again"))
        let asyncSending = TrackedTask { try await push.send("async") }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        #expect(try pull.tryReceive() == "blocking")
        #expect(try pull.tryReceive() == "fills the pipe again")
        try await asyncSending.value()
        #expect(time.clock.sleepers == 0)

        time.clock.advance(by: .seconds(60))
        #expect(try pull.tryReceive() == "async")
        #expect(try pull.tryReceive() == nil)
        #expect(push.statistics.messagesSent == 5)
        time.expectFast()
    }

    @Test func aMessageBeforeTheDeadlineWinsBlockingAndAsyncPolls() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pulls = try (0..<3).map { index in
            let pull = try time.socket(.pull)
            try pull.bind("inproc://vt-poll-wins-\(index)")
            return pull
        }
        let push = try time.socket(.push)
        try push.connect("inproc://vt-poll-wins-2")
        var poller = Poller()
        for pull in pulls { poller.register(pull, for: .readable) }

        let blocking = Peer { [poller] in try poller.poll(timeout: .seconds(30)).map { $0.socket === pulls[2] } }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        try await push.send("to the third")
        #expect(try blocking.join().get() == [true])
        #expect(time.clock.sleepers == 0)
        #expect(try pulls[2].tryReceive() == "to the third")

        let suspended = TrackedTask { [poller] in
            try await poller.poll(timeout: .seconds(30)).map { $0.socket === pulls[2] }
        }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        try await push.send("again")
        #expect(try await suspended.value() == [true])
        #expect(time.clock.sleepers == 0)
        time.clock.advance(by: .seconds(60))
        #expect(try pulls[2].tryReceive() == "again")
        time.expectFast()
    }

    // MARK: - Terminate

    /// Every kind of virtual-time waiter, woken by `terminate()` long before its deadline.
    @Test func terminateWakesVirtualTimeWaitersWithTerminated() async throws {
        let time = VirtualTime()
        let pull = try time.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        try pull.bind("inproc://vt-terminate")
        let asyncPull = try time.socket(.pull)
        asyncPull.receiveTimeout = .seconds(30)
        let (push, _) = try fullPushPull(time, endpoint: "inproc://vt-terminate-full")
        push.sendTimeout = .seconds(30)
        let asyncPush = try time.socket(.push)
        asyncPush.sendTimeout = .seconds(30)
        let polled = try time.socket(.pull)
        var poller = Poller()
        poller.register(polled, for: .readable)
        let asyncPolled = try time.socket(.pull)
        var asyncPoller = Poller()
        asyncPoller.register(asyncPolled, for: .readable)

        let receiving = Peer { try pull.receive() }
        let sending = Peer { try push.send("no room") }
        let polling = Peer { [poller] in try poller.poll(timeout: .seconds(30)).count }
        let asyncReceiving = TrackedTask { try await asyncPull.receive() }
        let asyncSending = TrackedTask { try await asyncPush.send("no peer") }
        let asyncPolling = TrackedTask { [asyncPoller] in try await asyncPoller.poll(timeout: .seconds(30)).count }
        #expect(await time.clock.waitForSleepers(6))
        time.clock.advance(by: .seconds(10))
        #expect(time.clock.sleepers == 6)

        time.terminate()
        #expect(throws: RingMQError.terminated) { try receiving.join().get() }
        #expect(throws: RingMQError.terminated) { try sending.join().get() }
        #expect(throws: RingMQError.terminated) { try polling.join().get() }
        await #expect(throws: RingMQError.terminated) { try await asyncReceiving.value() }
        await #expect(throws: RingMQError.terminated) { try await asyncSending.value() }
        await #expect(throws: RingMQError.terminated) { try await asyncPolling.value() }
        #expect(time.clock.sleepers == 0, "every wait left the clock when it ended")
        #expect(time.elapsed == .seconds(10))
        time.expectFast()
    }

    // MARK: - The manual clock itself

    @Test func sleepUntilResumesWhenTheClockReachesTheInstant() async throws {
        let clock = ManualClock()
        let start = clock.now
        let sleeping = TrackedTask { try await clock.sleep(until: start.advanced(by: .seconds(5))) }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(4))
        #expect(clock.sleepers == 1)
        #expect(!sleeping.isFinished)
        clock.advance(by: .seconds(1))
        try await sleeping.value()
        #expect(clock.now == start.advanced(by: .seconds(5)))
        #expect(start.duration(to: clock.now) == .seconds(5))

        // Through the `Clock` protocol, as generic code sleeps.
        @Sendable func pause<C: Clock>(on clock: C, for duration: C.Duration) async throws {
            try await clock.sleep(for: duration)
        }
        let generic = TrackedTask { try await pause(on: clock, for: .milliseconds(1500)) }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(1))
        #expect(!generic.isFinished)
        clock.advance(by: .seconds(1))
        try await generic.value()
    }

    @Test func sleepUntilANowOrPastInstantReturnsAtOnce() async throws {
        let clock = ManualClock()
        clock.advance(by: .seconds(3))
        try await clock.sleep(until: clock.now)
        try await clock.sleep(until: ManualClock.Instant(offset: .seconds(1)))
        #expect(clock.sleepers == 0)
    }

    @Test func aCancelledSleepThrowsAndLeavesTheClock() async throws {
        let clock = ManualClock()
        let sleeping = TrackedTask { try await clock.sleep(until: clock.now.advanced(by: .seconds(5))) }
        #expect(await clock.waitForSleepers(1))
        sleeping.task.cancel()
        await #expect(throws: CancellationError.self) { try await sleeping.value() }
        #expect(clock.sleepers == 0)
    }

    @Test func advanceToAnEarlierInstantDoesNothing() async throws {
        let clock = ManualClock()
        clock.advance(to: ManualClock.Instant(offset: .seconds(10)))
        #expect(clock.now.offset == .seconds(10))
        let sleeping = TrackedTask { try await clock.sleep(until: ManualClock.Instant(offset: .seconds(12))) }
        #expect(await clock.waitForSleepers(1))
        clock.advance(to: ManualClock.Instant(offset: .seconds(5)))
        clock.advance(by: .zero)
        #expect(clock.now.offset == .seconds(10))
        #expect(clock.sleepers == 1)
        clock.advance(to: ManualClock.Instant(offset: .seconds(12)))
        try await sleeping.value()
    }

    @Test func waitForSleepersGivesUpAfterItsTimeout() async {
        let clock = ManualClock()
        let start = ContinuousClock.now
        let blockingWait = { clock.waitForSleepers(1, timeout: .milliseconds(20)) }
        #expect(blockingWait() == false)
        #expect(await clock.waitForSleepers(1, timeout: .milliseconds(20)) == false)
        #expect(clock.waitForSleepers(0, timeout: .zero), "zero sleepers: already there")
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(40) && elapsed < RealTimeBudget.limit + .seconds(1))
    }

    /// Two contexts on one clock: one advance reaches the waiters of both.
    @Test func oneClockCanDriveSeveralContexts() throws {
        let clock = ManualClock()
        let contexts = [Context(clock: clock), Context(clock: clock)]
        defer { for context in contexts { context.terminate() } }
        let pulls = try contexts.enumerated().map { index, context in
            let pull = try context.socket(.pull)
            pull.receiveTimeout = .seconds(Int64(10 * (index + 1)))
            return pull
        }
        let waiting = pulls.map { pull in Peer { try pull.receive() } }
        #expect(clock.waitForSleepers(2))
        clock.advance(by: .seconds(10))
        #expect(throws: RingMQError.timedOut) { try waiting[0].join().get() }
        expectStillBlocked(waiting[1], on: clock)
        clock.advance(by: .seconds(10))
        #expect(throws: RingMQError.timedOut) { try waiting[1].join().get() }
    }
}
