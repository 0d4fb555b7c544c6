import RingMQ
import Testing

/// Subscriptions as the publisher holds them (read through the public
/// `subscriptions`) as subscribers come and go: they reach every publisher, present
/// and later, and leave with the subscriber when it closes or disconnects.
@Suite(.runsAlone) struct PubSubTopologyTests {
    @Test(arguments: MeetingOrder.allCases)
    func thePublisherHoldsEachSubscriptionOncePerSubscriber(order: MeetingOrder) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let sub = try test.socket(.sub)
        try sub.subscribe("a")
        try order.join(publisher: pub, subscriber: sub, at: "inproc://held")
        try sub.subscribe("a")  // counted by the subscriber, held once by the publisher
        try sub.subscribe("b")
        #expect(pub.subscriptions == ["a": 1, "b": 1])
        try sub.unsubscribe("a")
        #expect(pub.subscriptions == ["a": 1, "b": 1])
        try sub.unsubscribe("a")
        #expect(pub.subscriptions == ["b": 1])
    }

    @Test func thePublisherCountsSubscribersPerPrefix() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://count")
        let subs = try (0..<3).map { _ in
            let sub = try test.socket(.sub)
            try sub.connect("inproc://count")
            try sub.subscribe("shared")
            return sub
        }
        try subs[0].subscribe("")
        #expect(pub.subscriptions == ["shared": 3, "": 1])
        subs[1].close()
        #expect(pub.subscriptions == ["shared": 2, "": 1])
    }

    @Test(arguments: MeetingOrder.allCases)
    func closingTheSubscriberRemovesItsSubscriptions(order: MeetingOrder) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let sub = try test.socket(.sub)
        try sub.subscribe("x")
        try order.join(publisher: pub, subscriber: sub, at: "inproc://closing")
        try sub.subscribe("y")
        #expect(pub.subscriptions.count == 2)
        sub.close()
        #expect(pub.subscriptions.isEmpty)
        #expect(try pub.trySend("x"))
    }

    @Test func disconnectingRemovesTheSubscriptionsFromThatPublisherOnly() throws {
        let test = TestContext()
        let first = try test.socket(.pub)
        try first.bind("inproc://first")
        let second = try test.socket(.pub)
        try second.bind("inproc://second")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://first")
        try sub.connect("inproc://second")
        try sub.subscribe("t")
        try sub.disconnect("inproc://first")
        #expect(first.subscriptions.isEmpty)
        #expect(second.subscriptions == ["t": 1])
        try first.send("t from first")
        try second.send("t from second")
        #expect(try drain(sub) == ["t from second"])
    }

    @Test func aSubscriptionReachesEveryPublisherConnectedNowAndLater() throws {
        let test = TestContext()
        let early = try test.socket(.pub)
        try early.bind("inproc://early")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://early")
        try sub.subscribe("t")
        let late = try test.socket(.pub)
        try late.bind("inproc://late")
        try sub.connect("inproc://late")
        #expect(late.subscriptions == ["t": 1])
        try early.send("t early")
        try late.send("t late")
        #expect(Set(try drain(sub)) == ["t early", "t late"])
        // An unsubscription reaches both too.
        try sub.unsubscribe("t")
        #expect(early.subscriptions.isEmpty)
        #expect(late.subscriptions.isEmpty)
    }

    @Test func aSubscriberFairQueuesOverItsPublishers() throws {
        let test = TestContext()
        let sub = try test.socket(.sub)
        try sub.bind("inproc://many-publishers")
        try sub.subscribe("")
        let pubs = try (0..<3).map { _ in
            let pub = try test.socket(.pub)
            try pub.connect("inproc://many-publishers")
            return pub
        }
        for sequence in 0..<5 {
            for (sender, pub) in pubs.enumerated() { try pub.send(tagged(sender: sender, sequence: sequence)) }
        }
        let tags = try drain(sub).compactMap(tag(of:))
        #expect(tags.count == 15)
        #expect(Set(tags.prefix(3).map(\.sender)) == [0, 1, 2], "one from each in turn: \(tags)")
        for sender in 0..<3 {
            #expect(tags.filter { $0.sender == sender }.map(\.sequence) == Array(0..<5))
        }
    }

    @Test func messagesQueuedBeforeThePublisherClosedStayReadable() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://gone")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://gone")
        try sub.subscribe("")
        try pub.send("one")
        try pub.send("two")
        pub.close()
        #expect(try drain(sub) == ["one", "two"])
        // The endpoint can be bound again, and the subscriber's new connection gets its
        // subscriptions.
        let again = try test.socket(.pub)
        try again.bind("inproc://gone")
        try sub.connect("inproc://gone")
        try again.send("three")
        #expect(try drain(sub) == ["three"])
    }

    @Test func aNewSubscriberDoesNotInheritTheSubscriptionsOfOneThatLeft() throws {
        // The publisher reuses the slot of a subscriber that left; an XSUB (which does not
        // filter on its side) shows exactly what the publisher sends the newcomer.
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://reuse")
        for round in 0..<3 {
            let leaving = try test.socket(.sub)
            try leaving.connect("inproc://reuse")
            try leaving.subscribe("old")
            leaving.close()
            let newcomer = try test.socket(.xsub)
            try newcomer.connect("inproc://reuse")
            try newcomer.subscribe("new")
            try pub.send("old \(round)")
            try pub.send("new \(round)")
            #expect(try drain(newcomer) == [Message("new \(round)")], "round \(round)")
            newcomer.close()
        }
    }

    @Test(arguments: [true, false])
    func aSubscriberThatLeftBeforeTheBindLeavesNothingBehind(close: Bool) throws {
        let test = TestContext()
        let sub = try test.socket(.sub)
        try sub.subscribe("t")
        try sub.connect("inproc://not-yet")
        if close { sub.close() } else { try sub.disconnect("inproc://not-yet") }
        let pub = try test.socket(.pub)
        try pub.bind("inproc://not-yet")
        #expect(pub.subscriptions.isEmpty)
        try pub.send("t1")
        if !close { #expect(try drain(sub).isEmpty) }
    }
}
