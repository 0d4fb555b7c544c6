import RingMQ
import Testing

@Suite(.runsAlone) struct TerminateTests {
    // MARK: - Waking blocked calls
    //
    // The blocked calls wait forever, or for a minute, so only terminate() can end them within
    // the peer's bounded join (``Scale/safety``): a terminate that failed to wake them fails the
    // test there instead of hanging it.

    @Test(arguments: [nil, Duration.seconds(60)])
    func aThreadBlockedInReceiveWakesWithTerminated(timeout: Duration?) throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://blocked")
        let push = try context.socket(.push)
        try push.connect("inproc://blocked")
        pull.receiveTimeout = timeout
        let receiver = Peer { try pull.receive() }
        receiver.waitUntilBlocked()
        context.terminate()
        #expect(throws: RingMQError.terminated) { try receiver.join().get() }
    }

    @Test(arguments: [nil, Duration.seconds(60)])
    func aThreadBlockedInSendToAFullPeerWakesWithTerminated(timeout: Duration?) throws {
        let context = TestContext()
        let (push, pull) = try tinyConnection(context, "full")
        defer { withExtendedLifetime(pull) {} }  // the full peer stays open throughout
        #expect(try fill(push, limit: 10) == 2)
        push.sendTimeout = timeout
        let sender = Peer { try push.send("blocked") }
        sender.waitUntilBlocked()
        context.terminate()
        #expect(throws: RingMQError.terminated) { try sender.join().get() }
    }

    @Test func aThreadBlockedInSendWithoutPeersWakesWithTerminated() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        push.sendTimeout = nil
        #expect(try push.trySend("nobody") == false)
        let sender = Peer { try push.send("blocked") }
        sender.waitUntilBlocked()
        context.terminate()
        #expect(throws: RingMQError.terminated) { try sender.join().get() }
    }

    @Test func everyBlockedThreadOfTheContextWakes() throws {
        let context = TestContext()
        let pulls = try (0..<3).map { i in
            let pull = try context.socket(.pull)
            try pull.bind("inproc://many-\(i)")
            pull.receiveTimeout = nil
            return pull
        }
        let pair = try context.socket(.pair)
        try pair.connect("inproc://pair-never-bound")
        pair.receiveTimeout = nil
        let push = try context.socket(.push)
        push.sendTimeout = nil
        let blocked =
            pulls.map { pull in Peer { try pull.receive() } }
            + [
                Peer { try pair.receive() },
                Peer { () throws -> Message in
                    try push.send("nobody")
                    return "sent"
                },
            ]
        for peer in blocked { peer.waitUntilBlocked() }
        context.terminate()
        for peer in blocked {
            #expect(throws: RingMQError.terminated) { try peer.join().get() }
        }
    }

    @Test func terminateLeavesOtherContextsAlone() throws {
        let doomed = TestContext()
        let other = TestContext()
        let pull = try other.socket(.pull)
        try pull.bind("inproc://same-name")
        let push = try other.socket(.push)
        try push.connect("inproc://same-name")
        let doomedPull = try doomed.socket(.pull)
        try doomedPull.bind("inproc://same-name")
        doomed.terminate()
        try push.send("unaffected")
        #expect(try pull.tryReceive() == "unaffected")
        #expect(throws: RingMQError.terminated) { try doomedPull.tryReceive() }
        _ = try other.socket(.push)
    }

    // MARK: - Afterwards

    @Test func laterCallsThrowTerminated() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://after")
        let push = try context.socket(.push)
        try push.connect("inproc://after")
        try push.send("queued before terminate")
        push.sendTimeout = .milliseconds(100)  // only to fail rather than block if terminate did nothing
        pull.receiveTimeout = .milliseconds(100)
        context.terminate()

        #expect(throws: RingMQError.terminated) { try push.send("x") }
        #expect(throws: RingMQError.terminated) { try push.trySend("x") }
        #expect(throws: RingMQError.terminated) { try pull.receive() }
        #expect(throws: RingMQError.terminated) { try pull.tryReceive() }
        #expect(throws: RingMQError.terminated) { try pull.bind("inproc://new") }
        #expect(throws: RingMQError.terminated) { try push.connect("inproc://new") }
        #expect(throws: RingMQError.terminated) { try pull.unbind("inproc://after") }
        #expect(throws: RingMQError.terminated) { try push.disconnect("inproc://after") }
        // close() does not throw, and stays idempotent.
        pull.close()
        pull.close()
    }

    @Test func settingAnOptionAfterTerminateThrowsTerminated() throws {
        let context = TestContext()
        let socket = try context.socket(.push)
        context.terminate()
        #expect(throws: RingMQError.terminated) { try socket.setOption(.sendHighWaterMark(5)) }
        #expect(throws: RingMQError.terminated) { try socket.setOption(.receiveHighWaterMark(5)) }
    }

    @Test func creatingASocketThrowsTerminated() throws {
        let context = TestContext()
        context.terminate()
        for type in [SocketType.pair, .push, .pull] {
            #expect(throws: RingMQError.terminated) { try context.socket(type) }
        }
    }

    @Test func terminateTwiceIsFine() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        context.terminate()
        context.terminate()
        #expect(throws: RingMQError.terminated) { try pull.tryReceive() }
        #expect(throws: RingMQError.terminated) { try context.socket(.push) }
    }

    @Test func terminateFromAnotherThread() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://remote")
        let terminator = Peer { context.terminate() }
        #expect(throws: Never.self) { try terminator.join().get() }
        #expect(throws: RingMQError.terminated) { try pull.receive() }
    }

    @Test func terminatedErrorIsReadable() {
        #expect(String(describing: RingMQError.terminated).contains("terminated"))
    }
}
