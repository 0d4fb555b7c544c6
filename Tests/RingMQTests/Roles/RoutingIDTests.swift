import RingMQ
import RingMQTesting
import Testing

/// The routing id `router` knows `peer` by: `peer` sends a probe, the ROUTER reads its first
/// frame. For DEALER peers (a REQ would then wait for a reply).
private func routingID(of peer: Socket, at router: Socket) throws -> Frame {
    try peer.send("probe")
    let message = try router.receive()
    #expect(Array(message.dropFirst()) == ["probe"])
    return message[0]
}

/// Routing ids: a peer's `routingID` when set before connecting, otherwise one the ROUTER
/// generates (unique among its peers); a duplicate refused at `connect`; an id free again once
/// its peer has gone.
@Suite(.runsAlone) struct RoutingIDTests {
    // MARK: - Where the id comes from

    @Test func aPeerThatBindsIsKnownByItsRoutingID() throws {
        let context = TestContext()
        let dealer = try context.socket(.dealer)
        dealer.routingID = "D"
        try dealer.bind("inproc://dealer")
        let router = try context.socket(.router)
        try router.connect("inproc://dealer")
        #expect(try routingID(of: dealer, at: router) == "D")
        try router.send(["D", "back"])
        #expect(try drain(dealer) == ["back"])
    }

