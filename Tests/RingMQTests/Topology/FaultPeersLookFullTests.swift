import RingMQ
import RingMQTesting
import Testing

/// `Faults.makePeersLookFull` / `Faults.restoreRoom`: a socket's outbound pipes look full, so
/// the high-water-mark path runs without a flood of messages — `trySend` is `false`, a blocking
/// or async send waits and times out (on virtual time here), a poll finds no room, a PUB drops
/// and counts the drops, a ROUTER drops (or, with `routerMandatory`, waits) — and `restoreRoom`
/// gives each pipe back exactly its limit. The endpoint filter limits both to the connections
/// made through that endpoint; connections made later are not affected.
@Suite(.runsAlone) struct FaultPeersLookFullTests {
    /// A PULL bound at `endpoint` and a PUSH connected to it, on `time`'s context.
    private func pushPull(_ time: VirtualTime, _ endpoint: String) throws -> (push: Socket, pull: Socket) {
        let pull = try time.socket(.pull)
        try pull.bind(endpoint)
        let push = try time.socket(.push)
        try push.connect(endpoint)
        return (push, pull)
    }

    @Test func aPushWhosePeersLookFullTakesTheHighWaterMarkPath() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let (push, pull) = try pushPull(time, "inproc://fault-full")
        push.sendTimeout = .seconds(30)
        #expect(try push.trySend("before"))

        try Faults.makePeersLookFull(push)
        #expect(try push.trySend("no room") == false)
        var poller = Poller()
        poller.register(push, for: .writable)
        let poll = { [poller] () throws -> [Poller.Item] in try poller.poll(timeout: .zero) }
        #expect(try poll().isEmpty, "not writable")

