import RingMQ
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `Context(clock:)` with clocks other than ``ManualClock``: any `Clock` whose duration is
/// `Duration` works; an async wait's timer task sleeps on it, a blocked thread reads it at
/// least every 10 ms.
///
/// - real-time clocks that are not `ContinuousClock` (`SuspendingClock`, and a clock of the
///   test's own whose instants are far from the continuous clock's) time out after the timeout,
///   and not before, in blocking and async waits and polls;
/// - a user's own virtual clock (a `TestClock` in the style of swift-clocks, which only knows
///   `now` and `sleep(until:)`) decides timeouts too: the wait ends once the clock has been
///   advanced past its deadline, and not after 29 of 30 seconds; a wait that ends otherwise
///   cancels its timer's sleep.
@Suite(.runsAlone) struct InjectedClockTests {
    // MARK: - Real-time clocks

    @Test func aClockOfTheTestsOwnTimesOutAfterAShortTimeout() async throws {
        let context = Context(clock: OffsetClock(offset: .seconds(86_400 * 1000)))
        defer { context.terminate() }
        try await expectShortTimeouts(in: context)
        try await expectShortAsyncTimeouts(in: context)
    }

    @Test func theSuspendingClockTimesOutAfterAShortTimeout() async throws {
        let context = Context(clock: SuspendingClock())
        defer { context.terminate() }
        try await expectShortTimeouts(in: context)
        try await expectShortAsyncTimeouts(in: context)
    }

    @Test func theContinuousClockGivenExplicitlyIsTheDefault() async throws {
        let context = Context(clock: ContinuousClock())
        defer { context.terminate() }
        try await expectShortTimeouts(in: context)
        try await expectShortAsyncTimeouts(in: context)
    }

    @Test func aMessageBeforeTheDeadlineWinsOnAnotherClock() throws {
        let context = Context(clock: OffsetClock(offset: .seconds(-86_400)))
        defer { context.terminate() }
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .seconds(20)
        try pull.bind("inproc://clock-wins")
        let push = try context.socket(.push)
        try push.connect("inproc://clock-wins")

        let start = ContinuousClock.now
        let receiving = Peer { try pull.receive() }
        receiving.waitUntilBlocked()
        try push.send("before the deadline")
        #expect(try receiving.join().get() == "before the deadline")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    private static let shortTimeout = Duration.milliseconds(30)

    /// A blocking receive, a blocking send with no room and a blocking poll, each on a thread
    /// of its own, each timing out after ``shortTimeout`` and not before. The test awaits them
    /// without blocking a thread of the cooperative pool: the timers of those waits run there.
    private func expectShortTimeouts(in context: Context) async throws {
        let pull = try context.socket(.pull)
        pull.receiveTimeout = Self.shortTimeout
        let push = try context.socket(.push)
        push.sendTimeout = Self.shortTimeout
        let polled = try context.socket(.pull)
        var poller = Poller()
        poller.register(polled, for: .readable)

        let start = ContinuousClock.now
        let receiving = Peer {
            try timed {
                _ = try pull.receive()
                return ()
            }
        }
        let sending = Peer {
            try timed {
                try push.send("no peer")
                return ()
            }
        }
        let polling = Peer { [poller] in try timed { try poller.poll(timeout: Self.shortTimeout).isEmpty ? nil : () } }
        for peer in [receiving, sending, polling] {
            #expect(await waitUntilFinished(peer))
            switch peer.join() {
            case .success(let elapsed): #expect(elapsed >= Self.shortTimeout, "ended after \(elapsed)")
            case .failure(let error): Issue.record("expected a timeout, got \(error)")
            }
        }
        #expect(ContinuousClock.now - start < RealTimeBudget.limit)
    }

    /// The async forms of ``expectShortTimeouts(in:)``.
    private func expectShortAsyncTimeouts(in context: Context) async throws {
        let pull = try context.socket(.pull)
        pull.receiveTimeout = Self.shortTimeout
        let push = try context.socket(.push)
        push.sendTimeout = Self.shortTimeout
        var poller = Poller()
        poller.register(pull, for: .readable)

        let start = ContinuousClock.now
        await expectAsyncTimesOut(after: Self.shortTimeout) { try await pull.receive() }
        await expectAsyncTimesOut(after: Self.shortTimeout) { try await push.send("no peer") }
        let pollStart = ContinuousClock.now
        #expect(try await poller.poll(timeout: Self.shortTimeout).isEmpty)
        #expect(ContinuousClock.now - pollStart >= Self.shortTimeout)
        #expect(ContinuousClock.now - start < RealTimeBudget.limit)
    }

    /// A blocking wait with a timeout on a clock that is neither `ContinuousClock` nor a manual
    /// clock must not depend on a timer *task*: made on threads of the cooperative pool (a
    /// blocking call in a sync Swift Testing test, or in a task), enough of them fill the pool
    /// and such a task would never run. Here one more blocking receive than the pool has
    /// threads, each with a 30 ms timeout on `SuspendingClock`: a watchdog thread gives them
    /// 300 ms (ten times the timeout), then terminates the context so that a regression fails
    /// instead of hanging (and frees the pool for the other tests at once).
    @Test func blockingTimeoutsOnAnotherClockDoNotNeedAFreeCooperativeThread() async throws {
        let context = Context(clock: SuspendingClock())
        defer { context.terminate() }
        let width = cooperativePoolWidth() + 1
        let pulls = try (0..<width).map { _ in
            let pull = try context.socket(.pull)
            pull.receiveTimeout = Self.shortTimeout
            return pull
        }
        let started = Counter()
        let ended = Counter()
        let blocked = pulls.map { pull in
            Task.detached { () -> Result<Message, RingMQError> in
                started.increment()
                defer { ended.increment() }
                // Blocking a pool thread on purpose: that is what this test is about.
                return withBlockingCallsAllowed { Result { try pull.receive() } }
                    .mapError { $0 as? RingMQError ?? .invalidState("\($0)") }
            }
        }
        let watchdog = Peer { () -> Bool in
            // Other suites share the pool: the 300 ms count from when the last receive began.
            let startLimit = ContinuousClock.now.advanced(by: .seconds(20))
            while started.current < width, ContinuousClock.now < startLimit { yieldThread() }
            let limit = ContinuousClock.now.advanced(by: .milliseconds(300))
            while ended.current < width, ContinuousClock.now < limit { yieldThread() }
            let allEnded = ended.current == width
            if !allEnded { context.terminate() }  // unblocks the pool: the test fails, not hangs
            return allEnded
        }
        #expect(await waitUntilFinished(watchdog))
        #expect(
            try watchdog.join().get(),
            """
            blocking receives with a 30 ms timeout on SuspendingClock, made on every thread of the \
            cooperative pool, were still blocked after 300 ms
            """)
        var outcomes: [Result<Message, RingMQError>] = []
        for task in blocked { outcomes.append(await task.value) }
        #expect(outcomes.allSatisfy { $0 == .failure(.timedOut) }, "\(outcomes)")
    }

