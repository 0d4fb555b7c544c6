import RingMQ
import Synchronization
import Testing

/// Publish-subscribe with real threads on both sides: fan-out to eight subscriber threads,
/// subscriptions changing while the publisher publishes, and subscribers connecting and
/// closing meanwhile (seen from a PUB and from an XPUB). Every check is exact (high-water
/// marks 0, so nothing may be dropped, and "must arrive" / "must not arrive" are decided from
/// happens-before facts the threads record), so none can flake.
///
/// Bounded in iterations (``Scale``: larger with `RINGMQ_STRESS=1`, smaller under
/// ThreadSanitizer) and in time (sockets from a ``TestContext``, peers joined with a bounded
/// wait). CI runs this suite under `--sanitize=thread`. Serialized: each test starts several
/// threads, and the machine has two cores.
@Suite(.serialized, .runsAlone) struct PubSubConcurrencyTests {
    // MARK: - Fan-out

    @Test func onePublisherEightSubscriberThreadsFourTopics() throws {
        let perTopic = Scale.count(normal: 10_000, stress: 100_000, sanitized: 4_000)
        let topics = ["alpha", "bravo", "charlie", "delta"]
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 0
        try pub.bind("inproc://fan-out")
        let start = StartBarrier(count: 9)

        let subscribers = (0..<8).map { i in
            Peer { () throws -> [Int] in
                let sub = try test.socket(.sub)
                sub.receiveHighWaterMark = 0
                try sub.connect("inproc://fan-out")
                try sub.subscribe(Frame(topics[i % 4]))
                start.arriveAndWait()
                var sequences: [Int] = []
                while true {
                    let parts = try receiveTopical(sub)
                    if parts.tag == 1 { break }
                    sequences.append(parts.topic == topics[i % 4] ? parts.sequence : -1)
                }
                return sequences
            }
        }
        let publisher = Peer { () throws -> Int in
            start.arriveAndWait()
            for sequence in 0..<(4 * perTopic) {
                try pub.send(topical(topics[sequence % 4], sequence: sequence))
            }
            for topic in topics { try pub.send(topical(topic, sequence: 0, tag: 1)) }
            return pub.statistics.messagesDropped
        }

        #expect(try publisher.join().get() == 0)
        for (i, subscriber) in subscribers.enumerated() {
            let sequences = try subscriber.join().get()
            let expected = Array(stride(from: i % 4, to: 4 * perTopic, by: 4))
            #expect(sequences.count == perTopic, "subscriber \(i)")
            #expect(sequences == expected, "subscriber \(i): wrong topic, lost, duplicated or out of order")
        }
    }

    // MARK: - Subscriptions changing under traffic

    /// The publisher alternates topics A (even sequence numbers) and B (odd) and records, for
    /// each message, the subscriber's phase it saw just before and just after sending. The
    /// subscriber stays subscribed to A and cycles B: phase 4k+1 "subscribing", 4k+2
    /// "subscribed", 4k+3 "unsubscribing", 4k+4 "unsubscribed". A B message whose before and
    /// after phases are both 4k+2 was sent wholly inside subscription k (happens-before both
    /// ways), so it must arrive if the subscriber read past it while still subscribed; one
    /// whose phases are both 4k+4 was sent while unsubscribed and must never arrive. Each
    /// window waits for two A messages sent in it, so each yields one message of each kind.
    @Test func subscribingAndUnsubscribingWhilePublishing() throws {
        let windows = Scale.count(normal: 2_000, stress: 20_000, sanitized: 2_000)
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 0
        try pub.bind("inproc://churn")
        let sub = try test.socket(.sub)
        sub.receiveHighWaterMark = 0
        try sub.connect("inproc://churn")
        try sub.subscribe("A")

        let phase = Atomic<Int>(0)
        let highestRead = Atomic<Int>(-1)
        let subscriberDone = Gate()
        let deadline = ContinuousClock.now.advanced(by: Scale.safety)

        let publisher = Peer { () throws -> PublisherLog in
            var log = PublisherLog()
            var sequence = 0
            while !subscriberDone.isOpened, sequence < 50_000_000, ContinuousClock.now < deadline {
                // Stay at most 256 messages ahead of the reader.
                if sequence - highestRead.load(ordering: .acquiring) > 256 {
                    yieldThread()
                    continue
                }
                let before = phase.load(ordering: .acquiring)
                try pub.send(topical(sequence.isMultiple(of: 2) ? "A" : "B", sequence: sequence, tag: before))
                log.record(before: before, after: phase.load(ordering: .acquiring))
                sequence += 1
            }
            try pub.send(topical("A-end", sequence: sequence))
            return log
        }
        let subscriber = Peer { () throws -> SubscriberLog in
            var log = SubscriberLog()
            var ended = false
            /// Reads until two A messages tagged with at least `phase` have arrived.
            func readWindow(atLeast target: Int) throws {
                var seen = 0
                while seen < 2, !ended {
                    let parts = try receiveTopical(sub)
                    highestRead.store(parts.sequence, ordering: .releasing)
                    if parts.topic == "A-end" {
                        ended = true
                        return
                    }
                    log.record(parts, localPhase: phase.load(ordering: .relaxed))
                    if parts.topic == "A", parts.tag >= target { seen += 1 }
                }
            }
            for k in 0..<windows where !ended {
                phase.store(4 * k + 1, ordering: .releasing)
                try sub.subscribe("B")
                phase.store(4 * k + 2, ordering: .releasing)
                try readWindow(atLeast: 4 * k + 2)
                phase.store(4 * k + 3, ordering: .releasing)
                try sub.unsubscribe("B")
                phase.store(4 * k + 4, ordering: .releasing)
                try readWindow(atLeast: 4 * k + 4)
                if !ended { log.windowsCompleted += 1 }
            }
            subscriberDone.open()
            while !ended {
                let parts = try receiveTopical(sub)
                if parts.topic == "A-end" { ended = true } else { log.record(parts, localPhase: 4 * windows) }
            }
            return log
        }

        let published = try publisher.join().get()
        let received = try subscriber.join().get()
        #expect(received.windowsCompleted == windows)
        received.check(against: published)
    }

