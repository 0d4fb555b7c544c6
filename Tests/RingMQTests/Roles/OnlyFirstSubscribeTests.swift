import RingMQ
import Testing

/// `onlyFirstSubscribe` (XPUB, XSUB). RingMQ takes a multipart message as data whatever its
/// frames; with the option, a multipart message whose first frame is a subscription message is
/// a batch of them: each such frame subscribes or unsubscribes, and the other frames go on as
/// one data message. (libzmq's XPUB/XSUB read every frame of every message without the option.)
@Suite(.runsAlone) struct OnlyFirstSubscribeTests {
    private let one = Frame([1] + Array("a".utf8))
    private let two = Frame([1] + Array("b".utf8))

    @Test func withoutItAMultipartMessageIsData() throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        try xpub.bind("inproc://first")
        let xsub = try test.socket(.xsub)
        try xsub.connect("inproc://first")
        try xsub.send([one, two])
        #expect(try drain(xpub) == [[one, two]])
        #expect(xpub.subscriptions.isEmpty)
        #expect(xsub.subscriptions.isEmpty)
    }

    @Test func anXSubSendsABatchAsSubscriptions() throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        try xpub.bind("inproc://first")
        let xsub = try test.socket(.xsub)
        try xsub.connect("inproc://first")
        xsub.onlyFirstSubscribe = true
        try xsub.send([one, "payload", two])
        #expect(try drain(xpub) == [subscribeMessage("a"), subscribeMessage("b"), ["payload"]])
        #expect(xsub.subscriptions == ["a": 1, "b": 1])
        try xpub.send("a1")
        try xpub.send("b1")
        try xpub.send("c1")
        #expect(try drain(xsub) == ["a1", "b1"])

        // A data first frame keeps the whole message data, subscription-like frames and all.
        try xsub.send(["data", Frame([0] + Array("a".utf8))])
        #expect(try drain(xpub) == [["data", Frame([0] + Array("a".utf8))]])
        #expect(xsub.subscriptions == ["a": 1, "b": 1])
    }

    @Test func anXPubReadsABatchAsSubscriptions() throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        try xpub.bind("inproc://first")
        xpub.onlyFirstSubscribe = true
        let xsub = try test.socket(.xsub)  // sends the batch as data
        try xsub.connect("inproc://first")
        try xsub.send([one, two, "payload"])
        #expect(try drain(xpub) == [subscribeMessage("a"), subscribeMessage("b"), ["payload"]])
        #expect(xpub.subscriptions == ["a": 1, "b": 1])
        try xpub.send("b1")
        #expect(try drain(xsub) == ["b1"])
        try xsub.send(["data", one])
        #expect(try drain(xpub) == [["data", one]])
    }
}