    // MARK: - A user's own virtual clock

    /// Blocking waiter: no timer task sleeps on the clock; the blocked thread reads it again at
    /// least every 10 ms. The clock counts its readings, so the test knows without sleeping
    /// that the thread has seen 29 s pass and kept waiting.
    @Test func aBlockingReceiveTimesOutOnAUsersOwnVirtualClock() async throws {
        let clock = StepClock()
        let context = Context(clock: clock)
        defer { context.terminate() }
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .seconds(30)

        let start = ContinuousClock.now
        let receiving = Peer { try pull.receive() }
        receiving.waitUntilBlocked()
        #expect(clock.sleepers == 0, "a blocked thread needs no task sleeping on the clock")
        clock.advance(by: .seconds(29))
        // Each round of the wait reads the clock twice (has it passed? how long to sleep?):
        // three readings after the advance include a whole round that saw 29 s and went on.
        let seen = clock.readings
        #expect(await clock.waitForReadings(seen + 3))
        #expect(!receiving.isFinished)
        clock.advance(by: .seconds(1))
        #expect(await waitUntilFinished(receiving))
        #expect(throws: RingMQError.timedOut) { try receiving.join().get() }
        #expect(ContinuousClock.now - start < RealTimeBudget.limit)
    }

    @Test func anAsyncReceiveAndPollTimeOutOnAUsersOwnVirtualClock() async throws {
        let clock = StepClock()
        let context = Context(clock: clock)
        defer { context.terminate() }
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        var poller = Poller()
        poller.register(pull, for: .readable)

        let start = ContinuousClock.now
        let receiving = TrackedTask { try await pull.receive() }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(29))
        #expect(await waitUntilParked(pull))
        #expect(!receiving.isFinished)
        clock.advance(by: .seconds(1))
        await #expect(throws: RingMQError.timedOut) { try await receiving.value() }

