import RingMQ
import RingMQTesting
import Testing

/// Redelivery: what a peer that closed or disconnected left unread goes back to the PUSH,
/// DEALER or REQ that sent it, and on to the remaining peers before any newer message
/// (``Socket/redeliverUnread``, on by default for those types).
///
/// Single-threaded unless a wait is the point: a close takes effect before `close()` returns,
/// and the sender takes the messages back at its next call.
@Suite(.runsAlone) struct RedeliveryTests {
    /// A PUSH bound to `endpoint` and `count` PULLs connected to it, in rotation order.
    private func pushAndPulls(_ context: TestContext, _ endpoint: String, count: Int, mark: Int = 1000)
        throws -> (push: Socket, pulls: [Socket])
    {
        let push = try context.socket(.push)
        push.sendHighWaterMark = mark
        try push.bind(endpoint)
        let pulls = try (0..<count).map { _ in
            let pull = try context.socket(.pull)
            pull.receiveHighWaterMark = mark
            try pull.connect(endpoint)
            return pull
        }
        return (push, pulls)
    }

    // MARK: - PUSH

    @Test func whatAClosedPullerLeftGoesToTheOthersBeforeNewerTasks() throws {
        let context = TestContext()
        let (push, pulls) = try pushAndPulls(context, "inproc://redeliver-close", count: 3)
        for n in 0..<9 { try push.send(numbered(n)) }  // 0 3 6 | 1 4 7 | 2 5 8
        #expect(number(try pulls[1].receive()) == 1)  // the leaver did task 1 …
        pulls[1].close()  // … and leaves 4 and 7 unread
        for n in 9..<13 { try push.send(numbered(n)) }
        // 4 and 7 come back first, in turn, then the newer tasks.
        #expect(try drainNumbers(pulls[0]) == [0, 3, 6, 4, 9, 11])
        #expect(try drainNumbers(pulls[2]) == [2, 5, 8, 7, 10, 12])
        #expect(push.statistics.messagesRedelivered == 2)
        #expect(push.statistics.messagesSent == 13, "taken back messages are not counted as sent again")
    }

    @Test func whatADisconnectedPullerLeftGoesToTheOthers() throws {
        let context = TestContext()
        let (push, pulls) = try pushAndPulls(context, "inproc://redeliver-disconnect", count: 2)
        for n in 0..<4 { try push.send(numbered(n)) }
        try pulls[1].disconnect("inproc://redeliver-disconnect")
        #expect(try pulls[1].tryReceive() == nil, "a disconnected PULL no longer reads the connection")
        #expect(push.statistics.queuedOut == 4, "1 and 3 are queued to the other PULL now")
        #expect(push.statistics.messagesRedelivered == 2, "reading statistics applies the disconnect")
        #expect(try drainNumbers(pulls[0]) == [0, 2, 1, 3])
    }

