import RingMQ
import Testing

/// Which socket types may subscribe, send and receive in publish-subscribe, the messages of
/// the errors that say no, and that a PUB never waits.
@Suite(.runsAlone) struct PubSubSocketRulesTests {
    @Test(arguments: [SocketType.pair, .push, .pull, .pub, .xpub])
    func onlySubAndXsubCanSubscribe(type: SocketType) throws {
        let test = TestContext()
        let socket = try test.socket(type)
        let message = expectError(.operationNotSupported) { try socket.subscribe("a") }
        #expect(message?.contains("SUB and XSUB") == true, "names who can: \(message ?? "")")
        #expect(message?.contains("\(type)") == true, "names the type: \(message ?? "")")
        if type == .pub || type == .xpub {
            #expect(message?.contains("connected to this") == true, "a publisher gets a hint: \(message ?? "")")
        }
        expectError(.operationNotSupported) { try socket.unsubscribe("a") }
    }

    @Test(arguments: [SocketType.sub, .xsub])
    func subAndXsubCanSubscribeAndUnsubscribeUnconnected(type: SocketType) throws {
        let test = TestContext()
        let socket = try test.socket(type)
        try socket.subscribe("a")
        try socket.subscribe("")
        try socket.unsubscribe("a")
        try socket.unsubscribe("never")
    }

    @Test(arguments: [SocketType.sub, .xsub])
    func subscribingAfterCloseOrTerminateFails(type: SocketType) throws {
        let test = TestContext()
        let closed = try test.socket(type)
        closed.close()
        expectError(.socketClosed) { try closed.subscribe("a") }
        expectError(.socketClosed) { try closed.unsubscribe("a") }
        let live = try test.socket(type)
        test.terminate()
        expectError(.terminated) { try live.subscribe("a") }
    }

    @Test func pubCannotReceive() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        try pub.bind("inproc://no-receive")
        let sub = try test.socket(.sub)
        try sub.connect("inproc://no-receive")
        try sub.subscribe("x")
        let message = expectError(.operationNotSupported) { try pub.receive() }
        #expect(message?.contains("PUB") == true, "names the type: \(message ?? "")")
        expectError(.operationNotSupported) { try pub.tryReceive() }
    }

    @Test func subCannotSend() throws {
        let test = TestContext()
        let sub = try test.socket(.sub)
        try sub.bind("inproc://no-send")
        let pub = try test.socket(.pub)
        try pub.connect("inproc://no-send")
        let message = expectError(.operationNotSupported) { try sub.send("x") }
        #expect(message?.contains("SUB") == true, "names the type: \(message ?? "")")
        expectError(.operationNotSupported) { try sub.trySend(subscribeMessage("x")) }
    }

    @Test func pubWithoutSubscribersAcceptsEverySendAtOnce() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        // A wait would throw timedOut after 10 ms instead of succeeding.
        pub.sendTimeout = .milliseconds(10)
        for i in 0..<1000 { try pub.send(numbered(i)) }
        #expect(try fill(pub, limit: 1000) == 1000)
        try pub.bind("inproc://nobody")
        for i in 0..<1000 { try pub.send(numbered(i)) }
        #expect(try fill(pub, limit: 1000) == 1000)
    }

    @Test func pubWithOnlyNonMatchingSubscribersNeverWaits() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 1
        pub.sendTimeout = .milliseconds(10)
        try pub.bind("inproc://elsewhere")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 1
        try sub.connect("inproc://elsewhere")
        try sub.subscribe("wanted")
        #expect(try fill(pub, limit: 500) == 500)
        for i in 0..<500 { try pub.send(numbered(i)) }
        #expect(try drain(sub).isEmpty)
    }

    @Test func anEmptyMessageCannotBePublished() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        expectError(.operationNotSupported) { try pub.send(Message([Frame]())) }
    }
}
