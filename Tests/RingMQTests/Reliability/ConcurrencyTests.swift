import RingMQ
import Testing

/// Real threads on both sides of blocking calls, bounded in iterations (scaled by
/// `RINGMQ_STRESS=1`, reduced under ThreadSanitizer) and in time (the sockets come from a
/// ``TestContext``, so every blocking call carries a ``Scale/safety`` timeout, and peers are
/// joined with a bounded wait: a lost wake-up fails the test instead of hanging it).
///
/// CI runs this suite under `--sanitize=thread`. Serialized: its tests each start several
/// threads, and the machine has two cores.
@Suite(.serialized, .runsAlone) struct ConcurrencyTests {
    // MARK: - Stress

    @Test func fourPushersFourPullersDeliverEveryMessageOnceAndInOrder() throws {
        let perPusher = Scale.count(normal: 100_000, stress: 1_000_000, sanitized: 100_000)
        let pusherCount = 4
        let pullerCount = 4
        let total = pusherCount * perPusher
        let context = TestContext()

        // Each PULL binds its own endpoint and every PUSH connects to all of them, so every
        // PULL takes part.
        let pulls = try (0..<pullerCount).map { i in
            let pull = try context.socket(.pull)
            pull.receiveTimeout = .milliseconds(20)
            try pull.bind("inproc://stress-\(i)")
            return pull
        }
        let pushes = try (0..<pusherCount).map { _ in
            let push = try context.socket(.push)
            for i in 0..<pullerCount { try push.connect("inproc://stress-\(i)") }
            return push
        }

        let received = Counter()
        let start = StartBarrier(count: pusherCount + pullerCount)
        let deadline = ContinuousClock.now.advanced(by: Scale.safety)
        let pullers = pulls.map { pull in
            Peer { () throws -> TagLog in
                start.arriveAndWait()
                var log = TagLog(senders: pusherCount)
                while true {
                    do {
                        log.record(try pull.receive())
                        received.increment()
                    } catch RingMQError.timedOut {
                        // Short timeouts let each puller notice that the others took the rest.
                        if received.current >= total || ContinuousClock.now >= deadline { return log }
                    }
                }
            }
        }
        let pushers = pushes.enumerated().map { sender, push in
            Peer {
                start.arriveAndWait()
                for sequence in 0..<perPusher { try push.send(tagged(sender: sender, sequence: sequence)) }
            }
        }

        for pusher in pushers {
            #expect(throws: Never.self) { try pusher.join().get() }
        }
        var logs: [TagLog] = []
        for puller in pullers {
            let log = try puller.join().get()
            logs.append(log)
        }
        #expect(received.current == total)
        expectEveryTagOnce(logs, senders: pusherCount, perSender: perPusher)
        let perPuller = logs.map { $0.sequences.map(\.count).reduce(0, +) }
        #expect(perPuller.allSatisfy { $0 > 0 }, "every PULL should take part: \(perPuller)")
    }