    // MARK: - Subscribing while the connection forms

    /// Each round races a `subscribe` on the subscriber's thread against the publisher's
    /// `bind` (the subscriber connected first) or `connect` (the subscriber bound first), on
    /// fresh sockets. Once both calls have returned, the next message must arrive: the
    /// subscription was either primed into the new connection or sent through it.
    @Test(arguments: [false, true])
    func aSubscriptionRacingTheConnectionIsNotLost(subscriberBinds: Bool) throws {
        let rounds = Scale.count(normal: 500, stress: 5_000, sanitized: 500)
        let test = TestContext()
        let subscriberReady = Milestone()
        let publisherReady = Milestone()
        let subscribed = Milestone()
        let published = Milestone()

        let subscriber = Peer { () throws -> [String] in
            var wrong: [String] = []
            for round in 1...rounds {
                let sub = try test.socket(.sub)
                let endpoint = "inproc://race-\(round)"
                if subscriberBinds { try sub.bind(endpoint) } else { try sub.connect(endpoint) }
                subscriberReady.reach(round)
                guard publisherReady.wait(for: round) else { return wrong + ["publisher stalled"] }
                try sub.subscribe("x")
                subscribed.reach(round)
                guard published.wait(for: round) else { return wrong + ["publisher stalled"] }
                let received = try drain(sub)
                if received != ["x"] { wrong.append("round \(round): \(received)") }
                sub.close()
            }
            return wrong
        }
        let publisher = Peer {
            for round in 1...rounds {
                let pub = try test.socket(.pub)
                let endpoint = "inproc://race-\(round)"
                guard subscriberReady.wait(for: round) else { return }
                publisherReady.reach(round)
                if subscriberBinds { try pub.connect(endpoint) } else { try pub.bind(endpoint) }
                guard subscribed.wait(for: round) else { return }
                try pub.send("x")
                try pub.send("y")
                published.reach(round)
                pub.close()
            }
        }
        #expect(throws: Never.self) { try publisher.join().get() }
        let wrong = try subscriber.join().get()
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
    }

    // MARK: - Subscribers coming and going under traffic

