import RingMQ
import Testing

/// REP: requests fair-queued over the requesters, strict receive → send turns, the envelope
/// stripped from each request and put back in front of its reply, and the reply routed to the
/// requester (or dropped when it has gone).
@Suite(.runsAlone) struct ReplyTests {
    // MARK: - Fair queueing and routing back

    @Test func requestsAreFairQueuedOverTheRequesters() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://fair")
        // DEALERs, so that each can queue several requests at once.
        let dealers = try (0..<3).map { _ in
            let dealer = try context.socket(.dealer)
            try dealer.connect("inproc://fair")
            return dealer
        }
        for (d, dealer) in dealers.enumerated() {
            for i in 0..<3 { try dealer.send(["", "\(d)-\(i)"]) }
        }
        var order: [String] = []
        for _ in 0..<9 {
            let request = try rep.receive()
            order.append(request[0].string)
            try rep.send("re \(request[0].string)")
        }
        #expect(order == ["0-0", "1-0", "2-0", "0-1", "1-1", "2-1", "0-2", "1-2", "2-2"])
        for (d, dealer) in dealers.enumerated() {
            #expect(try drain(dealer) == (0..<3).map { ["", "re \(d)-\($0)"] }, "dealer \(d)")
        }
    }

    @Test func eachReplyGoesToItsRequesterWhenRequestsInterleave() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://interleave")
        let reqs = try (0..<3).map { _ in
            let req = try context.socket(.req)
            try req.connect("inproc://interleave")
            return req
        }
        for round in 0..<3 {
            // All three requests are queued before the REP takes the first.
            for (r, req) in reqs.enumerated().reversed() { try req.send("\(r)/\(round)") }
            for _ in 0..<3 {
                let request = try rep.receive()
                try rep.send("answer to \(request[0].string)")
            }
            for (r, req) in reqs.enumerated() {
                #expect(try req.receive() == "answer to \(r)/\(round)", "requester \(r), round \(round)")
            }
        }
    }

    // MARK: - Envelope

    @Test func theEnvelopeIsStrippedAndPutBackInFrontOfTheReply() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://envelope")
        let dealer = try context.socket(.dealer)
        try dealer.connect("inproc://envelope")

        try dealer.send(["a", "b", "", "body"])
        #expect(try rep.receive() == "body")
        try rep.send("r")
        #expect(try dealer.receive() == ["a", "b", "", "r"])

        // Multipart on both sides; only the first empty frame ends the envelope.
        try dealer.send(["hop", "", "x", "", "y"])
        #expect(try rep.receive() == ["x", "", "y"])
        try rep.send(["r1", "r2"])
        #expect(try dealer.receive() == ["hop", "", "r1", "r2"])
    }

    @Test func aRequestWithoutADelimiterIsDropped() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://malformed")
        let dealer = try context.socket(.dealer)
        try dealer.connect("inproc://malformed")
        try dealer.send("no delimiter")
        try dealer.send(["a", "b"])
        try dealer.send(["envelope", ""])  // a delimiter and no body (libzmq drops it too)
        #expect(try rep.tryReceive() == nil)
        try dealer.send(["", "good"])
        #expect(try rep.receive() == "good")
        try rep.send("reply")
        #expect(try drain(dealer) == [["", "reply"]])
    }

    // MARK: - Turns

    @Test func sendingBeforeReceivingIsInvalidState() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://early")
        let req = try context.socket(.req)
        try req.connect("inproc://early")
        let message = expectError(.invalidState) { try rep.send("unasked") }
        #expect(message?.contains("receive") == true, "the message should say to receive first: \(message ?? "")")
        expectError(.invalidState) { try rep.trySend("unasked") }

        try req.send("question")
        #expect(try rep.receive() == "question")
        try rep.send("answer")
        #expect(try req.receive() == "answer")
        expectError(.invalidState) { try rep.send("answer again") }
    }

    @Test func receivingTwiceWithoutReplyingIsInvalidState() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://twice")
        let dealer = try context.socket(.dealer)
        try dealer.connect("inproc://twice")
        try dealer.send(["", "first"])
        try dealer.send(["", "second"])
        #expect(try rep.receive() == "first")
        let message = expectError(.invalidState) { try rep.receive() }
        #expect(message?.contains("send") == true, "the message should say to reply first: \(message ?? "")")
        expectError(.invalidState) { try rep.tryReceive() }

        // The refused receive consumed nothing.
        try rep.send("reply to first")
        #expect(try rep.receive() == "second")
        try rep.send("reply to second")
        #expect(try drain(dealer) == [["", "reply to first"], ["", "reply to second"]])
    }

    // MARK: - The requester has gone

    enum Departure: String, CaseIterable, Sendable {
        case close, disconnect
    }

    @Test(arguments: Departure.allCases)
    func aReplyToARequesterThatLeftIsDroppedAndTheNextRequestIsServed(_ departure: Departure) throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://gone")
        let leaving = try context.socket(.req)
        try leaving.connect("inproc://gone")
        let staying = try context.socket(.req)
        try staying.connect("inproc://gone")

        try leaving.send("from the one leaving")
        #expect(try rep.receive() == "from the one leaving")
        switch departure {
        case .close: leaving.close()
        case .disconnect: try leaving.disconnect("inproc://gone")
        }
        #expect(try rep.trySend("nobody takes this"), "the reply is dropped, not waited on")

        try staying.send("from the one staying")
        #expect(try rep.receive() == "from the one staying")
        try rep.send("for the one staying")
        #expect(try staying.receive() == "for the one staying")
    }

    @Test func aRequestQueuedBeforeItsSenderClosedIsStillServed() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://queued")
        let leaving = try context.socket(.req)
        try leaving.connect("inproc://queued")
        try leaving.send("sent, then closed")
        leaving.close()

        #expect(try rep.receive() == "sent, then closed")
        try rep.send("dropped")
        let next = try context.socket(.req)
        try next.connect("inproc://queued")
        try next.send("next")
        #expect(try rep.receive() == "next")
        try rep.send("served")
        #expect(try next.receive() == "served")
    }

    // MARK: - A full requester (RingMQ waits rather than drop the reply)

    @Test func aReplyWaitsForRoomAtTheRequester() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        rep.sendHighWaterMark = 1
        try rep.bind("inproc://full")
        let dealer = try context.socket(.dealer)
        dealer.receiveHighWaterMark = 1
        try dealer.connect("inproc://full")
        // The reply queue holds 1 + 1.
        for i in 0..<3 { try dealer.send(["", numbered(i)[0]]) }
        for i in 0..<2 {
            #expect(try rep.receive() == numbered(i))
            try rep.send(numbered(i))
        }
        #expect(try rep.receive() == numbered(2))
        #expect(try rep.trySend(numbered(2)) == false)
        rep.sendTimeout = .milliseconds(20)
        expectTimesOut(after: .milliseconds(20)) { try rep.send(numbered(2)) }
        expectError(.invalidState) { try rep.receive() }  // still the turn to reply

        rep.sendTimeout = Scale.safety
        let replier = Peer { try rep.send(numbered(2)) }
        replier.waitUntilBlocked()
        #expect(try dealer.receive() == ["", "0"])
        #expect(throws: Never.self) { try replier.join().get() }
        #expect(try drain(dealer) == [["", "1"], ["", "2"]])
    }
}
