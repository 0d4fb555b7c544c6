import RingMQ
import Testing

/// REQ: requests round-robin over the peers, strict send → receive turns, the empty delimiter
/// added to each request and stripped from its reply, and replies taken only from the peer the
/// request went to.
@Suite(.runsAlone) struct RequestTests {
    // MARK: - Round-robin

    @Test func requestsRoundRobinOverThePeers() throws {
        let context = TestContext()
        let reps = try (0..<3).map { i in
            let rep = try context.socket(.rep)
            try rep.bind("inproc://rep-\(i)")
            return rep
        }
        let req = try context.socket(.req)
        for i in 0..<3 { try req.connect("inproc://rep-\(i)") }

        var servedBy: [Int] = []
        for i in 0..<9 {
            try req.send(numbered(i))
            var receivers: [Int] = []
            for (r, rep) in reps.enumerated() {
                guard let request = try rep.tryReceive() else { continue }
                #expect(request == numbered(i))
                receivers.append(r)
                try rep.send("reply \(i)")
            }
            #expect(receivers.count == 1, "request \(i) reached \(receivers)")
            servedBy += receivers
            #expect(try req.receive() == "reply \(i)")
        }
        #expect(servedBy == [0, 1, 2, 0, 1, 2, 0, 1, 2])
    }

    // MARK: - Turns

    @Test func sendingTwiceWithoutReceivingIsInvalidState() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://turns")
        let req = try context.socket(.req)
        try req.connect("inproc://turns")
        try req.send("first")
        let message = expectError(.invalidState) { try req.send("second") }
        #expect(message?.contains("receive") == true, "the message should say to receive first: \(message ?? "")")
        expectError(.invalidState) { try req.trySend("second") }

        // The refused request went nowhere, and the first one is still answered.
        #expect(try rep.receive() == "first")
        try rep.send("answer")
        #expect(try req.receive() == "answer")
        try req.send("third")
        #expect(try rep.receive() == "third")
    }

    @Test func receivingBeforeAnySendIsInvalidState() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://early")
        let req = try context.socket(.req)
        try req.connect("inproc://early")
        let message = expectError(.invalidState) { try req.receive() }
        #expect(message?.contains("send") == true, "the message should say to send first: \(message ?? "")")
        expectError(.invalidState) { try req.tryReceive() }
    }

    @Test func receivingTwiceAfterOneRequestIsInvalidState() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://twice")
        let req = try context.socket(.req)
        try req.connect("inproc://twice")
        try req.send("question")
        #expect(try rep.receive() == "question")
        try rep.send("answer")
        #expect(try req.receive() == "answer")
        expectError(.invalidState) { try req.receive() }
    }

    @Test func aRequestThatTimesOutLeavesTheTurnToSend() throws {
        let context = TestContext()
        let req = try context.socket(.req)
        req.sendTimeout = .milliseconds(20)
        // No peer: nothing can take the request.
        expectTimesOut(after: .milliseconds(20)) { try req.send("lost") }
        #expect(try req.trySend("lost") == false)
        expectError(.invalidState) { try req.receive() }

        let rep = try context.socket(.rep)
        try rep.bind("inproc://late")
        try req.connect("inproc://late")
        try req.send("kept")
        #expect(try rep.receive() == "kept")
    }

    // MARK: - Envelope

    @Test func aRouterSeesTheDelimiterAndTheReplyLosesIt() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://envelope")
        let req = try context.socket(.req)
        req.routingID = "client"
        try req.connect("inproc://envelope")

        try req.send("body")
        #expect(try router.receive() == ["client", "", "body"])
        try router.send(["client", "", "reply"])
        #expect(try req.receive() == "reply")

        try req.send(["part 1", "part 2"])
        #expect(try router.receive() == ["client", "", "part 1", "part 2"])
        try router.send(["client", "", "reply 1", "reply 2"])
        #expect(try req.receive() == ["reply 1", "reply 2"])
    }

    @Test func multipartRequestsAndRepliesKeepEveryFrame() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://multipart")
        let req = try context.socket(.req)
        try req.connect("inproc://multipart")
        // Empty frames inside the body are body, not envelope.
        let big = Frame((0..<200).map { UInt8($0) })
        let request: Message = ["a", "", "b", big, Frame()]
        try req.send(request)
        #expect(try rep.receive() == request)
        let reply: Message = ["x", "", big, "z"]
        try rep.send(reply)
        #expect(try req.receive() == reply)
    }

    @Test func aReplyWithoutTheDelimiterIsDropped() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://no-delimiter")
        let req = try context.socket(.req)
        req.routingID = "client"
        try req.connect("inproc://no-delimiter")
        try req.send("question")
        #expect(try router.receive() == ["client", "", "question"])

        try router.send(["client", "no delimiter"])
        try router.send(["client", "x", "", "delimiter not first"])
        try router.send(["client", ""])  // a delimiter and no body
        #expect(try req.tryReceive() == nil)
        try router.send(["client", "", "answer"])
        #expect(try req.receive() == "answer")
    }

    // MARK: - The reply comes from the peer asked

    @Test func aMessageFromAPeerNotAskedIsDropped() throws {
        let context = TestContext()
        let routers = try (0..<2).map { i in
            let router = try context.socket(.router)
            try router.bind("inproc://router-\(i)")
            return router
        }
        let req = try context.socket(.req)
        for i in 0..<2 { try req.connect("inproc://router-\(i)") }

        // A first exchange with router 0 tells it the REQ's routing id.
        try req.send("one")
        let first = try routers[0].receive()
        #expect(first.count == 3 && first[1].isEmpty && first[2] == "one")
        let id = first[0]
        try routers[0].send([id, "", "reply one"])
        #expect(try req.receive() == "reply one")

        // The next request goes to router 1; router 0 answers anyway.
        try req.send("two")
        #expect(try routers[0].tryReceive() == nil)
        let second = try routers[1].receive()
        #expect(Array(second.dropFirst()) == ["", "two"])
        try routers[0].send([id, "", "stray"])
        #expect(try req.tryReceive() == nil, "the stray reply from router 0 must be dropped")
        try routers[1].send([second[0], "", "reply two"])
        #expect(try req.receive() == "reply two")
    }
}
