import RingMQ
import Testing

/// Regressions the model-based test (``SocketModelTests``) found: each sequence is the
/// shortest form of a seed that once disagreed with the model or crashed.
@Suite(.runsAlone) struct ModelFoundRegressionTests {
    // MARK: - A socket is never its own peer

    /// `connect` refuses an endpoint the socket bound itself (`.invalidState`); a connect made
    /// *before* the socket binds the same name used to form at the bind, joining the socket to
    /// itself: it received its own messages, and a `disconnect` then freed pipes still in its
    /// round-robin (a use after free, found as a crash in `tryReceive`). The bind now refuses
    /// that connection like any it cannot accept, and the socket takes back what it queued.
    @Test(arguments: [SocketType.dealer, .pair])
    func aConnectBeforeTheSameSocketBindsIsRefusedAtTheBind(type: SocketType) throws {
        let context = TestContext()
        let socket = try context.socket(type)
        try socket.connect("inproc://self")
        #expect(try socket.trySend("queued before the bind"))
        try socket.bind("inproc://self")
        #expect(try socket.tryReceive() == nil, "a socket must not receive its own message")
        #expect(socket.statistics.peers == 0)
        #expect(!(try socket.trySend("no peer")), "nobody to send to")
        try socket.disconnect("inproc://self")
        #expect(try socket.tryReceive() == nil)

        // It still works with a real peer.
        let peer = try context.socket(type)
        try peer.connect("inproc://self")
        #expect(try socket.trySend("to the peer"))
        let expected: [Message] = type == .dealer ? ["queued before the bind", "to the peer"] : ["to the peer"]
        #expect(try drain(peer) == expected, "a DEALER takes back what it queued; a PAIR drops it")
        #expect(try peer.trySend("back"))
        #expect(try socket.tryReceive() == "back")
    }

    // MARK: - A closed publisher keeps its drop count

    /// "A closed socket reports what it had done": a PUB's ``SocketStatistics/messagesDropped``
    /// (for full subscribers) used to fall to 0 at `close()`, while its other counts stayed.
    @Test(arguments: [SocketType.pub, .xpub])
    func aClosedPublisherStillReportsWhatItDropped(type: SocketType) throws {
        let context = TestContext()
        let publisher = try context.socket(type)
        publisher.sendHighWaterMark = 1
        try publisher.bind("inproc://drops")
        let subscriber = try context.socket(.sub)
        subscriber.receiveHighWaterMark = 1
        try subscriber.connect("inproc://drops")
        try subscriber.subscribe("")
        for n in 0..<5 { try publisher.send(numbered(n)) }  // 2 fit, 3 dropped
        #expect(publisher.statistics.messagesDropped == 3)
        publisher.close()
        #expect(publisher.statistics == SocketStatistics(messagesSent: 5, messagesDropped: 3))
        #expect(try drainNumbers(subscriber) == [0, 1])
    }
}
