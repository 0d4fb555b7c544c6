import RingMQ
import Testing

/// No slow joiner, deterministically: a message published after `subscribe(_:)` returned (in
/// happens-before order) is filtered with that subscription, and one published after
/// `unsubscribe(_:)` returned is not, whichever side binds and whether the subscription was
/// made before the connection, after it, or while it waited for its bind.
///
/// The threaded tests order the two sides with ``Gate``s and ``Milestone``s and then check with
/// non-blocking calls, so a lost message is a failure at once, never a wait.
@Suite(.runsAlone) struct PubSubNoSlowJoinerTests {
    // MARK: - One thread

    @Test(arguments: MeetingOrder.allCases, [true, false])
    func theFirstMessageAfterSubscribingArrives(order: MeetingOrder, subscribeBeforeJoining: Bool) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let sub = try test.socket(.sub)
        if subscribeBeforeJoining { try sub.subscribe("t") }
        try order.join(publisher: pub, subscriber: sub, at: "inproc://join")
        if !subscribeBeforeJoining { try sub.subscribe("t") }
        try pub.send("t 1")
        try pub.send("u 1")
        #expect(try drain(sub) == ["t 1"])
    }

    @Test(arguments: [MeetingOrder.subscriberConnectsBeforeBind, .publisherConnectsBeforeBind])
    func aSubscriptionMadeWhileTheConnectionWaitsForItsBindApplies(order: MeetingOrder) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let sub = try test.socket(.sub)
        try sub.subscribe("a")
        if order.subscriberFirst {
            try order.subscriberStep(sub, "inproc://pending")
        } else {
            try order.publisherStep(pub, "inproc://pending")
        }
        try sub.subscribe("b")
        try sub.unsubscribe("a")
        if order.subscriberFirst {
            try order.publisherStep(pub, "inproc://pending")
        } else {
            try order.subscriberStep(sub, "inproc://pending")
        }
        for topic in ["a", "b", "c"] { try pub.send(Message(topic)) }
        #expect(try drain(sub) == ["b"])
    }

    // MARK: - Two threads

    @Test(arguments: MeetingOrder.allCases)
    func aSubscriberThreadThatSubscribedAndSignalledGetsTheNextMessage(order: MeetingOrder) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let sub = try test.socket(.sub)
        let endpoint = "inproc://threads"
        let publisherJoined = Gate()
        let subscriberReady = Gate()
        let published = Gate()

        let subscriber = Peer { () throws -> [Message] in
            if !order.subscriberFirst { publisherJoined.wait() }
            try sub.subscribe("t")
            try order.subscriberStep(sub, endpoint)
            subscriberReady.open()
            published.wait()
            return try drain(sub)
        }
        if !order.subscriberFirst {
            try order.publisherStep(pub, endpoint)
            publisherJoined.open()
        }
        #expect(subscriberReady.wait())
        if order.subscriberFirst { try order.publisherStep(pub, endpoint) }
        try pub.send("u 0")
        try pub.send("t 1")
        published.open()
        #expect(try subscriber.join().get() == ["t 1"])
    }

    /// Round after round on two threads: subscribe, signal, the publisher sends, the message
    /// is there; unsubscribe, signal, the publisher sends, nothing arrives. An XSUB does not
    /// filter on its side, so it shows exactly what the publisher sent it.
    @Test(arguments: [SocketType.sub, .xsub])
    func subscriptionsAndUnsubscriptionsTakeEffectBeforeTheCallReturns(type: SocketType) throws {
        let rounds = Scale.count(normal: 300, stress: 3000, sanitized: 100)
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://rounds")
        let sub = try test.socket(type)
        try sub.connect("inproc://rounds")
        let subscriberStep = Milestone()
        let publisherStep = Milestone()

        let subscriber = Peer { () throws -> [String] in
            var wrong: [String] = []
            for round in 0..<rounds {
                try sub.subscribe(Frame("r\(round)"))
                subscriberStep.reach(2 * round + 1)
                guard publisherStep.wait(for: 2 * round + 1) else { return wrong + ["publisher stalled"] }
                let inside = try drain(sub)
                if inside != [Message("r\(round) in")] { wrong.append("round \(round) subscribed: \(inside)") }
                try sub.unsubscribe(Frame("r\(round)"))
                subscriberStep.reach(2 * round + 2)
                guard publisherStep.wait(for: 2 * round + 2) else { return wrong + ["publisher stalled"] }
                let outside = try drain(sub)
                if !outside.isEmpty { wrong.append("round \(round) unsubscribed: \(outside)") }
            }
            return wrong
        }
        for round in 0..<rounds {
            guard subscriberStep.wait(for: 2 * round + 1) else { break }
            try pub.send(Message("r\(round) in"))
            try pub.send(Message("x\(round)"))
            publisherStep.reach(2 * round + 1)
            guard subscriberStep.wait(for: 2 * round + 2) else { break }
            try pub.send(Message("r\(round) out"))
            publisherStep.reach(2 * round + 2)
        }
        let wrong = try subscriber.join().get()
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }
}