        let polling = TrackedTask { [poller] in try await poller.poll(timeout: .seconds(30)).count }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(29))
        #expect(!polling.isFinished)
        clock.advance(by: .seconds(1))
        #expect(try await polling.value() == 0)
        #expect(ContinuousClock.now - start < RealTimeBudget.limit)
    }

    /// A wait that a message ends leaves nothing sleeping on the clock (an async wait cancels
    /// its timer task).
    @Test func aWaitEndedByAMessageCancelsItsTimer() async throws {
        let clock = StepClock()
        let context = Context(clock: clock)
        defer { context.terminate() }
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        try pull.bind("inproc://step-clock-wins")
        let push = try context.socket(.push)
        try push.connect("inproc://step-clock-wins")

        let receiving = Peer { try pull.receive() }
        receiving.waitUntilBlocked()
        try await push.send("in time")
        #expect(await waitUntilFinished(receiving))
        #expect(try receiving.join().get() == "in time")
        #expect(clock.sleepers == 0)

        let asyncReceiving = TrackedTask { try await pull.receive() }
        #expect(await clock.waitForSleepers(1))
        try await push.send("in time again")
        #expect(try await asyncReceiving.value() == "in time again")
        #expect(await clock.waitForSleepers(0, orFewer: true))
    }
}

/// Runs `body`, which must end with `.timedOut` (or return `nil`, for a poll that found nothing
/// ready), and returns the real time it took.
private func timed(_ body: () throws -> Void?) throws -> Duration {
    let start = ContinuousClock.now
    do {
        if try body() == nil { return ContinuousClock.now - start }
    } catch RingMQError.timedOut {
        return ContinuousClock.now - start
    }
    throw RingMQError.invalidState("did not time out")
}

/// The number of threads of the cooperative pool: one per processor.
func cooperativePoolWidth() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

// MARK: - Clocks of the tests' own

/// A real-time clock whose instants are the continuous clock's shifted by `offset`: not
/// `ContinuousClock`, so RingMQ reads it (threads) or sleeps on it (tasks).
struct OffsetClock: Clock {
    typealias Instant = ContinuousClock.Instant
    let offset: Duration

    var now: Instant { ContinuousClock.now.advanced(by: offset) }
    var minimumResolution: Duration { ContinuousClock().minimumResolution }

    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await ContinuousClock().sleep(until: deadline.advanced(by: .zero - offset), tolerance: tolerance)
    }
}

/// A virtual clock of the kind users write or import (swift-clocks' `TestClock`): it knows only
/// `now`, `sleep(until:)` (which suspends until `advance` reaches the deadline, or the task is
/// cancelled) and `advance(by:)`. It is no `DeadlineScheduler`, so RingMQ treats it as any
/// clock: an async wait's timer task sleeps on it, a blocked thread reads it.
final class StepClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let deadline: Duration
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var nextID = 0
        var sleepers: [Int: Sleeper] = [:]
        var cancelledEarly: Set<Int> = []
        var readings = 0
    }

    private let state = Locked(State())

    var now: Instant {
        Instant(
            offset: state.withLock { state in
                state.readings += 1
                return state.now
            })
    }

    /// How many times `now` has been read.
    var readings: Int { state.withLock { $0.readings } }

    /// Waits in real time (at most 10 s), yielding its task, until `now` has been read `count`
    /// times in all.
    func waitForReadings(_ count: Int) async -> Bool {
        let limit = ContinuousClock.now.advanced(by: .seconds(10))
        while readings < count {
            if ContinuousClock.now >= limit { return false }
            await Task.yield()
        }
        return true
    }
    var minimumResolution: Duration { .nanoseconds(1) }

    /// Tasks sleeping on the clock now.
    var sleepers: Int { state.withLock { $0.sleepers.count } }

    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelledEarly.remove(id) != nil { return .failure(CancellationError()) }
                    if deadline.offset <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline.offset, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelledEarly.insert(id)
                    return Sleeper?.none
                }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and resumes the sleepers it reaches (they run later, on their tasks).
    func advance(by duration: Duration) {
        let due = state.withLock { state in
            state.now += duration
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.map(\.value.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    /// Waits in real time (at most 10 s) until `count` tasks sleep on the clock (with
    /// `orFewer`: at most `count`).
    func waitForSleepers(_ count: Int, orFewer: Bool = false) -> Bool {
        let limit = ContinuousClock.now.advanced(by: .seconds(10))
        while orFewer ? sleepers > count : sleepers < count {
            if ContinuousClock.now >= limit { return false }
            yieldThread()
        }
        return true
    }

    /// The async form of ``waitForSleepers(_:orFewer:)``, which yields its task between looks
    /// (the timer tasks it waits for run on the same cooperative pool).
    func waitForSleepers(_ count: Int, orFewer: Bool = false) async -> Bool {
        let limit = ContinuousClock.now.advanced(by: .seconds(10))
        while orFewer ? sleepers > count : sleepers < count {
            if ContinuousClock.now >= limit { return false }
            await Task.yield()
        }
        return true
    }
}
