import RingMQ
import Testing

extension ChurnStressTests {
    /// Three PUSH producers, each bound to an endpoint of its own, and three PULL consumer
    /// threads that connect to some of them, take a few messages, and leave (by closing, or by
    /// disconnecting first) or drop one producer and take it back, again and again; a fourth
    /// PULL binds a sink endpoint that the producers connect to and disconnect from, and
    /// unbinds and re-binds it meanwhile (so producers' connects often wait for the bind). The
    /// producers unbind and re-bind their own endpoints too. High-water marks of 1 to 16 make
    /// consumers leave with messages queued.
    ///
    /// Invariant: every message a `send` accepted is received exactly once, by someone.
    /// Documented behaviour it rests on (Docs/Semantics.md, Docs/Pipeline.md): what a consumer
    /// leaves unread goes back to its PUSH and on to the other consumers; what a producer that
    /// disconnects (or closes) has sent stays receivable by the consumer; what it queued on a
    /// connect still waiting for the sink's bind, it takes back when it disconnects (this test
    /// found that it used to be dropped); what a consumer read is its own (each consumer
    /// records a message as it reads it). Order is not checked: redelivered messages come
    /// after newer ones by design.
    @Test func pipelineDeliversEveryAcceptedMessageExactlyOnce() {
        ChurnSoak.run("pipeline", defaultSeed: 0xC4_2017_0001) { try Self.pipelineRun(seed: $0) }
    }

    private struct ConsumerLog: Sendable {
        var tags: [(sender: Int, sequence: Int)] = []
        var malformed = 0
        var stints = 0
        var rebinds = 0

        mutating func record(_ message: Message) {
            if let tag = tag(of: message) { tags.append(tag) } else { malformed += 1 }
        }
    }

    private struct ProducerLog: Sendable {
        var sinkConnects = 0
        var redelivered = 0
        var sent = 0
    }

