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
            if event[0].bytes.first == 1 { /* someone wants EUR: publish its snapshot */ }
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

        try xsub.send(Message(Frame([1] + Array("EUR".utf8))))

        #expect(try xpub.tryReceive() == Message(Frame([1, 69, 85, 82])))
        try xpub.send(["EUR", "1.08"])
        try xpub.send(["GBP", "0.85"])
        #expect(try drainTexts(xsub) == ["EUR"])
    }

    @Test func pubSubTheProxy() throws {
        let update = try Peer { () throws -> Message in
            let context = Context()
            let frontend = try context.socket(.xsub)
            try frontend.connect("inproc://weather")       // the publisher's endpoint
            let backend = try context.socket(.xpub)
            try backend.bind("inproc://weather-relay")     // subscribers connect here

            let relay = Thread {                           // any thread of your own, never a pool task
                do { try proxy(frontend: frontend, backend: backend) } catch { /* .terminated */ }
            }
            relay.start()
            // … later: context.terminate() stops the proxy (and every other blocked call).

            // Scaffolding: a publisher that sees subscriptions (XPUB), and a subscriber behind
            // the relay; the subscription reaches the publisher through the proxy's thread.
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
