// swift-format-ignore-file
// (Kept as the docs show the samples, line for line: see everySampleOfTheDocsIsHere.)
import Foundation
import RingMQ
import Testing

// The samples of Docs/PubSub.md, verbatim (the suite, and the check that they match the page, are
// in DocSamplesTests.swift).

extension DocSamplesTests {
    @Test func pubSubAPublisherAndASubscriber() throws {
        let rest = try Peer { () throws -> Message? in
            let context = Context()
            let publisher = try context.socket(.pub)
            try publisher.bind("inproc://weather")

            let subscriber = try context.socket(.sub)
            try subscriber.connect("inproc://weather")
            try subscriber.subscribe("10001 ")           // a byte prefix of the first frame

            try publisher.send(["10001 ", "21 °C"])       // topic frame, then payload
            try publisher.send(["90210 ", "30 °C"])       // nobody subscribed: dropped at the publisher
            let update = try subscriber.receive()         // ["10001 ", "21 °C"]
            print(update[1].string)
            return try subscriber.tryReceive()
        }.join().get()
        #expect(printed == ["21 °C"])
        #expect(rest == nil)
    }

    @Test func pubSubXPubSeesSubscriptions() throws {
        let event = try Peer { () throws -> Message in
            let context = Context()
            let xpub = try context.socket(.xpub)
            try xpub.bind("inproc://prices")
            let sub = try context.socket(.sub)
            try sub.connect("inproc://prices")
            try sub.subscribe("EUR")
            let event = try xpub.receive()                // one frame: byte 1, then "EUR"
            if case .subscribe? = Subscription(event) { /* someone wants EUR: publish its snapshot */ }
            return event
        }.join().get()
        #expect(event == Message(Frame([1] + Array("EUR".utf8))))
    }

    @Test func pubSubXSubSubscribesBySending() throws {
        let context = TestContext()
        defer { context.terminate() }
        let xpub = try context.socket(.xpub)
        try xpub.bind("inproc://prices")
        let xsub = try context.socket(.xsub)
        try xsub.connect("inproc://prices")

        try xsub.send(Subscription.subscribe("EUR").message)

        #expect(try xpub.tryReceive() == Message(Frame([1, 69, 85, 82])))
        try xpub.send(["EUR", "1.08"])
        try xpub.send(["GBP", "0.85"])
        #expect(try drainTexts(xsub) == ["EUR"])
    }

    @Test func pubSubManualSubscriptions() throws {
        let (news, secret) = try Peer { () throws -> (Message?, Message?) in
            let context = Context()
            let gate = try context.socket(.xpub)
            gate.xpubManual = true                            // subscriptions wait for a decision
            try gate.bind("inproc://feeds")
            let sub = try context.socket(.sub)
            try sub.connect("inproc://feeds")
            try sub.subscribe("public.")
            try sub.subscribe("secret.")

            while let request = try gate.tryReceive() {
                guard let change = Subscription(request), change.prefix.string.hasPrefix("public.") else { continue }  // refused
                if change.isSubscribe { try gate.subscribe(change.prefix) } else { try gate.unsubscribe(change.prefix) }
            }
            try gate.send(["secret.plans", "…"])              // nobody may have it: dropped
            try gate.send(["public.news", "…"])               // reaches sub

            defer { context.terminate() }
            return (try sub.tryReceive(), try sub.tryReceive())
        }.join().get()
        #expect(news == ["public.news", "…"])
        #expect(secret == nil)
    }

    @Test func pubSubLastValueCache() throws {
        try Peer { () throws -> Void in
            let context = Context()
            let frontend = try context.socket(.xsub)
            try frontend.connect("inproc://prices")           // the publisher's endpoint
            try frontend.subscribe("")                        // cache every topic
            let backend = try context.socket(.xpub)
            backend.xpubVerbose = true                        // every subscriber's request, not just the first
            try backend.bind("inproc://prices-cached")        // subscribers connect here
            let cache = SocketThread(name: "cache") {         // a thread of its own, never a pool task
                try lastValueCache(frontend: frontend, backend: backend)   // until context.terminate()
            }

            // Scaffolding: the publisher sends one EUR update; a first subscriber receives it
            // (from the cache's answer or as it passes through: either way, once the cache
            // has it), so the late subscriber below can only get it from the cache.
            defer { try? cache.join() }                       // runs after the terminate below
            defer { context.terminate() }
            let publisher = try context.socket(.pub)
            try publisher.bind("inproc://prices")
            try publisher.send(["EUR", "1.08"])
            let early = try context.socket(.sub)
            early.receiveTimeout = .seconds(30)
            try early.connect("inproc://prices-cached")
            try early.subscribe("EUR")
            guard try early.receive() == ["EUR", "1.08"] else { throw RingMQError.invalidState("no update") }

            let late = try context.socket(.sub)
            try late.connect("inproc://prices-cached")
            try late.subscribe("EUR")
            let last = try late.receive()                     // the newest EUR update, without waiting for the next
            print(last[1].string)
        }.join().get()
        #expect(printed == ["1.08"])
    }

