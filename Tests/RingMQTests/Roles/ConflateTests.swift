import RingMQ
import Testing

/// `conflate` on a SUB or a PUB: only the newest message waits for each subscriber, whichever
/// side binds, multipart messages whole, and set after connecting: the next receive returns the
/// newest message queued and drops the older ones. Subscriptions are never conflated.
@Suite(.runsAlone) struct ConflateTests {
    @Test(arguments: MeetingOrder.allCases)
    func aConflatingPublisherKeepsEachSubscribersNewest(order: MeetingOrder) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.conflate = true
        pub.sendHighWaterMark = 1
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 1
        try sub.subscribe("")
        try order.join(publisher: pub, subscriber: sub, at: "inproc://conflate-pub")
        for i in 1...100 { try pub.send(numbered(i)) }
        #expect(pub.statistics.messagesDropped == 0, "replaced, not dropped")
        #expect(try drainNumbers(sub) == [100])
    }

    /// Every subscription reaches the publisher, whichever end conflates: only the messages
    /// going down are conflated, never the subscriptions going up (libzmq may lose them).
    @Test(arguments: [SocketType.pub, .sub], [true, false])
    func subscriptionsAreNeverConflated(conflating: SocketType, subscribeBeforeConnecting: Bool) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let sub = try test.socket(.sub)
        (conflating == .pub ? pub : sub).conflate = true
        try pub.bind("inproc://conflate-subscriptions")
        let topics: [Frame] = ["a", "b", "c", "d"]
        if subscribeBeforeConnecting { for topic in topics { try sub.subscribe(topic) } }
        try sub.connect("inproc://conflate-subscriptions")
        if !subscribeBeforeConnecting { for topic in topics { try sub.subscribe(topic) } }
        for topic in topics {
            try pub.send(Message(topic))
            #expect(try drain(sub) == [Message(topic)], "the subscription to \(topic.string) reached the publisher")
        }
    }

    @Test(arguments: MeetingOrder.allCases)
    func aSubscriberThatDoesNotReadGetsOnlyTheNewest(order: MeetingOrder) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let sub = try test.socket(.sub)
        sub.conflate = true
        try sub.subscribe("")
        try order.join(publisher: pub, subscriber: sub, at: "inproc://conflate")
        for i in 1...100 { try pub.send(numbered(i)) }
        #expect(try sub.receive() == numbered(100))
        #expect(try sub.tryReceive() == nil)
        // And again: the slot refills.
        for i in 101...150 { try pub.send(numbered(i)) }
        #expect(try drainNumbers(sub) == [150])
    }

    @Test func multipartMessagesAreKeptWhole() throws {
        let test = TestContext()
        let sub = try test.socket(.sub)
        sub.conflate = true
        try sub.bind("inproc://conflate-multipart")
        try sub.subscribe("t")
        let pub = try test.socket(.pub)
        try pub.connect("inproc://conflate-multipart")
        try pub.send(["t", "1"])
        try pub.send(["t", "2", "x"])
        try pub.send(["u", "3"])
        #expect(try drain(sub) == [["t", "2", "x"]])
    }

    @Test func theNewestIsTheNewestMatchingMessage() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://conflate-filter")
        let sub = try test.socket(.sub)
        sub.conflate = true
        try sub.connect("inproc://conflate-filter")
        try sub.subscribe("a")
        for topic in ["a1", "a2", "b1"] { try pub.send(Message(topic)) }
        #expect(try drain(sub) == ["a2"])
    }

    @Test func setAfterConnectingTheNextReceiveGivesTheNewestQueued() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://conflate-late")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://conflate-late")
        try sub.subscribe("")
        for i in 1...10 { try pub.send(numbered(i)) }
        sub.conflate = true
        #expect(try sub.receive() == numbered(10))
        #expect(try sub.tryReceive() == nil)
        for i in 11...20 { try pub.send(numbered(i)) }
        #expect(try drainNumbers(sub) == [20])
    }

    @Test func aWaitingReceiveWakesForAConflatedMessage() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://conflate-wait")
        let sub = try test.socket(.sub)
        sub.conflate = true
        try sub.connect("inproc://conflate-wait")
        try sub.subscribe("")
        let receiver = Peer { try sub.receive() }
        receiver.waitUntilBlocked()
        try pub.send("wake")
        #expect(try receiver.join().get() == "wake")
    }

    @Test func eachPublisherKeepsItsNewest() throws {
        let test = TestContext()
        let sub = try test.socket(.sub)
        sub.conflate = true
        try sub.bind("inproc://conflate-two")
        try sub.subscribe("")
        let pubs = try (0..<2).map { _ in
            let pub = try test.socket(.pub)
            try pub.connect("inproc://conflate-two")
            return pub
        }
        for i in 0..<5 {
            for (sender, pub) in pubs.enumerated() { try pub.send(tagged(sender: sender, sequence: i)) }
        }
        let newest = try drain(sub).compactMap(tag(of:))
        #expect((1...2).contains(newest.count), "one newest message per publisher at most: \(newest)")
        #expect(newest.allSatisfy { $0.sequence == 4 }, "only newest messages: \(newest)")
    }

    @Test(arguments: [SocketType.xpub, .xsub, .pair, .req, .rep, .router])
    func onlyPullPushDealerPubAndSubAcceptIt(type: SocketType) throws {
        let test = TestContext()
        let socket = try test.socket(type)
        let message = expectError(.invalidOption) { try socket.setOption(.conflate(true)) }
        #expect(message?.contains("conflate") == true, "names the option: \(message ?? "")")
    }

    @Test(arguments: [true, false])
    func theNewestMessageOutlivesItsPublisher(subscriberBinds: Bool) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let sub = try test.socket(.sub)
        sub.conflate = true
        try sub.subscribe("")
        let order: MeetingOrder = subscriberBinds ? .subscriberBindsFirst : .publisherBindsFirst
        try order.join(publisher: pub, subscriber: sub, at: "inproc://conflate-gone")
        for i in 1...5 { try pub.send(numbered(i)) }
        pub.close()
        #expect(try drainNumbers(sub) == [5])
    }
}
