import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One wait with a deadline on a clock that decides (a ``DeadlineScheduler``: the manual clock
/// of tests), so that the outcome is settled when the clock passes the deadline, not later.
///
/// Why: moving a manual clock wakes a due waiter, but the waiter runs afterwards. Had it only
/// been woken, a message sent right after `advance(by:)` returned could still reach it before
/// it looked at the clock, and the same test would see a reply one run and `.timedOut` the next.
/// Here the clock's call settles it before `advance` returns:
/// - a waiter asleep, not woken by anything since it went to sleep, is *expired*: when it runs it
///   times out without looking at its queues, whatever has arrived meanwhile;
/// - a waiter awake (looking at its queues) is let finish its look: the clock waits until it
///   has taken what was there or timed out (it is running, so this is short);
/// - a waiter asleep but already woken by something that happened before the deadline (a
///   message, a command) looks once more, then times out if that finds nothing. A thread is
///   waited for (the kernel runs it soon). A task is waited for only when the clock is moved
///   from outside Swift's cooperative pool: moved from a task, the clock may be holding the
///   pool thread the woken task needs, so it lets the task look when it runs.
///
/// Tests see a waiter as a sleeper (``DeadlineScheduler/schedule(at:isAsleep:wake:)``) only
/// while it is asleep and not woken, so the usual "wait for the sleeper, advance, send the late
/// reply" always finds it expired.
///
/// The waiter's phase is one atomic byte; the clock and the waiter move it with
/// compare-and-exchange, so each transition happens once, whoever comes first.
final class ClockDecision: Sendable {
    private enum Phase: UInt8 {
        /// Being registered with the clock (running, like ``awake``).
        case registering
        /// Looking at its queues, or about to sleep.
        case awake
        /// Asleep on its signal since the word held `sleepKey`.
        case asleep
        /// The clock passed the deadline while the waiter was awake: it finishes its check,
        /// then times out if that found nothing; the clock waits for it.
        case awakePastDeadline
        /// The clock passed the deadline while the waiter slept: it times out.
        case expired
        /// The wait is over.
        case finished
    }

    private let phase = Atomic<UInt8>(Phase.registering.rawValue)
    private let sleepKey = Atomic<UInt32>(0)
    private let token = Atomic<Int>(-1)
    private let signal: Signal
    private let scheduler: any DeadlineScheduler
    private let waiterIsTask: Bool

    /// How long the clock waits for a woken waiter to run before it expires it anyway: never
    /// hang `advance`, even on a machine so loaded that a runnable thread waits seconds.
    private static let patience = Duration.seconds(10)

    /// Registers a wait on `signal` that `scheduler` settles at `deadline` (on its time line);
    /// `waiterIsTask`: the waiter is a suspended task, not a blocked thread.
    init(signal: Signal, scheduler: any DeadlineScheduler, deadline: Duration, waiterIsTask: Bool) {
        self.signal = signal
        self.scheduler = scheduler
        self.waiterIsTask = waiterIsTask
        let scheduled = scheduler.schedule(
            at: deadline, isAsleep: { [self] in isAsleepAndUnwoken }, wake: { [self] in settle() })
        guard let token = scheduled else {
            // Due already: the waiter times out at its next look at the clock.
            phase.store(Phase.awakePastDeadline.rawValue, ordering: .relaxed)
            return
        }
        self.token.store(token, ordering: .relaxed)
        // Awake now, unless the clock's call came (from another thread) during the registration.
        _ = phase.compareExchange(
            expected: Phase.registering.rawValue, desired: Phase.awake.rawValue,
            ordering: .acquiringAndReleasing)
    }

    /// The waiter is about to sleep on its signal, registered with `key`. `false`: the clock has
    /// passed the deadline meanwhile, so the waiter must time out instead.
    func sleep(key: UInt32) -> Bool {
        sleepKey.store(key, ordering: .relaxed)
        return phase.compareExchange(
            expected: Phase.awake.rawValue, desired: Phase.asleep.rawValue,
            ordering: .acquiringAndReleasing
        ).exchanged
    }

    /// The waiter has woken (or its sleep was cut short). `false`: the clock expired it while it
    /// slept, so it times out whatever is queued now.
    func wake() -> Bool {
        let (exchanged, current) = phase.compareExchange(
            expected: Phase.asleep.rawValue, desired: Phase.awake.rawValue, ordering: .acquiringAndReleasing)
        return exchanged || current != Phase.expired.rawValue
    }

    /// The wait is over (returned, timed out or threw); the clock forgets it.
    func finish() {
        phase.store(Phase.finished.rawValue, ordering: .releasing)
        let token = token.load(ordering: .relaxed)
        if token >= 0 { scheduler.cancel(token) }
    }

    /// The clock's call, once its time has reached the deadline.
    private func settle() {
        let clock = ContinuousClock()
        let giveUp = clock.now.advanced(by: Self.patience)
        while true {
            let current = phase.load(ordering: .acquiring)
            switch Phase(rawValue: current)! {
            case .registering, .awake:
                // Running: let it finish its look at the queues, which ends the wait.
                if transition(from: Phase(rawValue: current)!, to: .awakePastDeadline) {
                    awaitFinished(giveUp: giveUp, on: clock)
                    return
                }
            case .asleep:
                if !wokenSinceSleep || clock.now >= giveUp {
                    if transition(from: .asleep, to: .expired) {
                        signal.notify()
                        return
                    }
                } else if waiterIsTask && BlockingCallCheck.isInTask {
                    // Woken before the deadline, but its pool thread may be ours: it looks once
                    // when it runs, then times out.
                    if transition(from: .asleep, to: .awakePastDeadline) { return }
                } else {
                    // Woken by something that came before the deadline: let it look first.
                    sched_yield()
                }
            case .awakePastDeadline, .expired, .finished:
                return
            }
        }
    }

    /// Whether the waiter is asleep and nothing has woken it: what a test counts as a sleeper.
    private var isAsleepAndUnwoken: Bool {
        phase.load(ordering: .acquiring) == Phase.asleep.rawValue && !wokenSinceSleep
    }

    /// Whether the signal was notified since the waiter went to sleep: its epoch moved.
    private var wokenSinceSleep: Bool {
        let key = sleepKey.load(ordering: .relaxed)
        let now = signal.word.pointee.load(ordering: .sequentiallyConsistent)
        return now & ~Signal.waiterMask != key & ~Signal.waiterMask
    }

    private func transition(from old: Phase, to new: Phase) -> Bool {
        phase.compareExchange(expected: old.rawValue, desired: new.rawValue, ordering: .acquiringAndReleasing).exchanged
    }

    /// Waits for a waiter that is running to finish its look (short: it is in the middle of
    /// non-blocking checks); bounded all the same, so that `advance` never hangs.
    private func awaitFinished(giveUp: ContinuousClock.Instant, on clock: ContinuousClock) {
        while phase.load(ordering: .acquiring) != Phase.finished.rawValue, clock.now < giveUp { sched_yield() }
    }
}
