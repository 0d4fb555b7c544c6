import RingMQ
import Testing

/// `socket.statistics` after known traffic: messages sent, received and dropped, queued in
/// and out, and peers, each compared exactly. Single-threaded and deterministic: every call
/// completes before the next, so every count is known.
///
/// `queuedOut` is the reader's last published progress: exact before the reader starts and
/// once it has drained; in between it lies between the true depth and what was sent.
@Suite(.runsAlone) struct SocketStatisticsTests {
    @Test func aNewSocketHasZeroEverywhere() throws {
        let test = TestContext()
        for type in SocketType.allCases {
            #expect(try test.socket(type).statistics == SocketStatistics(), "\(type)")
        }
    }

    @Test func pushToPullCountsExactly() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://stats-push-pull")
        let push = try test.socket(.push)
        try push.connect("inproc://stats-push-pull")

        for index in 0..<6 { try await push.send(numbered(index)) }
        for index in 6..<10 { #expect(try push.trySend(numbered(index))) }
        #expect(push.statistics == SocketStatistics(messagesSent: 10, queuedOut: 10, peers: 1))
        #expect(pull.statistics == SocketStatistics(queuedIn: 10, peers: 1))

        for _ in 0..<3 { _ = try await pull.receive() }
        _ = try pull.tryReceive()
        #expect(pull.statistics == SocketStatistics(messagesReceived: 4, queuedIn: 6, peers: 1))
        let midway = push.statistics
        #expect((6...10).contains(midway.queuedOut), "queuedOut \(midway.queuedOut) with 6 queued of 10 sent")
        #expect(midway.messagesSent == 10)

        #expect(try drain(pull).count == 6)
        #expect(pull.statistics == SocketStatistics(messagesReceived: 10, queuedIn: 0, peers: 1))
        #expect(push.statistics == SocketStatistics(messagesSent: 10, queuedOut: 0, peers: 1))
    }

    @Test func failedSendsAndEmptyReceivesCountNothing() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        pull.receiveHighWaterMark = 1
        pull.receiveTimeout = .zero
        try pull.bind("inproc://stats-failures")
        let push = try test.socket(.push)
        push.sendHighWaterMark = 1
        push.sendTimeout = .zero
        try push.connect("inproc://stats-failures")

