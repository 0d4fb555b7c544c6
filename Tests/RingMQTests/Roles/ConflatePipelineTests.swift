import RingMQ
import Testing

/// Which end of a PUSH → PULL connection sets `conflate`.
enum ConflatingEnd: CaseIterable, Sendable {
    case sender, receiver

    func apply(push: Socket, pull: Socket) {
        (self == .sender ? push : pull).conflate = true
    }
}

/// `conflate` on PUSH, PULL and DEALER, set on either end, whichever binds: every pipe holds
/// only the newest message, so a send never waits for room and a receive gets the newest;
/// round-robin still picks the peer; multipart messages stay whole; a connection made before
/// the bind, or before the option was set, conflates from then on; what a departed peer left in
/// a conflating pipe is not sent again.
@Suite(.runsAlone) struct ConflatePipelineTests {
    /// libzmq's test_conflate: a conflating PULL binds, a PUSH connects and sends 20 messages,
    /// the PULL receives exactly the last; here with either end conflating, in every order.
    @Test(arguments: ConflatingEnd.allCases, MeetingOrder.allCases)
    func onlyTheLastOfTwentyMessagesWaits(end: ConflatingEnd, order: MeetingOrder) throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        let push = try test.socket(.push)
        end.apply(push: push, pull: pull)
        try order.join(publisher: push, subscriber: pull, at: "inproc://conflate-twenty")
        for index in 0..<20 { try push.send(numbered(index)) }
        #expect(try pull.receive() == numbered(19))
        #expect(try pull.tryReceive() == nil)
    }

    /// A producer far faster than its consumer: every send is taken at once, and the consumer
    /// only ever sees increasing numbers, ending with the last one sent.
    @Test(arguments: ConflatingEnd.allCases, [true, false])
    func aSlowConsumerSeesIncreasingNumbersEndingWithTheLast(end: ConflatingEnd, receiverBinds: Bool) throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        let push = try test.socket(.push)
        end.apply(push: push, pull: pull)
        try (receiverBinds ? MeetingOrder.subscriberBindsFirst : .publisherBindsFirst)
            .join(publisher: push, subscriber: pull, at: "inproc://conflate-fast")
        let last = Scale.count(normal: 50_000, stress: 500_000, sanitized: 5_000)
        let consumer = Peer {
            var seen: [Int] = []
            while seen.last != last { seen.append(number(try pull.receive())) }
            return seen
        }
        let producer = Peer {
            (1...last).reduce(0) { refused, index in refused + ((try? push.trySend(numbered(index))) == true ? 0 : 1) }
        }
        #expect(try producer.join().get() == 0, "a conflating send never waits for room")
        let seen = try consumer.join().get()
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 < $1 }, "not increasing: \(seen.prefix(50))")
        #expect(seen.last == last)
        #expect(try pull.tryReceive() == nil)
    }

    @Test(arguments: ConflatingEnd.allCases)
    func aSendNeverWaitsAndReplacesWhatThePeerHasNotTaken(end: ConflatingEnd) throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        pull.receiveHighWaterMark = 1
        try pull.bind("inproc://conflate-room")
        let push = try test.socket(.push)
        push.sendHighWaterMark = 1
        end.apply(push: push, pull: pull)
        try push.connect("inproc://conflate-room")
        for index in 0..<100 { #expect(try push.trySend(numbered(index)), "send \(index) found no room") }
        #expect(
            push.statistics == SocketStatistics(messagesSent: 100, queuedOut: 1, peers: 1),
            "replaced messages are not drops")
        #expect(pull.statistics == SocketStatistics(queuedIn: 1, peers: 1))
        #expect(try drainNumbers(pull) == [99])
    }

    @Test func multipartMessagesAreKeptWhole() throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        pull.conflate = true
        try pull.bind("inproc://conflate-parts")
        let push = try test.socket(.push)
        try push.connect("inproc://conflate-parts")
        try push.send(["a", "1"])
        try push.send(["b", "2", "x"])
        #expect(try drain(pull) == [["b", "2", "x"]])
    }

    @Test func roundRobinStillPicksThePeerAndEachKeepsItsNewest() throws {
        let test = TestContext()
        let push = try test.socket(.push)
        push.conflate = true
        try push.bind("inproc://conflate-round")
        let pulls = try (0..<2).map { _ in
            let pull = try test.socket(.pull)
            try pull.connect("inproc://conflate-round")
            return pull
        }
        for index in 0..<10 { try push.send(numbered(index)) }
        #expect(try drainNumbers(pulls[0]) == [8])
        #expect(try drainNumbers(pulls[1]) == [9])
    }

    /// DEALER conflates both ways: what it sends and what it receives.
    @Test(arguments: [true, false])
    func aConflatingDealerConflatesBothWays(dealerBinds: Bool) throws {
        let test = TestContext()
        let dealer = try test.socket(.dealer)
        dealer.conflate = true
        let peer = try test.socket(.dealer)
        let (binder, connecter) = dealerBinds ? (dealer, peer) : (peer, dealer)
        try binder.bind("inproc://conflate-dealer")
        try connecter.connect("inproc://conflate-dealer")
        for index in 0..<10 {
            try dealer.send(numbered(index))
            try peer.send(numbered(100 + index))
        }
        #expect(try drainNumbers(peer) == [9])
        #expect(try drainNumbers(dealer) == [109])
    }

    @Test func aRouterReplyingToAConflatingDealerReplacesTheUnreadReply() throws {
        let test = TestContext()
        let router = try test.socket(.router)
        try router.bind("inproc://conflate-router")
        let dealer = try test.socket(.dealer)
        dealer.conflate = true
        dealer.routingID = "d"
        try dealer.connect("inproc://conflate-router")
        for index in 0..<5 { try router.send([Frame("d"), Frame("\(index)")]) }
        #expect(try drain(dealer) == [["4"]])
        #expect(router.statistics.messagesDropped == 0)
    }
}