    @Test func theConnectingSideTakesBackToo() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        let pulls = try (0..<2).map { index in
            let pull = try context.socket(.pull)
            try pull.bind("inproc://redeliver-bound-\(index)")
            try push.connect("inproc://redeliver-bound-\(index)")
            return pull
        }
        for n in 0..<4 { try push.send(numbered(n)) }
        pulls[0].close()
        try push.send(numbered(4))
        #expect(try drainNumbers(pulls[1]) == [1, 3, 0, 2, 4])
    }

    @Test func withoutRedeliveryTheyAreDroppedAsInLibzmq() throws {
        let context = TestContext()
        let (push, pulls) = try pushAndPulls(context, "inproc://redeliver-off", count: 2)
        push.redeliverUnread = false
        for n in 0..<4 { try push.send(numbered(n)) }
        pulls[1].close()
        try push.send(numbered(4))
        #expect(try drainNumbers(pulls[0]) == [0, 2, 4])
        #expect(push.statistics == SocketStatistics(messagesSent: 5, peers: 1))
    }

    // MARK: - Backpressure

    /// Each pipe holds 2 (HWM 1 + 1). With every remaining peer full, what was taken back waits
    /// at the PUSH and new sends wait behind it: the messages in flight never exceed the marks.
    @Test func newSendsWaitBehindWhatWasTakenBack() throws {
        let context = TestContext()
        let (push, pulls) = try pushAndPulls(context, "inproc://redeliver-full", count: 2, mark: 1)
        #expect(try fill(push) == 4)  // 0 2 | 1 3
        pulls[0].close()
        #expect(try push.trySend(numbered(100)) == false, "0 and 2 come first, and the other peer is full")
        #expect(push.statistics.queuedOut == 4)
        #expect(try drainNumbers(pulls[1]) == [1, 3])
        #expect(try push.trySend(numbered(100)) == false, "0 and 2 took the room")
        #expect(try drainNumbers(pulls[1]) == [0, 2])
        #expect(try push.trySend(numbered(100)))
        #expect(try drainNumbers(pulls[1]) == [100])
    }

    /// A PUSH blocked in `send` with every peer full is woken by a peer's close, takes back
    /// what that peer left, and delivers it before the message it is sending.
    @Test func aBlockedSenderIsWokenToTakeBackAndStillKeepsOrder() throws {
        let context = TestContext()
        let (push, pulls) = try pushAndPulls(context, "inproc://redeliver-blocked", count: 2, mark: 1)
        #expect(try fill(push) == 4)  // 0 2 | 1 3
        let sender = Peer { try push.send(numbered(4)) }
        sender.waitUntilBlocked()
        pulls[0].close()
        var received: [Int] = []
        for _ in 0..<5 { received.append(number(try pulls[1].receive())) }
        try sender.join().get()
        #expect(received == [1, 3, 0, 2, 4])
    }

    // MARK: - Joining and closing

    @Test func aPeerThatConnectsLaterGetsWhatWasTakenBack() throws {
        let context = TestContext()
        let (push, pulls) = try pushAndPulls(context, "inproc://redeliver-later", count: 1)
        for n in 0..<3 { try push.send(numbered(n)) }
        pulls[0].close()
        #expect(try push.trySend(numbered(3)) == false, "no peer: 0, 1, 2 wait at the PUSH")
        let newcomer = try context.socket(.pull)
        try newcomer.connect("inproc://redeliver-later")
        try push.send(numbered(3))
        #expect(try drainNumbers(newcomer) == [0, 1, 2, 3])
    }

    /// A PUSH that closes gives what it took back to its remaining peers, past their
    /// high-water marks: it sends nothing more, so nothing else can be added.
    @Test func aClosingPushGivesWhatItTookBackToItsPeers() throws {
        let context = TestContext()
        let (push, pulls) = try pushAndPulls(context, "inproc://redeliver-closing", count: 2, mark: 1)
        #expect(try fill(push) == 4)
        pulls[0].close()
        push.close()
        #expect(try drainNumbers(pulls[1]) == [1, 3, 0, 2])
        #expect(push.statistics.messagesRedelivered == 2)
        #expect(push.statistics.messagesDropped == 0)
    }

    @Test func aClosingPushWithZeroLingerDropsWhatItTookBack() throws {
        let context = TestContext()
        let (push, pulls) = try pushAndPulls(context, "inproc://redeliver-linger", count: 2, mark: 1)
        push.linger = .zero
        #expect(try fill(push) == 4)
        pulls[0].close()
        push.close()
        #expect(try drainNumbers(pulls[1]) == [1, 3])
        #expect(push.statistics.messagesDropped == 2)
    }

    @Test func aConnectionRefusedAtTheBindGivesBackWhatWasQueuedOnIt() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://redeliver-formed")
        let push = try context.socket(.push)
        try push.connect("inproc://redeliver-pending")  // nothing bound there yet
        try push.connect("inproc://redeliver-formed")
        for n in 0..<4 { try push.send(numbered(n)) }  // 0 2 wait for the bind; 1 3 to the PULL
        let wrongType = try context.socket(.pub)
        try wrongType.bind("inproc://redeliver-pending")  // a PUB refuses the PUSH
        try push.send(numbered(4))
        #expect(try drainNumbers(pull) == [1, 3, 0, 2, 4])
    }

    // Regression (found by ChurnStressTests): a disconnect of a connect still waiting for its
    // bind dropped what the sender had queued on it, silently, although `send` had accepted it.

    @Test func disconnectingBeforeTheBindTakesBackWhatWasQueuedForIt() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://redeliver-formed-2")
        let push = try context.socket(.push)
        try push.connect("inproc://redeliver-pending-2")  // nothing bound there yet
        try push.connect("inproc://redeliver-formed-2")
        for n in 0..<4 { try push.send(numbered(n)) }  // 0 2 wait for the bind; 1 3 to the PULL
        try push.disconnect("inproc://redeliver-pending-2")
        try push.send(numbered(4))
        #expect(try drainNumbers(pull) == [1, 3, 0, 2, 4])
        #expect(push.statistics.messagesRedelivered == 2)
        let late = try context.socket(.pull)
        try late.bind("inproc://redeliver-pending-2")  // nothing reaches it: the connect is gone
        #expect(try late.tryReceive() == nil)
    }

    @Test func aREQDisconnectingBeforeTheBindResendsItsRequest() throws {
        let context = TestContext()
        let rep = try context.socket(.rep)
        try rep.bind("inproc://redeliver-req-formed")
        let req = try context.socket(.req)
        try req.connect("inproc://redeliver-req-pending")  // first in the rotation: gets the request
        try req.connect("inproc://redeliver-req-formed")
        try req.send("question")
        try req.disconnect("inproc://redeliver-req-pending")
        #expect(try rep.tryReceive() == "question", "resent to the formed connection by the disconnect")
        try rep.send("answer")
        #expect(try req.receive() == "answer")
    }

    @Test func withoutRedeliveryADisconnectBeforeTheBindDropsWhatWasQueued() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        push.redeliverUnread = false
        try push.connect("inproc://redeliver-pending-off")
        #expect(try fill(push, limit: 3) == 3)
        try push.disconnect("inproc://redeliver-pending-off")
        let pull = try context.socket(.pull)
        try pull.bind("inproc://redeliver-pending-off")
        try push.connect("inproc://redeliver-pending-off")
        try push.send(numbered(9))
        #expect(try drainNumbers(pull) == [9])
    }

    // MARK: - Faults

    /// `Faults.detachPeers` ends the connections as if the peers had gone, but the faulted
    /// socket keeps reading what they sent: nothing may be taken back from it.
    @Test func detachedPeersKeepWhatTheyWereSent() throws {
        let context = TestContext()
        let (push, pulls) = try pushAndPulls(context, "inproc://redeliver-fault", count: 2)
        for n in 0..<4 { try push.send(numbered(n)) }
        try Faults.detachPeers(of: pulls[1])
        try push.send(numbered(4))
        #expect(try drainNumbers(pulls[1]) == [1, 3])
        #expect(try drainNumbers(pulls[0]) == [0, 2, 4])
        #expect(push.statistics.messagesRedelivered == 0)
    }

    // MARK: - Request-reply

    @Test func aRequestTheREPLeftUnreadIsAnsweredByAnother() throws {
        let context = TestContext()
        let reps = try (0..<2).map { index in
            let rep = try context.socket(.rep)
            try rep.bind("inproc://redeliver-rep-\(index)")
            return rep
        }
        let req = try context.socket(.req)
        for index in 0..<2 { try req.connect("inproc://redeliver-rep-\(index)") }
        try req.send("question")  // to the first REP
        reps[0].close()  // which leaves without reading it
        #expect(try req.tryReceive() == nil, "applying the close resends the request to the second REP")
        #expect(try reps[1].receive() == "question")
        try reps[1].send("answer")
        #expect(try req.receive() == "answer")
        #expect(req.statistics.messagesRedelivered == 1)
    }

    @Test func aWaitingREQResendsToAREPThatConnectsLater() throws {
        let context = TestContext()
        let first = try context.socket(.rep)
        try first.bind("inproc://redeliver-req-first")
        let req = try context.socket(.req)
        try req.connect("inproc://redeliver-req-first")
        try req.send("question")
        first.close()
        #expect(try req.tryReceive() == nil)
        #expect(req.statistics.queuedOut == 1, "the request waits at the REQ")
        let second = try context.socket(.rep)
        try second.bind("inproc://redeliver-req-second")
        try req.connect("inproc://redeliver-req-second")  // the request goes out at once
        #expect(try second.receive() == "question")
        try second.send("answer")
        #expect(try req.receive() == "answer")
    }

    @Test func aClosingREQDropsItsTakenBackRequest() throws {
        let context = TestContext()
        let reps = try (0..<2).map { index in
            let rep = try context.socket(.rep)
            try rep.bind("inproc://redeliver-req-close-\(index)")
            return rep
        }
        let req = try context.socket(.req)
        for index in 0..<2 { try req.connect("inproc://redeliver-req-close-\(index)") }
        try Faults.makePeersLookFull(req, endpoint: "inproc://redeliver-req-close-1")
        try req.send("question")
        reps[0].close()
        req.close()  // nobody could take the reply
        #expect(try reps[1].tryReceive() == nil)
        #expect(req.statistics.messagesDropped == 1)
    }

    @Test func aDealerGivesAWorkersUnreadRequestsToTheOtherWorkers() throws {
        let context = TestContext()
        let dealer = try context.socket(.dealer)
        try dealer.bind("inproc://redeliver-workers")
        let workers = try (0..<2).map { _ in
            let worker = try context.socket(.rep)
            try worker.connect("inproc://redeliver-workers")
            return worker
        }
        for n in 0..<4 { try dealer.send(["", Frame("job \(n)")]) }  // 0 2 | 1 3
        workers[0].close()
        var answered: [String] = []
        for _ in 0..<4 {
            if answered.isEmpty { _ = dealer.statistics }  // applies the close
            let job = try workers[1].receive()[0].string
            answered.append(job)
            try workers[1].send(Message(Frame("done " + job)))
        }
        #expect(answered == ["job 1", "job 3", "job 0", "job 2"])
        let replies = try (0..<4).map { _ in try dealer.receive()[1].string }
        #expect(replies == answered.map { "done " + $0 })
    }

    // MARK: - The option

    @Test func onByDefaultForTheTypesThatLoadBalance() throws {
        let context = TestContext()
        for type in SocketType.allCases {
            let socket = try context.socket(type)
            let balances = [SocketType.push, .dealer, .req].contains(type)
            #expect(socket.redeliverUnread == balances, "\(type)")
            try socket.setOption(.redeliverUnread(false))
            #expect(socket.redeliverUnread == false)
            if balances {
                try socket.setOption(.redeliverUnread(true))
                #expect(socket.redeliverUnread)
            } else {
                let message = expectError(.invalidOption) { try socket.setOption(.redeliverUnread(true)) }
                #expect(message?.contains("\(type)") == true, "the message should name \(type): \(message ?? "")")
            }
        }
    }
}
