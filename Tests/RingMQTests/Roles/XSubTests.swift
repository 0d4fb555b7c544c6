import RingMQ
import Testing

/// XSUB: subscribes by sending `[1]+prefix` and unsubscribes with `[0]+prefix` (counted like
/// SUB's calls, which it also accepts), passes every other message it sends up to XPUBs
/// as is, receives matching data, and does not filter on its own side.
@Suite(.runsAlone) struct XSubTests {
    @Test func subscribesAndUnsubscribesBySending() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://xsub")
        let xsub = try test.socket(.xsub)
        try xsub.connect("inproc://xsub")
        try xsub.send(subscribeMessage("a"))
        #expect(pub.subscriptions == ["a": 1])
        for topic in ["a1", "b1", "a2"] { try pub.send(Message(topic)) }
        #expect(try drain(xsub) == ["a1", "a2"])
        try xsub.send(unsubscribeMessage("a"))
        #expect(pub.subscriptions.isEmpty)
        try pub.send("a3")
        #expect(try drain(xsub).isEmpty)
    }

    @Test func sentSubscriptionsAreCountedAndMixWithTheCalls() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://counted")
        let xsub = try test.socket(.xsub)
        try xsub.connect("inproc://counted")
        try xsub.send(subscribeMessage("c"))
        try xsub.subscribe("c")
        try xsub.send(unsubscribeMessage("c"))
        try pub.send("c1")
        #expect(try drain(xsub) == ["c1"], "one of two subscriptions left")
        try xsub.unsubscribe("c")
        try xsub.send(unsubscribeMessage("c"))  // a no-op
        try pub.send("c2")
        #expect(try drain(xsub).isEmpty)
        #expect(pub.subscriptions.isEmpty)
    }

    @Test func anXpubSeesWhatAnXsubSends() throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        try xpub.bind("inproc://up")
        let xsub = try test.socket(.xsub)
        try xsub.connect("inproc://up")
        let others: [Message] = [
            "hello", ["two", "frames"], Message([2, 65]), Message(Frame()), [Frame([1, 65]), "x"],
        ]
        try xsub.send(subscribeMessage("t"))
        for message in others { try xsub.send(message) }
        try xsub.subscribe("t")  // a duplicate: not passed up
        try xsub.send(unsubscribeMessage("t"))
        try xsub.send(unsubscribeMessage("t"))
        #expect(try drain(xpub) == [subscribeMessage("t")] + others + [unsubscribeMessage("t")])
        #expect(xpub.subscriptions.isEmpty, "a multipart message starting with [1] is not a subscription")
    }

    @Test func doesNotFilterOnItsOwnSide() throws {
        // Unlike a SUB, an XSUB delivers what was queued before the unsubscription.
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://unfiltered")
        let xsub = try test.socket(.xsub)
        try xsub.connect("inproc://unfiltered")
        try xsub.subscribe("a")
        try pub.send("a1")
        try xsub.unsubscribe("a")
        try pub.send("a2")
        #expect(try drain(xsub) == ["a1"])
    }

    @Test func aSubscriptionReachesEveryPublisher() throws {
        let test = TestContext()
        let xsub = try test.socket(.xsub)
        try xsub.bind("inproc://fan-in")
        let pubs = try (0..<3).map { _ in
            let pub = try test.socket(.pub)
            try pub.connect("inproc://fan-in")
            return pub
        }
        try xsub.send(subscribeMessage("z"))
        for (i, pub) in pubs.enumerated() {
            try pub.send(Message("z\(i)"))
            try pub.send(Message("y\(i)"))
        }
        #expect(Set(try drain(xsub)) == ["z0", "z1", "z2"])
    }

    @Test(arguments: MeetingOrder.allCases)
    func subscriptionsSentBeforeConnectingApply(order: MeetingOrder) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let xsub = try test.socket(.xsub)
        try xsub.send(subscribeMessage("s"))
        try order.join(publisher: pub, subscriber: xsub, at: "inproc://early-xsub")
        try pub.send("s1")
        try pub.send("t1")
        #expect(try drain(xsub) == ["s1"])
    }

    @Test func sendingNeverWaits() throws {
        let test = TestContext()
        let xsub = try test.socket(.xsub)
        xsub.sendTimeout = .milliseconds(10)
        try xsub.send("nobody listens")
        #expect(try xsub.trySend(subscribeMessage("a")))
        let xpub = try test.socket(.xpub)
        xpub.receiveHighWaterMark = 1
        try xpub.bind("inproc://full-up")
        xsub.sendHighWaterMark = 1
        try xsub.connect("inproc://full-up")
        for i in 0..<10 { try xsub.send(numbered(i)) }
        // Subscriptions are never dropped, whatever the queue holds.
        try xsub.send(subscribeMessage("b"))
        #expect(try drain(xpub) == [subscribeMessage("a"), numbered(0), subscribeMessage("b")])
    }
}
