import RingMQ
import Testing

/// `xpubVerbose` and `xpubVerboser`: ports of libzmq's tests/test_xpub_verbose.cpp over inproc
/// (its non-blocking receives are `tryReceive`; RingMQ has no I/O thread, so a subscription
/// has arrived when `subscribe` returns), then what verboser does when a subscriber leaves.
@Suite(.runsAlone) struct XPubVerboseTests {
    private let endpoint = "inproc://soname"

    private func xpubWithTwoSubs(_ test: TestContext) throws -> (Socket, Socket, Socket) {
        let pub = try test.socket(.xpub)
        try pub.bind(endpoint)
        let sub0 = try test.socket(.sub)
        try sub0.connect(endpoint)
        let sub1 = try test.socket(.sub)
        try sub1.connect(endpoint)
        return (pub, sub0, sub1)
    }

    private func createDuplicateSubscription(_ pub: Socket, _ sub0: Socket, _ sub1: Socket) throws {
        try sub0.subscribe("A")
        #expect(try pub.tryReceive() == subscribeMessage("A"))
        try sub1.subscribe("A")
        #expect(try pub.tryReceive() == nil, "a duplicate: filtered out by the XPUB")
    }

    // MARK: - libzmq's test_xpub_verbose.cpp

    @Test func xpubVerboseOneSub() throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        try pub.bind(endpoint)
        let sub = try test.socket(.sub)
        try sub.connect(endpoint)

        try sub.subscribe("A")
        #expect(try pub.tryReceive() == subscribeMessage("A"))
        try sub.subscribe("B")
        #expect(try pub.tryReceive() == subscribeMessage("B"))
        try sub.subscribe("A")
        #expect(try pub.tryReceive() == nil, "a duplicate: filtered out")

        pub.xpubVerbose = true
        try sub.subscribe("A")
        #expect(try pub.tryReceive() == subscribeMessage("A"), "verbose: the duplicate comes up")

        try pub.send("A")
        try pub.send("B")
        #expect(try drain(sub) == ["A", "B"])
    }

    @Test func xpubVerboseTwoSubs() throws {
        let test = TestContext()
        let (pub, sub0, sub1) = try xpubWithTwoSubs(test)
        try createDuplicateSubscription(pub, sub0, sub1)

        try sub0.subscribe("B")
        #expect(try pub.tryReceive() == subscribeMessage("B"))
        pub.xpubVerbose = true
        try sub1.subscribe("A")
        #expect(try pub.tryReceive() == subscribeMessage("A"))

        try pub.send("A")
        try pub.send("B")
        #expect(try drain(sub0) == ["A", "B"])
        #expect(try drain(sub1) == ["A"])
    }

    @Test func xpubVerboserOneSub() throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        try pub.bind(endpoint)
        let sub = try test.socket(.sub)
        try sub.connect(endpoint)

        try sub.unsubscribe("A")
        #expect(try pub.tryReceive() == nil, "never subscribed: the SUB sends nothing")
        try sub.subscribe("A")
        #expect(try pub.tryReceive() == subscribeMessage("A"))
        try sub.subscribe("A")
        #expect(try pub.tryReceive() == nil, "a duplicate: filtered out by the XPUB")
        try sub.unsubscribe("A")
        try sub.unsubscribe("A")
        #expect(try pub.tryReceive() == unsubscribeMessage("A"), "the SUB counts: one unsubscription")
        #expect(try pub.tryReceive() == nil)
        try sub.unsubscribe("A")
        #expect(try pub.tryReceive() == nil)

        pub.xpubVerboser = true
        try sub.subscribe("A")
        #expect(try pub.tryReceive() == subscribeMessage("A"))
        try pub.send("A")
        #expect(try sub.tryReceive() == "A")
        try sub.unsubscribe("A")
        #expect(try pub.tryReceive() == unsubscribeMessage("A"))
        try sub.unsubscribe("A")
        #expect(try pub.tryReceive() == nil, "the SUB sends only what it held, even to a verboser XPUB")
    }

    @Test func xpubVerboserTwoSubs() throws {
        let test = TestContext()
        let (pub, sub0, sub1) = try xpubWithTwoSubs(test)
        try createDuplicateSubscription(pub, sub0, sub1)

        try sub0.unsubscribe("A")
        #expect(try pub.tryReceive() == nil, "sub1 still holds it")
        try sub1.unsubscribe("A")
        #expect(try pub.tryReceive() == unsubscribeMessage("A"))
        #expect(try pub.tryReceive() == nil)

        pub.xpubVerboser = true
        try sub0.subscribe("A")
        try sub1.subscribe("A")
        #expect(try pub.tryReceive() == subscribeMessage("A"))
        #expect(try pub.tryReceive() == subscribeMessage("A"), "verboser passes duplicates up")

        try pub.send("A")
        #expect(try sub0.tryReceive() == "A")
        #expect(try sub1.tryReceive() == "A")

        try sub1.unsubscribe("A")
        #expect(try pub.tryReceive() == unsubscribeMessage("A"), "sub0 still holds it: verboser passes it up")
        try sub0.unsubscribe("A")
        #expect(try pub.tryReceive() == unsubscribeMessage("A"))
        try sub1.unsubscribe("A")
        #expect(try pub.tryReceive() == nil, "unmatched: the SUB sends nothing")
    }

    // MARK: - Subscribers leaving

    @Test func verboserPassesUpEveryPrefixOfADepartingSubscriber() throws {
        let test = TestContext()
        let (pub, sub0, sub1) = try xpubWithTwoSubs(test)
        pub.xpubVerboser = true
        try sub0.subscribe("A")
        try sub0.subscribe("B")
        try sub1.subscribe("A")
        #expect(try drain(pub).count == 3)

        sub0.close()
        let departed = try drain(pub)
        #expect(departed.count == 2)
        #expect(Set(departed) == [unsubscribeMessage("A"), unsubscribeMessage("B")], "A though sub1 holds it")
        try pub.send("A")
        #expect(try drain(sub1) == ["A"], "sub1 keeps its subscription")
    }

    @Test func withoutVerboserADepartureUnsubscribesOnlyWhatNobodyHolds() throws {
        let test = TestContext()
        let (pub, sub0, sub1) = try xpubWithTwoSubs(test)
        pub.xpubVerbose = true  // duplicate subscriptions only
        try sub0.subscribe("A")
        try sub0.subscribe("B")
        try sub1.subscribe("A")
        #expect(try drain(pub).count == 3)
        sub0.close()
        #expect(try drain(pub) == [unsubscribeMessage("B")])
    }
}
