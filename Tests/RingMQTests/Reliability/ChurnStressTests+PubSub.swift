import RingMQ
import RingMQTesting
import Testing

extension ChurnStressTests {
    /// Two PUB publishers, each bound to an endpoint of its own, publish on topics "a", "ab",
    /// "abc", "b", "bc", "c", "d", and now and then unbind and re-bind, or close and start again
    /// with a new socket (a new generation) at the same endpoint. Three SUB subscriber threads
    /// open sockets that subscribe and unsubscribe ("", "a", "ab", "b", "bc", "c"; some before
    /// connecting, some counted twice, some unsubscribes of nothing), connect to and disconnect
    /// from the publishers, read, and close, again and again. High-water marks are 0, so the
    /// publishers never drop and every check is exact.
    ///
    /// Invariants (PUB drops for slow subscribers in general, so not "exactly once"): a
    /// subscriber receives no message its socket never subscribed to, and none published while
    /// no matching subscription could be in force; none twice, and each publisher's in order;
    /// and none is missing between two that came through one connection if a matching
    /// subscription was surely in force meanwhile (Docs/Semantics.md, "No slow joiner").
    @Test func pubSubDeliversOnlyWhatMatchesOnceAndInOrder() {
        ChurnSoak.run("pub-sub", defaultSeed: 0xC4_2017_0003) { try Self.pubSubRun(seed: $0) }
    }

