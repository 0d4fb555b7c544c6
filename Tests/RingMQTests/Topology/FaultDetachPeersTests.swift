import RingMQ
import RingMQTesting
import Testing

/// `Faults.detachPeers(of:endpoint:)`: ends a socket's connections mid-stream as if its peers
/// had left. What the peers had sent stays receivable; each end of each connection sees one
/// `.peerDetached`; the peers' next sends behave as their pattern does with no peer (a PUSH
/// or DEALER waits, then times out on virtual time; a REQ's reply never comes; a ROUTER drops,
/// or with `routerMandatory` fails); the socket stays bound, so peers can connect again (the
/// same sockets or new ones). With an endpoint, only the connections made through it end.
@Suite(.runsAlone) struct FaultDetachPeersTests {
    @Test func detachingAPullsPeersMidStream() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let endpoint = "inproc://detach-pull"
        let pull = try time.socket(.pull)
        try pull.bind(endpoint)
        let pushes = try (0..<2).map { _ in
            let push = try time.socket(.push)
            push.sendTimeout = .seconds(30)
            try push.connect(endpoint)
            return push
        }
        let pullEvents = pull.makeEventStream()
        let pushEvents = pushes.map { $0.makeEventStream() }
        #expect(try pushes[0].trySend("a1"))
        #expect(try pushes[1].trySend("b1"))
        #expect(try pushes[0].trySend("a2"))

        try Faults.detachPeers(of: pull)