    @Test func tinyQueueBetweenTwoThreadsKeepsOrderAndContent() throws {
        // A queue of two messages makes both sides block and wake each other constantly.
        let count = Scale.count(normal: 20_000, stress: 200_000, sanitized: 3_000)
        let context = TestContext()
        let (push, pull) = try tinyConnection(context, "tiny")

        // Every tenth message carries a heap frame, shared across the threads.
        let payload = Frame((0..<100).map { UInt8($0) })
        let sender = Peer {
            for i in 0..<count {
                try push.send(i.isMultiple(of: 10) ? [Frame("\(i)"), payload] : numbered(i))
            }
        }
        var wrong = 0
        for i in 0..<count {
            let message = try pull.receive()
            let expected: Message = i.isMultiple(of: 10) ? [Frame("\(i)"), payload] : numbered(i)
            if message != expected { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(throws: Never.self) { try sender.join().get() }
        #expect(try pull.tryReceive() == nil)
    }

    @Test func pairStreamsBothWaysAtOnce() throws {
        let count = Scale.count(normal: 10_000, stress: 100_000, sanitized: 2_000)
        let context = TestContext()
        let a = try context.socket(.pair)
        try a.bind("inproc://duplex")
        let b = try context.socket(.pair)
        try b.connect("inproc://duplex")
        for socket in [a, b] {
            socket.sendHighWaterMark = 4
            socket.receiveHighWaterMark = 4
        }
        // Small queues in both directions: each side must keep receiving while it sends, so
        // each uses the non-blocking calls and yields when it can do neither.
        let deadline = ContinuousClock.now.advanced(by: Scale.safety)
        let sides = [(a, 0), (b, 1)].map { socket, id in
            Peer { () throws -> TagLog in
                var log = TagLog(senders: 2)
                var sent = 0
                while sent < count || log.sequences[1 - id].count < count {
                    var progressed = false
                    if sent < count, try socket.trySend(tagged(sender: id, sequence: sent)) {
                        sent += 1
                        progressed = true
                    }
                    if let message = try socket.tryReceive() {
                        log.record(message)
                        progressed = true
                    }
                    if !progressed {
                        if ContinuousClock.now >= deadline { break }
                        yieldThread()
                    }
                }
                return log
            }
        }
        let logs = try sides.map { try $0.join().get() }
        #expect(logs[0].sequences[0].isEmpty && logs[1].sequences[1].isEmpty, "a socket received its own message")
        expectEveryTagOnce(logs, senders: 2, perSender: count)
    }

    // MARK: - Topology changes under traffic

    /// Whether `numbers` interleaves at most two increasing sequences (greedy: each number
    /// extends the run with the largest last element below it).
    private func isMergeOfTwoIncreasingRuns(_ numbers: [Int]) -> Bool {
        var lasts = [Int.min, Int.min]
        for number in numbers {
            let candidates = lasts.indices.filter { lasts[$0] < number }
            guard let run = candidates.max(by: { lasts[$0] < lasts[$1] }) else { return false }
            lasts[run] = number
        }
        return true
    }

    @Test func closingAPullerWhileThePushSendsRoutesEverythingLaterToTheOther() throws {
        let count = Scale.count(normal: 4_000, stress: 40_000, sanitized: 1_000)
        let context = TestContext()
        let keep = try context.socket(.pull)
        keep.receiveHighWaterMark = 10
        try keep.bind("inproc://keep")
        let doomed = try context.socket(.pull)
        doomed.receiveHighWaterMark = 10
        try doomed.bind("inproc://doomed")
        let push = try context.socket(.push)
        push.sendHighWaterMark = 10
        try push.connect("inproc://keep")
        try push.connect("inproc://doomed")

        let closed = Gate()
        // Returns the first sequence number it sent after it knew the puller was closed.
        let sender = Peer { () throws -> Int in
            var firstAfterClose = -1
            for i in 0..<count {
                if firstAfterClose < 0 {
                    // Make sure the close lands mid-stream.
                    if i == count / 2 { closed.wait() }
                    if closed.isOpened { firstAfterClose = i }
                }
                try push.send(numbered(i))
            }
            try push.send("end")
            return firstAfterClose
        }
        let keeper = Peer { () throws -> [Int] in
            var numbers: [Int] = []
            while true {
                let message = try keep.receive()
                if message == "end" { return numbers }
                numbers.append(number(message))
            }
        }

        var doomedGot: [Int] = []
        for _ in 0..<20 { doomedGot.append(number(try doomed.receive())) }
        doomed.close()
        closed.open()

        let firstAfterClose = try sender.join().get()
        let kept = try keeper.join().get()
        #expect((0...(count / 2)).contains(firstAfterClose))
        // Redelivery (on by default) hands what the closed puller left unread to the other one.
        #expect((kept + doomedGot).sorted() == Array(0..<count), "each message received exactly once")
        #expect(
            isMergeOfTwoIncreasingRuns(kept),
            "the messages sent to the remaining puller and those taken back each keep their order")
        #expect(
            kept.filter { $0 >= firstAfterClose } == Array(firstAfterClose..<count),
            "every message sent after the close returned went to the remaining puller")
    }

