import RingMQ
import Testing

/// A slow subscriber misses messages, the publisher never waits, and the other subscribers
/// are not affected: the figures libzmq 4.3 gives over inproc (PUB HWM 10 + SUB HWM 10 →
/// the first 20 kept), and the count in `statistics.messagesDropped`.
@Suite(.runsAlone) struct PubSubDropTests {
    @Test(arguments: [true, false])
    func aFullSubscriberMissesMessagesAndTheOthersGetAll(publisherBinds: Bool) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 10
        let slow = try test.socket(.sub)
        slow.receiveHighWaterMark = 10
        let unlimited = try test.socket(.sub)
        unlimited.receiveHighWaterMark = 0
        for sub in [slow, unlimited] { try sub.subscribe("") }
        if publisherBinds {
            try pub.bind("inproc://drop")
            for sub in [slow, unlimited] { try sub.connect("inproc://drop") }
        } else {
            for (i, sub) in [slow, unlimited].enumerated() {
                try sub.bind("inproc://drop-\(i)")
                try pub.connect("inproc://drop-\(i)")
            }
        }

        for i in 0..<1000 {
            #expect(try pub.trySend(numbered(i)), "message \(i): a PUB never refuses")
        }
        #expect(try drainNumbers(slow) == Array(0..<20), "the first 10 + 10 are kept")
        #expect(try drainNumbers(unlimited) == Array(0..<1000), "HWM 0: nothing dropped")
        #expect(pub.statistics.messagesDropped == 980)
    }

    @Test func blockingSendToAFullSubscriberReturnsAtOnce() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 1
        pub.sendTimeout = .milliseconds(10)  // a wait would end in timedOut
        try pub.bind("inproc://full")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 1
        try sub.connect("inproc://full")
        try sub.subscribe("")
        for i in 0..<100 { try pub.send(numbered(i)) }
        #expect(try drainNumbers(sub) == [0, 1])
        #expect(pub.statistics.messagesDropped == 98)
    }

    @Test func aDrainedSubscriberReceivesAgainAtOnce() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 2
        try pub.bind("inproc://refill")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 2
        try sub.connect("inproc://refill")
        try sub.subscribe("")
        for round in 0..<3 {
            for i in 0..<10 { try pub.send(numbered(round * 100 + i)) }
            #expect(try drainNumbers(sub) == (0..<4).map { round * 100 + $0 }, "round \(round)")
        }
        #expect(pub.statistics.messagesDropped == 18)
    }

    @Test func messagesTheSubscriberDoesNotWantAreNotDrops() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 1
        try pub.bind("inproc://unwanted")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 1
        try sub.connect("inproc://unwanted")
        try sub.subscribe("a")
        for i in 0..<50 { try pub.send(Message("b\(i)")) }
        try pub.send("a1")
        try pub.send("a2")
        try pub.send("a3")
        #expect(try drain(sub) == ["a1", "a2"])
        #expect(pub.statistics.messagesDropped == 1)
    }

    @Test func aMultipartMessageTakesOneSlotAndIsKeptOrDroppedWhole() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 2
        try pub.bind("inproc://multipart")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 1
        try sub.connect("inproc://multipart")
        try sub.subscribe("")
        for i in 0..<5 { try pub.send(["head", Frame("\(i)"), "tail"]) }
        #expect(try drain(sub) == (0..<3).map { ["head", Frame("\($0)"), "tail"] })
    }
}

/// `xpubNoDrop` on a PUB, as libzmq allows (ZMQ_XPUB_NODROP applies to PUB and XPUB): a
/// matching subscriber that is full makes the send wait instead of losing the message; other
/// subscribers and other topics are not held up.
@Suite(.runsAlone) struct PubNoDropTests {
    @Test(arguments: [true, false])
    func aPubWithNoDropWaitsForAFullMatchingSubscriber(publisherBinds: Bool) throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 1
        pub.xpubNoDrop = true
        let full = try test.socket(.sub)
        full.receiveHighWaterMark = 1
        try full.subscribe("a")
        let other = try test.socket(.sub)
        try other.subscribe("b")
        if publisherBinds {
            try pub.bind("inproc://pub-no-drop")
            for sub in [full, other] { try sub.connect("inproc://pub-no-drop") }
        } else {
            for (i, sub) in [full, other].enumerated() {
                try sub.bind("inproc://pub-no-drop-\(i)")
                try pub.connect("inproc://pub-no-drop-\(i)")
            }
        }

        #expect(try pub.trySend("a0") && pub.trySend("a1"), "1 + 1 fit")
        #expect(try pub.trySend("a2") == false, "the matching subscriber is full: refused, not dropped")
        #expect(try pub.trySend("b0"), "a message the full subscriber does not want still goes")
        pub.sendTimeout = .milliseconds(50)
        expectTimesOut(after: .milliseconds(50)) { try pub.send("a3") }
        #expect(try drain(full) == ["a0", "a1"])
        #expect(try drain(other) == ["b0"])
        #expect(try pub.trySend("a4"), "room again")
        #expect(try drain(full) == ["a4"])
        #expect(pub.statistics.messagesDropped == 0)
    }

    @Test func aBlockedPubSendCompletesOnceTheSubscriberReads() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 1
        pub.xpubNoDrop = true
        try pub.bind("inproc://pub-no-drop-wait")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 1
        try sub.subscribe("")
        try sub.connect("inproc://pub-no-drop-wait")
        #expect(try pub.trySend(numbered(0)) && pub.trySend(numbered(1)))
        let sender = Peer { try pub.send(numbered(2)) }
        sender.waitUntilBlocked()
        #expect(sender.isFinished == false, "the send waits while the subscriber is full")
        #expect(try sub.receive() == numbered(0))
        #expect(throws: Never.self) { try sender.join().get() }
        #expect(try drainNumbers(sub) == [1, 2])
    }

    @Test func onlyPubAndXPubTakeNoDrop() throws {
        let test = TestContext()
        for type in SocketType.allCases {
            let socket = try test.socket(type)
            if type == .pub || type == .xpub {
                try socket.setOption(.xpubNoDrop(true))
                #expect(socket.xpubNoDrop)
            } else {
                let message = expectError(.invalidOption) { try socket.setOption(.xpubNoDrop(true)) }
                #expect(message?.contains("PUB, XPUB") == true, "\(type): \(message ?? "")")
            }
        }
    }
}
