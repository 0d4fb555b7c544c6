import RingMQ
import Testing

/// The PUB/SUB basics end to end, each in one thread: filtering, counting, no slow joiner.
@Suite struct PubSubSmokeTests {
    @Test func subscriberGetsOnlyWhatMatches() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://smoke")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://smoke")
        try sub.subscribe("a")
        try pub.send("apple")
        try pub.send("banana")
        try pub.send(["avocado", "body"])
        #expect(try drain(sub) == ["apple", ["avocado", "body"]])
    }

    @Test func subscriptionMadeBeforeConnectingAppliesAtOnce() throws {
        let test = TestContext()
        let sub = try test.socket(.sub)
        try sub.bind("inproc://early")
        try sub.subscribe("t")
        let pub = try test.socket(.pub)
        try pub.connect("inproc://early")
        try pub.send("topic")
        #expect(try drain(sub) == ["topic"])
    }

    @Test func xpubSeesSubscriptionsAndXsubForwards() throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        try xpub.bind("inproc://x")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://x")
        try sub.subscribe("k")
        try sub.subscribe("k")
        #expect(try drain(xpub) == [Message(Frame([1, UInt8(ascii: "k")]))])
        try sub.unsubscribe("k")
        #expect(try drain(xpub).isEmpty)
        try sub.unsubscribe("k")
        #expect(try drain(xpub) == [Message(Frame([0, UInt8(ascii: "k")]))])
    }
}
