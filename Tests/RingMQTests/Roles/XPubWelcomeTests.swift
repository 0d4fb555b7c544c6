import RingMQ
import Testing

/// `xpubWelcomeMessage`: a port of libzmq's tests/test_xpub_welcome_msg.cpp over inproc, and
/// the other ways a subscriber can meet the XPUB.
@Suite(.runsAlone) struct XPubWelcomeTests {
    // MARK: - libzmq's test_xpub_welcome_msg.cpp

    @Test func welcomeMessage() throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        try pub.bind("inproc://soname")
        pub.xpubWelcomeMessage = "W"
        let sub = try test.socket(.sub)
        try sub.subscribe("W")  // a SUB filters the welcome like anything else
        try sub.connect("inproc://soname")

        #expect(try pub.tryReceive() == subscribeMessage("W"))
        #expect(try sub.tryReceive() == "W")
    }

    // MARK: - Beyond libzmq's test

    @Test func aSubNotSubscribedToItFiltersTheWelcomeOut() throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        try pub.bind("inproc://welcome")
        pub.xpubWelcomeMessage = "W"
        let sub = try test.socket(.sub)
        try sub.subscribe("news")
        try sub.connect("inproc://welcome")
        let xsub = try test.socket(.xsub)  // an XSUB does not filter
        try xsub.connect("inproc://welcome")
        #expect(try drain(pub) == [subscribeMessage("news")])
        #expect(try sub.tryReceive() == nil)
        #expect(try xsub.tryReceive() == "W")
    }

    @Test(arguments: MeetingOrder.allCases)
    func eachNewSubscriberIsWelcomedOnceInEveryOrder(order: MeetingOrder) throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        pub.xpubWelcomeMessage = "hello"
        let sub = try test.socket(.sub)
        try sub.subscribe("")
        try order.join(publisher: pub, subscriber: sub, at: "inproc://welcome-\(order)")
        _ = try drain(pub)  // the XPUB takes the connection in
        try pub.send("after")
        #expect(try drain(sub) == ["hello", "after"], "the welcome comes first")

        // A reconnection is welcomed again; the others are not.
        let other = try test.socket(.xsub)
        try order.join(publisher: pub, subscriber: other, at: "inproc://welcome-again-\(order)")
        _ = try drain(pub)
        #expect(try drain(other) == ["hello"])
        #expect(try drain(sub).isEmpty)
    }

    @Test func aConflatingSubscriberIsWelcomedThroughItsSlot() throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        pub.xpubWelcomeMessage = "hi"
        try pub.bind("inproc://conflating")
        let sub = try test.socket(.sub)
        sub.conflate = true
        try sub.subscribe("")
        try sub.connect("inproc://conflating")
        _ = try drain(pub)
        #expect(try sub.tryReceive() == "hi")
    }

    @Test func nilWelcomesNobody() throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        pub.xpubWelcomeMessage = "W"
        pub.xpubWelcomeMessage = nil
        try pub.bind("inproc://none")
        let sub = try test.socket(.sub)
        try sub.subscribe("")
        try sub.connect("inproc://none")
        _ = try drain(pub)
        #expect(try sub.tryReceive() == nil)
    }
}