    @Test func subscribersConnectAndCloseWhileThePublisherPublishes() throws {
        let cycles = Scale.count(normal: 500, stress: 5_000, sanitized: 300)
        let subscriberCount = 3
        let perCycle = 20
        let test = TestContext()
        let pub = try test.socket(.pub)
        pub.sendHighWaterMark = 0
        try pub.bind("inproc://come-and-go")
        let finished = Counter()
        let deadline = ContinuousClock.now.advanced(by: Scale.safety)

        let publisher = Peer {
            var sequence = 0
            while finished.current < subscriberCount, sequence < 50_000_000, ContinuousClock.now < deadline {
                try pub.send(topical(sequence.isMultiple(of: 2) ? "T0" : "T1", sequence: sequence))
                sequence += 1
                if sequence.isMultiple(of: 64) { yieldThread() }
            }
        }
        let subscribers = (0..<subscriberCount).map { i in
            Peer { () throws -> [String] in
                defer { finished.increment() }
                var wrong: [String] = []
                for cycle in 0..<cycles {
                    let sub = try test.socket(.sub)
                    sub.receiveHighWaterMark = 0
                    let topic = "T\((i + cycle) % 2)"
                    let early = cycle.isMultiple(of: 2)
                    if early { try sub.subscribe(Frame(topic)) }
                    try sub.connect("inproc://come-and-go")
                    if !early { try sub.subscribe(Frame(topic)) }
                    var previous: Int?
                    for _ in 0..<perCycle {
                        let parts = try receiveTopical(sub)
                        if parts.topic != topic { wrong.append("cycle \(cycle): topic \(parts.topic)") }
                        if let previous, parts.sequence != previous + 2 {
                            wrong.append("cycle \(cycle): \(parts.sequence) after \(previous)")
                        }
                        previous = parts.sequence
                    }
                    if cycle % 3 == 1 { try sub.disconnect("inproc://come-and-go") }
                    sub.close()
                }
                return wrong
            }
        }

        for (i, subscriber) in subscribers.enumerated() {
            let wrong = try subscriber.join().get()
            #expect(wrong.isEmpty, "subscriber \(i): \(wrong.prefix(5))")
        }
        #expect(throws: Never.self) { try publisher.join().get() }
        #expect(pub.subscriptions.isEmpty, "every subscriber has gone")
        #expect(pub.statistics.messagesDropped == 0)
    }

    @Test func anXpubSeesEachSubscriptionComeAndGoUnderChurn() throws {
        let cycles = Scale.count(normal: 500, stress: 5_000, sanitized: 300)
        let subscriberCount = 3
        let test = TestContext()
        let xpub = try test.socket(.xpub)
        xpub.receiveTimeout = .milliseconds(2)
        try xpub.bind("inproc://xpub-churn")
        let subscribersDone = Gate()

        // The XPUB's thread greets each new unique prefix, and logs every event.
        let publisher = Peer { () throws -> (events: [Message], left: [Frame: Int]) in
            var events: [Message] = []
            func handle(_ message: Message) throws {
                events.append(message)
                let bytes = message[0].bytes
                if bytes.first == 1, bytes.dropFirst().first == UInt8(ascii: "s") {
                    try xpub.send(Message(Array(bytes.dropFirst()) + Array("hello".utf8)))
                }
            }
            while !subscribersDone.isOpened {
                do { try handle(try xpub.receive()) } catch RingMQError.timedOut {}
            }
            while let message = try xpub.tryReceive() { try handle(message) }
            return (events, xpub.subscriptions)
        }
        let subscribers = (0..<subscriberCount).map { i in
            Peer { () throws -> [String] in
                var wrong: [String] = []
                for cycle in 0..<cycles {
                    let sub = try test.socket(.sub)
                    let unique = "s\(i)-\(cycle)/"
                    if cycle.isMultiple(of: 2) { try sub.subscribe("common") }
                    try sub.connect("inproc://xpub-churn")
                    try sub.subscribe(Frame(unique))
                    let greeting = try sub.receive()
                    if greeting != Message(unique + "hello") { wrong.append("cycle \(cycle): got \(greeting)") }
                    switch cycle % 3 {
                    case 0: try sub.unsubscribe(Frame(unique))
                    case 1: try sub.disconnect("inproc://xpub-churn")
                    default: break
                    }
                    sub.close()
                }
                return wrong
            }
        }

        for (i, subscriber) in subscribers.enumerated() {
            let wrong = try subscriber.join().get()
            #expect(wrong.isEmpty, "subscriber \(i): \(wrong.prefix(5))")
        }
        subscribersDone.open()
        let (events, left) = try publisher.join().get()
        #expect(left.isEmpty, "subscriptions left: \(left.keys.count)")

        var byPrefix: [String: [UInt8]] = [:]
        for event in events {
            let bytes = event[0].bytes
            byPrefix[String(decoding: bytes.dropFirst(), as: UTF8.self), default: []].append(bytes[0])
        }
        #expect(byPrefix.count == subscriberCount * cycles + 1, "one entry per unique prefix, plus common")
        let wrongUnique = byPrefix.filter { $0.key != "common" && $0.value != [1, 0] }
        #expect(wrongUnique.isEmpty, "each unique prefix: subscribed, then unsubscribed: \(wrongUnique.prefix(3))")
        let common = byPrefix["common"] ?? []
        let alternates = common.indices.allSatisfy { common[$0] == ($0.isMultiple(of: 2) ? 1 : 0) }
        #expect(alternates && common.count >= 2 && common.last == 0, "common: \(common)")
    }
}