    private static func pubSubRun(seed: UInt64) throws -> ChurnFindings {
        let publisherCount = 2
        let subscriberCount = 3
        let perPublisher = Scale.count(normal: 30_000, stress: 300_000, sanitized: 6_000)
        let topics = PubSubChurnTopics.topics
        let prefixes = PubSubChurnTopics.prefixes
        let context = TestContext()
        defer { context.terminate() }
        let witnesses = (0..<subscriberCount).map { _ in SubscriptionWitness() }
        let finished = Gate()
        let steps = Counter()  // subscriber steps, which pace the publishers

        let publishers = (0..<publisherCount).map { p in
            Peer { () throws -> (log: PublisherChurnLog, generations: Int, stalled: Bool) in
                var random = SplitMix64.forThread(seed: seed, role: 6, index: p)
                var log = PublisherChurnLog(subscribers: subscriberCount)
                func open() throws -> Socket {
                    let pub = try context.socket(.pub)
                    pub.sendHighWaterMark = 0
                    try pub.bind(churnPublisher(p))
                    return pub
                }
                var pub = try open()
                var generation = 0
                var churn = RebindChurn(churnPublisher(p), oneIn: 256, longestGap: 16)
                var stall = ProgressWatch.Stall()
                var pacer = ProgressWatch.Pacer()
                for sequence in 0..<perPublisher {
                    // Stay within a few hundred messages of what the subscribers have stepped
                    // through, so that the churn happens while traffic flows.
                    var lastSteps = steps.current
                    while sequence > 256 + steps.current {
                        if steps.current != lastSteps {
                            stall.progressed()
                            lastSteps = steps.current
                        }
                        if stall.isStalled { return (log, generation + 1, true) }
                        pacer.pause()
                    }
                    stall.progressed()
                    // Subscribers that connect while it is unbound wait for the bind.
                    if try !churn.step(pub, using: &random), random.oneIn(512) {
                        pub.close()  // what it queued stays readable; its subscribers must reconnect
                        pub = try open()
                        generation += 1
                    }
                    let topic = Int.random(in: 0..<topics.count, using: &random)
                    let before = witnesses.map { $0.load() }
                    try pub.send([Frame(topics[topic]), tagged(sender: p << 16 | generation, sequence: sequence)[0]])
                    let after = witnesses.map { $0.load() }
                    log.record(topic: topic, generation: generation, before: before, after: after)
                }
                return (log, generation + 1, false)
            }
        }

        let subscribers = (0..<subscriberCount).map { j in
            Peer { () throws -> SubscriberChurnLog in
                var random = SplitMix64.forThread(seed: seed, role: 7, index: j)
                let witness = witnesses[j]
                var log = SubscriberChurnLog()
                var connectionCount = 0
                while !finished.isOpened {
                    let sub = try context.socket(.sub)
                    sub.receiveHighWaterMark = 0
                    var counts = [Int](repeating: 0, count: prefixes.count)
                    var everSubscribed: UInt8 = 0
                    var connection: [Int?] = Array(repeating: nil, count: publisherCount)
                    func subscribe(_ k: Int) throws {
                        if counts[k] == 0 {
                            witness.willSubscribe(k)
                            everSubscribed |= 1 << UInt8(k)
                        }
                        try sub.subscribe(Frame(prefixes[k]))
                        if counts[k] == 0 { witness.didSubscribe(k) }
                        counts[k] += 1
                        log.subscriptionChanges += 1
                    }
                    func unsubscribe(_ k: Int) throws {
                        // Unsubscribing from a prefix not held is a no-op, and tried too.
                        if counts[k] == 1 { witness.willUnsubscribe(k) }
                        try sub.unsubscribe(Frame(prefixes[k]))
                        if counts[k] == 1 { witness.didUnsubscribe(k) }
                        counts[k] = max(0, counts[k] - 1)
                        log.subscriptionChanges += 1
                    }
                    func toggle(_ p: Int) throws {
                        if connection[p] != nil {
                            try sub.disconnect(churnPublisher(p))
                            connection[p] = nil
                        } else {
                            try sub.connect(churnPublisher(p))
                            connectionCount += 1
                            connection[p] = connectionCount
                        }
                    }
                    let early = Bool.random(using: &random)
                    if early { try subscribe(Int.random(in: 1..<prefixes.count, using: &random)) }
                    for p in 0..<publisherCount where !random.oneIn(4) { try toggle(p) }
                    if !early { try subscribe(Int.random(in: 1..<prefixes.count, using: &random)) }
                    for _ in 0..<Int.random(in: 16...256, using: &random) where !finished.isOpened {
                        steps.increment()
                        switch random.next() % 16 {
                        case 0: try subscribe(Int.random(in: 0..<prefixes.count, using: &random))
                        case 1, 2: try unsubscribe(Int.random(in: 0..<prefixes.count, using: &random))
                        case 3: try toggle(Int.random(in: 0..<publisherCount, using: &random))
                        default:
                            // Never waits: the publishers keep pace with these steps.
                            guard let message = try sub.tryReceive() else { continue }
                            guard let parts = SubscriberChurnLog.parts(message),
                                connection.indices.contains(parts.publisher)
                            else {
                                log.malformed += 1
                                continue
                            }
                            log.received.append(
                                .init(
                                    publisher: parts.publisher, generation: parts.generation, sequence: parts.sequence,
                                    topic: parts.topic, stint: log.stints,
                                    connection: connection[parts.publisher] ?? -1,
                                    everSubscribed: everSubscribed, word: witness.load()))
                        }
                    }
                    if Bool.random(using: &random) {
                        for p in 0..<publisherCount where connection[p] != nil { try sub.disconnect(churnPublisher(p)) }
                    }
                    witness.willClose()
                    sub.close()
                    witness.didClose()
                    log.stints += 1
                }
                return log
            }
        }

        var findings = ChurnFindings(seed: seed)
        let published = findings.join(publishers, "publisher").compactMap { $0 }
        finished.open()
        let received = findings.join(subscribers, "subscriber")
        guard published.count == publisherCount, received.allSatisfy({ $0 != nil }) else { return findings }
        findings.expect(published.allSatisfy { !$0.stalled }, "the subscribers stopped stepping")
        let decided = checkPubSubChurn(
            publishers: published.map(\.log), subscribers: received.compactMap { $0 },
            into: &findings)
        let logs = received.compactMap { $0 }
        findings.summary =
            "\(publisherCount * perPublisher) published, \(logs.map { $0.received.count }.reduce(0, +)) "
            + "received, \(decided.mustNot) must-not and \(decided.must) must-arrive pairs decided, "
            + "\(logs.map(\.stints).reduce(0, +)) subscriber stints, \(logs.map(\.subscriptionChanges).reduce(0, +)) "
            + "(un)subscribes, \(published.map(\.generations).reduce(0, +)) publisher sockets"
        findings.expect(decided.mustNot > 0, "no message was published while a subscriber surely did not match it")
        findings.expect(decided.must > 0, "no message was due to a subscriber")
        findings.expect(logs.map(\.stints).reduce(0, +) > subscriberCount, "the subscribers never left")
        findings.expect(published.map(\.generations).reduce(0, +) > publisherCount, "no publisher closed")
        return findings
    }
}

/// The endpoint publisher `p` of the PUB/SUB run binds.
private func churnPublisher(_ p: Int) -> String {
    "inproc://churn-pub-\(p)"
}
