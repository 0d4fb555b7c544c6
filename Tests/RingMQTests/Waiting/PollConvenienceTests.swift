import RingMQ
import Testing

/// The conveniences around polling: `Socket` as a dictionary key and set member (identity),
/// a poll's result asked about one socket, the single-socket poll (blocking and async) and a
/// poll of a subset of a poller's sockets (blocking and async).
///
/// Bounded: every poll that must be woken carries a ``Scale/safety`` timeout (a lost wake-up
/// returns empty and fails the test).
@Suite(.runsAlone) struct PollConvenienceTests {
    // MARK: - Identity

    @Test func socketsAreEqualAndHashedByIdentity() throws {
        let test = TestContext()
        let first = try test.socket(.pull)
        let second = try test.socket(.pull)
        #expect(first == first && first != second)
        var handlers: [Socket: String] = [first: "first"]
        handlers[second] = "second"
        handlers[first] = "first again"
        #expect(handlers.count == 2 && handlers[first] == "first again" && handlers[second] == "second")
        #expect(Set([first, second, first]).count == 2)
    }

    // MARK: - Asking a result about one socket

    @Test func aResultAnswersForEachSocket() throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-result", count: 3)
        var poller = fixture.readablePoller
        poller.register(fixture.pushes[2], for: [.readable, .writable])
        try fixture.pushes[1].send("x")
        let ready = try poller.poll(timeout: .zero)
        #expect(ready.isReadable(fixture.pulls[1]) && !ready.isWritable(fixture.pulls[1]))
        #expect(!ready.isReadable(fixture.pulls[0]) && ready.events(for: fixture.pulls[0]).isEmpty)
        #expect(ready.isWritable(fixture.pushes[2]) && !ready.isReadable(fixture.pushes[2]))
        #expect(ready.events(for: fixture.pushes[2]) == .writable)
        #expect(ready.events(for: fixture.pushes[0]).isEmpty)  // not polled at all
    }

    // MARK: - One socket

    @Test func aSingleSocketPollReportsWithoutWaiting() throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "poll-one-now")
        #expect(try pull.poll(.readable, timeout: .zero).isEmpty)
        #expect(try push.poll([.readable, .writable], timeout: .zero) == .writable)
        try push.send("a")
        try push.send("b")
        #expect(try pull.poll([.readable, .writable], timeout: .zero) == .readable)
        #expect(try push.poll(.writable, timeout: .zero).isEmpty)  // full
        #expect(try pull.tryReceive() == "a")
    }

    @Test func aBlockingSingleSocketPollIsWokenByASend() throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "poll-one-block")
        let polling = Peer { try pull.poll(.readable, timeout: Scale.safety) }
        polling.waitUntilBlocked()
        try push.send("wake")
        #expect(try polling.join().get() == .readable)
        #expect(try pull.tryReceive() == "wake")
    }

    @Test func aBlockingSingleSocketPollTimesOutEmpty() throws {
        let test = TestContext()
        let (_, pull) = try tinyConnection(test, "poll-one-timeout")
        let polling = Peer { try pull.poll(.readable, timeout: .milliseconds(20)) }
        #expect(try polling.join().get().isEmpty)
    }

    @Test func anAsyncSingleSocketPollIsWokenWhenAPushGetsRoom() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "poll-one-async")
        #expect(try fill(push) == 2)
        let polling = Task { try await push.poll(.writable, timeout: Scale.safety) }
        #expect(await waitUntilParked(push))
        #expect(try drainNumbers(pull) == [0, 1])
        #expect(try await polling.value == .writable)
    }

    @Test func aSingleSocketPollOfAClosedSocketThrows() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        pull.close()
        expectError(.socketClosed) { try pull.poll(.readable, timeout: .zero) }
        await #expect(throws: RingMQError.socketClosed) { try await pull.poll(.readable, timeout: nil) }
    }

    @Test func aSingleSocketPollThrowsTerminated() throws {
        let test = TestContext()
        let (_, pull) = try tinyConnection(test, "poll-one-term")
        let polling = Peer { try pull.poll(.readable, timeout: Scale.safety) }
        polling.waitUntilBlocked()
        test.context.terminate()
        #expect(throws: RingMQError.terminated) { try polling.join().get() }
    }

    // MARK: - A subset of a poller's sockets

    @Test func aSubsetPollLooksOnlyAtTheSocketsItNames() throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-only", count: 4)
        let poller = fixture.readablePoller
        try fixture.pushes[0].send("x")
        try fixture.pushes[3].send("x")
        #expect(try poller.poll(only: [fixture.pulls[1], fixture.pulls[2]], timeout: .zero).isEmpty)
        let ready = try poller.poll(only: [fixture.pulls[3], fixture.pulls[1], fixture.pulls[0]], timeout: .zero)
        #expect(fixture.indices(ready) == [0, 3])  // registration order
        #expect(fixture.indices(try poller.poll(only: Set([fixture.pulls[3]]), timeout: .zero)) == [3])
        #expect(try poller.poll(only: [], timeout: .zero).isEmpty)
    }

    @Test func aBlockingSubsetPollIsNotEndedByASocketLeftOut() throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-only-block", count: 3)
        let poller = fixture.readablePoller
        try fixture.pushes[0].send("left out")  // ready, but not asked for
        let polling = Peer { try poller.poll(only: [fixture.pulls[1], fixture.pulls[2]], timeout: Scale.safety) }
        polling.waitUntilBlocked()
        try fixture.pushes[2].send("wake")
        #expect(fixture.indices(try polling.join().get()) == [2])
    }

    @Test func anAsyncSubsetPollIsWokenByASocketItNames() async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-only-async", count: 3)
        let poller = fixture.readablePoller
        try await fixture.pushes[0].send("left out")
        let polling = Task { try await poller.poll(only: [fixture.pulls[2], fixture.pulls[1]], timeout: Scale.safety) }
        #expect(await waitUntilParked(fixture.pulls[1]), "the poll did not park on its first socket")
        try await fixture.pushes[1].send("wake")
        #expect(fixture.indices(try await polling.value) == [1])
    }

    @Test func aSubsetNamingAnUnregisteredSocketIsRefused() async throws {
        let test = TestContext()
        let fixture = try PollFixture(test, name: "poll-only-bad", count: 2)
        var poller = Poller()
        poller.register(fixture.pulls[0], for: .readable)
        let message = expectError(.invalidState) { try poller.poll(only: [fixture.pulls[1]], timeout: .zero) }
        #expect(message?.contains("not registered") == true)
        await #expect(throws: RingMQError.self) { try await poller.poll(only: fixture.pulls, timeout: .zero) }
    }
}
