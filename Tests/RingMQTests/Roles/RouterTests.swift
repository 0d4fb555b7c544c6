import RingMQ
import Testing

/// A ROUTER bound at `inproc://router` and one DEALER per name connected to it, with that
/// name as its routing id. The high-water marks, when given, size the ROUTER → DEALER queues.
private func routerWithDealers(
    _ context: TestContext, names: [Frame], routerSend: Int? = nil, dealerReceive: Int? = nil
) throws -> (router: Socket, dealers: [Socket]) {
    let router = try context.socket(.router)
    if let routerSend { router.sendHighWaterMark = routerSend }
    try router.bind("inproc://router")
    let dealers = try names.map { name in
        let dealer = try context.socket(.dealer)
        if let dealerReceive { dealer.receiveHighWaterMark = dealerReceive }
        dealer.routingID = name
        try dealer.connect("inproc://router")
        return dealer
    }
    return (router, dealers)
}

/// ROUTER: the sender's routing id in front of every message received, routing by the first
/// frame of every message sent, and what happens to a message it cannot deliver (unknown or
/// full peer), with and without `routerMandatory`.
@Suite(.runsAlone) struct RouterTests {
    // MARK: - Routing

    @Test func receivedMessagesStartWithTheSendersRoutingID() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A", "B"])
        try dealers[1].send("from B")
        try dealers[0].send(["from A", "", "second frame"])
        let received = try drain(router)
        #expect(received.count == 2)
        #expect(received.contains(["B", "from B"]))
        #expect(received.contains(["A", "from A", "", "second frame"]))
    }

    @Test func inputIsFairQueuedOverThePeers() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A", "B", "C"])
        for (d, dealer) in dealers.enumerated() {
            for i in 0..<2 { try dealer.send(numbered(10 * d + i)) }
        }
        let received = try drain(router)
        #expect(received.map { $0[0].string } == ["A", "B", "C", "A", "B", "C"])
        #expect(received.map { $0[1].string } == ["0", "10", "20", "1", "11", "21"])
    }

    @Test func eachMessageGoesToThePeerItsFirstFrameNames() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A", "B", "C"])
        try router.send(["C", "for C"])
        try router.send(["A", "for A", "", "more"])
        try router.send(["C", "for C again"])
        #expect(try drain(dealers[0]) == [["for A", "", "more"]])
        #expect(try drain(dealers[1]) == [])
        #expect(try drain(dealers[2]) == ["for C", "for C again"])
    }

    @Test func aMessageOfOneFrameIsRefused() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A"])
        let message = expectError(.operationNotSupported) { try router.send("A") }
        #expect(message?.contains("routing id") == true, "\(message ?? "")")
        expectError(.operationNotSupported) { try router.trySend("A") }
        #expect(try drain(dealers[0]) == [])
    }

    @Test func messagesAPeerSentBeforeClosingKeepItsRoutingID() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A", "B"])
        try dealers[0].send("last words")
        dealers[0].close()
        try dealers[1].send("still here")
        let received = try drain(router)
        #expect(received.count == 2)
        #expect(received.contains(["A", "last words"]))
        #expect(received.contains(["B", "still here"]))
    }

    // MARK: - Unknown peer

    @Test func anUnknownRoutingIDIsDroppedSilently() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A"])
        try router.send(["nobody", "lost"])
        #expect(try router.trySend(["nobody", "lost too"]))
        try router.send(["A", "delivered"])
        #expect(try drain(dealers[0]) == ["delivered"])
    }

    @Test func anUnknownRoutingIDIsHostUnreachableWithRouterMandatory() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A"])
        router.routerMandatory = true
        expectError(.hostUnreachable) { try router.send(["nobody", "lost"]) }
        expectError(.hostUnreachable) { try router.trySend(["nobody", "lost"]) }
        try router.send(["A", "delivered"])
        #expect(try drain(dealers[0]) == ["delivered"])
    }

    @Test func aPeerThatLeftIsUnknown() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A", "B"])
        router.routerMandatory = true
        try dealers[0].disconnect("inproc://router")
        dealers[1].close()
        expectError(.hostUnreachable) { try router.send(["A", "gone"]) }
        expectError(.hostUnreachable) { try router.send(["B", "gone"]) }
    }

    // MARK: - Full peer

    @Test func aFullPeerMissesTheMessageWithoutRouterMandatory() throws {
        let context = TestContext()
        // The ROUTER → DEALER queue holds 1 + 1.
        let (router, dealers) = try routerWithDealers(context, names: ["A"], routerSend: 1, dealerReceive: 1)
        for i in 0..<2 { try router.send(["A", numbered(i)[0]]) }
        try router.send(["A", "dropped"])
        #expect(try router.trySend(["A", "dropped too"]))
        #expect(try drainNumbers(dealers[0]) == [0, 1])
        // Room again: the next one gets through.
        try router.send(["A", "7"])
        #expect(try drainNumbers(dealers[0]) == [7])
    }

    @Test func aFullPeerMakesSendWaitWithRouterMandatory() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A"], routerSend: 1, dealerReceive: 1)
        router.routerMandatory = true
        for i in 0..<2 { try router.send(["A", numbered(i)[0]]) }
        #expect(try router.trySend(["A", "no room"]) == false)
        router.sendTimeout = .milliseconds(20)
        expectTimesOut(after: .milliseconds(20)) { try router.send(["A", "no room"]) }
        #expect(try drainNumbers(dealers[0]) == [0, 1])
    }

    @Test func aSendWaitingForAFullPeerCompletesWhenThePeerReads() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A"], routerSend: 1, dealerReceive: 1)
        router.routerMandatory = true
        for i in 0..<2 { try router.send(["A", numbered(i)[0]]) }
        let sender = Peer { try router.send(["A", "2"]) }
        sender.waitUntilBlocked()
        #expect(try dealers[0].receive() == "0")
        #expect(throws: Never.self) { try sender.join().get() }
        #expect(try drainNumbers(dealers[0]) == [1, 2])
    }

    @Test func aSendWaitingForAFullPeerFailsWhenThePeerLeaves() throws {
        let context = TestContext()
        let (router, dealers) = try routerWithDealers(context, names: ["A"], routerSend: 1, dealerReceive: 1)
        router.routerMandatory = true
        for i in 0..<2 { try router.send(["A", numbered(i)[0]]) }
        let sender = Peer { try router.send(["A", "never delivered"]) }
        sender.waitUntilBlocked()
        dealers[0].close()
        #expect(throws: RingMQError.hostUnreachable) { try sender.join().get() }
    }
}
