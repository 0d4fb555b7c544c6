import RingMQ
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Cancellation without loss, under contention: async receives and sends started and
/// cancelled over and over (at once, after a yield, or while parked) while the other end keeps
/// working, from a blocking thread or from another task. Exact: every message a completed
/// send queued is received exactly once and in order, by a receive that returned it (a
/// receive that was cancelled too late to stop it counts as having received it); no
/// cancelled send's message ever arrives.
///
/// Each test also counts the cancellations that hit a parked task, and expects some: the
/// other end pauses now and then (waiting on a happens-before fact, not a clock) so that
/// waits really park. CI runs this suite, like every suite, under `--sanitize=thread`.
/// Bounded in iterations (``Scale``) and in time (safety
/// timeouts, bounded joins and spins). Serialized: the machine has two cores.
@Suite(.serialized, .runsAlone) struct AsyncConcurrencyTests {
    /// How the n-th attempt is cancelled: at once, after yields, once parked, or not at all.
    private enum Cancel {
        case immediately
        case afterYields(Int)
        case onceParked, never

        init(attempt: Int) {
            switch attempt % 6 {
            case 0: self = .immediately
            case 1: self = .afterYields(1)
            case 2, 3: self = .onceParked
            case 4: self = .afterYields(attempt % 7 + 2)
            default: self = .never
            }
        }

        /// Applies the policy to `task`, which waits on `socket`; `true` if the task was
        /// parked there when it was cancelled.
        func apply<Value>(to task: Task<Value, any Error>, parkedOn socket: Socket) async -> Bool {
            switch self {
            case .immediately:
                task.cancel()
                return false
            case .afterYields(let count):
                for _ in 0..<count { await Task.yield() }
                let parked = isParked(socket)
                task.cancel()
                return parked
            case .onceParked:
                // Bounded: the task may well complete instead of parking.
                for _ in 0..<50 where !isParked(socket) { await Task.yield() }
                let parked = isParked(socket)
                task.cancel()
                return parked
            case .never:
                return false
            }
        }
    }

    /// Spins (yielding the thread) until `condition` holds; `false` after `limit`.
    private static func spin(limit: Duration = Scale.safety, until condition: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while !condition() {
            if clock.now >= deadline { return false }
            sched_yield()
        }
        return true
    }

    @Test func cancelledReceivesLoseNothingWhileAThreadSends() async throws {
        let count = Scale.count(normal: 20_000, stress: 200_000, sanitized: 10_000)
        let test = TestContext()
        let pull = try test.socket(.pull)
        pull.receiveHighWaterMark = 4
        try pull.bind("inproc://cancel-receives")
        let push = try test.socket(.push)
        push.sendHighWaterMark = 4
        try push.connect("inproc://cancel-receives")

        // Bursts of 16 into a queue of 8 (so the thread blocks), each burst once the previous
        // one has been received (so that receives find the queue empty and park). Every fourth
        // burst also waits, briefly, until the next receive has parked: a receive that finds the
        // next burst within its short spin never parks, and on a fast machine that can be every
        // one of them.
        let consumed = Tally()
        let producer = Peer { () throws -> Bool in
            for index in 0..<count {
                if index % 16 == 0, !Self.spin(until: { consumed.current >= index }) { return false }
                if index % 64 == 0 { _ = Self.spin(limit: .milliseconds(20), until: { isParked(pull) }) }
                try push.send(numbered(index))
            }
            return true
        }

        var received: [Int] = []
        var cancelled = 0
        var cancelledWhileParked = 0
        var attempt = 0
        attempts: while received.count < count, attempt < 50 * count {
            let receiver = Task { try await pull.receive() }
            if await Cancel(attempt: attempt).apply(to: receiver, parkedOn: pull) { cancelledWhileParked += 1 }
            switch await ending(of: receiver) {
            case .value(let message):
                received.append(number(message))
                consumed.add()
            case .cancelled:
                cancelled += 1
            case .failed(let error):
                Issue.record("receive \(attempt) failed: \(error)")
                break attempts
            }
            attempt += 1
        }

        #expect(try producer.join().get(), "the producer gave up waiting for the consumer")
        #expect(try pull.tryReceive() == nil, "more messages than were sent")
        #expect(received == Array(0..<count), "lost, duplicated or reordered by a cancelled receive")
        #expect(pull.statistics.messagesReceived == count)
        #expect(cancelled > 0)
        #expect(cancelledWhileParked > 0, "no cancellation hit a parked receive")
    }