    @Test(arguments: [Frame("D"), nil])
    func aPeerThatBindsAfterTheRouterConnectedIsKnownByItsRoutingID(_ name: Frame?) throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.connect("inproc://later")
        let dealer = try context.socket(.dealer)
        dealer.routingID = name
        try dealer.bind("inproc://later")
        let id = try routingID(of: dealer, at: router)
        if let name {
            #expect(id == name)
        } else {
            #expect(isGeneratedRoutingID(id), "\(id)")
        }
        router.routerMandatory = true
        #expect(throws: Never.self) { try router.send([id, "back"]) }
        #expect(try drain(dealer) == ["back"])
    }

    @Test(arguments: [Frame("client"), nil])
    func aPeerThatConnectedBeforeTheBindIsKnownByItsRoutingID(_ name: Frame?) throws {
        let context = TestContext()
        let req = try context.socket(.req)
        req.routingID = name
        try req.connect("inproc://early")
        try req.send("queued before the bind")
        let router = try context.socket(.router)
        try router.bind("inproc://early")
        let request = try router.receive()
        #expect(Array(request.dropFirst()) == ["", "queued before the bind"])
        if let name {
            #expect(request[0] == name)
        } else {
            #expect(isGeneratedRoutingID(request[0]), "\(request[0])")
        }
        try router.send([request[0], "", "answer"])
        #expect(try req.receive() == "answer")
    }

    @Test func aRoutingIDSetAfterConnectingAppliesToLaterConnections() throws {
        let context = TestContext()
        let routers = try (0..<2).map { i in
            let router = try context.socket(.router)
            try router.bind("inproc://router-\(i)")
            return router
        }
        let dealer = try context.socket(.dealer)
        try dealer.connect("inproc://router-0")
        dealer.routingID = "late"
        try dealer.connect("inproc://router-1")
        #expect(isGeneratedRoutingID(try routingID(of: dealer, at: routers[0])))
        #expect(try routingID(of: dealer, at: routers[1]) == "late")
    }

    @Test func anonymousPeersGetDistinctGeneratedIDs() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://anonymous")
        let dealers = try (0..<5).map { _ in
            let dealer = try context.socket(.dealer)
            try dealer.connect("inproc://anonymous")
            return dealer
        }
        let ids = try dealers.map { try routingID(of: $0, at: router) }
        #expect(ids.allSatisfy(isGeneratedRoutingID), "\(ids)")
        #expect(Set(ids).count == ids.count, "\(ids)")
        // Docs/Semantics.md: the counter starts at 1 for every ROUTER.
        #expect(ids.first == Frame([0, 0, 0, 0, 1]))
        for (d, id) in ids.enumerated() { try router.send([id, numbered(d)[0]]) }
        for (d, dealer) in dealers.enumerated() {
            #expect(try drainNumbers(dealer) == [d], "dealer \(d)")
        }
    }

    @Test func generatedIDsStayUniqueWhilePeersComeAndGo() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://churn")
        let staying = try context.socket(.dealer)
        try staying.connect("inproc://churn")
        let stayingID = try routingID(of: staying, at: router)
        var seen: Set<Frame> = [stayingID]
        for _ in 0..<10 {
            let passing = try context.socket(.dealer)
            try passing.connect("inproc://churn")
            let id = try routingID(of: passing, at: router)
            #expect(isGeneratedRoutingID(id))
            #expect(!seen.contains(id), "\(id) given out twice")
            seen.insert(id)
            passing.close()
        }
        try router.send([stayingID, "still yours"])
        #expect(try staying.receive() == "still yours")
    }

    @Test(arguments: [true, false])
    func routerToRouterEachSeesTheOthersRoutingID(bindFirst: Bool) throws {
        let context = TestContext()
        let bound = try context.socket(.router)
        bound.routingID = "bound"
        let connected = try context.socket(.router)
        connected.routingID = "connected"
        if bindFirst {
            try bound.bind("inproc://router-router")
            try connected.connect("inproc://router-router")
        } else {
            try connected.connect("inproc://router-router")
            try bound.bind("inproc://router-router")
        }
        for router in [bound, connected] { router.routerMandatory = true }
        // Either ROUTER may address its peer as soon as the connection has formed.
        #expect(throws: Never.self) { try connected.send(["bound", "hello"]) }
        #expect(try drain(bound) == [["connected", "hello"]])
        #expect(throws: Never.self) { try bound.send(["connected", "hello back"]) }
        #expect(try drain(connected) == [["bound", "hello back"]])
    }

    // MARK: - Duplicates

    @Test func aRoutingIDInUseAtTheRouterIsRefusedAtConnect() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        try router.bind("inproc://unique")
        let first = try context.socket(.dealer)
        first.routingID = "X"
        try first.connect("inproc://unique")
        let second = try context.socket(.req)
        second.routingID = "X"
        let message = expectError(.addressInUse) { try second.connect("inproc://unique") }
        #expect(message?.contains("routing id") == true, "\(message ?? "")")
        #expect(try second.trySend("not connected") == false)

        try router.send(["X", "for the first"])
        #expect(try first.receive() == "for the first")
        #expect(try routingID(of: first, at: router) == "X")
    }

    @Test func theSameRoutingIDMayBeUsedAtTwoRouters() throws {
        let context = TestContext()
        let routers = try (0..<2).map { i in
            let router = try context.socket(.router)
            try router.bind("inproc://router-\(i)")
            return router
        }
        let dealers = try (0..<2).map { i in
            let dealer = try context.socket(.dealer)
            dealer.routingID = "X"
            try dealer.connect("inproc://router-\(i)")
            return dealer
        }
        for i in 0..<2 { try routers[i].send(["X", numbered(i)[0]]) }
        for i in 0..<2 { #expect(try drainNumbers(dealers[i]) == [i]) }
    }

    enum Departure: String, CaseIterable, Sendable {
        case close, disconnect
    }

    @Test(arguments: Departure.allCases)
    func aRoutingIDIsFreeAgainOnceItsPeerHasGone(_ departure: Departure) throws {
        let context = TestContext()
        let router = try context.socket(.router)
        router.routerMandatory = true
        try router.bind("inproc://reuse")
        let first = try context.socket(.dealer)
        first.routingID = "X"
        try first.connect("inproc://reuse")
        try first.send("from the first")
        switch departure {
        case .close: first.close()
        case .disconnect: try first.disconnect("inproc://reuse")
        }

        let second = try context.socket(.dealer)
        second.routingID = "X"
        try second.connect("inproc://reuse")
        try second.send("from the second")
        // What the first sent before leaving is still read, under the id it had.
        #expect(try drain(router) == [["X", "from the first"], ["X", "from the second"]])
        try router.send(["X", "for the second"])
        #expect(try second.receive() == "for the second")
        if departure == .disconnect { #expect(try first.tryReceive() == nil) }
    }

    @Test func aRouterThatReconnectsKnowsItsPeerByTheSameID() throws {
        let context = TestContext()
        let dealer = try context.socket(.dealer)
        dealer.routingID = "D"
        try dealer.bind("inproc://again")
        let router = try context.socket(.router)
        router.routerMandatory = true
        for round in 0..<3 {
            try router.connect("inproc://again")
            #expect(try routingID(of: dealer, at: router) == "D", "round \(round)")
            try router.send(["D", Frame("\(round)")])
            #expect(try drainNumbers(dealer) == [round])
            try router.disconnect("inproc://again")
            expectError(.hostUnreachable) { try router.send(["D", "gone"]) }
        }
    }

    @Test func aDuplicateRoutingIDOnAConnectBeforeBindIsRefusedAtTheBind() throws {
        let context = TestContext()
        let dealers = try (0..<2).map { i in
            let dealer = try context.socket(.dealer)
            dealer.routingID = "X"
            try dealer.connect("inproc://pending")
            try dealer.send(numbered(i))
            return dealer
        }
        let router = try context.socket(.router)
        try router.bind("inproc://pending")
        // The first connection takes the id; the second is dropped with what it queued.
        #expect(try drain(router) == [["X", "0"]])
        try router.send(["X", "for the first"])
        #expect(try drain(dealers[0]) == ["for the first"])
        #expect(try dealers[1].tryReceive() == nil)
        #expect(try dealers[1].trySend("no peer") == false)
    }

    // MARK: - An id taken over by a new peer

    /// A departed peer's id is free at once, but the ROUTER keeps that peer's connection until
    /// it has read what the peer sent. Leaving that old connection used to drop the route of
    /// whichever peer had the id by then: after `disconnect` from the old peer's endpoint, the
    /// ROUTER could no longer reach the new one (`.hostUnreachable`, or a silent drop).
    @Test func disconnectingFromAGonePeerKeepsTheRouteOfTheNewPeerWithItsID() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        router.routerMandatory = true
        let first = try context.socket(.dealer)
        first.routingID = "A"
        try first.bind("inproc://first")
        try router.connect("inproc://first")
        try first.send("unread")
        first.close()
        let second = try context.socket(.dealer)
        second.routingID = "A"
        try second.bind("inproc://second")
        try router.connect("inproc://second")
        try router.disconnect("inproc://first")
        try router.send(["A", "to the second"])
        #expect(try drain(second) == ["to the second"])
        #expect(try drain(router) == [], "what the first peer sent went with the disconnect")
    }

    /// The same through the other way a ROUTER lets go of a connection: its peer leaving. A
    /// DEALER that queued a message and closed before any bind delivers it when the ROUTER
    /// binds, under its id, without holding the id; a live peer then takes the id. Detaching
    /// the old connection used to drop the live peer's route too.
    @Test func aDepartedConnectionUnderTheSameIDLeavingKeepsTheLivePeersRoute() throws {
        let context = TestContext()
        let early = try context.socket(.dealer)
        early.routingID = "A"
        try early.connect("inproc://early")
        try early.send("before the bind")
        early.close()
        let router = try context.socket(.router)
        router.routerMandatory = true
        try router.bind("inproc://early")
        try router.bind("inproc://live")
        let live = try context.socket(.dealer)
        live.routingID = "A"
        try live.connect("inproc://live")
        try live.send("from the live peer")
        try Faults.detachPeers(of: router, endpoint: "inproc://early")
        try router.send(["A", "to the live peer"])
        #expect(try drain(live) == ["to the live peer"])
        #expect(Set(try drain(router)) == [["A", "before the bind"], ["A", "from the live peer"]])
    }
}
