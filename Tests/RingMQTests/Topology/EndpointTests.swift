import RingMQ
import Testing

@Suite(.runsAlone) struct EndpointTests {
    // MARK: - Bind and connect, in either order

    @Test func bindThenConnect() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://tasks")
        let push = try context.socket(.push)
        try push.connect("inproc://tasks")
        try push.send("task")
        #expect(try pull.tryReceive() == "task")
    }

    @Test func connectThenBind() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.connect("inproc://tasks")
        #expect(try push.trySend("early"))
        let pull = try context.socket(.pull)
        try pull.bind("inproc://tasks")
        try push.send("late")
        #expect(try pull.tryReceive() == "early")
        #expect(try pull.tryReceive() == "late")
        #expect(try pull.tryReceive() == nil)
    }

    @Test func pushMayBindAndPullConnect() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.bind("inproc://reversed")
        let pull = try context.socket(.pull)
        try pull.connect("inproc://reversed")
        try push.send("x")
        #expect(try pull.tryReceive() == "x")
    }

    @Test func connectBeforeBindQueuesUpToTheSendHighWaterMark() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        push.sendHighWaterMark = 5
        try push.connect("inproc://later")
        #expect(try fill(push, limit: 100) == 5, "a pending connection holds the sender's HWM")

        let pull = try context.socket(.pull)
        pull.receiveHighWaterMark = 3
        try pull.bind("inproc://later")
        #expect(try fill(push, limit: 100, from: 5) == 3, "after the bind it holds send HWM + receive HWM")

        #expect(try drainNumbers(pull) == Array(0..<8))
    }

    @Test func connectBeforeBindMultipartArrivesWhole() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.connect("inproc://parts")
        try push.send(["a", "b", "c"])
        let pull = try context.socket(.pull)
        try pull.bind("inproc://parts")
        #expect(try pull.tryReceive() == ["a", "b", "c"])
    }

    // MARK: - Unbind, disconnect

    @Test func unbindLetsAnotherSocketBindTheName() throws {
        let context = TestContext()
        let first = try context.socket(.pull)
        try first.bind("inproc://name")
        try first.unbind("inproc://name")
        let second = try context.socket(.pull)
        try second.bind("inproc://name")

        let push = try context.socket(.push)
        try push.connect("inproc://name")
        try push.send("to second")
        #expect(try second.tryReceive() == "to second")
        #expect(try first.tryReceive() == nil)
    }

    @Test func connectAfterUnbindWaitsForTheNextBind() throws {
        let context = TestContext()
        let first = try context.socket(.pull)
        try first.bind("inproc://moved")
        try first.unbind("inproc://moved")
        let push = try context.socket(.push)
        try push.connect("inproc://moved")
        try push.send("for whoever binds next")
        #expect(try first.tryReceive() == nil)
        let second = try context.socket(.pull)
        try second.bind("inproc://moved")
        #expect(try second.tryReceive() == "for whoever binds next")
    }

    @Test func unbindKeepsConnectionsAlreadyMade() throws {
        // As with libzmq's inproc transport: unbind removes the name, not the connections.
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://kept")
        let push = try context.socket(.push)
        try push.connect("inproc://kept")
        try pull.unbind("inproc://kept")
        try push.send("still connected")
        #expect(try pull.tryReceive() == "still connected")
    }

    @Test func unbindThenBindAgainBySameSocket() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://again")
        try pull.unbind("inproc://again")
        try pull.bind("inproc://again")
        let push = try context.socket(.push)
        try push.connect("inproc://again")
        try push.send("x")
        #expect(try pull.tryReceive() == "x")
    }

    @Test func disconnectStopsRoutingToThatEndpoint() throws {
        let context = TestContext()
        let a = try context.socket(.pull)
        try a.bind("inproc://a")
        let b = try context.socket(.pull)
        try b.bind("inproc://b")
        let push = try context.socket(.push)
        try push.connect("inproc://a")
        try push.connect("inproc://b")
        try push.send(numbered(0))
        try push.send(numbered(1))

        try push.disconnect("inproc://a")
        for i in 2..<10 { try push.send(numbered(i)) }

        #expect(try drainNumbers(a) == [0], "what was sent before the disconnect stays readable")
        #expect(try drainNumbers(b) == Array(1..<10))
    }

    @Test func disconnectFromTheOnlyPeerLeavesNoPeer() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://only")
        let push = try context.socket(.push)
        try push.connect("inproc://only")
        try push.disconnect("inproc://only")
        #expect(try push.trySend("nobody") == false)
        #expect(try pull.tryReceive() == nil)
        // And it can connect again.
        try push.connect("inproc://only")
        try push.send("back")
        #expect(try pull.tryReceive() == "back")
    }

    @Test func disconnectBeforeTheBindDropsThePendingConnection() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.connect("inproc://pending")
        try push.disconnect("inproc://pending")
        let pull = try context.socket(.pull)
        try pull.bind("inproc://pending")
        #expect(try push.trySend("x") == false)
        #expect(try pull.tryReceive() == nil)
    }

    // MARK: - Many endpoints, many peers

    @Test func oneSocketBindsSeveralEndpoints() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        let names = ["inproc://one", "inproc://two", "inproc://three"]
        for name in names { try pull.bind(name) }
        var pushes: [Socket] = []
        for (i, name) in names.enumerated() {
            let push = try context.socket(.push)
            try push.connect(name)
            try push.send(numbered(i))
            pushes.append(push)
        }
        #expect(try drainNumbers(pull).sorted() == [0, 1, 2])
    }

    @Test func oneSocketConnectsSeveralEndpoints() throws {
        let context = TestContext()
        let pulls = try (0..<3).map { i in
            let pull = try context.socket(.pull)
            try pull.bind("inproc://many-\(i)")
            return pull
        }
        let push = try context.socket(.push)
        for i in 0..<3 { try push.connect("inproc://many-\(i)") }
        for i in 0..<3 { try push.send(numbered(i)) }
        #expect(try pulls.map { try drainNumbers($0).count } == [1, 1, 1])
    }

    @Test func oneEndpointHasSeveralPeers() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://hub")
        let pushes = try (0..<5).map { _ in
            let push = try context.socket(.push)
            try push.connect("inproc://hub")
            return push
        }
        for (i, push) in pushes.enumerated() { try push.send(numbered(i)) }
        #expect(try drainNumbers(pull).sorted() == Array(0..<5))
    }

    @Test func bindAndConnectOnOneSocket() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://bound")
        let far = try context.socket(.push)
        try far.bind("inproc://far")
        try pull.connect("inproc://far")
        let near = try context.socket(.push)
        try near.connect("inproc://bound")
        try near.send("near")
        try far.send("far")
        #expect(Set(try drain(pull)) == ["near", "far"])
    }

    // MARK: - One namespace per context

    @Test func twoContextsMayBindTheSameName() throws {
        let a = TestContext()
        let b = TestContext()
        let pullA = try a.socket(.pull)
        try pullA.bind("inproc://shared")
        let pullB = try b.socket(.pull)
        try pullB.bind("inproc://shared")

        let pushB = try b.socket(.push)
        try pushB.connect("inproc://shared")
        try pushB.send("b")
        #expect(try pullB.tryReceive() == "b")
        #expect(try pullA.tryReceive() == nil)
    }

    @Test func connectingInAnotherContextDoesNotReachTheBinder() throws {
        let a = TestContext()
        let b = TestContext()
        let pullA = try a.socket(.pull)
        try pullA.bind("inproc://only-in-a")
        let pushB = try b.socket(.push)
        try pushB.connect("inproc://only-in-a")
        #expect(try pushB.trySend("queued, waiting for a bind in b"))
        #expect(try pullA.tryReceive() == nil)

        // The connection forms when the name is bound in b.
        let pullB = try b.socket(.pull)
        try pullB.bind("inproc://only-in-a")
        #expect(try pullB.tryReceive() == "queued, waiting for a bind in b")
        #expect(try pullA.tryReceive() == nil)
    }

    // MARK: - Names

    @Test func namesCompareByteForByte() throws {
        let context = TestContext()
        let composed = "inproc://caf\u{E9}"
        let decomposed = "inproc://cafe\u{301}"
        #expect(composed == decomposed, "Swift's String equality treats them as equal")
        let a = try context.socket(.pull)
        try a.bind(composed)
        let b = try context.socket(.pull)
        try b.bind(decomposed)  // different bytes: not in use

        let push = try context.socket(.push)
        try push.connect(decomposed)
        try push.send("to b")
        #expect(try b.tryReceive() == "to b")
        #expect(try a.tryReceive() == nil)
    }

    @Test func namesAreCaseSensitive() throws {
        let context = TestContext()
        let lower = try context.socket(.pull)
        try lower.bind("inproc://tasks")
        let upper = try context.socket(.pull)
        try upper.bind("inproc://Tasks")
        let push = try context.socket(.push)
        try push.connect("inproc://Tasks")
        try push.send("x")
        #expect(try upper.tryReceive() == "x")
        #expect(try lower.tryReceive() == nil)
    }

    @Test func unusualNamesWork() throws {
        let context = TestContext()
        for name in ["inproc://a", "inproc://with spaces", "inproc://x://y", "inproc://🚀", "inproc://tcp://host"] {
            let pull = try context.socket(.pull)
            try pull.bind(name)
            let push = try context.socket(.push)
            try push.connect(name)
            try push.send(Message(name))
            #expect(try pull.tryReceive() == Message(name))
        }
    }

    // MARK: - Errors

    @Test func bindingANameTwiceIsAddressInUse() throws {
        let context = TestContext()
        let first = try context.socket(.pull)
        try first.bind("inproc://taken")
        let second = try context.socket(.pull)
        let message = expectError(.addressInUse) { try second.bind("inproc://taken") }
        #expect(message?.contains("inproc://taken") == true, "the message should name the endpoint: \(message ?? "")")
        expectError(.addressInUse) { try first.bind("inproc://taken") }
        // The first binding is untouched.
        let push = try context.socket(.push)
        try push.connect("inproc://taken")
        try push.send("x")
        #expect(try first.tryReceive() == "x")
    }

    @Test(arguments: [
        ("", "inproc://"),
        ("inproc://", "empty"),
        ("tasks", "inproc://"),
        ("tcp://127.0.0.1:5555", "in-process"),
        ("ipc:///tmp/x", "in-process"),
        ("foo://x", "foo"),
        ("://x", "inproc://"),
    ])
    func malformedEndpointsAreRejected(endpoint: String, hint: String) throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        let bindMessage = expectError(.invalidEndpoint) { try pull.bind(endpoint) }
        #expect(bindMessage?.contains(hint) == true, "bind('\(endpoint)'): unhelpful message: \(bindMessage ?? "")")
        let push = try context.socket(.push)
        let connectMessage = expectError(.invalidEndpoint) { try push.connect(endpoint) }
        #expect(
            connectMessage?.contains(hint) == true,
            "connect('\(endpoint)'): unhelpful message: \(connectMessage ?? "")")
        expectError(.invalidEndpoint) { try pull.unbind(endpoint) }
        expectError(.invalidEndpoint) { try push.disconnect(endpoint) }
    }

    @Test func networkSchemesPointToLibzmq() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        let message = expectError(.invalidEndpoint) { try pull.bind("tcp://127.0.0.1:5555") }
        #expect(message?.contains("libzmq") == true, "the message should say where networking lives: \(message ?? "")")
    }

    @Test func unbindOrDisconnectOfUnknownEndpoints() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        let message = expectError(.endpointNotFound) { try pull.unbind("inproc://never") }
        #expect(message?.contains("inproc://never") == true, "the message should name the endpoint: \(message ?? "")")
        expectError(.endpointNotFound) { try pull.disconnect("inproc://never") }

        // Bound by another socket is not bound by this one; bound is not connected.
        try pull.bind("inproc://mine")
        let other = try context.socket(.pull)
        expectError(.endpointNotFound) { try other.unbind("inproc://mine") }
        expectError(.endpointNotFound) { try pull.disconnect("inproc://mine") }

        // Connected is not bound; and once unbound or disconnected, it is unknown again.
        let push = try context.socket(.push)
        try push.connect("inproc://mine")
        expectError(.endpointNotFound) { try push.unbind("inproc://mine") }
        try push.disconnect("inproc://mine")
        expectError(.endpointNotFound) { try push.disconnect("inproc://mine") }
        try pull.unbind("inproc://mine")
        expectError(.endpointNotFound) { try pull.unbind("inproc://mine") }
    }

    @Test(arguments: [
        (SocketType.push, SocketType.push),
        (.pair, .pull),
        (.pull, .pull),
        (.push, .pair),
        (.pull, .pair),
    ])
    func incompatibleTypesAreRefused(connecting: SocketType, bound: SocketType) throws {
        let context = TestContext()
        let binder = try context.socket(bound)
        try binder.bind("inproc://typed")
        let connecter = try context.socket(connecting)
        #expect(throws: RingMQError.incompatibleSocketTypes(connecting, bound)) {
            try connecter.connect("inproc://typed")
        }
        let description = String(describing: RingMQError.incompatibleSocketTypes(connecting, bound))
        #expect(description.contains(connecting.description) && description.contains(bound.description))
        // The refused connect left no connection behind: the connecter is not connected.
        expectError(.endpointNotFound) { try connecter.disconnect("inproc://typed") }
    }
}
