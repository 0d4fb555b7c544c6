import RingMQ
import Testing

/// libzmq's tests/test_req_relaxed.cpp over inproc: a REQ with `requestRelaxed` and
/// `requestCorrelate` bound, five REPs connected in order (so the round-robin order is theirs);
/// each case starts from a fresh set, as libzmq's setUp gives it.
@Suite(.runsAlone) struct RequestRelaxedTests {
    static let services = 5

    /// libzmq's setUp: the relaxed, correlating REQ and its REPs, in rotation order.
    private func relaxedRequesterAndReplier(_ context: TestContext, _ endpoint: String) throws -> (
        req: Socket, reps: [Socket]
    ) {
        let req = try context.socket(.req)
        req.requestRelaxed = true
        req.requestCorrelate = true
        try req.bind(endpoint)
        let reps = try (0..<Self.services).map { _ in
            let rep = try context.socket(.rep)
            try rep.connect(endpoint)
            return rep
        }
        return (req, reps)
    }

    /// libzmq's get_events (ZMQ_EVENTS): what a poll finds `socket` ready for now.
    private func events(_ socket: Socket) throws -> Poller.Events {
        var poller = Poller()
        poller.register(socket, for: [.readable, .writable])
        return try poller.poll(timeout: .zero).first?.events ?? []
    }

    /// libzmq's bounce: receives a message and sends it back as it is.
    private func bounce(_ socket: Socket) throws {
        try socket.send(try socket.receive())
    }

    /// Case 1: a second send before the reply to the first has arrived.
    private func case1(_ req: Socket, _ reps: [Socket]) throws {
        #expect(try events(req) == .writable)

        // A request arrives; no reply.
        try req.send(["A", "B"])
        #expect(try reps[0].receive() == ["A", "B"])
        #expect(try events(req) == .writable, "a relaxed REQ waiting for a reply may still send")

        // Another request, to the next REP.
        try req.send(["C", "D"])
        #expect(try reps[1].receive() == ["C", "D"])
        #expect(try events(req) == .writable)

        // The reply to the first request is discarded; the second's is received.
        try reps[0].send("WRONG")
        try reps[1].send("OK")
        #expect(try req.receive() == "OK")

        // Another standard cycle, just to check.
        try req.send("E")
        #expect(try reps[2].receive() == "E")
        try reps[2].send(["F", "G"])
        #expect(try req.receive() == ["F", "G"])
    }

    /// Case 2: a second send after the reply to the first is queued on the REQ.
    private func case2(_ req: Socket, _ reps: [Socket]) throws {
        try case1(req, reps)

        try req.send("H")
        #expect(try reps[3].receive() == "H")
        try reps[3].send("BAD")
        // libzmq sleeps for the reply to arrive; an inproc pipe has it once send returns.
        #expect(try events(req) == [.readable, .writable])

        // Without receiving that reply, another request.
        try req.send("I")
        #expect(try reps[4].receive() == "I")
        try reps[4].send("GOOD")
        #expect(try req.receive() == "GOOD")
    }

    @Test func case1SecondSendBeforeTheReplyArrives() throws {
        let context = TestContext()
        let (req, reps) = try relaxedRequesterAndReplier(context, "inproc://relaxed-1")
        try case1(req, reps)
    }

    @Test func case2SecondSendAfterTheReplyIsQueued() throws {
        let context = TestContext()
        let (req, reps) = try relaxedRequesterAndReplier(context, "inproc://relaxed-2")
        try case2(req, reps)
    }

    /// Case 3 (libzmq issue 1690): sending twice in a row closes no pipe, so the rotation
    /// goes on through every REP, back to the first.
    @Test func case3TheRotationGoesOnThroughEveryPeer() throws {
        let context = TestContext()
        let (req, reps) = try relaxedRequesterAndReplier(context, "inproc://relaxed-3")
        try case2(req, reps)

        try req.send("J")
        #expect(try reps[0].receive() == "J")
    }

    /// Case 4 (libzmq issue 1695): requests queued before any server is there; both are
    /// answered, and only the reply to the last is received.
    @Test func case4OnlyTheLastOfQueuedRequestsIsAnswered() throws {
        let context = TestContext()
        let req = try context.socket(.req)
        req.requestRelaxed = true
        req.requestCorrelate = true
        try req.connect("inproc://relaxed-4")
        let router = try context.socket(.router)

        try req.send("TO_BE_DISCARDED")
        try req.send("TO_BE_ANSWERED")

        try router.bind("inproc://relaxed-4")
        try bounce(router)
        try bounce(router)

        #expect(try req.receive() == "TO_BE_ANSWERED")
    }
}
