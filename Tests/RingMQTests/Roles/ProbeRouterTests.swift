import RingMQ
import Testing

/// `probeRouter` (ZMQ_PROBE_ROUTER): a ROUTER, DEALER or REQ sends an empty message to each
/// ROUTER peer as their connection forms, before anything else it sends there, so the ROUTER
/// learns its routing id at once. RingMQ sends it to ROUTER peers only (Docs/Semantics.md).
@Suite(.runsAlone) struct ProbeRouterTests {
    // MARK: - libzmq's tests/test_probe_router.cpp

    @Test func aRouterClientProbesARouterServer() throws {
        let context = TestContext()
        let server = try context.socket(.router)
        try server.bind("inproc://probe")
        let client = try context.socket(.router)
        client.routingID = "X"
        client.probeRouter = true
        try client.connect("inproc://probe")

        #expect(try server.receive() == ["X", ""])
        try server.send(["X", "Hello"])
        let reply = try client.receive()
        // The client knows the server by an id it generated: 5 bytes, as in libzmq (a zero
        // byte, then a counter that starts at 1 for every ROUTER in RingMQ).
        #expect(reply.count == 2)
        #expect(reply[0] == Frame([0, 0, 0, 0, 1]))
        #expect(reply[1] == "Hello")
    }

    @Test func aDealerClientProbesARouterServer() throws {
        let context = TestContext()
        let server = try context.socket(.router)
        try server.bind("inproc://probe")
        let client = try context.socket(.dealer)
        client.routingID = "X"
        client.probeRouter = true
        try client.connect("inproc://probe")

        #expect(try server.receive() == ["X", ""])
        try server.send(["X", "Hello"])
        #expect(try client.receive() == "Hello")
    }

    // MARK: - Connect before bind

    @Test(arguments: [SocketType.dealer, .router])
    func theProbeComesBeforeWhatWasSentBeforeTheBind(_ type: SocketType) throws {
        let context = TestContext()
        let client = try context.socket(type)
        client.routingID = "X"
        client.probeRouter = true
        try client.connect("inproc://later")
        if type == .dealer { try client.send("early") }
        let server = try context.socket(.router)
        server.routingID = "S"
        try server.bind("inproc://later")
        if type == .router { try client.send(["S", "early"]) }
        #expect(try drain(server) == [["X", ""], ["X", "early"]])
    }

    @Test func aRequesterProbesWithoutLosingItsTurn() throws {
        let context = TestContext()
        let req = try context.socket(.req)
        req.routingID = "Q"
        req.probeRouter = true
        try req.connect("inproc://req")
        try req.send("request")
        expectError(.invalidState) { try req.send("out of turn") }
        let router = try context.socket(.router)
        try router.bind("inproc://req")

        #expect(try drain(router) == [["Q", ""], ["Q", "", "request"]])
        try router.send(["Q", "", "reply"])
        #expect(try req.receive() == "reply")
        try req.send("second request")
        #expect(try drain(router) == [["Q", "", "second request"]])
    }

    @Test(arguments: [true, false])
    func aRouterThatBindsProbesEachRouterPeer(connectFirst: Bool) throws {
        let context = TestContext()
        let server = try context.socket(.router)
        server.routingID = "S"
        server.probeRouter = true
        let clients = try (0..<2).map { _ in try context.socket(.router) }
        if !connectFirst { try server.bind("inproc://server") }
        for client in clients { try client.connect("inproc://server") }
        if connectFirst { try server.bind("inproc://server") }
        for client in clients {
            #expect(try drain(client) == [["S", ""]])
        }
        #expect(try drain(server) == [])
    }

    // MARK: - Only ROUTER peers

    @Test func peersThatAreNotRoutersGetNoProbe() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        router.probeRouter = true
        try router.bind("inproc://router")
        let dealer = try context.socket(.dealer)
        try dealer.connect("inproc://router")
        let req = try context.socket(.req)
        try req.connect("inproc://router")
        #expect(try dealer.tryReceive() == nil)
        try req.send("request")
        #expect(try req.tryReceive() == nil)

        let prober = try context.socket(.dealer)
        prober.probeRouter = true
        let rep = try context.socket(.rep)
        try rep.bind("inproc://rep")
        try prober.connect("inproc://rep")
        try prober.send(["", "request"])
        #expect(try rep.receive() == "request")

