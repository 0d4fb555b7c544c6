import RingMQ
import Testing

/// A REQ recovering from a request that gets no reply (`requestRelaxed`, `requestCorrelate`):
/// a timed-out or cancelled receive leaves a relaxed REQ free to send again, to the next peer;
/// a late reply to the abandoned request is not received.
@Suite(.runsAlone) struct RequestRecoveryTests {
    /// A REQ with both recovery options, bound to `endpoint` (servers connect, and a
    /// replacement connects again), with a short receive timeout.
    private func client(_ context: TestContext, _ endpoint: String, correlate: Bool = true) throws -> Socket {
        let req = try context.socket(.req)
        req.requestRelaxed = true
        req.requestCorrelate = correlate
        req.receiveTimeout = .milliseconds(30)
        try req.bind(endpoint)
        return req
    }

    private func server(_ context: TestContext, _ endpoint: String) throws -> Socket {
        let rep = try context.socket(.rep)
        try rep.connect(endpoint)
        return rep
    }

    @Test func aREQWhoseREPDiesMidRequestRecoversAndALateStaleReplyIsDropped() throws {
        let context = TestContext()
        let req = try client(context, "inproc://recover")
        let dying = try server(context, "inproc://recover")
        let slow = try server(context, "inproc://recover")

        // The first server takes the request and dies without answering.
        try req.send("job 1")
        #expect(try dying.receive() == "job 1")
        dying.close()
        expectTimesOut(after: .milliseconds(30)) { try req.receive() }

        // The retry goes to the next server, which is slow: the client gives up on it too …
        try req.send("job 1, retry 1")
        #expect(try slow.receive() == "job 1, retry 1")
        expectTimesOut(after: .milliseconds(30)) { try req.receive() }
        // … and retries with it, the only server left.
        try req.send("job 1, retry 2")
        // The slow server answers the retry it had, late, then the new one.
        try slow.send("late answer to retry 1")
        #expect(try slow.receive() == "job 1, retry 2")
        try slow.send("answer to retry 2")

        #expect(try req.receive() == "answer to retry 2", "the late reply to retry 1 must be dropped")
        expectError(.invalidState) { try req.tryReceive() }  // the exchange is over
    }

    @Test func withoutCorrelationALateReplyFromTheSamePeerIsTaken() throws {
        // What correlation is for: the REQ cannot tell the late reply from the new one.
        let context = TestContext()
        let req = try client(context, "inproc://uncorrelated", correlate: false)
        let slow = try server(context, "inproc://uncorrelated")
        try req.send("first")
        #expect(try slow.receive() == "first")
        expectTimesOut(after: .milliseconds(30)) { try req.receive() }
        try req.send("second")
        try slow.send("late answer to first")
        #expect(try req.receive() == "late answer to first")
    }

    @Test func aReplyQueuedBeforeTheNextRequestIsDropped() throws {
        // libzmq's issue 1695, without correlation: a relaxed REQ drops what is queued when a
        // new request starts, even from the peer it goes to.
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://queued-reply")
        let req = try context.socket(.req)
        req.routingID = "client"
        req.requestRelaxed = true
        try req.connect("inproc://queued-reply")

        try req.send("first")
        #expect(try router.receive() == ["client", "", "first"])
        try router.send(["client", "", "answer to first"])
        try req.send("second")  // without receiving that answer
        #expect(try router.receive() == ["client", "", "second"])
        try router.send(["client", "", "answer to second"])
        #expect(try req.receive() == "answer to second")
    }

    @Test func aTimedOutReceiveLeavesARelaxedREQReadyToSendToTheNextPeer() throws {
        let context = TestContext()
        let req = try client(context, "inproc://timed-out")
        let reps = try (0..<2).map { _ in try server(context, "inproc://timed-out") }
        try req.send("to 0")
        #expect(try reps[0].receive() == "to 0")
        expectTimesOut(after: .milliseconds(30)) { try req.receive() }
        #expect(try req.trySend("to 1"))
        #expect(try reps[1].receive() == "to 1")
        try reps[1].send("from 1")
        #expect(try req.receive() == "from 1")
    }

