import RingMQ
import Testing

/// The async `send` and `receive` on their own: a suspended receive is woken by a send, a
/// suspended send by the reader making room, messages keep their frames and order, and the
/// async forms obey the same socket rules as the blocking ones.
///
/// Sockets come from a ``TestContext`` (``Scale/safety`` timeouts), so a lost wake-up fails
/// with `.timedOut` instead of hanging.
@Suite(.runsAlone) struct AsyncSendReceiveTests {
    @Test func receiveSuspendsUntilASendArrives() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://async-receive")
        let push = try test.socket(.push)
        try push.connect("inproc://async-receive")

        let receiver = Task { try await pull.receive() }
        #expect(await waitUntilParked(pull), "the receive never suspended")
        try await push.send("hello")
        #expect(try await receiver.value == "hello")
        #expect(try pull.tryReceive() == nil)
    }

    @Test func sendSuspendsOnAFullQueueUntilTheReaderMakesRoom() async throws {
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "async-send")
        #expect(try fill(push) == 2)

        let sender = Task { try await push.send(numbered(2)) }
        #expect(await waitUntilParked(push), "the send did not suspend on the full queue")
        #expect(try pull.tryReceive().map(number) == 0)
        try await sender.value
        #expect(try drainNumbers(pull) == [1, 2])
    }

    @Test func sendWaitsForAPeerThatConnectsLater() async throws {
        let test = TestContext()
        let push = try test.socket(.push)
        try push.bind("inproc://async-late-peer")
        let sender = Task { try await push.send("first") }
        #expect(await waitUntilParked(push), "a PUSH without peers must suspend")

        let pull = try test.socket(.pull)
        try pull.connect("inproc://async-late-peer")
        try await sender.value
        #expect(try await pull.receive() == "first")
    }

    @Test func aMandatoryRouterSuspendsForAFullPeerAndFailsWhenThePeerLeaves() async throws {
        let test = TestContext()
        let router = try test.socket(.router)
        router.routerMandatory = true
        router.sendHighWaterMark = 1
        try router.bind("inproc://async-router")
        let dealer = try test.socket(.dealer)
        dealer.receiveHighWaterMark = 1
        dealer.routingID = "worker"
        try dealer.connect("inproc://async-router")
        for index in 0..<2 { try await router.send([Frame("worker"), Frame("\(index)")]) }

        let blocked = Task { try await router.send([Frame("worker"), Frame("2")]) }
        #expect(await waitUntilParked(router), "a mandatory ROUTER waits for room")
        #expect(try dealer.tryReceive() == ["0"])
        try await blocked.value
        #expect(try drain(dealer) == [["1"], ["2"]])

        for index in 3..<5 { try await router.send([Frame("worker"), Frame("\(index)")]) }
        let orphaned = Task { try await router.send([Frame("worker"), Frame("5")]) }
        #expect(await waitUntilParked(router))
        try dealer.disconnect("inproc://async-router")
        await expectAsyncError(.hostUnreachable) { try await orphaned.value }
    }

    @Test func anXPubWithNoDropSuspendsForAFullSubscriber() async throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        xpub.xpubNoDrop = true
        xpub.sendHighWaterMark = 1
        try xpub.bind("inproc://async-xpub")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 1
        try sub.connect("inproc://async-xpub")
        try sub.subscribe("")
        for index in 0..<2 { try await xpub.send(numbered(index)) }

        let blocked = Task { try await xpub.send(numbered(2)) }
        #expect(await waitUntilParked(xpub), "a no-drop XPUB waits for room")
        #expect(try sub.tryReceive() == numbered(0))
        try await blocked.value
        #expect(try drainNumbers(sub) == [1, 2])
        #expect(xpub.statistics.messagesDropped == 0)
    }

    @Test func multipartMessagesArriveWholeAndInOrder() async throws {
        let test = TestContext()
        let pull = try test.socket(.pull)
        try pull.bind("inproc://async-multipart")
        let push = try test.socket(.push)
        try push.connect("inproc://async-multipart")
        let messages: [Message] = (0..<50).map { index in
            Message([Frame("header \(index)"), Frame([UInt8](repeating: UInt8(index), count: index)), Frame("end")])
        }

        let receiver = Task {
            var received: [Message] = []
            for _ in messages.indices { received.append(try await pull.receive()) }
            return received
        }
        for message in messages { try await push.send(message) }
        #expect(try await receiver.value == messages)
    }

    @Test func twoTasksPingPongOverAPair() async throws {
        let rounds = Scale.count(normal: 2_000, stress: 50_000, sanitized: 500)
        let test = TestContext()
        let left = try test.socket(.pair)
        try left.bind("inproc://async-ping-pong")
        let right = try test.socket(.pair)
        try right.connect("inproc://async-ping-pong")

        let echo = Task {
            for _ in 0..<rounds {
                let message = try await right.receive()
                try await right.send(numbered(number(message) + 1))
            }
        }
        var value = 0
        for _ in 0..<rounds {
            try await left.send(numbered(value))
            value = number(try await left.receive())
        }
        try await echo.value
        #expect(value == rounds)
    }

    @Test func requestReplyTurnsHoldForAsyncCalls() async throws {
        let test = TestContext()
        let rep = try test.socket(.rep)
        try rep.bind("inproc://async-req-rep")
        let req = try test.socket(.req)
        try req.connect("inproc://async-req-rep")

        let server = Task {
            for _ in 0..<3 {
                let request = try await rep.receive()
                try await rep.send(Message("re: " + request[0].string))
            }
        }
        for index in 0..<3 {
            try await req.send(Message("q\(index)"))
            await expectAsyncError(.invalidState) { try await req.send("again") }
            #expect(try await req.receive() == Message("re: q\(index)"))
        }
        try await server.value
    }

    @Test func asyncCallsFollowTheSocketRules() async throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        let pull = try test.socket(.pull)
        let push = try test.socket(.push)
        try push.bind("inproc://async-rules")
        try pull.connect("inproc://async-rules")

        await expectAsyncError(.operationNotSupported) { try await pub.receive() }
        await expectAsyncError(.operationNotSupported) { try await pull.send("x") }
        await expectAsyncError(.operationNotSupported) { try await push.send(Message([Frame]())) }

        // A PUB never waits: with no subscriber the async send returns at once.
        try await pub.send("nobody listens")

        push.close()
        await expectAsyncError(.socketClosed) { try await push.send("x") }
        test.terminate()
        await expectAsyncError(.terminated) { try await pull.receive() }
        await expectAsyncError(.terminated) { try await pub.send("x") }
    }
}
