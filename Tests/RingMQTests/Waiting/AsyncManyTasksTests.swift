import RingMQ
import Testing

/// Many more tasks than cores: 64 producer tasks and 64 consumer tasks over PUSH/PULL on a
/// cooperative pool of (here) two threads. Suspended tasks must leave their thread to the
/// others, and every wake-up must reach its task, or the run stalls; every message must be
/// delivered exactly once.
///
/// Each task owns its socket. Consumer `i` binds `inproc://many-i`; producer `p` connects to
/// consumers `p`, `p + 1` and `p + 9` (mod 64), so every consumer has three producers and
/// every producer three consumers to balance over. Bounded in time: sockets carry the
/// ``Scale/safety`` timeouts and the waits for completion are guarded.
@Suite(.serialized, .runsAlone) struct AsyncManyTasksTests {
    static let producers = 64
    static let consumers = 64

    @Test func sixtyFourProducersAndSixtyFourConsumersDeliverEachMessageOnce() async throws {
        let perProducer = Scale.count(normal: 2_000, stress: 20_000, sanitized: 200)
        try await run(perProducer: perProducer, highWaterMark: nil)
    }

    /// High-water marks of 1 (pipes of two messages): producers fill their pipes before any
    /// consumer starts, so each producer's next `send` really suspends on full queues, and
    /// from then on producers and consumers keep suspending and waking each other.
    @Test func withTinyHighWaterMarksProducersSuspendOnFullQueues() async throws {
        let perProducer = Scale.count(normal: 1_000, stress: 5_000, sanitized: 50)
        try await run(perProducer: perProducer, highWaterMark: 1)
    }

    private func run(perProducer: Int, highWaterMark: Int?) async throws {
        let total = Self.producers * perProducer
        let test = TestContext()
        let pulls = try (0..<Self.consumers).map { index in
            let pull = try test.socket(.pull)
            if let highWaterMark { pull.receiveHighWaterMark = highWaterMark }
            try pull.bind("inproc://many-\(index)")
            return pull
        }
        let pushes = try (0..<Self.producers).map { index in
            let push = try test.socket(.push)
            if let highWaterMark { push.sendHighWaterMark = highWaterMark }
            for offset in [0, 1, 9] { try push.connect("inproc://many-\((index + offset) % Self.consumers)") }
            return push
        }

        // Producers. With tiny high-water marks each first fills its pipes (trySend until it
        // fails), then reports, then goes on with async sends that find the pipes full.
        let filled = AsyncLatch(count: highWaterMark == nil ? 0 : Self.producers)
        let producers = pushes.enumerated().map { sender, push in
            Task { () async throws -> Int in
                var sequence = 0
                if highWaterMark != nil {
                    while sequence < perProducer, try push.trySend(tagged(sender: sender, sequence: sequence)) {
                        sequence += 1
                    }
                    filled.countDown()
                }
                let prefilled = sequence
                while sequence < perProducer {
                    try await push.send(tagged(sender: sender, sequence: sequence))
                    sequence += 1
                }
                return prefilled
            }
        }
        try await filled.wait()

        // Consumers, started only now: until here nobody read, so the filled pipes were full.
        let received = Tally()
        let allReceived = AsyncLatch(count: 1)
        let consumers = pulls.map { pull in
            Task { () async throws -> TagLog in
                var log = TagLog(senders: Self.producers)
                do {
                    for try await message in pull.messages {
                        log.record(message)
                        if received.add() == total { allReceived.countDown() }
                    }
                } catch RingMQError.terminated {
                    // The end of the run: every message was counted.
                }
                return log
            }
        }

        var prefilled: [Int] = []
        for producer in producers { prefilled.append(try await producer.value) }
        try await allReceived.wait()
        test.terminate()
        var logs: [TagLog] = []
        for consumer in consumers { logs.append(try await consumer.value) }

        if highWaterMark != nil {
            // Three pipes of capacity two (send HWM 1 + receive HWM 1) per producer.
            #expect(prefilled.allSatisfy { $0 == 6 }, "prefilled: \(Set(prefilled))")
        }
        #expect(received.current == total)
        expectEveryTagOnce(logs, senders: Self.producers, perSender: perProducer)
        #expect(logs.allSatisfy { log in log.sequences.contains { !$0.isEmpty } }, "a consumer received nothing")
    }
}
