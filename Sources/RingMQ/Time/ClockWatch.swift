/// What one wait needs from its clock once it is about to sleep, in one place for the three
/// waiting loops (``Waiter`` for threads, the async send and receive, the async poll): the
/// deadline's wake-up, and on a manual clock its ``ClockDecision`` and ``SafetyLimit``.
///
/// Made only after the wait's spin: most waits of a stream end in the spin, and the decision,
/// the safety limit and the blocking-call check together cost about 750 instructions
/// (callgrind), a tenth of a message's budget. Call ``finish()`` when the wait ends.
struct ClockWatch {
    let deadline: Deadline
    private let decision: ClockDecision?
    private let safety: SafetyLimit?
    /// The scheduler of a controlled run, which the waiter blocks or parks through.
    let controller: (any ScheduleController)?

    /// A watch of `deadline` for a wait on `signal`; `forTask`: the waiter is a suspended task.
    init(_ deadline: Deadline, signal: Signal, forTask: Bool) {
        self.deadline = deadline
        decision = deadline.decision(waking: signal, forTask: forTask)
        safety = SafetyLimit(deadline)
        controller = deadline.scheduler as? any ScheduleController
    }

    /// Makes sure the waiter on `signal` is woken at the deadline: on a manual clock the
    /// decision does it; otherwise ``Deadline/arm(waking:forTask:)``. Call after registering
    /// as a waiter and before the last look at the clock; cancel the alarm when the wait ends.
    func arm(waking signal: Signal, forTask: Bool) -> Alarm? {
        decision == nil ? deadline.arm(waking: signal, forTask: forTask) : nil
    }

    /// The waiter is about to sleep, registered with `key`. `false`: the clock has passed the
    /// deadline meanwhile, so the waiter must time out instead.
    func sleep(key: UInt32) -> Bool {
        decision?.sleep(key: key) ?? true
    }

    /// Whether the clock takes part in the waiter's sleep (then ``wake()`` must follow it).
    var decides: Bool { decision != nil }

    /// The waiter has woken. `false`: the clock expired it while it slept, so it times out
    /// whatever has arrived since.
    func wake() -> Bool {
        decision?.wake() ?? true
    }

    /// How long a thread may sleep: the deadline's limit, cut to the safety limit's time left.
    var sleepLimit: Duration? {
        safety?.cut(deadline.sleepLimit) ?? deadline.sleepLimit
    }

    /// Wakes a suspended task on `signal` when the safety limit passes.
    func armSafetyLimit(waking signal: Signal) -> Alarm? {
        safety?.arm(waking: signal)
    }

    /// Stops the process with a report naming `waiter` once the safety limit has passed.
    func checkSafetyLimit(_ waiter: @autoclosure () -> String) {
        safety?.check(waiter())
    }

    /// The wait is over: the clock forgets it.
    func finish() {
        decision?.finish()
    }
}
