import RingMQ
import Testing

/// `xpubManual`: an XPUB that applies no subscription itself; its owner authorises each one
/// with `subscribe(_:)`/`unsubscribe(_:)` for the subscriber whose subscription message it
/// received last. The first tests port libzmq's tests/test_xpub_manual.cpp over inproc (their
/// blocking and non-blocking receives are `tryReceive` here: RingMQ has no I/O thread, so what
/// a peer sent has arrived when its call returned, and libzmq's settle sleeps are not needed).
@Suite(.runsAlone) struct XPubManualTests {
    /// A manual XPUB bound to `endpoint`.
    private func manualXPub(_ test: TestContext, _ endpoint: String = "inproc://soname") throws -> Socket {
        let xpub = try test.socket(.xpub)
        xpub.xpubManual = true
        try xpub.bind(endpoint)
        return xpub
    }

    // MARK: - libzmq's test_xpub_manual.cpp

    @Test func basic() throws {
        let test = TestContext()
        let pub = try manualXPub(test)
        let sub = try test.socket(.xsub)
        try sub.connect("inproc://soname")

        try sub.send(subscribeMessage("A"))
        #expect(try pub.tryReceive() == subscribeMessage("A"))
        try pub.subscribe("B")  // B instead of A
        try pub.send("A")
        try pub.send("B")
        #expect(try drain(sub) == ["B"])
    }

    @Test func unsubscribeManual() throws {
        let test = TestContext()
        let pub = try manualXPub(test)
        let sub = try test.socket(.xsub)
        try sub.connect("inproc://soname")

        try sub.send(subscribeMessage("A"))
        try sub.send(subscribeMessage("B"))
        #expect(try pub.tryReceive() == subscribeMessage("A"))
        try pub.subscribe("XA")
        #expect(try pub.tryReceive() == subscribeMessage("B"))
        try pub.subscribe("XB")

        try sub.send(unsubscribeMessage("A"))
        #expect(try pub.tryReceive() == unsubscribeMessage("A"))
        try pub.unsubscribe("XA")

        try pub.send("XA")
        try pub.send("XB")
        #expect(try drain(sub) == ["XB"])

        // Leaving, the subscriber unsubscribes from what it still asked for.
        sub.close()
        #expect(try drain(pub) == [unsubscribeMessage("B")])
        try pub.unsubscribe("XB")  // nobody to apply it to: does nothing
    }

    @Test func xpubProxyUnsubscribeOnDisconnect() throws {
        let test = TestContext()
        let xsubProxy = try test.socket(.xsub)
        try xsubProxy.bind("inproc://frontend")
        let xpubProxy = try manualXPub(test, "inproc://backend")
        let pub = try test.socket(.pub)
        try pub.connect("inproc://frontend")

        let sub1 = try test.socket(.sub)
        try sub1.connect("inproc://backend")
        try sub1.subscribe("1")
        // The proxy passes the subscription on, and confirms it.
        #expect(try xpubProxy.tryReceive() == subscribeMessage("1"))
        try xpubProxy.subscribe("1")
        try xsubProxy.send(subscribeMessage("1"))

        let sub2 = try test.socket(.sub)
        try sub2.connect("inproc://backend")
        try sub2.subscribe("1")
        #expect(try xpubProxy.tryReceive() == subscribeMessage("1"), "manual: duplicates come up too")
        try xpubProxy.subscribe("1")
        try xsubProxy.send(subscribeMessage("1"))

        try pub.send(["1", "X"])
        let data = try #require(try xsubProxy.tryReceive())
        #expect(data == ["1", "X"])
        try xpubProxy.send(data)
        #expect(try sub2.tryReceive() == ["1", "X"])
        #expect(try sub1.tryReceive() == ["1", "X"])

        sub1.close()
        sub2.close()
        for _ in 0..<2 {
            #expect(try xpubProxy.tryReceive() == unsubscribeMessage("1"))
            try xpubProxy.unsubscribe("1")
            try xsubProxy.send(unsubscribeMessage("1"))
        }

        try pub.send(["1", "X"])
        #expect(try xsubProxy.tryReceive() == nil, "the last unsubscription reached the publisher")
    }

    @Test func missingSubscriptions() throws {
        let test = TestContext()
        let xsubProxy = try test.socket(.xsub)
        try xsubProxy.bind("inproc://frontend")
        let xpubProxy = try manualXPub(test, "inproc://backend")
        let pub = try test.socket(.pub)
        try pub.connect("inproc://frontend")

        let sub1 = try test.socket(.sub)
        try sub1.connect("inproc://backend")
        try sub1.subscribe("1")
        #expect(try xpubProxy.tryReceive() == subscribeMessage("1"))
        try xpubProxy.subscribe("1")
        try xsubProxy.send(subscribeMessage("1"))

        let sub2 = try test.socket(.sub)
        try sub2.connect("inproc://backend")
        try sub2.subscribe("2")
        #expect(try xpubProxy.tryReceive() == subscribeMessage("2"))
        try xpubProxy.subscribe("2")
        try xsubProxy.send(subscribeMessage("2"))

        try pub.send(["1", "X"])
        try pub.send(["2", "X"])
        for topic in ["1", "2"] {
            let data = try #require(try xsubProxy.tryReceive())
            #expect(data == [Frame(topic), "X"])
            try xpubProxy.send(data)
        }
        #expect(try drain(sub2) == [["2", "X"]])
        #expect(try drain(sub1) == [["1", "X"]])
    }

