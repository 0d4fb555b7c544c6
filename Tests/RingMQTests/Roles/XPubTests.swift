import RingMQ
import Testing

/// An XPUB (or, for what PUB shares, a PUB) bound to `inproc://xpub` (HWM 0 unless given).
private func boundXPub(_ test: TestContext, highWaterMark: Int = 0, type: SocketType = .xpub) throws -> Socket {
    let xpub = try test.socket(type)
    xpub.sendHighWaterMark = highWaterMark
    try xpub.bind("inproc://xpub")
    return xpub
}

/// A SUB connected to `inproc://xpub`.
private func connectedSub(_ test: TestContext, highWaterMark: Int = 0) throws -> Socket {
    let sub = try test.socket(.sub)
    sub.receiveHighWaterMark = highWaterMark
    try sub.connect("inproc://xpub")
    return sub
}

/// XPUB: the subscription messages it receives (`[1]+prefix` for a prefix's first
/// subscriber, every one with `xpubVerbose`; `[0]+prefix` when the last holder unsubscribes,
/// disconnects or closes), its PUB-like filtering, and `xpubNoDrop` (wait or fail instead of
/// dropping for a full subscriber; a PUB takes it too, and runs the same tests).
@Suite(.runsAlone) struct XPubTests {
    // MARK: - Subscription messages

    @Test func receivesEachNewSubscriptionAndTheLastUnsubscription() throws {
        let test = TestContext()
        let xpub = try boundXPub(test)
        let sub = try connectedSub(test)
        try sub.subscribe("k")
        try sub.subscribe("k")
        try sub.subscribe("")
        #expect(try drain(xpub) == [subscribeMessage("k"), subscribeMessage("")])
        try sub.unsubscribe("k")
        #expect(try drain(xpub).isEmpty, "still subscribed once")
        try sub.unsubscribe("k")
        try sub.unsubscribe("never")
        #expect(try drain(xpub) == [unsubscribeMessage("k")])
    }

    @Test func aPrefixAnotherSubscriberHoldsIsPassedUpOnce() throws {
        let test = TestContext()
        let xpub = try boundXPub(test)
        let first = try connectedSub(test)
        let second = try connectedSub(test)
        try first.subscribe("p")
        try second.subscribe("p")
        #expect(try drain(xpub) == [subscribeMessage("p")])
        try first.unsubscribe("p")
        #expect(try drain(xpub).isEmpty, "the second still holds it")
        try second.unsubscribe("p")
        #expect(try drain(xpub) == [unsubscribeMessage("p")])
    }

    @Test func verbosePassesUpDuplicatesButUnsubscribesOnlyForTheLastHolder() throws {
        let test = TestContext()
        let xpub = try boundXPub(test)
        xpub.xpubVerbose = true
        let first = try connectedSub(test)
        let second = try connectedSub(test)
        try first.subscribe("p")
        try first.subscribe("p")
        try second.subscribe("p")
        #expect(try drain(xpub) == Array(repeating: subscribeMessage("p"), count: 3))
        try first.unsubscribe("p")
        try first.unsubscribe("p")
        #expect(try drain(xpub).isEmpty)
        try second.unsubscribe("p")
        #expect(try drain(xpub) == [unsubscribeMessage("p")])
    }

    @Test func verboseCanBeTurnedOnLater() throws {
        let test = TestContext()
        let xpub = try boundXPub(test)
        let sub = try connectedSub(test)
        try sub.subscribe("v")
        try sub.subscribe("v")
        #expect(try drain(xpub) == [subscribeMessage("v")])
        xpub.xpubVerbose = true
        try sub.subscribe("v")
        #expect(try drain(xpub) == [subscribeMessage("v")])
    }

    @Test(arguments: [true, false])
    func closingOrDisconnectingPassesUpWhatNoOneElseHolds(close: Bool) throws {
        let test = TestContext()
        let xpub = try boundXPub(test)
        let leaving = try connectedSub(test)
        let staying = try connectedSub(test)
        for prefix in ["mine", "ours", ""] { try leaving.subscribe(Frame(prefix)) }
        try staying.subscribe("ours")
        _ = try drain(xpub)
        if close { leaving.close() } else { try leaving.disconnect("inproc://xpub") }
        let messages = try drain(xpub)
        #expect(messages.count == 2)
        #expect(Set(messages) == [unsubscribeMessage("mine"), unsubscribeMessage("")])
        staying.close()
        #expect(try drain(xpub) == [unsubscribeMessage("ours")])
    }

