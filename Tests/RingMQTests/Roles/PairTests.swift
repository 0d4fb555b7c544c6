import RingMQ
import Testing

/// Two PAIR sockets: `bound` bound to `name`, `connected` connected to it.
private func pair(_ context: TestContext, name: String = "inproc://pair") throws -> (bound: Socket, connected: Socket) {
    let bound = try context.socket(.pair)
    try bound.bind(name)
    let connected = try context.socket(.pair)
    try connected.connect(name)
    return (bound, connected)
}

@Suite(.runsAlone) struct PairTests {
    @Test func exchangeBothWays() throws {
        let context = TestContext()
        let (a, b) = try pair(context)
        try a.send("from a")
        try b.send(["from", "b"])
        #expect(try b.tryReceive() == "from a")
        #expect(try a.tryReceive() == ["from", "b"])
        #expect(try a.tryReceive() == nil)
        #expect(try b.tryReceive() == nil)
        for i in 0..<100 {
            try a.send(numbered(i))
            #expect(try b.receive() == numbered(i))
            try b.send(numbered(-i))
            #expect(try a.receive() == numbered(-i))
        }
    }

    @Test func exchangeWhenConnectedBeforeTheBind() throws {
        let context = TestContext()
        let b = try context.socket(.pair)
        try b.connect("inproc://later")
        try b.send("sent before the bind")
        let a = try context.socket(.pair)
        try a.bind("inproc://later")
        #expect(try a.tryReceive() == "sent before the bind")
        try a.send("reply")
        #expect(try b.tryReceive() == "reply")
    }

    @Test func pairQueueFollowsTheHighWaterMarks() throws {
        let context = TestContext()
        let a = try context.socket(.pair)
        a.receiveHighWaterMark = 2
        try a.bind("inproc://pair-hwm")
        let b = try context.socket(.pair)
        b.sendHighWaterMark = 3
        try b.connect("inproc://pair-hwm")
        #expect(try fill(b, limit: 100) == 5)
        b.sendTimeout = .milliseconds(20)
        expectTimesOut(after: .milliseconds(20)) { try b.send("full") }
        // The other direction has its own queue: 1000 + 1000 by default.
        #expect(try fill(a, limit: 5000) == 2000)
    }

    @Test func aSecondPeerIsRefusedAndTheFirstPairKeepsWorking() throws {
        let context = TestContext()
        let (a, b) = try pair(context)
        let intruder = try context.socket(.pair)
        let message = expectError(.addressInUse) { try intruder.connect("inproc://pair") }
        #expect(message?.contains("PAIR") == true, "the message should say PAIR is exclusive: \(message ?? "")")

        try a.send("still here")
        #expect(try b.tryReceive() == "still here")
        try b.send("me too")
        #expect(try a.tryReceive() == "me too")
        // The refused socket got nothing, and is free to connect elsewhere.
        #expect(try intruder.tryReceive() == nil)
        let other = try context.socket(.pair)
        try other.bind("inproc://elsewhere")
        try intruder.connect("inproc://elsewhere")
        try intruder.send("hello")
        #expect(try other.tryReceive() == "hello")
    }

    @Test func aConnectedPairCannotConnectAgain() throws {
        let context = TestContext()
        let (a, b) = try pair(context)
        let other = try context.socket(.pair)
        try other.bind("inproc://other")
        let message = expectError(.invalidState) { try b.connect("inproc://other") }
        #expect(message?.contains("PAIR") == true, "unhelpful message: \(message ?? "")")
        expectError(.invalidState) { try b.connect("inproc://pair") }
        expectError(.invalidState) { try b.connect("inproc://not-bound-yet") }
        // other is still free, and b still talks to a.
        let third = try context.socket(.pair)
        try third.connect("inproc://other")
        try a.send("still paired")
        #expect(try b.tryReceive() == "still paired")
    }

    @Test func aPairWaitingForItsBindCannotConnectAgain() throws {
        let context = TestContext()
        let b = try context.socket(.pair)
        try b.connect("inproc://pending")
        expectError(.invalidState) { try b.connect("inproc://pending-2") }
    }

    @Test func aBoundPairWithItsPeerCannotConnectElsewhere() throws {
        let context = TestContext()
        let (a, b) = try pair(context)
        let other = try context.socket(.pair)
        try other.bind("inproc://other")
        expectError(.invalidState) { try a.connect("inproc://other") }
        try b.send("still paired")
        #expect(try a.tryReceive() == "still paired")
    }

    @Test func afterThePeerClosesANewPairCanConnect() throws {
        let context = TestContext()
        let (a, b) = try pair(context)
        try b.send("from b")
        b.close()

        let c = try context.socket(.pair)
        try c.connect("inproc://pair")
        try c.send("from c")
        #expect(Set(try drain(a)) == ["from b", "from c"], "what b sent before closing stays readable")
        try a.send("to c")
        #expect(try c.tryReceive() == "to c")
    }

    @Test func afterTheConnectedPeerDisconnectsANewPairCanConnect() throws {
        let context = TestContext()
        let (a, b) = try pair(context)
        try b.disconnect("inproc://pair")
        let c = try context.socket(.pair)
        try c.connect("inproc://pair")
        try a.send("to c")
        #expect(try c.tryReceive() == "to c")
        #expect(try b.tryReceive() == nil)
        // And b, free again, may connect somewhere else.
        let d = try context.socket(.pair)
        try d.bind("inproc://d")
        try b.connect("inproc://d")
        try d.send("to b")
        #expect(try b.tryReceive() == "to b")
    }

    @Test func afterTheBoundPeerClosesTheConnectedPairCanConnectAgain() throws {
        let context = TestContext()
        let (a, b) = try pair(context)
        a.close()
        #expect(try b.trySend("nobody there") == false)
        let fresh = try context.socket(.pair)
        try fresh.bind("inproc://fresh")
        try b.connect("inproc://fresh")
        try b.send("hi")
        #expect(try fresh.tryReceive() == "hi")
    }
}