        // The peers see the socket leave; the socket sees each peer leave, once.
        #expect(
            try await nextEvents(2, of: pullEvents) == Array(repeating: .peerDetached(endpoint: endpoint), count: 2))
        for events in pushEvents {
            #expect(try await nextEvents(1, of: events) == [.peerDetached(endpoint: endpoint)])
        }
        #expect(pushes.map(\.statistics.peers) == [0, 0])
        #expect(pull.statistics.peers == 0)

        // What they sent is still there.
        #expect(Set(try drain(pull)) == ["a1", "a2", "b1"])

        // A PUSH with no peer: trySend is false, send waits and times out on virtual time.
        #expect(try pushes[0].trySend("nobody") == false)
        let sending = Peer { try pushes[1].send("nobody") }
        #expect(await time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(30))
        #expect(await waitUntilFinished(sending))
        #expect(throws: RingMQError.timedOut) { try sending.join().get() }

        // Still bound: the same peer connects again, and a new one too.
        try pushes[0].connect(endpoint)
        let newcomer = try time.socket(.push)
        try newcomer.connect(endpoint)
        #expect(pull.statistics.peers == 2)
        #expect(try pushes[0].trySend("again"))
        #expect(try newcomer.trySend("new"))
        #expect(Set(try drain(pull)) == ["again", "new"])
        let other = try time.socket(.pull)
        expectError(.addressInUse) { try other.bind(endpoint) }
        time.expectFast()
    }

    /// A sender blocked for room when its peer is detached keeps waiting (it has no peer now)
    /// and times out; its message went nowhere.
    @Test func aSenderWaitingForRoomWhenItsPeerIsDetachedTimesOut() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let (push, pull) = try fullPushPull(time, endpoint: "inproc://detach-while-waiting")
        push.sendTimeout = .seconds(30)
        let sending = Peer { try push.send("waiting") }
        #expect(time.clock.waitForSleepers(1))

        try Faults.detachPeers(of: pull)
        #expect(try drainNumbers(pull) == [0, 1], "the room it frees is no longer the sender's")
        time.clock.advance(by: .seconds(29))
        expectStillBlocked(sending, on: time.clock)
        time.clock.advance(by: .seconds(1))
        #expect(throws: RingMQError.timedOut) { try sending.join().get() }
        #expect(try pull.tryReceive() == nil)
        time.expectFast()
    }

    /// Only the connections made through the given endpoint end.
    @Test func theEndpointFilterDetachesOnlyThatEndpointsPeers() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        try pull.bind("inproc://detach-a")
        try pull.bind("inproc://detach-b")
        let pushA = try time.socket(.push)
        try pushA.connect("inproc://detach-a")
        let pushB = try time.socket(.push)
        try pushB.connect("inproc://detach-b")
        let eventsA = pushA.makeEventStream()
        let eventsB = pushB.makeEventStream()

        try Faults.detachPeers(of: pull, endpoint: "inproc://detach-b")
        #expect(try await nextEvents(1, of: eventsB) == [.peerDetached(endpoint: "inproc://detach-b")])
        #expect(pushA.statistics.peers == 1)
        #expect(pushB.statistics.peers == 0)
        #expect(try pushA.trySend("still connected"))
        #expect(try pushB.trySend("detached") == false)
        #expect(try drain(pull) == ["still connected"])

        pushA.close()
        #expect(
            try await remainingEvents(of: eventsA) == [.peerDetached(endpoint: "inproc://detach-a")],
            "A's connection ended only with its close")
    }

    /// Detaching from the connecting side: the PULL it sent to keeps what it sent, and the PUSH
    /// can connect again (it is no longer connected to the endpoint).
    @Test func detachingAConnectersPeers() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let endpoint = "inproc://detach-connecter"
        let pull = try time.socket(.pull)
        try pull.bind(endpoint)
        let push = try time.socket(.push)
        try push.connect(endpoint)
        let pullEvents = pull.makeEventStream()
        #expect(try push.trySend("sent before"))

        try Faults.detachPeers(of: push)
        #expect(try await nextEvents(1, of: pullEvents) == [.peerDetached(endpoint: endpoint)])
        #expect(push.statistics.peers == 0)
        #expect(try push.trySend("nobody") == false)
        #expect(try drain(pull) == ["sent before"])
        expectError(.endpointNotFound) { try push.disconnect(endpoint) }

        try push.connect(endpoint)
        #expect(try push.trySend("reconnected"))
        #expect(try drain(pull) == ["reconnected"])
    }

    /// PAIR is exclusive: once its peer is detached, a PAIR can take the slot again.
    @Test func aDetachedPairCanBePairedAgain() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let endpoint = "inproc://detach-pair"
        let bound = try time.socket(.pair)
        try bound.bind(endpoint)
        let first = try time.socket(.pair)
        try first.connect(endpoint)
        #expect(try first.trySend("from the first"))

        try Faults.detachPeers(of: bound)
        #expect(try first.trySend("nobody") == false)
        #expect(try bound.tryReceive() == "from the first")

        let second = try time.socket(.pair)
        try second.connect(endpoint)
        #expect(try second.trySend("from the second"))
        #expect(try bound.tryReceive() == "from the second")
        #expect(try bound.trySend("back"))
        #expect(try second.tryReceive() == "back")
    }

    /// A PUB's subscribers are detached: they keep what was queued for them, the PUB holds no
    /// subscription any more, and a subscriber that connects again subscribes again.
    @Test func detachingAPubsSubscribers() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let endpoint = "inproc://detach-pub"
        let pub = try time.socket(.pub)
        try pub.bind(endpoint)
        let sub = try time.socket(.sub)
        try sub.connect(endpoint)
        try sub.subscribe("")
        let subEvents = sub.makeEventStream()
        try await pub.send("queued")

        try Faults.detachPeers(of: pub)
        #expect(try await nextEvents(1, of: subEvents) == [.peerDetached(endpoint: endpoint)])
        #expect(pub.subscriptions.isEmpty)
        #expect(pub.statistics == SocketStatistics(messagesSent: 1, peers: 0))
        try await pub.send("lost: no subscriber")
        #expect(try drain(sub) == ["queued"])

        try sub.connect(endpoint)
        #expect(pub.subscriptions == ["": 1])
        try await pub.send("after")
        #expect(try drain(sub) == ["after"])
    }

    /// A REQ whose REP is detached after taking the request never gets its reply: its receive
    /// times out on virtual time.
    @Test func aRequestersReplyNeverComesOnceItsReplierIsDetached() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let rep = try time.socket(.rep)
        try rep.bind("inproc://detach-rep")
        let req = try time.socket(.req)
        req.receiveTimeout = .seconds(30)
        try req.connect("inproc://detach-rep")
        try req.send("question")
        #expect(try rep.receive() == "question")

        try Faults.detachPeers(of: rep)
        try rep.send("answer")  // dropped, as in libzmq: its requester has gone
        let waiting = Peer { try req.receive() }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(30))
        #expect(throws: RingMQError.timedOut) { try waiting.join().get() }

        // The REP serves a requester that connects again.
        let again = try time.socket(.req)
        try again.connect("inproc://detach-rep")
        try again.send("again?")
        #expect(try rep.receive() == "again?")
        try rep.send("yes")
        #expect(try again.receive() == "yes")
        time.expectFast()
    }

    /// A ROUTER with `routerMandatory` waiting for room at a peer that looks full fails with
    /// `.hostUnreachable` when that peer is detached; without it, messages to the gone peer are
    /// dropped and counted. A DEALER whose ROUTER is detached waits with no peer.
    @Test func routerAndDealerAfterDetaching() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let router = try time.socket(.router)
        router.routerMandatory = true
        router.sendTimeout = .seconds(30)
        try router.bind("inproc://detach-router")
        let dealer = try time.socket(.dealer)
        dealer.routingID = "worker"
        dealer.sendTimeout = .seconds(30)
        try dealer.connect("inproc://detach-router")

        try Faults.makePeersLookFull(router)
        let sending = Peer { try router.send(["worker", "waits for room"]) }
        #expect(time.clock.waitForSleepers(1))
        try Faults.detachPeers(of: dealer)
        #expect(throws: RingMQError.hostUnreachable) { try sending.join().get() }

        expectError(.hostUnreachable) { try router.send(["worker", "gone"]) }
        router.routerMandatory = false
        try router.send(["worker", "dropped"])
        #expect(router.statistics.messagesDropped == 1)

        #expect(try dealer.trySend("nobody") == false)
        let dealing = Peer { try dealer.send("nobody") }
        #expect(time.clock.waitForSleepers(1))
        time.clock.advance(by: .seconds(30))
        #expect(throws: RingMQError.timedOut) { try dealing.join().get() }
        time.expectFast()
    }

    @Test func misuseIsReported() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let pull = try time.socket(.pull)
        expectError(.invalidEndpoint) { try Faults.detachPeers(of: pull, endpoint: "ipc://x") }
        try Faults.detachPeers(of: pull)  // no peers: nothing to do
        pull.close()
        expectError(.socketClosed) { try Faults.detachPeers(of: pull) }
    }
}
