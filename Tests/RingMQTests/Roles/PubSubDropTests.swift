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
