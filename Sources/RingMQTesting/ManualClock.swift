import RingMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A clock whose time moves only when a test says so, for timeouts tested in microseconds.
///
/// Give it to a context, `Context(clock:)`, and every timeout of that context's
/// sockets (`sendTimeout`, `receiveTimeout`, `linger`, poller timeouts, async waits) is
/// measured on it. ``advance(by:)`` settles, before it returns, every wait whose deadline it
/// passes — blocked threads and suspended tasks alike: they throw `.timedOut` (a poll returns
/// no item) whatever arrives after `advance` returns, and take what arrived before — and leaves
/// the others waiting. ``waitForSleepers(_:timeout:)-24cxb`` lets a test know that the code under
/// test has reached its wait before it moves time.
///
/// ```swift
/// let clock = ManualClock()
/// let context = Context(clock: clock)
/// let pull = try context.socket(.pull)
/// pull.receiveTimeout = .seconds(30)
/// let worker = Thread { _ = try? pull.receive() }     // blocks: nothing arrives
/// clock.waitForSleepers(1)
/// clock.advance(by: .seconds(30))                      // the receive throws .timedOut now
/// ```
///
/// It is also an ordinary `Clock`: `sleep(until:)` suspends until time is advanced past it.
public final class ManualClock: Clock, Sendable {
    /// A point on a manual clock: the time advanced since the clock was made.
    public struct Instant: InstantProtocol, Sendable, Hashable, Comparable {
        /// Time since the clock was created.
        public let offset: Duration

        /// An instant `offset` after the clock's start.
        public init(offset: Duration) {
            self.offset = offset
        }

        /// The instant `duration` later.
        public func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        /// The time from this instant to `other`.
        public func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        /// Earlier instants are smaller.
        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }
    }

    private struct Sleeper {
        let deadline: Duration
        let isAsleep: @Sendable () -> Bool
        let wake: @Sendable () -> Void
    }

    private struct State {
        var now: Duration = .zero
        var nextToken = 0
        var sleepers: [Int: Sleeper] = [:]
    }

    private let state = Locked(State())

    /// How long, in real time, a RingMQ wait on this clock may last before it stops the process
    /// with a report naming the waiter; `nil` (the default): no limit.
    ///
    /// A timeout set as a safety net is virtual on a manual clock: in a test that stops
    /// advancing time it never fires, and the test hangs. With a safety limit, a blocked call
    /// or suspended task of a context on this clock that is still waiting after `safetyLimit`
    /// of real time (with or without a timeout of its own) traps with a message naming the
    /// call, its socket and endpoints, the clock's time and the wait's deadline.
    public let safetyLimit: Duration?

    /// A clock at offset zero, with no safety limit.
    public init() {
        safetyLimit = nil
    }

    /// A clock at offset zero whose waits stop the process with a report once they have lasted
    /// `safetyLimit` of real time (see ``safetyLimit``), so that a stuck test fails instead of
    /// hanging.
    ///
    /// ```swift
    /// let clock = ManualClock(safetyLimit: .seconds(30))
    /// ```
    ///
    /// - Precondition: `safetyLimit` is positive.
    public init(safetyLimit: Duration) {
        // fatalError keeps its message in optimised builds, where a precondition's is dropped.
        if safetyLimit <= .zero {
            fatalError("ManualClock(safetyLimit:) needs a positive duration, not \(safetyLimit)")
        }
        self.safetyLimit = safetyLimit
    }

    /// The current time.
    public var now: Instant {
        Instant(offset: state.withLock { $0.now })
    }

    /// The smallest step: a nanosecond.
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// How many callers are waiting on this clock now: RingMQ waits with a timeout (threads
    /// and tasks) that are asleep, not woken by anything since, and ``sleep(until:tolerance:)``
    /// calls. A waiter that is looking at its queues (it has just started waiting, or something
    /// woke it) is not counted until it sleeps again, so a test that has seen it counted knows
    /// that an ``advance(by:)`` past its deadline times it out at once.
    public var sleepers: Int {
        state.withLock { state in state.sleepers.values.count { $0.isAsleep() } }
    }

    /// Moves time forward by `duration` and settles, before returning, every wait whose
    /// deadline is now reached or passed: a waiter asleep times out, whatever arrives later; a
    /// waiter that something woke before the deadline first takes what arrived (for a blocked
    /// thread, and for a task when `advance` is called outside Swift's cooperative pool,
    /// `advance` waits until it has looked, which takes microseconds; a task woken while
    /// `advance` runs in a task looks when it next runs).
    ///
    /// - Precondition: `duration` is not negative (time never goes back).
    public func advance(by duration: Duration) {
        if duration < .zero { fatalError("ManualClock.advance(by:) needs a duration of zero or more, not \(duration)") }
        advance(to: now.advanced(by: duration))
    }

    /// Moves time forward to `instant` (nothing happens if it is not later than now) and
    /// settles every wait whose deadline is reached, as ``advance(by:)`` does.
    public func advance(to instant: Instant) {
        let due: [Sleeper] = state.withLock { state in
            guard instant.offset > state.now else { return [] }
            state.now = instant.offset
            let due = state.sleepers.filter { $0.value.deadline <= state.now }
            for token in due.keys { state.sleepers[token] = nil }
            // Equal deadlines wake in registration order, the same every run.
            return due.sorted { ($0.value.deadline, $0.key) < ($1.value.deadline, $1.key) }.map(\.value)
        }
        for sleeper in due { sleeper.wake() }
    }

    /// Waits (in real time, at most `timeout`) until at least `count` callers wait on this
    /// clock: then the code under test has reached its wait, and an ``advance(by:)`` will
    /// reach it. Returns `false` if `timeout` passed first.
    @discardableResult
    public func waitForSleepers(_ count: Int, timeout: Duration = .seconds(10)) -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: timeout)
        while sleepers < count {
            if clock.now >= end { return false }
            sched_yield()
        }
        return true
    }

    /// The async form of ``waitForSleepers(_:timeout:)``, which yields its task between looks.
    @discardableResult
    public func waitForSleepers(_ count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: timeout)
        while sleepers < count {
            if clock.now >= end { return false }
            await Task.yield()
        }
        return true
    }

    /// Suspends until the clock is advanced to `deadline` or past it.
    ///
    /// - Throws: `CancellationError` if the task is cancelled first.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let gate = SleepGate()
        let token = schedule(at: deadline.offset, isAsleep: { true }) { gate.open() }
        if token == nil { gate.open() }
        await withTaskCancellationHandler {
            await gate.wait()
        } onCancel: {
            gate.open()
        }
        if let token { cancel(token) }
        try Task.checkCancellation()
    }
}

extension ManualClock: DeadlineScheduler {
    package var elapsed: Duration { state.withLock { $0.now } }

    package func schedule(
        at deadline: Duration, isAsleep: @escaping @Sendable () -> Bool,
        wake: @escaping @Sendable () -> Void
    ) -> Int? {
        state.withLock { state in
            guard deadline > state.now else { return nil }
            let token = state.nextToken
            state.nextToken += 1
            state.sleepers[token] = Sleeper(deadline: deadline, isAsleep: isAsleep, wake: wake)
            return token
        }
    }

    package func cancel(_ token: Int) {
        state.withLock { _ = $0.sleepers.removeValue(forKey: token) }
    }
}

/// A one-shot gate a sleeping task waits at.
private final class SleepGate: Sendable {
    private struct State {
        var isOpen = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Locked(State())

    func open() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            state.isOpen = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.isOpen { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
