import RingMQ
import Testing

/// `requestCorrelate`: each request carries a 4-byte id frame before the delimiter, and a REQ
/// takes only the reply that echoes the current id. The first test is libzmq's
/// tests/test_req_correlate.cpp over inproc.
@Suite(.runsAlone) struct RequestCorrelateTests {
    /// The request id a frame holds, read as libzmq's test reads it (a native-order `uint32`).
    private func requestID(_ frame: Frame) -> UInt32? {
        guard frame.count == 4 else { return nil }
        return frame.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    private func frame(_ id: UInt32) -> Frame {
        withUnsafeBytes(of: id) { Frame(copying: $0) }
    }

    @Test func aReplyWithTheWrongIDIsDroppedAndTheRightOneTaken() throws {
        let context = TestContext()
        let req = try context.socket(.req)
        req.requestCorrelate = true
        let router = try context.socket(.router)
        try router.bind("inproc://correlate")
        try req.connect("inproc://correlate")

        try req.send(["ABC", "DEF"])

        // The ROUTER sees [peer id, request id, "", body…].
        let request = try router.receive()
        try #require(request.count == 5, "\(request)")
        let peer = request[0]
        #expect(!peer.isEmpty)
        let id = try #require(requestID(request[1]), "the request id is 4 bytes: \(request[1].bytes)")
        #expect(Array(request.dropFirst(2)) == ["", "ABC", "DEF"])

        // A bad reply: wrong request id.
        try router.send([peer, frame(id &+ 1), "", "DATA"])
        // A good reply.
        try router.send([peer, request[1], "", "GHI"])

        // Had the bad reply got through, this would be "DATA".
        #expect(try req.receive() == "GHI")
    }

    @Test func aReplyWithTheWrongIDAloneLeavesTheReceiveWaiting() throws {
        let context = TestContext()
        let req = try context.socket(.req)
        req.requestCorrelate = true
        let router = try context.socket(.router)
        try router.bind("inproc://correlate-wrong")
        try req.connect("inproc://correlate-wrong")
        try req.send("question")
        let request = try router.receive()
        let id = try #require(requestID(request[1]))

        try router.send([request[0], frame(id &+ 1), "", "wrong id"])
        try router.send([request[0], "", "no id"])
        try router.send([request[0], "abcd"])  // an id-sized frame, no delimiter
        try router.send([request[0], request[1], "x", "delimiter not second"])
        req.receiveTimeout = .milliseconds(50)
        expectTimesOut(after: .milliseconds(50)) { try req.receive() }

        try router.send([request[0], request[1], "", "answer"])
        #expect(try req.receive() == "answer")
    }

    @Test func aREPEchoesTheIDAndEachRequestHasTheNext() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://correlate-ids")
        let rep = try context.socket(.rep)
        try rep.bind("inproc://correlate-rep")
        let req = try context.socket(.req)
        req.requestCorrelate = true
        try req.connect("inproc://correlate-ids")
        try req.connect("inproc://correlate-rep")

        var ids: [UInt32] = []
        for round in 0..<3 {
            try req.send("to router \(round)")
            let request = try router.receive()
            ids.append(try #require(requestID(request[1])))
            try router.send([request[0], request[1], "", "router \(round)"])
            #expect(try req.receive() == "router \(round)")

            // Without relaxed, correlation keeps the strict turn.
            try req.send("to rep \(round)")
            expectError(.invalidState) { try req.send("too soon") }
            #expect(try rep.receive() == "to rep \(round)", "a REP strips the id with the envelope")
            try rep.send("rep \(round)")
            #expect(try req.receive() == "rep \(round)", "a REP echoes the id back")
        }
        // One id per request, the REP's included: 0, +2, +4 from a random start.
        #expect(ids == [ids[0], ids[0] &+ 2, ids[0] &+ 4])
    }

    @Test func withoutCorrelationThereIsNoIDFrame() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://no-correlate")
        let req = try context.socket(.req)
        req.routingID = "client"
        req.requestRelaxed = true
        try req.connect("inproc://no-correlate")
        try req.send("body")
        #expect(try router.receive() == ["client", "", "body"])
        try router.send(["client", "", "reply"])
        #expect(try req.receive() == "reply")
    }
}
