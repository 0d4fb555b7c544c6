import RingMQ
import Testing

/// DEALER: round-robin out, fair-queue in, no turns and no envelope rules of its own; it talks
/// to ROUTER, REP and DEALER.
@Suite(.runsAlone) struct DealerTests {
    @Test func sendsRoundRobinAndReceivesFairQueued() throws {
        let context = TestContext()
        let peers = try (0..<3).map { i in
            let peer = try context.socket(.dealer)
            try peer.bind("inproc://dealer-\(i)")
            return peer
        }
        let dealer = try context.socket(.dealer)
        for i in 0..<3 { try dealer.connect("inproc://dealer-\(i)") }

        for i in 0..<9 { try dealer.send(numbered(i)) }
        for (p, peer) in peers.enumerated() {
            #expect(try drainNumbers(peer) == [p, p + 3, p + 6], "peer \(p)")
        }

        // Every peer queues two at once; the DEALER takes one from each in turn.
        for (p, peer) in peers.enumerated() {
            for i in 0..<2 { try peer.send(numbered(10 * p + i)) }
        }
        #expect(try drainNumbers(dealer) == [0, 10, 20, 1, 11, 21])
    }

    @Test func dealerAndDealerTalkBothWays() throws {
        let context = TestContext()
        let bound = try context.socket(.dealer)
        try bound.bind("inproc://duplex")
        let connected = try context.socket(.dealer)
        try connected.connect("inproc://duplex")
        // No envelope rules: empty frames pass untouched, in both directions, with no turns.
        try connected.send(["", "to the bound one"])
        try connected.send("again")
        try bound.send(["to the connected one", ""])
        try bound.send(Message(Frame()))
        #expect(try drain(bound) == [["", "to the bound one"], "again"])
        #expect(try drain(connected) == [["to the connected one", ""], Message(Frame())])
    }

    @Test func dealerToRouterHasNoTurns() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://router")
        let dealer = try context.socket(.dealer)
        dealer.routingID = "D"
        try dealer.connect("inproc://router")
        for i in 0..<3 { try dealer.send(numbered(i)) }
        #expect(try drain(router) == (0..<3).map { ["D", numbered($0)[0]] })
        try router.send(["D", "no", "delimiter"])
        try router.send(["D", "", "with delimiter"])
        #expect(try drain(dealer) == [["no", "delimiter"], ["", "with delimiter"]])
    }

    @Test func dealerToRepMayHaveSeveralRequestsOutstanding() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://rep")
        let dealer = try context.socket(.dealer)
        try dealer.connect("inproc://rep")
        for i in 0..<3 { try dealer.send(["", numbered(i)[0]]) }
        for i in 0..<3 {
            #expect(try rep.receive() == numbered(i))
            try rep.send(numbered(i * i))
        }
        #expect(try drain(dealer) == [["", "0"], ["", "1"], ["", "4"]])
    }

    @Test func dealerSendsToSeveralRepsInTurn() throws {
        let context = TestContext()
        let reps = try (0..<2).map { i in
            let rep = try context.socket(.rep)
            try rep.bind("inproc://rep-\(i)")
            return rep
        }
        let dealer = try context.socket(.dealer)
        for i in 0..<2 { try dealer.connect("inproc://rep-\(i)") }
        for i in 0..<4 { try dealer.send(["", numbered(i)[0]]) }
        for (r, rep) in reps.enumerated() {
            for i in [r, r + 2] {
                #expect(try rep.receive() == numbered(i), "rep \(r)")
                try rep.send("\(r) answers \(i)")
            }
        }
        // Fair-queued back: one from each REP in turn.
        let replies = try drain(dealer)
        #expect(replies == ["0 answers 0", "1 answers 1", "0 answers 2", "1 answers 3"].map { ["", Frame($0)] })
    }
}