        let dealer2 = try context.socket(.dealer)
        try dealer2.bind("inproc://dealer")
        let prober2 = try context.socket(.dealer)
        prober2.probeRouter = true
        try prober2.connect("inproc://dealer")
        try prober2.send("first")
        #expect(try drain(dealer2) == ["first"])
    }

    @Test func aBindByAnythingButARouterDropsTheProbe() throws {
        let context = TestContext()
        let prober = try context.socket(.dealer)
        prober.probeRouter = true
        try prober.connect("inproc://dealer")
        try prober.send("early")
        let dealer = try context.socket(.dealer)
        try dealer.bind("inproc://dealer")
        #expect(try drain(dealer) == ["early"])
    }

    // MARK: - The probe is not the user's message

    @Test func messagesTakenBackDoNotIncludeTheProbe() throws {
        let context = TestContext()
        let prober = try context.socket(.dealer)
        prober.routingID = "D"
        prober.probeRouter = true
        try prober.connect("inproc://never-bound")
        try prober.send("early")
        let router = try context.socket(.router)
        try router.bind("inproc://bound")
        try prober.connect("inproc://bound")
        // The pending connection goes: "early" is taken back and sent to the ROUTER.
        try prober.disconnect("inproc://never-bound")
        #expect(try drain(router) == [["D", ""], ["D", "early"]])

        // A ROUTER peer that leaves without reading: its probe is not resent either.
        let unread = try context.socket(.router)
        try unread.bind("inproc://unread")
        try prober.connect("inproc://unread")
        unread.close()
        try prober.send("next")
        #expect(try drain(router) == [["D", "next"]])
    }

    /// A REQ takes back only its outstanding request from a ROUTER that left without reading;
    /// the probe before it is neither resent nor counted as a dropped message.
    @Test func aRequesterTakesBackItsRequestWithoutTheProbe() throws {
        let context = TestContext()
        let leaving = try context.socket(.router)
        try leaving.bind("inproc://req-leaving")
        let req = try context.socket(.req)
        req.routingID = "Q"
        req.probeRouter = true
        try req.connect("inproc://req-leaving")
        try req.send("request")
        let staying = try context.socket(.router)
        try staying.bind("inproc://req-staying")
        try req.connect("inproc://req-staying")
        leaving.close()
        #expect(req.statistics.messagesRedelivered == 1)
        #expect(req.statistics.messagesDropped == 0)
        #expect(try drain(staying) == [["Q", ""], ["Q", "", "request"]])
    }

    /// On a conflating connection the user's newest message replaces the probe: a bind by a
    /// non-ROUTER, or the connecter's close before the bind, must not take that message for
    /// the probe.
    @Test(arguments: [false, true])
    func aConflatingProberLosesNothingAtTheBind(closeFirst: Bool) throws {
        let context = TestContext()
        let prober = try context.socket(.dealer)
        prober.conflate = true
        prober.probeRouter = true
        try prober.connect("inproc://conflating-prober")
        try prober.send("newest")
        if closeFirst { prober.close() }
        let binder = try context.socket(.dealer)
        try binder.bind("inproc://conflating-prober")
        #expect(try binder.tryReceive() == "newest")
    }

    @Test func aProbeAloneKeepsNoClosedConnecterLingering() throws {
        let context = TestContext()
        for sendsSomething in [false, true] {
            let prober = try context.socket(.dealer)
            prober.routingID = "D"
            prober.probeRouter = true
            try prober.connect("inproc://linger")
            if sendsSomething { try prober.send("queued") }
            prober.close()
            let router = try context.socket(.router)
            try router.bind("inproc://linger")
            let expected: [Message] = sendsSomething ? [["D", ""], ["D", "queued"]] : []
            #expect(try drain(router) == expected, "sends something: \(sendsSomething)")
            router.close()
        }
    }

    @Test func aNewPeerTakingAnIDOverProbes() throws {
        let context = TestContext()
        let router = try context.socket(.router)
        router.routerHandover = true
        try router.bind("inproc://handover")
        for _ in 0..<2 {
            let dealer = try context.socket(.dealer)
            dealer.routingID = "X"
            dealer.probeRouter = true
            try dealer.connect("inproc://handover")
            #expect(try drain(router) == [["X", ""]])
        }
    }
}
