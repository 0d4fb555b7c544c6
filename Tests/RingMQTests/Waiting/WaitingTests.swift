import RingMQ
import Testing

/// A connected PUSH → PULL pipeline on `inproc://wait`.
private func pipeline(_ context: TestContext, send: Int = 1000, receive: Int = 1000) throws -> (
    push: Socket, pull: Socket
) {
    let pull = try context.socket(.pull)
    pull.receiveHighWaterMark = receive
    try pull.bind("inproc://wait")
    let push = try context.socket(.push)
    push.sendHighWaterMark = send
    try push.connect("inproc://wait")
    return (push, pull)
}

/// Blocking calls and the peer that wakes them. The peers are real threads (``Peer``), never
/// tasks. The sockets come from a ``TestContext``, with a long ``Scale/safety`` timeout, only so
/// that a lost wake-up fails the test instead of hanging it.
@Suite(.runsAlone) struct WaitingTests {
    // MARK: - Woken by the peer

    @Test func blockingReceiveIsWokenByASendFromAnotherThread() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context)
        let receiver = Peer { try pull.receive() }
        receiver.waitUntilBlocked()
        try push.send("wake up")
        #expect(try receiver.join().get() == "wake up")
    }

    @Test func blockingReceiveWithoutTimeoutIsWokenByASend() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context)
        pull.receiveTimeout = nil  // wait forever
        let receiver = Peer { try pull.receive() }
        receiver.waitUntilBlocked()
        try push.send(["two", "frames"])
        #expect(try receiver.join().get() == ["two", "frames"])
    }

    @Test func blockingReceiveIsWokenWhenAPeerConnectsAndSends() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://late-peer")
        let receiver = Peer { try pull.receive() }
        receiver.waitUntilBlocked()
        let push = try context.socket(.push)
        try push.connect("inproc://late-peer")
        try push.send("hello")
        #expect(try receiver.join().get() == "hello")
    }

    @Test func blockingReceiveIsWokenByABindThatFormsAPendingConnection() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.connect("inproc://bound-later")
        let receiver = Peer { try pull.receive() }
        receiver.waitUntilBlocked()
        let push = try context.socket(.push)
        try push.bind("inproc://bound-later")
        try push.send("hello")
        #expect(try receiver.join().get() == "hello")
    }

    @Test func blockingSendIsWokenWhenTheReaderFreesRoom() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: 1, receive: 1)
        #expect(try fill(push, limit: 10) == 2)
        let sender = Peer { try push.send(numbered(2)) }
        sender.waitUntilBlocked()
        #expect(try pull.receive() == numbered(0))
        #expect(try pull.receive() == numbered(1))
        #expect(try pull.receive() == numbered(2), "the blocked send went through once there was room")
        #expect(throws: Never.self) { try sender.join().get() }
    }

    @Test func blockingSendIsWokenWhenAPeerConnects() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.bind("inproc://no-peer-yet")
        let sender = Peer { try push.send("finally") }
        sender.waitUntilBlocked()
        let pull = try context.socket(.pull)
        try pull.connect("inproc://no-peer-yet")
        #expect(throws: Never.self) { try sender.join().get() }
        #expect(try pull.tryReceive() == "finally")
    }

    @Test func blockingSendIsWokenWhenTheBindRaisesTheLimit() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        push.sendHighWaterMark = 1
        try push.connect("inproc://raise")
        #expect(try push.trySend(numbered(0)))
        let sender = Peer { try push.send(numbered(1)) }
        sender.waitUntilBlocked()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://raise")
        #expect(throws: Never.self) { try sender.join().get() }
        #expect(try drainNumbers(pull) == [0, 1])
    }

    @Test func pairPingPongBetweenThreads() throws {
        let context = TestContext()
        let a = try context.socket(.pair)
        try a.bind("inproc://ping")
        let b = try context.socket(.pair)
        try b.connect("inproc://ping")
        let rounds = 500
        let echo = Peer {
            for _ in 0..<rounds { try b.send(try b.receive()) }
        }
        for i in 0..<rounds {
            try a.send(numbered(i))
            #expect(try a.receive() == numbered(i))
        }
        #expect(throws: Never.self) { try echo.join().get() }
    }

    // MARK: - Timeouts

    @Test func receiveTimesOutNotBeforeTheTimeout() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context)
        pull.receiveTimeout = .milliseconds(50)
        withExtendedLifetime(push) {
            expectTimesOut(after: .milliseconds(50)) { try pull.receive() }
        }
    }

    @Test func receiveWithoutAnyPeerTimesOut() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .milliseconds(20)
        expectTimesOut(after: .milliseconds(20)) { try pull.receive() }
    }

    @Test func sendTimesOutNotBeforeTheTimeout() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: 1, receive: 1)
        #expect(try fill(push, limit: 10) == 2)
        push.sendTimeout = .milliseconds(50)
        expectTimesOut(after: .milliseconds(50)) { try push.send("late") }
        #expect(try drainNumbers(pull) == [0, 1], "the timed-out message was not queued")
    }

    @Test func socketsWorkAfterATimeout() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context)
        pull.receiveTimeout = .milliseconds(10)
        expectTimesOut(after: .milliseconds(10)) { try pull.receive() }
        try push.send("after")
        #expect(try pull.receive() == "after")
    }

    @Test func zeroTimeoutNeverWaits() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: 1, receive: 1)
        pull.receiveTimeout = .zero
        push.sendTimeout = .zero
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: RingMQError.timedOut) { try pull.receive() }
        #expect(try fill(push, limit: 10) == 2)
        #expect(throws: RingMQError.timedOut) { try push.send("full") }
        // Not a tight bound: only "did not wait for a timeout that was never set".
        #expect(start.duration(to: clock.now) < .seconds(5))
        // With a message there, a zero timeout still receives it.
        #expect(try pull.receive() == numbered(0))
    }

    @Test func timeoutsTakeEffectAtOnce() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context)
        // Set after the connection was made, unlike high-water marks they apply immediately.
        pull.receiveTimeout = .milliseconds(20)
        expectTimesOut(after: .milliseconds(20)) { try pull.receive() }
        pull.receiveTimeout = .milliseconds(40)
        expectTimesOut(after: .milliseconds(40)) { try pull.receive() }
        try push.send("x")
        #expect(try pull.receive() == "x")
    }

    @Test func timeoutOptions() throws {
        let socket = try Context().socket(.pull)
        #expect(socket.sendTimeout == nil)
        #expect(socket.receiveTimeout == nil)
        try socket.setOption(.receiveTimeout(.milliseconds(5)))
        #expect(socket.receiveTimeout == .milliseconds(5))
        try socket.setOption(.sendTimeout(.zero))
        #expect(socket.sendTimeout == .zero)
        socket.receiveTimeout = nil
        #expect(socket.receiveTimeout == nil)
        let message = expectError(.invalidOption) { try socket.setOption(.receiveTimeout(.milliseconds(-1))) }
        #expect(message?.contains("receiveTimeout") == true, "the message should name the option: \(message ?? "")")
        expectError(.invalidOption) { try socket.setOption(.sendTimeout(.seconds(-3))) }
        #expect(socket.sendTimeout == .zero)
    }

    // MARK: - Non-blocking calls

    @Test func tryReceiveNeverWaits() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context)
        pull.receiveTimeout = nil  // even where receive() would wait forever
        #expect(try pull.tryReceive() == nil)
        try push.send("x")
        #expect(try pull.tryReceive() == "x")
        #expect(try pull.tryReceive() == nil)
        // Without any peer too.
        let lonely = try context.socket(.pull)
        #expect(try lonely.tryReceive() == nil)
    }

    @Test func trySendNeverWaits() throws {
        let context = TestContext()
        let (push, pull) = try pipeline(context, send: 1, receive: 1)
        push.sendTimeout = .seconds(60)
        #expect(try fill(push, limit: 10) == 2)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try push.trySend("full") == false)
        #expect(start.duration(to: clock.now) < .seconds(30), "trySend waited for the send timeout")
        #expect(try drainNumbers(pull) == [0, 1])
        // Without any peer too.
        let lonely = try context.socket(.push)
        #expect(try lonely.trySend("nobody") == false)
    }
}