    @Test func peersComeAndGoWhileAPullerReceives() throws {
        let rounds = Scale.count(normal: 300, stress: 3_000, sanitized: 100)
        let perRound = 5
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://churn")
        let receiver = Peer { () throws -> TagLog in
            var log = TagLog(senders: rounds)
            for _ in 0..<(rounds * perRound) { log.record(try pull.receive()) }
            return log
        }
        for round in 0..<rounds {
            let push = try context.socket(.push)
            try push.connect("inproc://churn")
            for sequence in 0..<perRound { try push.send(tagged(sender: round, sequence: sequence)) }
            switch round % 3 {
            case 0: push.close()
            case 1: try push.disconnect("inproc://churn")
            default: break  // dropped at the end of the iteration
            }
        }
        let log = try receiver.join().get()
        expectEveryTagOnce([log], senders: rounds, perSender: perRound)
        #expect(try pull.tryReceive() == nil)
    }

    @Test func socketsCreatedAndBoundFromManyThreads() throws {
        let threads = 4
        let perThread = Scale.count(normal: 100, stress: 1_000, sanitized: 30)
        let context = TestContext()
        let start = StartBarrier(count: threads)
        let workers = (0..<threads).map { t in
            Peer { () throws -> [Socket] in
                start.arriveAndWait()
                var winners: [Socket] = []
                for i in 0..<perThread {
                    let pull = try context.socket(.pull)
                    try pull.bind("inproc://thread-\(t)-\(i)")
                    let push = try context.socket(.push)
                    try push.connect("inproc://thread-\(t)-\(i)")
                    try push.send(numbered(i))
                    guard try pull.tryReceive() == numbered(i) else {
                        throw RingMQError.invalidState("thread \(t) lost message \(i)")
                    }
                    // Every thread also races the others for one shared name per round.
                    let contender = try context.socket(.pull)
                    do {
                        try contender.bind("inproc://contended-\(i)")
                        winners.append(contender)  // kept open, so the name stays taken
                    } catch RingMQError.addressInUse {}
                }
                return winners
            }
        }
        let winners = try workers.map { try $0.join().get() }
        #expect(winners.map(\.count).reduce(0, +) == perThread, "each contended name is bound exactly once")
    }

    @Test func terminateStopsThreadsBusySendingAndReceiving() throws {
        let context = TestContext()
        let started = Counter()
        var peers: [Peer<Void>] = []
        for i in 0..<2 {
            let pull = try context.socket(.pull)
            pull.receiveHighWaterMark = 8
            try pull.bind("inproc://busy-\(i)")
            let push = try context.socket(.push)
            push.sendHighWaterMark = 8
            try push.connect("inproc://busy-\(i)")
            peers.append(
                Peer {
                    var sequence = 0
                    while true {
                        try push.send(numbered(sequence))
                        sequence += 1
                        started.increment()
                    }
                })
            peers.append(
                Peer {
                    while true { _ = try pull.receive() }
                })
        }
        // Let traffic flow, then pull the plug.
        let clock = ContinuousClock()
        let limit = clock.now.advanced(by: Scale.safety)
        while started.current < 1_000, clock.now < limit { yieldThread() }
        context.terminate()
        for peer in peers {
            #expect(throws: RingMQError.terminated) { try peer.join().get() }
        }
    }

    @Test func aSocketMayMoveBetweenThreads() throws {
        let context = TestContext()
        let pull = try context.socket(.pull)
        try pull.bind("inproc://moving")
        let push = try context.socket(.push)
        try push.connect("inproc://moving")
        for round in 0..<4 {
            let worker = Peer {
                for i in 0..<100 { try push.send(numbered(round * 100 + i)) }
            }
            #expect(throws: Never.self) { try worker.join().get() }
        }
        #expect(try drainNumbers(pull) == Array(0..<400))
    }
}
