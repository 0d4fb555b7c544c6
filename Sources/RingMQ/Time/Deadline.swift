import CRingMQShims

/// When a wait ends: the single place that turns a timeout option into "how long may I still
/// sleep", on the context's clock, so that every blocking call agrees on it.
///
/// On the default clock a deadline is monotonic nanoseconds (a fixed-layout value, nothing to
/// keep alive); on an injected clock it is an offset on that clock's ``TimeSource``.
struct Deadline {
    /// `nil`: wait forever.
    private let nanoseconds: Int64?
    /// `nil`: the monotonic clock.
    private let source: TimeSource?

    /// A deadline `timeout` from now on `source` (`nil`: the monotonic clock); `nil` waits
    /// forever.
    init(timeout: Duration?, on source: TimeSource? = nil) {
        self.source = source
        nanoseconds = timeout.map { timeout in
            let now = source.map { $0.now.nanosecondsClamped } ?? ringmq_monotonic_ns()
            // A timeout beyond the clock's range means "never": cap instead of wrapping.
            let (sum, overflow) = now.addingReportingOverflow(timeout.nanosecondsClamped)
            return overflow ? .max : sum
        }
    }

    private var now: Int64 {
        source.map { $0.now.nanosecondsClamped } ?? ringmq_monotonic_ns()
    }

    /// The time left, `nil` for no limit; zero or negative once the deadline has passed.
    var remaining: Duration? {
        nanoseconds.map { .nanoseconds($0 &- now) }
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool {
        guard let nanoseconds else { return false }
        return now >= nanoseconds
    }

    /// How long a futex sleep may last: the time left on the monotonic clock; `nil` (until
    /// woken) on a ``DeadlineScheduler``, which wakes the waiter when its time passes the
    /// deadline (``decision(waking:forTask:)``);
    /// on any other clock at most ``clockPollInterval``, after which the waiter reads the clock
    /// again.
    var sleepLimit: Duration? {
        switch source?.kind {
        case nil: remaining
        case .scheduler: nil
        case .clock: remaining.map { min(max($0, .zero), Self.clockPollInterval) }
        }
    }

    /// How often a blocked thread reads a clock that cannot wake it. A thread cannot await the
    /// clock's `sleep` without a free thread of the cooperative pool, which blocked callers may
    /// be holding, so it reads the clock instead: late by at most this much, never stuck.
    static let clockPollInterval = Duration.milliseconds(10)

    /// Makes sure whoever sleeps on `signal` is woken when the deadline passes: a timer task
    /// for an async wait (`forTask`) on the monotonic clock or any other clock, a registration
    /// with a ``DeadlineScheduler`` for any waiter; nothing for a thread on a clock, whose
    /// sleep is bounded by ``sleepLimit`` instead. Call it after registering as a waiter and
    /// before the last check of ``hasPassed``; cancel the alarm when the wait ends.
    func arm(waking signal: Signal, forTask: Bool = false) -> Alarm? {
        guard let nanoseconds else { return nil }
        switch source?.kind {
        case nil:
            guard forTask, let remaining else { return nil }
            return .task(
                Task {
                    // Cancelled (the wait ended): no notify, which would wake the socket's next wait.
                    guard (try? await Task.sleep(for: max(remaining, .zero))) != nil else { return }
                    signal.notify()
                })
        case .scheduler(let scheduler):
            let scheduled = scheduler.schedule(
                at: .nanoseconds(nanoseconds), isAsleep: { true }, wake: { signal.notify() })
            guard let token = scheduled else {
                signal.notify()
                return nil
            }
            return .scheduled(scheduler, token)
        case .clock(_, let sleep):
            guard forTask else { return nil }
            return .task(
                Task {
                    guard (try? await sleep(.nanoseconds(nanoseconds))) != nil else { return }
                    signal.notify()
                })
        }
    }

    /// The clock that decides, when the deadline is on one.
    var scheduler: (any DeadlineScheduler)? {
        guard case .scheduler(let scheduler)? = source?.kind else { return nil }
        return scheduler
    }

    /// The deadline on its clock's time line (`nil`: none), for reports.
    var virtualDeadline: Duration? {
        source == nil ? nil : nanoseconds.map { .nanoseconds($0) }
    }

    /// The decision of a wait on `signal`, when this deadline is on a clock that decides (the
    /// manual clock); `nil` otherwise (use ``arm(waking:forTask:)``) or when it never passes.
    /// `forTask`: the waiter is a suspended task.
    func decision(waking signal: Signal, forTask: Bool = false) -> ClockDecision? {
        guard case .scheduler(let scheduler)? = source?.kind, let nanoseconds else { return nil }
        return ClockDecision(
            signal: signal, scheduler: scheduler, deadline: .nanoseconds(nanoseconds),
            waiterIsTask: forTask)
    }
}

/// A pending wake-up at a deadline; see ``Deadline/arm(waking:forTask:)``.
enum Alarm {
    case task(Task<Void, Never>)
    case scheduled(any DeadlineScheduler, Int)

    func cancel() {
        switch self {
        case .task(let task): task.cancel()
        case .scheduled(let scheduler, let token): scheduler.cancel(token)
        }
    }
}
