import RingMQ
import Testing

/// A bound PUB and a connected SUB, HWM 0.
private func pubSub(_ test: TestContext, subscriberInverts: Bool = false, publisherInverts: Bool = false)
    throws -> (pub: Socket, sub: Socket)
{
    let pub = try test.socket(.pub)
    pub.sendHighWaterMark = 0
    pub.invertMatching = publisherInverts
    try pub.bind("inproc://invert")
    let sub = try test.socket(.sub)
    sub.receiveHighWaterMark = 0
    sub.invertMatching = subscriberInverts
    try sub.connect("inproc://invert")
    return (pub, sub)
}

private let topics: [Message] = ["apple", "banana", "cherry", ["avocado", "body"], "b", Message(Frame())]

/// `invertMatching`: a SUB that sets it receives exactly the messages matching none of its
/// subscriptions, whether it alone sets it or the publisher does too (libzmq's way), and
/// from the next publish when it is changed on a live connection.
@Suite(.runsAlone) struct InvertMatchingTests {
    @Test(arguments: [false, true])
    func anInvertingSubscriberGetsWhatMatchesNoneOfItsSubscriptions(publisherInvertsToo: Bool) throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test, subscriberInverts: true, publisherInverts: publisherInvertsToo)
        try sub.subscribe("a")
        try sub.subscribe("ch")
        for message in topics { try pub.send(message) }
        #expect(try drain(sub) == ["banana", "b", Message(Frame())])
    }

    @Test func withoutSubscriptionsAnInvertingSubscriberGetsEverything() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test, subscriberInverts: true)
        for message in topics { try pub.send(message) }
        #expect(try drain(sub) == topics)
        try sub.subscribe("")
        for message in topics { try pub.send(message) }
        #expect(try drain(sub).isEmpty, "the empty prefix matches everything, so nothing is left")
    }

    @Test func theOtherSubscribersAreNotInverted() throws {
        let test = TestContext()
        let (pub, inverting) = try pubSub(test, subscriberInverts: true)
        let plain = try test.socket(.sub)
        try plain.connect("inproc://invert")
        for sub in [inverting, plain] { try sub.subscribe("a") }
        for message in topics { try pub.send(message) }
        #expect(try drain(inverting) == ["banana", "cherry", "b", Message(Frame())])
        #expect(try drain(plain) == ["apple", ["avocado", "body"]])
    }

    @Test func settingItOnALiveConnectionAppliesToLaterPublishes() throws {
        let test = TestContext()
        let (pub, sub) = try pubSub(test)
        try sub.subscribe("a")
        try pub.send("apple")
        try pub.send("banana")
        #expect(try sub.receive() == "apple")
        sub.invertMatching = true
        try pub.send("avocado")
        try pub.send("blueberry")
        #expect(try drain(sub) == ["blueberry"])
        sub.invertMatching = false
        try pub.send("apricot")
        try pub.send("beet")
        #expect(try drain(sub) == ["apricot"])
    }

    @Test(arguments: MeetingOrder.allCases)
    func setBeforeConnectingItAppliesFromTheFirstMessage(order: MeetingOrder) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let sub = try test.socket(.sub)
        sub.invertMatching = true
        try sub.subscribe("x")
        try order.join(publisher: pub, subscriber: sub, at: "inproc://invert-early")
        try pub.send("x1")
        try pub.send("y1")
        #expect(try drain(sub) == ["y1"])
    }

    @Test func aPublisherThatInvertsSendsEachSubscriberWhatMatchesNone() throws {
        // Seen through an XSUB, which does not filter on its own side: what the PUB sent.
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.invertMatching = true
        try pub.bind("inproc://invert-pub")
        let xsub = try test.socket(.xsub)
        try xsub.connect("inproc://invert-pub")
        try xsub.subscribe("a")
        for message in topics { try pub.send(message) }
        #expect(try drain(xsub) == ["banana", "cherry", "b", Message(Frame())])
    }

    @Test(arguments: [SocketType.push, .pull, .pair, .xsub])
    func onlyPublishersAndSubAcceptIt(type: SocketType) throws {
        let test = TestContext()
        let socket = try test.socket(type)
        let message = expectError(.invalidOption) { try socket.setOption(.invertMatching(true)) }
        #expect(message?.contains("invertMatching") == true, "names the option: \(message ?? "")")
        try socket.setOption(.invertMatching(false))
    }
}