        let sending = Peer { try push.send("blocking") }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(29))
        expectStillBlocked(sending, on: time.clock)
        time.clock.advance(by: .seconds(1))
        #expect(throws: RingMQError.timedOut) { try sending.join().get() }

        let asyncSending = TrackedTask { try await push.send("async") }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(30))
        await #expect(throws: RingMQError.timedOut) { try await asyncSending.value() }

        try Faults.restoreRoom(push)
        #expect(try poll().count == 1, "writable again")
        #expect(try push.trySend("after"))
        try await push.send("after, async")
        #expect(try drain(pull) == ["before", "after", "after, async"])
        #expect(push.statistics == SocketStatistics(messagesSent: 3, peers: 1))
        time.expectFast()
    }

    /// A pipe that looks full keeps what it holds, stays full as its reader drains it, and gets
    /// back exactly its own limit (HWM 1 + 1 = 2 messages) when room is restored.
    @Test func restoreRoomGivesBackExactlyTheLimit() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveHighWaterMark = 1
        try pull.bind("inproc://fault-limit")
        let push = try time.socket(.push)
        push.sendHighWaterMark = 1
        try push.connect("inproc://fault-limit")
        #expect(try push.trySend(numbered(0)))

        try Faults.makePeersLookFull(push)
        #expect(try push.trySend(numbered(99)) == false)
        #expect(try pull.tryReceive() == numbered(0), "what was queued stays receivable")
        #expect(try push.trySend(numbered(99)) == false, "drained, yet it still looks full")

        try Faults.restoreRoom(push)
        #expect(try fill(push, from: 1) == 2)
        #expect(try drainNumbers(pull) == [1, 2])
    }

    /// Pipes without a limit (HWM 0) look full too, and come back unlimited.
    @Test func unlimitedPipesLookFullAndComeBackUnlimited() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        pull.receiveHighWaterMark = 0
        try pull.bind("inproc://fault-unlimited")
        let push = try time.socket(.push)
        push.sendHighWaterMark = 0
        try push.connect("inproc://fault-unlimited")

        try Faults.makePeersLookFull(push)
        #expect(try push.trySend("no room") == false)
        try Faults.restoreRoom(push)
        #expect(try fill(push, limit: 5000) == 5000)
        #expect(try drain(pull).count == 5000)
    }

    /// Making peers look full twice and restoring once restores (it is a switch, not a count);
    /// restoring room that was never taken does nothing.
    @Test func theFaultIsASwitch() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let (push, pull) = try pushPull(time, "inproc://fault-switch")
        try Faults.restoreRoom(push)
        #expect(try push.trySend("untouched"))
        try Faults.makePeersLookFull(push)
        try Faults.makePeersLookFull(push)
        try Faults.restoreRoom(push)
        #expect(try push.trySend("restored"))
        #expect(try drain(pull) == ["untouched", "restored"])
    }

    @Test func aPubDropsForSubscribersThatLookFullAndCountsTheDrops() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pub = try time.socket(.pub)
        try pub.bind("inproc://fault-pub")
        let subs = try (0..<2).map { _ in
            let sub = try time.socket(.sub)
            try sub.connect("inproc://fault-pub")
            try sub.subscribe("")
            return sub
        }

        try Faults.makePeersLookFull(pub)
        for index in 0..<5 { try pub.send(numbered(index)) }
        #expect(pub.statistics == SocketStatistics(messagesSent: 5, messagesDropped: 10, peers: 2))
        #expect(try subs.map { try $0.tryReceive() } == [nil, nil])

        try Faults.restoreRoom(pub)
        try pub.send("after")
        #expect(try subs.map { try drain($0) } == [["after"], ["after"]])
        #expect(pub.statistics.messagesDropped == 10)
    }

    /// Only the connections made through the given endpoint look full: a PUSH connected to two
    /// PULLs sends everything to the other one; a PUB bound at two endpoints drops only for the
    /// subscribers of one.
    @Test func theEndpointFilterAffectsOnlyThatEndpointsPeers() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let (push, pullA) = try pushPull(time, "inproc://fault-a")
        let pullB = try time.socket(.pull)
        try pullB.bind("inproc://fault-b")
        try push.connect("inproc://fault-b")

        try Faults.makePeersLookFull(push, endpoint: "inproc://fault-a")
        for index in 0..<6 { #expect(try push.trySend(numbered(index))) }
        #expect(try drainNumbers(pullA) == [])
        #expect(try drainNumbers(pullB) == [0, 1, 2, 3, 4, 5])

        try Faults.restoreRoom(push, endpoint: "inproc://fault-b")  // not the faulted one: no change
        #expect(try push.trySend(numbered(6)))
        #expect(try drainNumbers(pullA) == [])
        try Faults.restoreRoom(push, endpoint: "inproc://fault-a")
        for index in 7..<11 { #expect(try push.trySend(numbered(index))) }
        #expect(try drain(pullA).count == 2, "round-robin over both again")
        #expect(try drain(pullB).count == 3)

        let pub = try time.socket(.pub)
        try pub.bind("inproc://fault-news-a")
        try pub.bind("inproc://fault-news-b")
        let subA = try time.socket(.sub)
        try subA.connect("inproc://fault-news-a")
        try subA.subscribe("")
        let subB = try time.socket(.sub)
        try subB.connect("inproc://fault-news-b")
        try subB.subscribe("")
        try Faults.makePeersLookFull(pub, endpoint: "inproc://fault-news-a")
        try pub.send("news")
        #expect(try subA.tryReceive() == nil)
        #expect(try subB.tryReceive() == "news")
        #expect(pub.statistics.messagesDropped == 1)
    }

    /// A connection made after the fault is not affected.
    @Test func connectionsMadeLaterAreNotAffected() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let (push, pullA) = try pushPull(time, "inproc://fault-later-a")
        try Faults.makePeersLookFull(push)
        #expect(try push.trySend("no room") == false)

        let pullB = try time.socket(.pull)
        try pullB.bind("inproc://fault-later-b")
        try push.connect("inproc://fault-later-b")
        #expect(try push.trySend("to the new peer"))
        #expect(try pullB.tryReceive() == "to the new peer")
        #expect(try pullA.tryReceive() == nil)
    }

    /// A ROUTER drops for a peer that looks full (counted); with `routerMandatory` it waits, and
    /// times out on virtual time.
    @Test func aRouterDropsOrWaitsForAPeerThatLooksFull() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let router = try time.socket(.router)
        try router.bind("inproc://fault-router")
        let dealer = try time.socket(.dealer)
        dealer.routingID = "worker"
        try dealer.connect("inproc://fault-router")

        try Faults.makePeersLookFull(router)
        #expect(try router.trySend(["worker", "dropped"]))
        #expect(router.statistics.messagesDropped == 1)
        #expect(try dealer.tryReceive() == nil)

        router.routerMandatory = true
        router.sendTimeout = .seconds(30)
        #expect(try router.trySend(["worker", "waits"]) == false)
        let sending = Peer { try router.send(["worker", "waits"]) }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(30))
        #expect(throws: RingMQError.timedOut) { try sending.join().get() }

        try Faults.restoreRoom(router)
        try router.send(["worker", "delivered"])
        #expect(try dealer.tryReceive() == "delivered")
        time.expectFast()
    }

    @Test func misuseIsReported() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let push = try time.socket(.push)
        expectError(.invalidEndpoint) { try Faults.makePeersLookFull(push, endpoint: "tcp://127.0.0.1:5555") }
        expectError(.invalidEndpoint) { try Faults.restoreRoom(push, endpoint: "nonsense") }
        try Faults.makePeersLookFull(push, endpoint: "inproc://never-connected")  // no peers there: nothing to do
        push.close()
        expectError(.socketClosed) { try Faults.makePeersLookFull(push) }
        expectError(.socketClosed) { try Faults.restoreRoom(push) }
    }
}
