import RingMQ
import Testing

/// `immediate` (ZMQ_IMMEDIATE): the round-robin and one-peer types queue messages only on
/// connections that have formed, so a connect made before its bind holds none until the bind.
@Suite(.runsAlone) struct ImmediateTests {
    /// One PUSH connected to a bound PULL and to an endpoint nobody has bound yet.
    private func pushWithOneBoundPeer(_ context: TestContext, immediate: Bool) throws -> (push: Socket, bound: Socket) {
        let bound = try context.socket(.pull)
        try bound.bind("inproc://immediate-bound")
        let push = try context.socket(.push)
        push.immediate = immediate
        try push.connect("inproc://immediate-later")
        try push.connect("inproc://immediate-bound")
        return (push, bound)
    }

    @Test func everyMessageGoesToTheFormedPeer() throws {
        let context = TestContext()
        let (push, bound) = try pushWithOneBoundPeer(context, immediate: true)
        for i in 0..<10 { try push.send(numbered(i)) }
        #expect(try drainNumbers(bound) == Array(0..<10))
        #expect(push.statistics.queuedOut == 0)
    }

    /// The control: without the option, half the messages wait for a bind that has not come.
    @Test func withoutItHalfWaitForTheBind() throws {
        let context = TestContext()
        let (push, bound) = try pushWithOneBoundPeer(context, immediate: false)
        for i in 0..<10 { try push.send(numbered(i)) }
        #expect(try drainNumbers(bound).count == 5)
        #expect(push.statistics.queuedOut == 5)
    }

    @Test func theBindAddsThePeerToTheRotation() throws {
        let context = TestContext()
        let (push, bound) = try pushWithOneBoundPeer(context, immediate: true)
        let later = try context.socket(.pull)
        try later.bind("inproc://immediate-later")
        for i in 0..<10 { try push.send(numbered(i)) }
        #expect(try drainNumbers(bound).count == 5)
        #expect(try drainNumbers(later).count == 5)
    }

    @Test func turningItOnAndOffTakesEffectAtOnce() throws {
        let context = TestContext()
        let (push, bound) = try pushWithOneBoundPeer(context, immediate: false)
        push.immediate = true
        for i in 0..<4 { try push.send(numbered(i)) }
        #expect(try drainNumbers(bound) == Array(0..<4))
        push.immediate = false
        for i in 4..<8 { try push.send(numbered(i)) }
        #expect(try drainNumbers(bound).count == 2)
        #expect(push.statistics.queuedOut == 2)
    }

    /// With only a connect waiting for its bind, there is nowhere to send: `trySend`, the
    /// poller and statistics all say so, and a blocked `send` finishes once the bind happens.
    @Test(arguments: [SocketType.push, .pair, .dealer, .req])
    func aSendWaitsForTheBind(type: SocketType) throws {
        let context = TestContext()
        let sender = try context.socket(type)
        sender.immediate = true
        try sender.connect("inproc://immediate-only")
        #expect(try !sender.trySend("early"))
        var poller = Poller()
        poller.register(sender, for: .writable)
        #expect(try poller.poll(timeout: .zero).isEmpty)
        #expect(sender.statistics.queuedOut == 0)

        let peerType: SocketType =
            switch type {
            case .push: .pull
            case .pair: .pair
            case .dealer: .dealer
            default: .rep
            }
        let blocked = Peer { try sender.send("after the bind") }
        blocked.waitUntilBlocked()
        let receiver = try context.socket(peerType)
        try receiver.bind("inproc://immediate-only")
        #expect(try blocked.join().get() == ())
        #expect(try receiver.receive() == "after the bind")
    }

    @Test func aRequestGoesOnlyToTheBoundReplier() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://immediate-rep")
        let req = try context.socket(.req)
        req.immediate = true
        try req.connect("inproc://immediate-nobody")
        try req.connect("inproc://immediate-rep")
        for i in 0..<4 {
            try req.send(numbered(i))
            #expect(try rep.receive() == numbered(i))
            try rep.send("ok \(i)")
            #expect(try req.receive() == Message("ok \(i)"))
        }
    }
}
