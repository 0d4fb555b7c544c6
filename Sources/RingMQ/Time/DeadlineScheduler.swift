/// A clock that wakes RingMQ's waiters itself when its time moves (a manual clock in tests):
/// what ``Context/init(clock:)`` looks for to measure timeouts on virtual time.
///
/// RingMQ registers each wait with a timeout when it starts waiting (`schedule`) and removes it
/// when the wait ends (`cancel`). When the clock's time reaches or passes a registered deadline,
/// it calls that wait's `wake` before the call that moved the time returns.
package protocol DeadlineScheduler: AnyObject, Sendable {
    /// The time elapsed on this clock since it was created.
    var elapsed: Duration { get }
    /// Calls `wake` once `elapsed` reaches `deadline`, from the call that moves the time there.
    /// Returns a token for ``cancel(_:)``; `nil`, without calling `wake`, when `elapsed` has
    /// reached `deadline` already (the caller handles that itself, on its own thread).
    /// `isAsleep` says whether the waiter is asleep now, for counting sleepers: a waiter
    /// between two looks at its queues is not waiting on the clock yet.
    func schedule(
        at deadline: Duration, isAsleep: @escaping @Sendable () -> Bool,
        wake: @escaping @Sendable () -> Void
    ) -> Int?
    /// Forgets a registration; `wake` will not be called after this returns.
    func cancel(_ token: Int)
    /// How long, in real time, a wait on this clock may last before it reports itself stuck
    /// (see ``SafetyLimit``); `nil`: as long as it takes.
    var safetyLimit: Duration? { get }
}

/// Where a context's timeouts are measured: the monotonic clock (the default and fast path),
/// a ``DeadlineScheduler`` (virtual time that wakes waiters itself), or any other `Clock`, on
/// which a timer task sleeps for each timed wait.
final class TimeSource: Sendable {
    enum Kind: Sendable {
        case scheduler(any DeadlineScheduler)
        case clock(now: @Sendable () -> Duration, sleep: @Sendable (Duration) async throws -> Void)
    }

    let kind: Kind

    init(_ kind: Kind) {
        self.kind = kind
    }

    /// Time on this source since the context was created.
    var now: Duration {
        switch kind {
        case .scheduler(let scheduler): scheduler.elapsed
        case .clock(let now, _): now()
        }
    }
}