    private static func pipelineRun(seed: UInt64) throws -> ChurnFindings {
        let producerCount = 3
        let consumerCount = 3
        let perProducer = Scale.count(normal: 6_000, stress: 60_000, sanitized: 3_000)
        let total = producerCount * perProducer
        let marks = [1, 2, 16]
        let sink = "inproc://churn-sink"
        let context = TestContext()
        defer { context.terminate() }
        let finished = Gate()
        let received = Counter()

        let producers = (0..<producerCount).map { p in
            Peer { () throws -> ProducerLog in
                var random = SplitMix64.forThread(seed: seed, role: 1, index: p)
                var log = ProducerLog()
                let push = try context.socket(.push)
                push.sendHighWaterMark = marks.randomElement(using: &random)!
                push.sendTimeout = .milliseconds(2)  // to churn while no consumer has room
                try push.bind(churnSource(p))
                // Consumers that connect meanwhile wait for the bind.
                var source = RebindChurn(churnSource(p), oneIn: 48)
                var atSink = false
                var sequence = 0
                // `finished` opens early only if a message arrived twice: stop then too.
                while sequence < perProducer, !finished.isOpened {
                    _ = try source.step(push, using: &random)
                    if random.oneIn(24) {
                        if atSink { try push.disconnect(sink) } else { try push.connect(sink) }
                        atSink.toggle()
                        if atSink { log.sinkConnects += 1 }
                    }
                    do {
                        try push.send(tagged(sender: p, sequence: sequence))
                        sequence += 1
                    } catch RingMQError.timedOut {
                        // Not accepted: send the same message again.
                    }
                }
                try source.bindIfUnbound(push)
                // What departing consumers leave unread comes back to this socket and goes out
                // again at its next call: keep calling until everything has arrived.
                var pacer = ProgressWatch.Pacer()
                while !finished.isOpened {
                    _ = push.statistics
                    pacer.pause()
                }
                log.redelivered = push.statistics.messagesRedelivered
                log.sent = push.statistics.messagesSent
                return log
            }
        }

        let consumers = (0..<consumerCount).map { c in
            Peer { () throws -> ConsumerLog in
                var random = SplitMix64.forThread(seed: seed, role: 2, index: c)
                var log = ConsumerLog()
                while !finished.isOpened {
                    // One stint: join some producers, take a few messages, leave.
                    let pull = try context.socket(.pull)
                    pull.receiveHighWaterMark = marks.randomElement(using: &random)!
                    pull.receiveTimeout = .milliseconds(2)  // to notice `finished`
                    var sources = Set((0..<producerCount).filter { _ in !random.oneIn(4) })
                    if sources.isEmpty { sources.insert(Int.random(in: 0..<producerCount, using: &random)) }
                    for p in sources.sorted() { try pull.connect(churnSource(p)) }
                    let quota = Int.random(in: 1...48, using: &random)
                    var taken = 0
                    while taken < quota, !finished.isOpened {
                        if sources.isEmpty || random.oneIn(16) {
                            // Drop one producer (it takes back what is queued here), or rejoin it.
                            let p = Int.random(in: 0..<producerCount, using: &random)
                            if sources.remove(p) != nil {
                                try pull.disconnect(churnSource(p))
                            } else {
                                try pull.connect(churnSource(p))
                                sources.insert(p)
                            }
                        }
                        do {
                            log.record(try pull.receive())
                            received.increment()
                            taken += 1
                        } catch RingMQError.timedOut {
                            continue
                        }
                    }
                    // At the end nothing should be left: whatever is, is a duplicate; record it.
                    if finished.isOpened { while let extra = try pull.tryReceive() { log.record(extra) } }
                    if Bool.random(using: &random) {
                        for p in sources.sorted() { try pull.disconnect(churnSource(p)) }
                    }
                    pull.close()
                    log.stints += 1
                }
                return log
            }
        }

        let binder = Peer { () throws -> ConsumerLog in
            var random = SplitMix64.forThread(seed: seed, role: 3, index: 0)
            var log = ConsumerLog()
            let pull = try context.socket(.pull)
            pull.receiveHighWaterMark = marks.randomElement(using: &random)!
            pull.receiveTimeout = .milliseconds(2)
            try pull.bind(sink)
            var churn = RebindChurn(sink, oneIn: 32)
            while !finished.isOpened {
                _ = try churn.step(pull, using: &random)
                do {
                    log.record(try pull.receive())
                    received.increment()
                } catch RingMQError.timedOut {
                    continue
                }
            }
            log.rebinds = churn.rebinds
            while let extra = try pull.tryReceive() { log.record(extra) }
            return log
        }

        let complete = ProgressWatch.wait(until: total) { received.current }
        finished.open()
        var findings = ChurnFindings(seed: seed)
        let producerLogs = findings.join(producers, "producer").compactMap { $0 }
        let consumerLogs = findings.join(consumers + [binder], "consumer").compactMap { $0 }
        findings.expect(complete, "\(received.current) of the \(total) messages accepted arrived (then no progress)")

        var (seen, unknown) = count(
            consumerLogs.flatMap { $0.tags.map { ($0.sender, $0.sequence) } },
            senders: producerCount, perSender: perProducer)
        unknown += consumerLogs.map(\.malformed).reduce(0, +)
        let missing = messages(in: seen) { $0 == 0 }
        let duplicated = messages(in: seen) { $0 > 1 }
        findings.expect(missing.isEmpty, "\(missing.count) accepted messages never arrived, first \(missing.prefix(5))")
        findings.expect(duplicated.isEmpty, "\(duplicated.count) messages arrived twice, first \(duplicated.prefix(5))")
        findings.expect(unknown == 0, "\(unknown) messages that no producer sent")
        findings.expect(producerLogs.allSatisfy { $0.sent == perProducer }, "producers' sent counts")

        let redelivered = producerLogs.map(\.redelivered).reduce(0, +)
        let rebinds = consumerLogs.map(\.rebinds).reduce(0, +)
        let sinkConnects = producerLogs.map(\.sinkConnects).reduce(0, +)
        findings.summary =
            "\(total) messages, \(consumerLogs.map(\.stints).reduce(0, +)) consumer stints, "
            + "\(redelivered) redelivered, \(rebinds) sink re-binds, \(sinkConnects) producer connects to the sink"
        // The churn happened (else the run tested nothing).
        let stints = consumerLogs.map(\.stints).reduce(0, +)
        findings.expect(stints > consumerCount, "the consumers never left (\(stints) stints)")
        findings.expect(redelivered > 0, "no consumer left a message unread")
        findings.expect(rebinds > 0, "the sink never re-bound")
        findings.expect(sinkConnects > producerCount, "producers seldom joined the sink")
        return findings
    }
}

/// The endpoint producer `p` of the pipeline run binds.
private func churnSource(_ p: Int) -> String {
    "inproc://churn-source-\(p)"
}
