import RingMQ
import Testing

/// Every throwing operation of a socket, by name, each with arguments that would be valid on
/// an open socket of any type.
private let operations: [(name: String, call: @Sendable (Socket) throws -> Void)] = [
    ("send", { try $0.send("x") }),
    ("trySend", { _ = try $0.trySend("x") }),
    ("receive", { _ = try $0.receive() }),
    ("tryReceive", { _ = try $0.tryReceive() }),
    ("bind", { try $0.bind("inproc://fresh-bind") }),
    ("connect", { try $0.connect("inproc://fresh-connect") }),
    ("unbind", { try $0.unbind("inproc://bound") }),
    ("disconnect", { try $0.disconnect("inproc://connected") }),
    ("setOption(.sendHighWaterMark)", { try $0.setOption(.sendHighWaterMark(5)) }),
    ("setOption(.receiveHighWaterMark)", { try $0.setOption(.receiveHighWaterMark(5)) }),
]

/// Binds `name` with a new PULL socket created and dropped inside this function.
@inline(never)
private func bindAndDrop(_ context: TestContext, _ name: String) throws {
    let pull = try context.socket(.pull)
    try pull.bind(name)
}

@Suite(.runsAlone) struct LifecycleTests {
    // MARK: - close()

    @Test func closeIsIdempotent() throws {
        let context = TestContext()
        let socket = try context.socket(.pull)
        try socket.bind("inproc://closing")
        socket.close()
        socket.close()
        socket.close()
        #expect(throws: RingMQError.socketClosed) { try socket.tryReceive() }
    }