        #expect(try fill(push) == 2)
        #expect(try push.trySend("no room") == false)
        await expectAsyncError(.timedOut) { try await push.send("no room") }
        #expect(try drain(pull).count == 2)
        #expect(try pull.tryReceive() == nil)
        await expectAsyncError(.timedOut) { try await pull.receive() }
        #expect(push.statistics == SocketStatistics(messagesSent: 2, peers: 1))
        #expect(pull.statistics == SocketStatistics(messagesReceived: 2, peers: 1))
    }

    @Test func peersFollowConnectsDisconnectsAndCloses() throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://stats-peers")
        let pushes = try (0..<3).map { _ in
            let push = try test.socket(.push)
            try push.connect("inproc://stats-peers")
            return push
        }
        #expect(pull.statistics.peers == 3)
        #expect(pushes.map(\.statistics.peers) == [1, 1, 1])

        try pushes[0].send("sent before the disconnect")
        try pushes[0].disconnect("inproc://stats-peers")
        #expect(pushes[0].statistics.peers == 0)
        #expect(pull.statistics.peers == 2)
        // What the disconnected peer sent is still there to read.
        #expect(pull.statistics.queuedIn == 1)
        #expect(try pull.tryReceive() == "sent before the disconnect")

        pushes[1].close()
        #expect(pull.statistics.peers == 1)
        #expect(pushes[2].statistics.peers == 1)
        pull.close()
        #expect(pushes[2].statistics.peers == 0)
    }

    @Test func aConnectionWaitingForItsBindHasNoPeerYet() throws {
        let test = TestContext()
        let push = try test.socket(.push)
        try push.connect("inproc://stats-pending")
        try push.send("queued before the bind")
        #expect(push.statistics.peers == 0, "nothing is bound at the endpoint yet")
        #expect(push.statistics.queuedOut == 1)

        let pull = try test.socket(.pull)
        try pull.bind("inproc://stats-pending")
        #expect(push.statistics.peers == 1)
        #expect(pull.statistics == SocketStatistics(queuedIn: 1, peers: 1))
    }

    @Test func pubCountsDropsForAFullSubscriberOnly() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://stats-pub")
        try pub.send("before any subscriber")  // published, matched nobody: not a drop
        #expect(pub.statistics == SocketStatistics(messagesSent: 1))

        pub.sendHighWaterMark = 1  // for the connections made from now on
        let slow = try test.socket(.sub)
        slow.receiveHighWaterMark = 2
        try slow.connect("inproc://stats-pub")
        try slow.subscribe("")
        let fast = try test.socket(.sub)
        try fast.connect("inproc://stats-pub")
        try fast.subscribe("")

        // The slow subscriber's pipe holds 1 + 2 messages; the fast one is drained as we go.
        for index in 0..<10 {
            try pub.send(numbered(index))
            #expect(try fast.tryReceive() == numbered(index))
        }
        #expect(pub.statistics == SocketStatistics(messagesSent: 11, messagesDropped: 7, queuedOut: 3, peers: 2))
        #expect(slow.statistics == SocketStatistics(queuedIn: 3, peers: 1))
        #expect(fast.statistics == SocketStatistics(messagesReceived: 10, peers: 1))
        #expect(try drainNumbers(slow) == [0, 1, 2])
        #expect(pub.statistics.queuedOut == 0)
    }

    @Test func routerCountsDropsForUnknownPeersWithoutMandatoryRouting() async throws {
        let test = TestContext()
        let router = try test.socket(.router)
        try router.bind("inproc://stats-router")
        let dealer = try test.socket(.dealer)
        dealer.routingID = "known"
        try dealer.connect("inproc://stats-router")

        #expect(try router.trySend(["nobody", "dropped"]))
        try await router.send(["nobody", "dropped"])
        try await router.send(["known", "delivered"])
        #expect(router.statistics == SocketStatistics(messagesSent: 3, messagesDropped: 2, queuedOut: 1, peers: 1))
        #expect(try dealer.tryReceive() == ["delivered"])

        router.routerMandatory = true
        expectError(.hostUnreachable) { try router.send(["nobody", "refused"]) }
        #expect(router.statistics == SocketStatistics(messagesSent: 3, messagesDropped: 2, peers: 1))
    }

    @Test func routerCountsDropsForAFullPeerWithoutMandatoryRouting() throws {
        let test = TestContext()
        let router = try test.socket(.router)
        router.sendHighWaterMark = 1
        try router.bind("inproc://stats-router-full")
        let dealer = try test.socket(.dealer)
        dealer.receiveHighWaterMark = 1
        dealer.routingID = "slow"
        try dealer.connect("inproc://stats-router-full")

        for index in 0..<5 { try router.send([Frame("slow"), Frame("\(index)")]) }
        #expect(router.statistics == SocketStatistics(messagesSent: 5, messagesDropped: 3, queuedOut: 2, peers: 1))
        #expect(try drain(dealer) == [["0"], ["1"]])
    }

    @Test func aConflatingSubscriberHoldsOneMessageAtMost() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://stats-conflate")
        let sub = try test.socket(.sub)
        sub.conflate = true
        try sub.connect("inproc://stats-conflate")
        try sub.subscribe("")
        for index in 0..<5 { try pub.send(numbered(index)) }
        #expect(sub.statistics == SocketStatistics(queuedIn: 1, peers: 1))
        #expect(pub.statistics.messagesSent == 5)
        #expect(pub.statistics.messagesDropped == 0, "conflation replaces, it does not drop at the publisher")
        #expect(try drainNumbers(sub) == [4])
        #expect(sub.statistics == SocketStatistics(messagesReceived: 1, peers: 1))
    }

    @Test func aClosedSocketKeepsItsCountsAndEmptiesItsQueues() throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://stats-closed")
        let push = try test.socket(.push)
        try push.connect("inproc://stats-closed")
        for index in 0..<4 { try push.send(numbered(index)) }
        _ = try pull.receive()
        pull.close()
        #expect(pull.statistics == SocketStatistics(messagesReceived: 1))
        #expect(push.statistics.messagesSent == 4)
        #expect(push.statistics.peers == 0)
    }
}