    @Test(arguments: [true, false])
    func anXpubThatLeavesASubscriberPassesUpWhatItLoses(close: Bool) throws {
        // The XPUB connects to a bound SUB, then disconnects or the SUB closes.
        let test = TestContext()
        let sub = try test.socket(.sub)
        try sub.bind("inproc://bound-sub")
        try sub.subscribe("q")
        let xpub = try test.socket(.xpub)
        try xpub.connect("inproc://bound-sub")
        #expect(try drain(xpub) == [subscribeMessage("q")])
        if close { sub.close() } else { try xpub.disconnect("inproc://bound-sub") }
        #expect(try drain(xpub) == [unsubscribeMessage("q")])
        #expect(xpub.subscriptions.isEmpty)
    }

    @Test(arguments: MeetingOrder.allCases)
    func subscriptionsMadeBeforeConnectingArriveWithTheConnection(order: MeetingOrder) throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        let sub = try test.socket(.sub)
        try sub.subscribe("early")
        try order.join(publisher: xpub, subscriber: sub, at: "inproc://meet")
        try sub.subscribe("late")
        #expect(try drain(xpub) == [subscribeMessage("early"), subscribeMessage("late")])
    }

    @Test func receiveWaitsForASubscription() throws {
        let test = TestContext()
        let xpub = try boundXPub(test)
        let sub = try connectedSub(test)
        let receiver = Peer { try xpub.receive() }
        receiver.waitUntilBlocked()
        try sub.subscribe("wake")
        #expect(try receiver.join().get() == subscribeMessage("wake"))
    }

    // MARK: - Publishing

    @Test func sendFiltersLikeAPub() throws {
        let test = TestContext()
        let xpub = try boundXPub(test)
        let a = try connectedSub(test)
        let b = try connectedSub(test)
        try a.subscribe("a")
        try b.subscribe("b")
        try b.subscribe("ab")
        for topic in ["a1", "b1", "ab1", "c1"] { try xpub.send(Message(topic)) }
        #expect(try drain(a) == ["a1", "ab1"])
        #expect(try drain(b) == ["b1", "ab1"])
        #expect(xpub.subscriptions.count == 3)
    }

    @Test func withoutNoDropAFullSubscriberMissesMessages() throws {
        let test = TestContext()
        let xpub = try boundXPub(test, highWaterMark: 1)
        let sub = try connectedSub(test, highWaterMark: 1)
        try sub.subscribe("")
        xpub.sendTimeout = .milliseconds(10)
        for i in 0..<10 { try xpub.send(numbered(i)) }
        #expect(try drainNumbers(sub) == [0, 1])
        #expect(xpub.statistics.messagesDropped == 8)
    }

    // MARK: - xpubNoDrop (PUB takes it too, as in libzmq)

    @Test func onlyPubAndXPubTakeNoDrop() throws {
        let test = TestContext()
        for type in SocketType.allCases {
            let socket = try test.socket(type)
            if type == .pub || type == .xpub {
                try socket.setOption(.xpubNoDrop(true))
                #expect(socket.xpubNoDrop)
            } else {
                let message = expectError(.invalidOption) { try socket.setOption(.xpubNoDrop(true)) }
                #expect(message?.contains("PUB, XPUB") == true, "\(type): \(message ?? "")")
            }
        }
    }

    @Test(arguments: [SocketType.xpub, .pub])
    func noDropRefusesInsteadOfDropping(type: SocketType) throws {
        let test = TestContext()
        let xpub = try boundXPub(test, highWaterMark: 1, type: type)
        xpub.xpubNoDrop = true
        let full = try connectedSub(test, highWaterMark: 1)
        try full.subscribe("a")
        let other = try connectedSub(test)
        try other.subscribe("b")
        #expect(try xpub.trySend("a0"))
        #expect(try xpub.trySend("a1"))
        #expect(try xpub.trySend("a2") == false, "the matching subscriber is full")
        #expect(try xpub.trySend("b0"), "a message the full subscriber does not want still goes")
        #expect(try xpub.trySend("c0"), "so does one nobody wants")
        xpub.sendTimeout = .milliseconds(50)
        expectTimesOut(after: .milliseconds(50)) { try xpub.send("a3") }
        #expect(try drain(full) == ["a0", "a1"])
        #expect(try drain(other) == ["b0"])
        #expect(xpub.statistics.messagesDropped == 0)
        #expect(try xpub.trySend("a4"), "room again")
        #expect(try drain(full) == ["a4"])
    }

    @Test(arguments: [SocketType.xpub, .pub])
    func noDropSendWaitsUntilTheSubscriberReads(type: SocketType) throws {
        let test = TestContext()
        let xpub = try boundXPub(test, highWaterMark: 1, type: type)
        xpub.xpubNoDrop = true
        let sub = try connectedSub(test, highWaterMark: 1)
        try sub.subscribe("")
        #expect(try fill(xpub, limit: 10) == 2)
        let sender = Peer { try xpub.send(numbered(2)) }
        sender.waitUntilBlocked()
        #expect(sender.isFinished == false, "the send waits while the subscriber is full")
        #expect(try sub.receive() == numbered(0))
        #expect(throws: Never.self) { try sender.join().get() }
        #expect(try drainNumbers(sub) == [1, 2])
    }

    @Test(arguments: [SocketType.xpub, .pub])
    func noDropWaitsForEveryMatchingSubscriber(type: SocketType) throws {
        let test = TestContext()
        let xpub = try boundXPub(test, highWaterMark: 1, type: type)
        xpub.xpubNoDrop = true
        let subs = try (0..<2).map { _ in
            let sub = try connectedSub(test, highWaterMark: 1)
            try sub.subscribe("")
            return sub
        }
        #expect(try fill(xpub, limit: 10) == 2)
        _ = try subs[0].receive()
        #expect(try xpub.trySend("x") == false, "the second subscriber is still full")
        _ = try subs[1].receive()
        #expect(try xpub.trySend("x"))
        #expect(try drain(subs[0]) == [numbered(1), "x"])
        #expect(try drain(subs[1]) == [numbered(1), "x"])
    }

    @Test(arguments: [true, false])
    func aBlockedNoDropSendCompletesWhenTheFullSubscriberLeavesOrUnsubscribes(leaves: Bool) throws {
        let test = TestContext()
        let xpub = try boundXPub(test, highWaterMark: 1)
        xpub.xpubNoDrop = true
        let sub = try connectedSub(test, highWaterMark: 1)
        try sub.subscribe("a")
        #expect(try xpub.trySend("a0") && xpub.trySend("a1"))
        let sender = Peer { try xpub.send("a2") }
        sender.waitUntilBlocked()
        #expect(sender.isFinished == false)
        if leaves { try sub.disconnect("inproc://xpub") } else { try sub.unsubscribe("a") }
        #expect(throws: Never.self) { try sender.join().get() }
        #expect(try drain(xpub) == [subscribeMessage("a"), unsubscribeMessage("a")])
    }

    @Test func terminatingTheContextEndsABlockedNoDropSend() throws {
        let test = TestContext()
        let xpub = try boundXPub(test, highWaterMark: 1)
        xpub.xpubNoDrop = true
        let sub = try connectedSub(test, highWaterMark: 1)
        try sub.subscribe("")
        #expect(try fill(xpub, limit: 10) == 2)
        let sender = Peer { try xpub.send("blocked") }
        sender.waitUntilBlocked()
        test.terminate()
        #expect(throws: RingMQError.terminated) { try sender.join().get() }
    }

    @Test func anInvertingXpubSendsEachSubscriberWhatMatchesNone() throws {
        let test = TestContext()
        let xpub = try boundXPub(test)
        xpub.invertMatching = true
        let xsub = try test.socket(.xsub)
        try xsub.connect("inproc://xpub")
        try xsub.subscribe("a")
        for topic in ["a1", "b1", "ab", "c1"] { try xpub.send(Message(topic)) }
        #expect(try drain(xsub) == ["b1", "c1"])
    }
}
