import RingMQ
import Testing

/// `Poller.poll` that has to wait: a blocking poll (on a ``Peer`` thread, asleep in the
/// kernel) or an async poll (parked) over ten sockets, woken by a message on the socket it
/// sleeps on or on any other; woken for room to send; ended by its timeout (`[]`), by
/// terminate (`.terminated`) or by cancellation. Registered sockets that are closed are
/// skipped, also as the socket the wait would sleep on.
///
/// Bounded: polls that must be woken carry a ``Scale/safety`` timeout (a lost wake-up returns
/// `[]` and fails the test) or run under ``withTimeout(_:sourceLocation:_:)``.
@Suite(.runsAlone) struct PollerWaitTests {
    // MARK: - Woken by a message

    /// Index 0 is the socket the poll sleeps on; the others wake it as watchers.
    @Test(arguments: [0, 5, 9])
    func aBlockingPollIsWokenByASendToAnyOfTenSockets(index: Int) throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-block-wake-\(index)")
        let poller = fixture.readablePoller
        let polling = Peer { try poller.poll(timeout: Scale.safety) }
        polling.waitUntilBlocked()
        try fixture.pushes[index].send("wake")
        let items = try polling.join().get()
        #expect(fixture.indices(items) == [index])
        #expect(try fixture.pulls[index].tryReceive() == "wake")
    }

    @Test(arguments: [0, 5, 9])
    func anAsyncPollIsWokenByASendToAnyOfTenSockets(index: Int) async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-async-wake-\(index)")
        let poller = fixture.readablePoller
        let polling = Task { try await poller.poll(timeout: Scale.safety) }
        #expect(await waitUntilParked(fixture.pulls[0]), "the poll did not park on its first socket")
        try await fixture.pushes[index].send("wake")
        #expect(fixture.indices(try await polling.value) == [index])
    }

    @Test func aBlockingPollIsWokenWhenAPushGetsRoom() throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "poll-block-room")
        #expect(try fill(push) == 2)
        var poller = Poller()
        poller.register(push, for: .writable)

        let polling = Peer { [poller] in try poller.poll(timeout: Scale.safety) }
        polling.waitUntilBlocked()
        #expect(try drainNumbers(pull) == [0, 1])
        let items = try polling.join().get()
        #expect(items.count == 1 && items.first?.socket === push && items.first?.events == .writable)
    }

    @Test func anAsyncPollIsWokenWhenAPushGetsRoom() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "poll-async-room")
        #expect(try fill(push) == 2)
        var poller = Poller()
        poller.register(push, for: .writable)

        let polling = Task { [poller] in try await poller.poll(timeout: Scale.safety) }
        #expect(await waitUntilParked(push))
        #expect(try drainNumbers(pull) == [0, 1])
        let items = try await polling.value
        #expect(items.count == 1 && items.first?.socket === push && items.first?.events == .writable)
    }

    /// A PULL registered first (the socket the wait sleeps on) and a full PUSH registered for
    /// `.writable` after it: room made on the PUSH must reach the sleeper through the watcher.
    private func readableThenFullPush(_ test: TestContext, _ name: String) throws -> (
        poller: Poller, push: Socket, pull: Socket
    ) {
        let idle = try test.socket(.pull)
        try idle.bind("inproc://\(name)-idle")
        let (push, pull) = try tinyConnection(test, name)
        #expect(try fill(push) == 2)
        var poller = Poller()
        poller.register(idle, for: .readable)
        poller.register(push, for: .writable)
        return (poller, push, pull)
    }

    @Test func aBlockingPollIsWokenByRoomOnASocketItDoesNotSleepOn() throws {
        let test = TestContext()
        let (poller, push, pull) = try readableThenFullPush(test, "poll-block-room-watcher")
        let polling = Peer { try poller.poll(timeout: Scale.safety) }
        polling.waitUntilBlocked()
        #expect(try drainNumbers(pull) == [0, 1])
        let items = try polling.join().get()
        #expect(items.count == 1 && items.first?.socket === push && items.first?.events == .writable)
    }

    @Test func anAsyncPollIsWokenByRoomOnASocketItDoesNotSleepOn() async throws {
        let test = TestContext()
        let (poller, push, pull) = try readableThenFullPush(test, "poll-async-room-watcher")
        let polling = Task { try await poller.poll(timeout: Scale.safety) }
        #expect(await waitUntilParked(poller.sockets[0]))
        #expect(try drainNumbers(pull) == [0, 1])
        let items = try await polling.value
        #expect(items.count == 1 && items.first?.socket === push && items.first?.events == .writable)
    }

    @Test func anAsyncPollSleepsOnItsFirstOpenSocketWhenTheFirstIsClosed() async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-async-closed-first", count: 3)
        let poller = fixture.readablePoller
        fixture.pulls[0].close()
        let polling = Task { try await poller.poll(timeout: Scale.safety) }
        #expect(await waitUntilParked(fixture.pulls[1]))
        try await fixture.pushes[2].send("wake")
        #expect(fixture.indices(try await polling.value) == [2])
    }

    @Test func aBlockingPollSkipsAClosedSocketAndWakesForAnother() throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-block-closed", count: 3)
        let poller = fixture.readablePoller
        try fixture.pushes[0].send("gone with the socket")
        fixture.pulls[0].close()
        let polling = Peer { try poller.poll(timeout: Scale.safety) }
        polling.waitUntilBlocked()
        try fixture.pushes[1].send("wake")
        #expect(fixture.indices(try polling.join().get()) == [1])
    }

    // MARK: - Timeouts

    @Test func aBlockingPollTimesOutWithNothingReady() throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-block-timeout")
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try fixture.readablePoller.poll(timeout: .milliseconds(50)).isEmpty)
        #expect(start.duration(to: clock.now) >= .milliseconds(50))
    }

    @Test func anAsyncPollTimesOutWithNothingReady() async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-async-timeout")
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await fixture.readablePoller.poll(timeout: .milliseconds(50)).isEmpty)
        #expect(start.duration(to: clock.now) >= .milliseconds(50))
    }

    @Test func aPollWithEveryRegisteredSocketClosedWaitsOutItsTimeout() async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-all-closed", count: 2)
        let poller = fixture.readablePoller
        for pull in fixture.pulls { pull.close() }
        let clock = ContinuousClock()

        let start = clock.now
        #expect(try await poller.poll(timeout: .milliseconds(30)).isEmpty)
        #expect(start.duration(to: clock.now) >= .milliseconds(30))
        let blocking = Peer { () throws -> Duration in
            let start = clock.now
            guard try poller.poll(timeout: .milliseconds(30)).isEmpty else { return .zero }
            return start.duration(to: clock.now)
        }
        #expect(try blocking.join().get() >= .milliseconds(30))

        // Without a timeout there is nothing to wait for: both forms return at once.
        #expect(try await withTimeout { try await poller.poll(timeout: nil) }.isEmpty)
        let unbounded = Peer { try poller.poll(timeout: nil) }
        #expect(try unbounded.join().get().isEmpty)
    }

    // MARK: - Terminate and cancel

    @Test func terminateWakesABlockingPoll() throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-block-terminate")
        let poller = fixture.readablePoller
        let polling = Peer { try poller.poll(timeout: nil) }
        polling.waitUntilBlocked()
        test.terminate()
        #expect(throws: RingMQError.terminated) { try polling.join().get() }
    }

    @Test func terminateWakesAnAsyncPoll() async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-async-terminate")
        let poller = fixture.readablePoller
        let polling = Task { try await poller.poll(timeout: nil) }
        #expect(await waitUntilParked(fixture.pulls[0]))
        test.terminate()
        try await withTimeout {
            await #expect(throws: RingMQError.terminated) { try await polling.value }
        }
    }

    @Test func cancellingAnAsyncPollEndsIt() async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-async-cancel")
        let poller = fixture.readablePoller
        let polling = Task { try await poller.poll(timeout: nil) }
        #expect(await waitUntilParked(fixture.pulls[0]))
        polling.cancel()
        try await withTimeout {
            await #expect(throws: CancellationError.self) { try await polling.value }
        }
        // The poll took nothing and left the sockets usable.
        try await fixture.pushes[3].send("after")
        #expect(fixture.indices(try await poller.poll(timeout: .zero)) == [3])
    }
}
