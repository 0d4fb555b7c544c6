import RingMQ
import Testing

/// A DEALER with routing id `id`, connected to `endpoint`.
private func dealer(_ id: Frame, connectedTo endpoint: String, in context: TestContext) throws -> Socket {
    let dealer = try context.socket(.dealer)
    dealer.routingID = id
    try dealer.connect(endpoint)
    return dealer
}

/// `routerHandover` (ZMQ_ROUTER_HANDOVER): a new peer with a routing id in use takes it over,
/// and the old peer's connection ends as if it had disconnected: what it sent before stays
/// readable under the id, nothing it sends later reaches the ROUTER, and what the ROUTER had
/// queued for it is dropped.
@Suite(.runsAlone) struct RouterHandoverTests {
    // MARK: - libzmq's tests/test_router_handover.cpp

    @Test func withHandoverTheSecondPeerTakesTheID() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://handover")
        router.routerHandover = true
        let one = try dealer("X", connectedTo: "inproc://handover", in: context)
        try one.send("Hello")
        #expect(try router.receive() == ["X", "Hello"])

        let two = try dealer("X", connectedTo: "inproc://handover", in: context)
        try two.send("Hello")
        #expect(try router.receive() == ["X", "Hello"])

        try router.send(["X", "Hello"])
        #expect(try one.tryReceive() == nil)
        #expect(try two.receive() == "Hello")
    }

    /// libzmq ignores the second peer (over TCP its connect cannot fail); RingMQ refuses it at
    /// `connect`. Either way the id stays with the first peer.
    @Test func withoutHandoverTheFirstPeerKeepsTheID() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://no-handover")
        let one = try dealer("X", connectedTo: "inproc://no-handover", in: context)
        try one.send("Hello")
        #expect(try router.receive() == ["X", "Hello"])

        let two = try context.socket(.dealer)
        two.routingID = "X"
        expectError(.addressInUse) { try two.connect("inproc://no-handover") }
        #expect(try two.trySend("Hello") == false)
        #expect(try router.tryReceive() == nil)

        try router.send(["X", "Hello"])
        #expect(try two.tryReceive() == nil)
        #expect(try one.receive() == "Hello")
    }

    // MARK: - Messages in flight

    @Test func messagesInFlightBothWaysGoWhereDisconnectWouldSendThem() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        router.routerHandover = true
        try router.bind("inproc://in-flight")
        let elsewhere = try context.socket(.router)
        try elsewhere.bind("inproc://elsewhere")
        let one = try dealer("X", connectedTo: "inproc://in-flight", in: context)
        try one.send("sent before 1")
        try one.send("sent before 2")
        try one.connect("inproc://elsewhere")
        try router.send(["X", "queued for the first"])

        let two = try dealer("X", connectedTo: "inproc://in-flight", in: context)
        try two.send("from the second")
        // The first peer's connection to the ROUTER has ended: what the ROUTER queued for it is
        // dropped, and what it sends now goes to its other peer only.
        #expect(try one.tryReceive() == nil)
        #expect(one.statistics.peers == 1, "only the other ROUTER")
        #expect(router.statistics.peers == 1, "only the second peer")
        try one.send("sent after")
        #expect(try elsewhere.receive().dropFirst().first == "sent after")

        let received = try drain(router)
        #expect(received.allSatisfy { $0[0] == "X" }, "\(received)")
        let bodies = received.map { $0[1].string }
        #expect(bodies.filter { $0.hasPrefix("sent") } == ["sent before 1", "sent before 2"], "\(bodies)")
        #expect(Set(bodies) == ["sent before 1", "sent before 2", "from the second"], "\(bodies)")
        router.routerMandatory = true
        try router.send(["X", "for the second"])
        #expect(try drain(two) == ["for the second"])
        #expect(try drain(one) == [])
    }

    /// The old peer goes on sending on its own thread while the ROUTER reads and a new peer
    /// takes the id: every message the old peer got in before it noticed reaches the ROUTER,
    /// in order, under the id; then its sends find no peer.
    @Test func anOldPeerSendingMeanwhileLosesNothingItGotIn() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        router.routerHandover = true
        router.receiveHighWaterMark = 0
        try router.bind("inproc://racing")
        let one = try context.socket(.dealer)
        one.routingID = "X"
        one.sendHighWaterMark = 0
        try one.connect("inproc://racing")
        let limit = Scale.count(normal: 200_000, stress: 1_000_000, sanitized: 50_000)
        let finished = Gate()
        let sender = Peer {
            defer { finished.open() }
            var sent = 0
            while sent < limit, try one.trySend(numbered(sent)) { sent += 1 }
            return sent
        }
        var fromTheFirst: [Int] = []
        var fromTheSecond = 0
        func take(_ message: Message) {
            #expect(message[0] == "X")
            if message[1] == "from the second" {
                fromTheSecond += 1
            } else {
                fromTheFirst.append(number(Message(message[1])))
            }
        }
        // Keep up with the sender for a while, so the handover finds its queue short.
        for _ in 0..<100 { take(try router.receive()) }
        let two = try dealer("X", connectedTo: "inproc://racing", in: context)
        try two.send("from the second")
        while !finished.isOpened {
            if let message = try router.tryReceive() { take(message) }
        }
        let sent = try sender.join().get()
        for message in try drain(router) { take(message) }
        #expect(sent < limit, "the old peer never noticed the handover")
        #expect(fromTheFirst.count == sent)
        #expect(
            fromTheFirst.elementsEqual(0..<sent),
            "first gap at \(fromTheFirst.indices.first { fromTheFirst[$0] != $0 } ?? -1)")
        #expect(fromTheSecond == 1)
    }

    // MARK: - Which side binds

    @Test func aRouterThatConnectsHandsTheIDToItsNewestPeer() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        router.routerHandover = true
        router.routerMandatory = true
        let peers = try (0..<2).map { i in
            let peer = try context.socket(.dealer)
            peer.routingID = "X"
            try peer.bind("inproc://peer-\(i)")
            return peer
        }
        try router.connect("inproc://peer-0")
        try peers[0].send("from the first")
        try router.connect("inproc://peer-1")
        #expect(try peers[0].trySend("after the handover") == false)
        try peers[1].send("from the second")
        try router.send(["X", "for the second"])

        #expect(Set(try drain(router)) == [["X", "from the first"], ["X", "from the second"]])
        #expect(try drain(peers[1]) == ["for the second"])
        #expect(try drain(peers[0]) == [])
        // Both connections stay in the ROUTER's list of endpoints; leaving the first is quiet.
        try router.disconnect("inproc://peer-0")
        try router.send(["X", "still the second"])
        #expect(try drain(peers[1]) == ["still the second"])
    }

    @Test func connectsBeforeTheBindHandTheIDToTheLastOne() throws {
        let context = TestContext()
        let dealers = try (0..<2).map { i in
            let dealer = try context.socket(.dealer)
            dealer.routingID = "X"
            try dealer.connect("inproc://pending")
            try dealer.send(numbered(i))
            return dealer
        }
        let router = try context.socket(.router)
        router.routerHandover = true
        try router.bind("inproc://pending")
        #expect(Set(try drain(router)) == [["X", "0"], ["X", "1"]])
        try router.send(["X", "for the second"])
        #expect(try drain(dealers[1]) == ["for the second"])
        #expect(try drain(dealers[0]) == [])
        #expect(try dealers[0].trySend("no peer now") == false)
    }

    // MARK: - What the old peer sees

    @Test func theOldPeerMayDisconnectAndComeBackForTheID() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        router.routerHandover = true
        try router.bind("inproc://back")
        let one = try dealer("X", connectedTo: "inproc://back", in: context)
        let two = try dealer("X", connectedTo: "inproc://back", in: context)
        #expect(try one.trySend("no peer") == false)
        // Its connection has ended, but it is still connected to the name as far as its own
        // calls go: `disconnect` succeeds and does nothing more.
        try one.disconnect("inproc://back")
        expectError(.endpointNotFound) { try one.disconnect("inproc://back") }

        try one.connect("inproc://back")
        try one.send("back again")
        #expect(try drain(router) == [["X", "back again"]])
        try router.send(["X", "for the first again"])
        #expect(try drain(one) == ["for the first again"])
        #expect(try drain(two) == [])
        #expect(try two.trySend("no peer") == false)
    }

    @Test func aRouterPeerHandedOverFreesItsOwnIDs() throws {
        let context = TestContext()
        let server = try context.socket(.router)
        server.routerHandover = true
        server.routingID = "S"
        try server.bind("inproc://router-peers")
        let clients = try (0..<2).map { _ in
            let client = try context.socket(.router)
            client.routingID = "C"
            client.routerMandatory = true
            try client.connect("inproc://router-peers")
            return client
        }
        // The first client no longer knows the server: its connection ended.
        expectError(.hostUnreachable) { try clients[0].send(["S", "gone"]) }
        try clients[1].send(["S", "from the second"])
        #expect(try drain(server) == [["C", "from the second"]])
        // It may connect again, under the same id for the server, and take "C" back.
        try clients[0].connect("inproc://router-peers")
        try clients[0].send(["S", "back"])
        #expect(try drain(server) == [["C", "back"]])
    }
}