    @Test(arguments: [SocketType.pair, .push, .pull])
    func everyOperationAfterCloseThrowsSocketClosed(type: SocketType) throws {
        let context = TestContext()
        let socket = try context.socket(type)
        try socket.bind("inproc://bound")
        let peerType: SocketType = type == .pair ? .pair : (type == .push ? .pull : .push)
        let peer = try context.socket(peerType)
        try peer.bind("inproc://connected")
        try socket.connect("inproc://connected")
        // Only so that a socket that failed to close fails the test instead of blocking it.
        socket.sendTimeout = .milliseconds(100)
        socket.receiveTimeout = .milliseconds(100)
        socket.close()
        for operation in operations {
            #expect(throws: RingMQError.socketClosed, "\(type) \(operation.name) after close") {
                try operation.call(socket)
            }
        }
    }

    @Test func closedErrorIsReadable() {
        #expect(String(describing: RingMQError.socketClosed).contains("closed"))
    }

    @Test func messagesQueuedToAPeerStayReadableAfterTheSenderCloses() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://linger")
        let push = try context.socket(.push)
        try push.connect("inproc://linger")
        for i in 0..<5 { try push.send(numbered(i)) }
        try push.send(["multi", "part"])
        push.close()
        #expect(try drain(pull) == (0..<5).map(numbered) + [["multi", "part"]])
        #expect(try pull.tryReceive() == nil)
    }

    @Test func messagesFromABoundSenderStayReadableAfterItCloses() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.bind("inproc://bound-sender")
        let pull = try context.socket(.pull)
        try pull.connect("inproc://bound-sender")
        for i in 0..<5 { try push.send(numbered(i)) }
        push.close()
        #expect(try drainNumbers(pull) == Array(0..<5))
    }

    @Test func pairMessagesStayReadableAfterThePeerCloses() throws {
        let context = TestContext()
        let a = try context.socket(.pair)
        try a.bind("inproc://pair-linger")
        let b = try context.socket(.pair)
        try b.connect("inproc://pair-linger")
        try b.send("one")
        try b.send("two")
        b.close()
        #expect(try drain(a) == ["one", "two"])
    }

    @Test func sendsQueuedBeforeTheBindOutliveClose() throws {
        // Default linger (nil): a pending connection's messages wait for the bind.
        let context = TestContext()
        let push = try context.socket(.push)
        try push.connect("inproc://pending-linger")
        try push.send("queued before the bind")
        push.close()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://pending-linger")
        #expect(try pull.tryReceive() == "queued before the bind")
    }

    @Test func theEndpointCanBeBoundAgainRightAfterClose() throws {
        let context = TestContext()
        let first = try context.socket(.pull)
        try first.bind("inproc://reuse")
        try first.bind("inproc://reuse-2")
        first.close()
        let second = try context.socket(.pull)
        try second.bind("inproc://reuse")
        try second.bind("inproc://reuse-2")
        let push = try context.socket(.push)
        try push.connect("inproc://reuse")
        try push.send("new owner")
        #expect(try second.tryReceive() == "new owner")
    }

    @Test func noPeerRoutesToAClosedSocket() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://gone")
        let push = try context.socket(.push)
        try push.connect("inproc://gone")
        try push.send("before")
        pull.close()
        #expect(try push.trySend("after") == false, "the only peer is closed")
    }

    @Test func closingOnePullerSendsEverythingLaterToTheOther() throws {
        let context = TestContext()
        let first = try context.socket(.pull)
        try first.bind("inproc://p0")
        let second = try context.socket(.pull)
        try second.bind("inproc://p1")
        let push = try context.socket(.push)
        try push.connect("inproc://p0")
        try push.connect("inproc://p1")
        for i in 0..<4 { try push.send(numbered(i)) }
        second.close()
        for i in 4..<20 { try push.send(numbered(i)) }
        #expect(try drainNumbers(first) == [0, 2] + [1, 3] + Array(4..<20), "1 and 3 come back first")
    }

    @Test func withoutRedeliveryWhatAClosedPullerLeftIsDropped() throws {
        let context = TestContext()
        let first = try context.socket(.pull)
        try first.bind("inproc://p0-drop")
        let second = try context.socket(.pull)
        try second.bind("inproc://p1-drop")
        let push = try context.socket(.push)
        push.redeliverUnread = false
        try push.connect("inproc://p0-drop")
        try push.connect("inproc://p1-drop")
        for i in 0..<4 { try push.send(numbered(i)) }
        second.close()
        for i in 4..<20 { try push.send(numbered(i)) }
        #expect(try drainNumbers(first) == [0, 2] + Array(4..<20), "libzmq's behaviour: 1 and 3 are lost")
        #expect(push.statistics.messagesRedelivered == 0)
    }

    @Test func closingTheBoundPushLeavesConnectedPullersIdle() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.bind("inproc://source")
        let pull = try context.socket(.pull)
        try pull.connect("inproc://source")
        push.close()
        #expect(try pull.tryReceive() == nil)
        pull.receiveTimeout = .milliseconds(10)
        expectTimesOut(after: .milliseconds(10)) { try pull.receive() }
    }

    // MARK: - Release

    @Test func droppingTheLastReferenceClosesTheSocket() throws {
        let context = TestContext()
        try bindAndDrop(context, "inproc://dropped")
        // Bound by a socket nobody holds any more: it closed itself and freed the name.
        let pull = try context.socket(.pull)
        try pull.bind("inproc://dropped")
    }

    @Test func droppingAConnectedPeerStopsRoutingToIt() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.bind("inproc://drop-peer")
        do {
            let pull = try context.socket(.pull)
            try pull.connect("inproc://drop-peer")
            try push.send("delivered")
            #expect(try pull.tryReceive() == "delivered")
        }
        #expect(try push.trySend("nobody") == false)
    }

    @Test func droppingASenderKeepsWhatItSent() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://dropped-sender")
        do {
            let push = try context.socket(.push)
            try push.connect("inproc://dropped-sender")
            try push.send("kept")
        }
        #expect(try pull.tryReceive() == "kept")
    }

    @Test func droppingTheContextReferenceKeepsSocketsWorking() throws {
        // A socket keeps its context alive.
        let (push, pull) = try { () throws -> (Socket, Socket) in
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://orphan")
            let push = try context.socket(.push)
            try push.connect("inproc://orphan")
            return (push, pull)
        }()
        try push.send("still works")
        #expect(try pull.tryReceive() == "still works")
    }
}
