import RingMQ
import Testing

/// `Subscription`: decoding what an XPUB receives, building what an XSUB sends.
@Suite(.runsAlone) struct SubscriptionTests {
    @Test func decodesWhatAnXPubReceives() throws {
        let context = Context()
        defer { context.terminate() }
        let xpub = try context.socket(.xpub)
        try xpub.bind("inproc://subscriptions")
        let sub = try context.socket(.sub)
        try sub.connect("inproc://subscriptions")
        try sub.subscribe("EUR")
        try sub.unsubscribe("EUR")
        try sub.subscribe("")
        #expect(Subscription(try xpub.receive()) == .subscribe("EUR"))
        #expect(Subscription(try xpub.receive()) == .unsubscribe("EUR"))
        #expect(Subscription(try xpub.receive()) == .subscribe(""))
    }

    @Test func theWireFormIsTheKindByteThenThePrefix() {
        #expect(Subscription.subscribe("EUR").message == Message(Frame([1, 69, 85, 82])))
        #expect(Subscription.unsubscribe("EUR").message == Message(Frame([0, 69, 85, 82])))
        #expect(Subscription(Message(Frame([1]))) == .subscribe(""))
        #expect(Subscription.unsubscribe("x").prefix == "x")
        #expect(Subscription.subscribe("x").isSubscribe)
        #expect(!Subscription.unsubscribe("x").isSubscribe)
    }

    @Test func otherMessagesAreNotSubscriptions() {
        #expect(Subscription(Message(Frame())) == nil)  // no kind byte
        #expect(Subscription(Message(Frame([2, 69]))) == nil)  // kind byte 2
        #expect(Subscription(["\u{1}EUR", "more"]) == nil)  // two frames
        #expect(Subscription("EUR") == nil)  // data
    }

    @Test func anXSubSubscribesBySendingTheMessage() throws {
        let context = Context()
        defer { context.terminate() }
        let publisher = try context.socket(.xpub)
        try publisher.bind("inproc://built")
        let xsub = try context.socket(.xsub)
        try xsub.connect("inproc://built")
        // Every effect is synchronous: a receive that would wait means a wrong message, so it
        // fails at once instead of hanging.
        publisher.receiveTimeout = .zero
        xsub.receiveTimeout = .zero
        try xsub.send(Subscription.subscribe("EUR").message)
        #expect(Subscription(try publisher.receive()) == .subscribe("EUR"))
        try publisher.send(["USD", "1.00"])
        try publisher.send(["EUR", "1.08"])
        #expect(try xsub.receive() == ["EUR", "1.08"])
        try xsub.send(Subscription.unsubscribe("EUR").message)
        #expect(Subscription(try publisher.receive()) == .unsubscribe("EUR"))
        try publisher.send(["EUR", "1.09"])
        #expect(try xsub.tryReceive() == nil)
    }
}