    @Test func unsubscribeCleanup() throws {
        let test = TestContext()
        let pub = try manualXPub(test)
        var sub = try test.socket(.xsub)
        try sub.connect("inproc://soname")

        try sub.send(subscribeMessage("A"))
        #expect(try pub.tryReceive() == subscribeMessage("A"))
        try pub.subscribe("XA")
        try pub.send("XA")
        try pub.send("XB")
        #expect(try drain(sub) == ["XA"])

        sub.close()
        #expect(try pub.tryReceive() == unsubscribeMessage("A"))
        try pub.unsubscribe("XA")  // no subscriber to apply it to

        sub = try test.socket(.xsub)
        try sub.connect("inproc://soname")
        try sub.send(subscribeMessage("B"))
        #expect(try pub.tryReceive() == subscribeMessage("B"))
        try pub.subscribe("XB")
        try pub.send("XA")
        try pub.send("XB")
        #expect(try drain(sub) == ["XB"])
    }

    @Test func userMessage() throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        try pub.bind("inproc://soname")
        let sub = try test.socket(.xsub)
        try sub.connect("inproc://soname")

        let data = Message([2] + Array("A".utf8))  // neither a subscription nor an unsubscription
        try sub.send(data)
        #expect(try pub.tryReceive() == data)
    }

    @Test func userMessageMulti() throws {
        let test = TestContext()
        let pub = try test.socket(.xpub)
        try pub.bind("inproc://soname")
        pub.onlyFirstSubscribe = true
        let sub = try test.socket(.xsub)
        try sub.connect("inproc://soname")
        sub.onlyFirstSubscribe = true

        let common = Frame("ABC")
        let zeroA = Frame([0] + Array("BC".utf8))
        let zeroB = Frame([0] + Array("CD".utf8))
        let oneA = Frame([1] + Array("BC".utf8))
        let oneB = Frame([1] + Array("CD".utf8))

        // A first frame that is data makes the whole message data.
        try sub.send([common, zeroA])
        #expect(try pub.tryReceive() == [common, zeroA])
        try sub.send([common, oneA])
        #expect(try pub.tryReceive() == [common, oneA])
        // A first frame that is a subscription: each frame is one, passed up one by one.
        try sub.send([oneA, oneB])
        #expect(try drain(pub) == [Message(oneA), Message(oneB)])
        try sub.send([zeroA, zeroB])
        #expect(try drain(pub) == [Message(zeroA), Message(zeroB)])
    }
}

/// RingMQ's own checks of manual mode: the owner authorising some subscriptions and refusing
/// others, which subscriber a decision applies to, and who may call `subscribe`.
extension XPubManualTests {
    @Test func theOwnerAuthorisesSomeSubscriptionsAndRefusesOthers() throws {
        let test = TestContext()
        let pub = try manualXPub(test, "inproc://gate")
        let allowed = try test.socket(.sub)
        try allowed.connect("inproc://gate")
        let refused = try test.socket(.sub)
        try refused.connect("inproc://gate")
        try allowed.subscribe("public.")
        try refused.subscribe("secret.")
        try allowed.subscribe("secret.")

        // Every request comes up, duplicates too; only "public." is authorised.
        var requests: [Message] = []
        while let request = try pub.tryReceive() {
            requests.append(request)
            if request[0].bytes == [1] + Array("public.".utf8) {
                try pub.subscribe(Frame(request[0].bytes.dropFirst()))
            }
        }
        #expect(requests == [subscribeMessage("public."), subscribeMessage("secret."), subscribeMessage("secret.")])
        #expect(pub.subscriptions == ["public.": 1])

        try pub.send(["secret.plan", "1"])
        try pub.send(["public.news", "2"])
        #expect(try drain(allowed) == [["public.news", "2"]])
        #expect(try drain(refused).isEmpty, "a refused subscription gets nothing")
    }

    @Test func aDecisionAppliesToTheSubscriberWhoseRequestWasReceivedLast() throws {
        let test = TestContext()
        let pub = try manualXPub(test, "inproc://last")
        let first = try test.socket(.xsub)
        try first.connect("inproc://last")
        let second = try test.socket(.xsub)
        try second.connect("inproc://last")
        try first.send(subscribeMessage("a"))
        try second.send(subscribeMessage("b"))

        #expect(try pub.tryReceive() == subscribeMessage("a"))
        try pub.subscribe("first")  // for `first`
        #expect(try pub.tryReceive() == subscribeMessage("b"))
        try pub.subscribe("second")  // for `second`
        try pub.send("first")
        try pub.send("second")
        #expect(try drain(first) == ["first"])
        #expect(try drain(second) == ["second"])

        // A data message from an XSUB does not change whom decisions apply to.
        try first.send("hello")
        #expect(try pub.tryReceive() == "hello")
        try pub.unsubscribe("second")
        try pub.send("second")
        #expect(try drain(second).isEmpty)
    }

    @Test func nothingIsAppliedBeforeASubscriptionMessageIsReceived() throws {
        let test = TestContext()
        let pub = try manualXPub(test, "inproc://none")
        let sub = try test.socket(.xsub)
        try sub.connect("inproc://none")
        try pub.subscribe("")  // nobody's request received yet
        try pub.send("x")
        #expect(try drain(sub).isEmpty)
        #expect(pub.subscriptions.isEmpty)
    }

    @Test func subscribeNeedsManualOnAnXPub() throws {
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        let message = expectError(.operationNotSupported) { try xpub.subscribe("a") }
        #expect(message?.contains("xpubManual") == true, "says how: \(message ?? "")")
        expectError(.operationNotSupported) { try xpub.unsubscribe("a") }
        let pub = try test.socket(.pub)
        expectError(.operationNotSupported) { try pub.subscribe("a") }
        xpub.xpubManual = true
        try xpub.subscribe("a")
        try xpub.unsubscribe("a")
        xpub.close()
        expectError(.socketClosed) { try xpub.subscribe("a") }
    }
}
