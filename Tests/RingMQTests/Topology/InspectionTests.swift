import RingMQ
import Testing

/// Inspection for tests of code built on RingMQ: `socket.subscriptions` (SUB and XSUB: each
/// prefix with its count; PUB and XPUB: each prefix with the number of subscribers holding it)
/// after subscribe, unsubscribe, connect-before-bind, disconnect and close; and `statistics`
/// (queued in and out, peers) exact after known traffic through a small topology. Every value
/// is exact when read by the socket's user, with no waiting: changes take effect before the
/// call that makes them returns.
@Suite(.runsAlone) struct InspectionTests {
    // MARK: - A subscriber's own subscriptions

    @Test func aSubscriberCountsItsSubscriptions() throws {
        let test = TestContext()
        let sub = try test.socket(.sub)
        #expect(sub.subscriptions.isEmpty)

        try sub.subscribe("a")
        try sub.subscribe("a")
        try sub.subscribe("b")
        try sub.subscribe("")
        #expect(sub.subscriptions == ["a": 2, "b": 1, "": 1])

        try sub.unsubscribe("a")
        #expect(sub.subscriptions == ["a": 1, "b": 1, "": 1], "subscribed twice, unsubscribed once: still in force")
        try sub.unsubscribe("z")
        #expect(
            sub.subscriptions == ["a": 1, "b": 1, "": 1], "unsubscribing what was never subscribed changes nothing")
        try sub.unsubscribe("a")
        try sub.unsubscribe("")
        #expect(sub.subscriptions == ["b": 1])
    }

    /// Subscriptions belong to the socket, not to a connection: connecting and disconnecting
    /// leaves them as they are.
    @Test func aSubscribersSubscriptionsOutliveItsConnections() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://inspect-outlive")
        let sub = try test.socket(.sub)
        try sub.subscribe("news")
        try sub.connect("inproc://inspect-outlive")
        try sub.disconnect("inproc://inspect-outlive")
        #expect(sub.subscriptions == ["news": 1])
        #expect(pub.subscriptions.isEmpty)
    }

    /// A closed socket has no subscriptions in force, as it has no queues and no peers.
    @Test func aClosedSubscriberHasNoSubscriptions() throws {
        let test = TestContext()
        let sub = try test.socket(.sub)
        try sub.subscribe("a")
        sub.close()
        #expect(sub.subscriptions.isEmpty)
    }

    @Test func anXSubCountsSubscriptionsMadeEitherWay() throws {
        let test = TestContext()
        let xsub = try test.socket(.xsub)
        try xsub.subscribe("a")
        try xsub.send(Message(Frame([1] + Array("a".utf8))))  // the subscription message form
        try xsub.send(Message(Frame([1] + Array("b".utf8))))
        #expect(xsub.subscriptions == ["a": 2, "b": 1])
        try xsub.send(Message(Frame([0] + Array("a".utf8))))
        try xsub.unsubscribe("b")
        #expect(xsub.subscriptions == ["a": 1])
    }

    @Test func otherTypesHaveNoSubscriptions() throws {
        let test = TestContext()
        for type in SocketType.allCases where ![.sub, .xsub, .pub, .xpub].contains(type) {
            #expect(try test.socket(type).subscriptions.isEmpty, "\(type)")
        }
    }

    // MARK: - A publisher's view

    @Test func aPublisherCountsSubscribersPerPrefix() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://inspect-pub")
        let first = try test.socket(.sub)
        try first.connect("inproc://inspect-pub")
        try first.subscribe("a")
        try first.subscribe("b")
        let second = try test.socket(.sub)
        try second.connect("inproc://inspect-pub")
        try second.subscribe("a")
        try second.subscribe("a")
        #expect(pub.subscriptions == ["a": 2, "b": 1], "one per subscriber, however often each subscribed")

        try second.unsubscribe("a")
        #expect(pub.subscriptions == ["a": 2, "b": 1], "the second still holds \"a\" once")
        try second.unsubscribe("a")
        #expect(pub.subscriptions == ["a": 1, "b": 1])

        try second.subscribe("c")
        first.close()
        #expect(pub.subscriptions == ["c": 1], "a closed subscriber's subscriptions are gone when close returns")
        try second.disconnect("inproc://inspect-pub")
        #expect(pub.subscriptions.isEmpty)
    }

    /// Subscriptions made before the connection, and before the bind, are in force at the
    /// publisher as soon as the connection forms.
    @Test func subscriptionsMadeBeforeTheConnectionOrTheBindReachThePublisher() throws {
        let test = TestContext()
        let early = try test.socket(.sub)
        try early.subscribe("early")
        try early.connect("inproc://inspect-late-bind")  // nothing bound yet
        let pub = try test.socket(.pub)
        try pub.bind("inproc://inspect-late-bind")
        #expect(pub.subscriptions == ["early": 1])

        let late = try test.socket(.sub)
        try late.subscribe("early")
        try late.subscribe("")
        try late.connect("inproc://inspect-late-bind")
        #expect(pub.subscriptions == ["early": 2, "": 1])
    }

    /// A subscription made on another thread is in force at the publisher once that thread's
    /// `subscribe` has returned (here: once the thread is joined), with no waiting.
    @Test func aSubscriptionMadeOnAnotherThreadIsSeenAtOnce() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://inspect-thread")
        let subs = try (0..<4).map { _ in
            let sub = try test.socket(.sub)
            try sub.connect("inproc://inspect-thread")
            return sub
        }
        let subscribing = subs.enumerated().map { index, sub in
            Peer { try sub.subscribe(Frame("topic-\(index % 2)")) }
        }
        for peer in subscribing { try peer.join().get() }
        #expect(pub.subscriptions == ["topic-0": 2, "topic-1": 2])
    }

    @Test func anXPubCountsSubscribersAndStillPassesSubscriptionsUp() throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        try xpub.bind("inproc://inspect-xpub")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://inspect-xpub")
        try sub.subscribe("x")
        let xsub = try test.socket(.xsub)
        try xsub.connect("inproc://inspect-xpub")
        try xsub.subscribe("x")
        try xsub.subscribe("y")
        #expect(xpub.subscriptions == ["x": 2, "y": 1])
        // Reading them changed nothing of what the XPUB receives.
        #expect(try drain(xpub).map { $0[0].bytes } == [[1] + Array("x".utf8), [1] + Array("y".utf8)])
    }

    // MARK: - Statistics after known traffic

    /// Two PUSH → PULL, and PUB → two SUBs with different subscriptions: every count exact
    /// at every step, read by each socket's user.
    @Test func statisticsOfASmallTopologyAreExact() throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://inspect-stats-work")
        let pushes = try (0..<2).map { _ in
            let push = try test.socket(.push)
            try push.connect("inproc://inspect-stats-work")
            return push
        }
        let pub = try test.socket(.pub)
        try pub.bind("inproc://inspect-stats-news")
        let sports = try test.socket(.sub)
        try sports.connect("inproc://inspect-stats-news")
        try sports.subscribe("sports")
        let all = try test.socket(.sub)
        try all.connect("inproc://inspect-stats-news")
        try all.subscribe("")

        for index in 0..<3 { try pushes[0].send(numbered(index)) }
        for index in 3..<8 { try pushes[1].send(numbered(index)) }
        for topic in ["sports 1", "weather", "sports 2", "politics"] { try pub.send(Message(topic)) }

        #expect(pushes[0].statistics == SocketStatistics(messagesSent: 3, queuedOut: 3, peers: 1))
        #expect(pushes[1].statistics == SocketStatistics(messagesSent: 5, queuedOut: 5, peers: 1))
        #expect(pull.statistics == SocketStatistics(queuedIn: 8, peers: 2))
        // The PUB queued 2 for one subscriber and 4 for the other: 6 messages out.
        #expect(pub.statistics == SocketStatistics(messagesSent: 4, queuedOut: 6, peers: 2))
        #expect(sports.statistics == SocketStatistics(queuedIn: 2, peers: 1), "filtered at the publisher")
        #expect(all.statistics == SocketStatistics(queuedIn: 4, peers: 1))

        #expect(try drain(pull).count == 8)
        #expect(try drain(sports) == ["sports 1", "sports 2"])
        #expect(pull.statistics == SocketStatistics(messagesReceived: 8, peers: 2))
        #expect(pushes.map(\.statistics.queuedOut) == [0, 0])
        #expect(pub.statistics.queuedOut == 4, "only the catch-all subscriber has not read")

        all.close()
        #expect(pub.statistics == SocketStatistics(messagesSent: 4, queuedOut: 0, peers: 1))
        pushes[0].close()
        #expect(pull.statistics.peers == 1)
    }
}
