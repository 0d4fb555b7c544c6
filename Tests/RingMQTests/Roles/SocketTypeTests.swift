import RingMQ
import Testing

@Suite(.runsAlone) struct SocketTypeTests {
    @Test func allElevenZeroMQTypesAreNamed() {
        #expect(SocketType.allCases.count == 11)
        #expect(
            SocketType.allCases.map(\.description) == [
                "PAIR", "PUSH", "PULL", "PUB", "SUB", "XPUB", "XSUB", "REQ", "REP", "DEALER", "ROUTER",
            ])
    }

    @Test(arguments: SocketType.allCases)
    func everyTypeCanBeCreated(type: SocketType) throws {
        let context = TestContext()
        let socket = try context.socket(type)
        #expect(socket.type == type)
    }

    @Test func pullCannotSend() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://pull-send")
        let push = try context.socket(.push)
        try push.connect("inproc://pull-send")
        let message = expectError(.operationNotSupported) { try pull.send("x") }
        #expect(
            message?.contains("PULL") == true && message?.contains("send") == true,
            "the message should say PULL cannot send: \(message ?? "")")
        expectError(.operationNotSupported) { try pull.trySend("x") }
    }

    @Test func pushCannotReceive() throws {
        let context = TestContext()
        let push = try context.socket(.push)
        try push.bind("inproc://push-receive")
        let pull = try context.socket(.pull)
        try pull.connect("inproc://push-receive")
        let message = expectError(.operationNotSupported) { try push.receive() }
        #expect(
            message?.contains("PUSH") == true && message?.contains("receive") == true,
            "the message should say PUSH cannot receive: \(message ?? "")")
        expectError(.operationNotSupported) { try push.tryReceive() }
    }

    @Test(arguments: [SocketType.pair, .push, .pull])
    func subscribeAppliesOnlyToSubscribers(type: SocketType) throws {
        let context = TestContext()
        let socket = try context.socket(type)
        let message = expectError(.operationNotSupported) { try socket.subscribe("topic") }
        #expect(message?.contains("SUB") == true, "the message should name the types that subscribe: \(message ?? "")")
        expectError(.operationNotSupported) { try socket.unsubscribe("topic") }
        expectError(.operationNotSupported) { try socket.subscribe("") }
    }

    @Test func compatiblePeersFollowZeroMQ() {
        #expect(SocketType.push.compatiblePeers == [.pull])
        #expect(SocketType.pull.compatiblePeers == [.push])
        #expect(SocketType.pair.compatiblePeers == [.pair])
        #expect(SocketType.push.canSend && !SocketType.push.canReceive)
        #expect(SocketType.pull.canReceive && !SocketType.pull.canSend)
        #expect(SocketType.pair.canSend && SocketType.pair.canReceive)
    }
}