    @Test func cancelledSendsQueueNothingWhileAThreadReceives() async throws {
        let attempts = Scale.count(normal: 20_000, stress: 200_000, sanitized: 10_000)
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "cancel-sends")

        // After every 8 messages the thread pauses until the sender has made 8 more attempts
        // or is parked (so that the queue of two fills up and sends park), or has finished.
        let attempted = Tally()
        let finished = Gate()
        let consumer = Peer { () throws -> [Int] in
            var numbers: [Int] = []
            while true {
                let message = try pull.receive()
                if message == "end" { return numbers }
                numbers.append(number(message))
                if numbers.count % 8 == 0 {
                    let mark = attempted.current + 8
                    _ = Self.spin { attempted.current >= mark || isParked(push) || finished.isOpened }
                }
            }
        }

        var sent: [Int] = []
        var cancelled: Set<Int> = []
        var cancelledWhileParked = 0
        for attempt in 0..<attempts {
            let sender = Task { try await push.send(numbered(attempt)) }
            if await Cancel(attempt: attempt).apply(to: sender, parkedOn: push) { cancelledWhileParked += 1 }
            switch await ending(of: sender) {
            case .value:
                sent.append(attempt)
            case .cancelled:
                cancelled.insert(attempt)
            case .failed(let error):
                Issue.record("send \(attempt) failed: \(error)")
            }
            attempted.add()
        }
        finished.open()
        try await push.send("end")

        let received = try consumer.join().get()
        #expect(received == sent, "a completed send's message was lost, or a cancelled one arrived")
        #expect(cancelled.isDisjoint(with: received))
        #expect(push.statistics.messagesSent == sent.count + 1)
        #expect(!cancelled.isEmpty)
        #expect(cancelledWhileParked > 0, "no cancellation hit a parked send")
    }

    @Test func bothEndsAsyncBothCancelledRepeatedly() async throws {
        let attempts = Scale.count(normal: 20_000, stress: 200_000, sanitized: 10_000)
        let test = TestContext()
        let (push, pull) = try tinyConnection(test, "cancel-both")

        // Each side offsets its cancellation pattern, so that the two cycles do not lock step.
        async let receiving = { () async throws -> (numbers: [Int], parkedCancels: Int) in
            var numbers: [Int] = []
            var parkedCancels = 0
            var attempt = 3
            while true {
                let receiver = Task { try await pull.receive() }
                if await Cancel(attempt: attempt).apply(to: receiver, parkedOn: pull) { parkedCancels += 1 }
                attempt += 1
                switch await ending(of: receiver) {
                case .value(let message):
                    if message == "end" { return (numbers, parkedCancels) }
                    numbers.append(number(message))
                case .cancelled:
                    continue
                case .failed(let error):
                    Issue.record("receive failed: \(error)")
                    return (numbers, parkedCancels)
                }
            }
        }()

        var sent: [Int] = []
        var cancelled: Set<Int> = []
        var parkedSendCancels = 0
        for attempt in 0..<attempts {
            let sender = Task { try await push.send(numbered(attempt)) }
            if await Cancel(attempt: attempt).apply(to: sender, parkedOn: push) { parkedSendCancels += 1 }
            switch await ending(of: sender) {
            case .value: sent.append(attempt)
            case .cancelled: cancelled.insert(attempt)
            case .failed(let error): Issue.record("send \(attempt) failed: \(error)")
            }
        }
        try await push.send("end")

        let (received, parkedReceiveCancels) = try await receiving
        #expect(received == sent, "a completed send's message was lost, or a cancelled one arrived")
        #expect(cancelled.isDisjoint(with: received))
        #expect(try pull.tryReceive() == nil)
        #expect(parkedSendCancels + parkedReceiveCancels > 0, "no cancellation hit a parked task")
    }
}
