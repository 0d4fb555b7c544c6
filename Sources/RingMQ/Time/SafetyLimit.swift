import CRingMQShims

/// A real-time bound on one wait on a clock that only a test moves (a ``DeadlineScheduler``
/// with a `safetyLimit`): past it the test is stuck, and the waiter stops the process with a
/// report naming itself instead of hanging until CI's time runs out.
///
/// Why in the waiter: a timeout meant as a safety net is virtual on such a clock, so it never
/// fires in a test that has stopped advancing time; and the waiter is the one that can say
/// which call, on which socket and endpoints, is stuck.
struct SafetyLimit {
    private let limit: Duration
    private let start: Int64
    private let deadline: Deadline
    private let scheduler: any DeadlineScheduler

    /// `nil` unless `deadline` is on a clock with a safety limit.
    init?(_ deadline: Deadline) {
        guard let scheduler = deadline.scheduler, let limit = scheduler.safetyLimit else { return nil }
        self.limit = limit
        self.deadline = deadline
        self.scheduler = scheduler
        start = ringmq_monotonic_ns()
    }

    /// Real time left before the report.
    var remaining: Duration {
        limit - .nanoseconds(ringmq_monotonic_ns() &- start)
    }

    /// How long a thread may sleep: `sleepLimit`, cut to the real time left.
    func cut(_ sleepLimit: Duration?) -> Duration? {
        let left = max(remaining, .zero)
        return sleepLimit.map { min($0, left) } ?? left
    }

    /// Wakes a suspended task on `signal` when the limit passes (threads bound their sleep
    /// with ``cut(_:)`` instead).
    func arm(waking signal: Signal) -> Alarm {
        let left = max(remaining, .zero)
        return .task(
            Task {
                // Cancelled (the wait ended): no notify, which would wake the socket's next wait.
                guard (try? await Task.sleep(for: left)) != nil else { return }
                signal.notify()
            })
    }

    /// Stops the process with a report when the limit has passed; `waiter` names the call and
    /// its socket.
    func check(_ waiter: @autoclosure () -> String) {
        guard remaining <= .zero else { return }
        let virtualTime = "the clock reads \(scheduler.elapsed)"
        let due = deadline.virtualDeadline.map { "its deadline is \($0) on the clock" } ?? "it has no timeout"
        fatalError(
            "RingMQ: \(waiter()) has waited \(limit) of real time on a ManualClock (its safetyLimit): "
                + "\(virtualTime), \(due), and nothing it waits for has happened. The test is stuck: "
                + "advance the clock past the deadline, send what the call waits for, or terminate the context.")
    }
}