    @Test func aStrictREQStillRefusesASecondSendAndNamesTheOption() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://strict")
        let req = try context.socket(.req)
        req.receiveTimeout = .milliseconds(30)
        try req.connect("inproc://strict")
        try req.send("question")
        expectTimesOut(after: .milliseconds(30)) { try req.receive() }
        let message = expectError(.invalidState) { try req.send("retry") }
        #expect(message?.contains("requestRelaxed") == true, "\(message ?? "")")

        // Correlation alone keeps the turn strict too.
        req.requestCorrelate = true
        expectError(.invalidState) { try req.trySend("retry") }
        req.requestRelaxed = true
        #expect(try req.trySend("retry"))
    }

    @Test func aRelaxedRequestThatCannotGoLeavesTheOldOneOutstanding() throws {
        let context = TestContext()
        let req = try client(context, "inproc://no-room")
        req.sendTimeout = .milliseconds(30)
        let rep = try server(context, "inproc://no-room")
        try req.send("question")
        #expect(try rep.receive() == "question")
        rep.close()  // no peer left to take a retry
        #expect(try req.trySend("retry") == false)
        expectTimesOut(after: .milliseconds(30)) { try req.send("retry") }
        // The REQ still waits for the first reply: receiving is allowed, and times out.
        expectTimesOut(after: .milliseconds(30)) { try req.receive() }
    }

    @Test func anAbandonedRequestLeftUnreadIsNotResent() throws {
        let context = TestContext()
        let req = try client(context, "inproc://unread", correlate: false)
        let reps = try (0..<2).map { _ in try server(context, "inproc://unread") }
        try req.send("abandoned")  // to 0, unread
        try req.send("current")  // to 1, unread
        reps[0].close()  // leaves "abandoned" unread
        #expect(try req.tryReceive() == nil)  // applies the close
        #expect(req.statistics.messagesRedelivered == 0)
        #expect(req.statistics.messagesDropped == 1)

        #expect(try reps[1].receive() == "current")
        try reps[1].send("answer")
        #expect(try reps[1].tryReceive() == nil, "the abandoned request must not reach the other REP")
        #expect(try req.receive() == "answer")
    }

    @Test func aCancelledAsyncReceiveLeavesARelaxedREQReadyToSend() async throws {
        let context = TestContext()
        let req = try client(context, "inproc://cancelled")
        req.receiveTimeout = nil
        let reps = try (0..<2).map { _ in try server(context, "inproc://cancelled") }
        try await req.send("to 0")
        #expect(try reps[0].tryReceive() == "to 0")

        let receiver = Task { try await req.receive() }
        #expect(await waitUntilParked(req), "the receive never suspended")
        receiver.cancel()
        await #expect(throws: CancellationError.self) { try await receiver.value }

        try await req.send("to 1")
        #expect(try reps[1].tryReceive() == "to 1")
        try await reps[0].send("late from 0")
        try await reps[1].send("from 1")
        #expect(try await withTimeout { try await req.receive() } == "from 1")
    }

    @Test func aTimedOutAsyncReceiveLeavesARelaxedREQReadyToSend() async throws {
        let context = TestContext()
        let req = try client(context, "inproc://async-timeout")
        let reps = try (0..<2).map { _ in try server(context, "inproc://async-timeout") }
        try await req.send("to 0")
        #expect(try reps[0].tryReceive() == "to 0")
        await #expect(throws: RingMQError.timedOut) { try await req.receive() }

        try await req.send("to 1")
        #expect(try reps[1].tryReceive() == "to 1")
        try await reps[1].send("from 1")
        #expect(try await withTimeout { try await req.receive() } == "from 1")
    }
}