    @Test func pubSubTheProxy() throws {
        let update = try Peer { () throws -> Message in
            let context = Context()
            let frontend = try context.socket(.xsub)
            try frontend.connect("inproc://weather")       // the publisher's endpoint
            let backend = try context.socket(.xpub)
            try backend.bind("inproc://weather-relay")     // subscribers connect here

            let relay = SocketThread(name: "relay") {      // any thread of your own, never a pool task
                try proxy(frontend: frontend, backend: backend)
            }
            // … later: context.terminate() stops the proxy (and every other blocked call);
            // try? relay.join() then returns (the proxy threw .terminated).

            // Scaffolding: a publisher that sees subscriptions (XPUB), and a subscriber behind
            // the relay; the subscription reaches the publisher through the proxy's thread.
            defer { try? relay.join() }                       // runs after the terminate below
            defer { context.terminate() }
            let publisher = try context.socket(.xpub)
            try publisher.bind("inproc://weather")
            let subscriber = try context.socket(.sub)
            try subscriber.connect("inproc://weather-relay")
            try subscriber.subscribe("10001 ")
            let subscription = try publisher.receive()
            guard subscription == Message(Frame([1] + Array("10001 ".utf8))) else {
                throw RingMQError.invalidState("unexpected subscription \(subscription)")
            }
            try publisher.send(["90210 ", "30 °C"])
            try publisher.send(["10001 ", "21 °C"])
            return try subscriber.receive()
        }.join().get()
        #expect(update == ["10001 ", "21 °C"])
    }

    @Test func pubSubSteeringAProxy() async throws {
        try await withTimeout {
            // Scaffolding: the forwarder of the sample above, a publisher and a subscriber.
            let context = Context()
            defer { context.terminate() }
            let frontend = try context.socket(.xsub)
            try frontend.connect("inproc://steered-weather")
            let backend = try context.socket(.xpub)
            try backend.bind("inproc://steered-relay")
            let publisher = try context.socket(.xpub)
            try publisher.bind("inproc://steered-weather")
            let subscriber = try context.socket(.sub)
            try subscriber.connect("inproc://steered-relay")
            try subscriber.subscribe("")

            let proxy = try Proxy(frontend: frontend, backend: backend)
            let relay = Task { try await proxy.run() }     // or, on a thread of your own: try proxy.run()

            // Scaffolding: the subscription crosses the proxy, then one update comes down.
            #expect(try await publisher.receive() == Message(Frame([1])))
            try await publisher.send(["10001 ", "21 °C"])
            #expect(try await subscriber.receive() == ["10001 ", "21 °C"])

            proxy.pause()                                  // nothing moves: messages wait in the sockets' queues
            let seen = proxy.statistics                    // exact while paused
            print("forwarded \(seen.backend.messagesSent) messages, \(seen.backend.bytesSent) bytes")
            proxy.resume()
            try proxy.stop()                               // run() returns normally
            try await relay.value
        }
        #expect(printed == ["forwarded 1 messages, 12 bytes"])
    }
}

// The last-value cache of Docs/PubSub.md, verbatim.

/// Forwards updates from `frontend` to `backend`, keeping the newest of each topic, and answers
/// each subscription arriving on `backend` with the newest updates it matches. Returns when the
/// context terminates (throwing `.terminated`).
func lastValueCache(frontend: Socket, backend: Socket) throws {
    var newest: [Frame: Message] = [:]            // topic → its newest update
    var poller = Poller()
    poller.register(frontend, for: .readable)
    poller.register(backend, for: .readable)
    while true {
        _ = try poller.poll(timeout: nil)
        while let update = try frontend.tryReceive() {
            newest[update[0]] = update
            try backend.send(update)
        }
        while let request = try backend.tryReceive() {
            guard case .subscribe(let prefix)? = Subscription(request) else { continue }   // skip unsubscriptions
            for (topic, update) in newest where topic.bytes.starts(with: prefix.bytes) {
                try backend.send(update)
            }
        }
    }
}
