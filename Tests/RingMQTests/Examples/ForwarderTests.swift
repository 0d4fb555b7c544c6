import RingMQ
import Testing

/// Publishes `probe` until `subscriber` has received a message (the first probe through),
/// which shows that the subscription has travelled up the chain. Bounded by
/// ``Scale/safety``; returns the messages `subscriber` received (probes only), or records an
/// issue and returns `nil`.
private func publishProbesUntilReceived(
    _ probe: Message, on publisher: Socket, by subscriber: Socket, sourceLocation: SourceLocation = #_sourceLocation
) throws -> [Message]? {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: Scale.safety)
    while clock.now < deadline {
        try publisher.send(probe)
        let received = try drain(subscriber)
        if !received.isEmpty { return received }
        yieldThread()
    }
    Issue.record("no probe came through the proxy within \(Scale.safety)", sourceLocation: sourceLocation)
    return nil
}

/// Receives until `end` and returns what came before it, without the leading probes.
private func receiveUntil(_ end: Message, from subscriber: Socket, skippingLeading probe: Message) throws -> [Message] {
    var received: [Message] = []
    while true {
        let message = try subscriber.receive()
        if message == end { return received }
        if received.isEmpty && message == probe { continue }
        received.append(message)
    }
}

/// Waits until `publisher` holds exactly `expected` subscriptions (they travel through the
/// proxies asynchronously); records an issue after ``Scale/safety``.
private func awaitSubscriptions(
    _ expected: [Frame: Int], on publisher: Socket, sourceLocation: SourceLocation = #_sourceLocation
) {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: Scale.safety)
    while publisher.subscriptions != expected {
        if clock.now >= deadline {
            Issue.record(
                "publisher holds \(publisher.subscriptions), expected \(expected)",
                sourceLocation: sourceLocation)
            return
        }
        yieldThread()
    }
}

/// A forwarder: XSUB frontend connected to `upstream`, XPUB backend bound to `downstream`,
/// high-water marks 0 so that nothing is dropped on the way.
private func forwarder(_ test: TestContext, from upstream: String, to downstream: String) throws -> Peer<Never> {
    let frontend = try test.socket(.xsub)
    frontend.sendHighWaterMark = 0
    frontend.receiveHighWaterMark = 0
    try frontend.connect(upstream)
    let backend = try test.socket(.xpub)
    backend.sendHighWaterMark = 0
    backend.receiveHighWaterMark = 0
    try backend.bind(downstream)
    return startProxy(frontend: frontend, backend: backend)
}

/// The publish-subscribe forwarder, PUB → (XSUB | proxy | XPUB) → SUB, once and twice
/// chained: subscriptions travel up through the proxies, so the publisher filters for the
/// whole tree and each subscriber behind the proxies receives exactly the topics it
/// subscribed to, in order; unsubscriptions travel up too.
///
/// Subscriptions cross each proxy on the proxy's thread, so the tests synchronise on what
/// they observe (a probe message arriving, the publisher's subscriptions), never on time.
@Suite(.runsAlone) struct ForwarderTests {
    @Test func subscribersBehindAProxyGetExactlyTheirTopics() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 0
        try pub.bind("inproc://source")
        let relay = try forwarder(test, from: "inproc://source", to: "inproc://relay")
        let subs = try ["A", "B"].map { topic in
            let sub = try test.socket(.sub)
            sub.receiveHighWaterMark = 0
            try sub.connect("inproc://relay")
            try sub.subscribe(Frame(topic))
            return sub
        }

        for (topic, sub) in zip(["A", "B"], subs) {
            let first = try #require(try publishProbesUntilReceived(Message("\(topic)-probe"), on: pub, by: sub))
            #expect(Set(first) == [Message("\(topic)-probe")])
        }
        // Both subscriptions reached the publisher, through the proxy's XSUB.
        #expect(pub.subscriptions == ["A": 1, "B": 1])

        var sent: [String] = []
        for i in 0..<300 {
            let topic = ["A", "B", "C", "xA", "a"][i % 5]
            sent.append("\(topic).\(i)")
            try pub.send(Message("\(topic).\(i)"))
        }
        for topic in ["A", "B"] { try pub.send(Message("\(topic)-end")) }
        for (topic, sub) in zip(["A", "B"], subs) {
            let received = try receiveUntil(
                Message("\(topic)-end"), from: sub, skippingLeading: Message("\(topic)-probe"))
            #expect(received == sent.filter { $0.hasPrefix("\(topic).") }.map { Message($0) }, "subscriber \(topic)")
        }

        // Unsubscriptions travel up as well.
        try subs[0].unsubscribe("A")
        awaitSubscriptions(["B": 1], on: pub)
        subs[1].close()
        awaitSubscriptions([:], on: pub)
        stopProxy(relay, test)
    }

    @Test func twoProxiesInAChainForwardSubscriptionsAndData() throws {
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 0
        try pub.bind("inproc://origin")
        let first = try forwarder(test, from: "inproc://origin", to: "inproc://hop-1")
        let second = try forwarder(test, from: "inproc://hop-1", to: "inproc://hop-2")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 0
        try sub.connect("inproc://hop-2")
        try sub.subscribe("news")

        _ = try #require(try publishProbesUntilReceived("news-probe", on: pub, by: sub))
        #expect(pub.subscriptions == ["news": 1])
        for i in 0..<200 {
            try pub.send(Message("news.\(i)"))
            try pub.send(Message("sport.\(i)"))
        }
        try pub.send(["news-end", "multipart", "whole"])
        let received = try receiveUntil(["news-end", "multipart", "whole"], from: sub, skippingLeading: "news-probe")
        #expect(received == (0..<200).map { Message("news.\($0)") })

        sub.close()
        awaitSubscriptions([:], on: pub)
        stopProxy(first, test)
        #expect(throws: RingMQError.terminated) { try second.join().get() }
    }
}
