/// The one blocking wait: how a thread sleeps until what it waits for can have happened,
/// whatever it waits on (one socket's signal for a send or a receive; several for a poller or
/// the proxy). Tasks park instead (``ParkedTask``), with the same handshake.
///
/// The handshake, in the order that loses no wake-up: register on the signals, then re-check
/// (`hasNews`, then `attempt`), then sleep only if nothing changed. A waker publishes its
/// change before it looks for waiters (``Signal``), so either the re-check sees the change or
/// the waker sees the registration and makes the sleep return. The clock's alarm is armed
/// before the last look at the deadline, so a clock moved after that look wakes the sleeper.
enum Waiter {
    /// Retries `attempt` until it yields a value (returned), the deadline passes (`nil`), or
    /// it throws; spins per `spin` first, then sleeps on `signal`, woken by `others` too.
    ///
    /// - Parameters:
    ///   - hasNews: whether something was posted that `attempt` must apply before the waiter
    ///     decides (a socket's pending commands, a terminated context): checked once registered,
    ///     and then the loop goes round instead of sleeping.
    ///   - call: the call that waits ("receive() on a PULL socket"), for the blocking-call check.
    ///   - waiter: the wait with its endpoints, for the safety limit's report.
    ///   - blocked: the wait and what it waits for, for a controlled run's deadlock report.
    ///   - controlled: whether the wait is in a controlled run (asked before the spin, which
    ///     such a run skips: a participant spinning holds the only turn to run).
    @inline(__always)
    static func wait<Value>(
        on signal: @autoclosure () -> Signal, also others: [Signal] = [],
        deadline: Deadline, spin: SpinPolicy, controlled: () -> Bool,
        call: () -> String, waiter: () -> String, blocked: () -> String, hasNews: () -> Bool,
        attempt: () throws -> Value?
    ) throws -> Value? {
        var spin = spin
        var watch: ClockWatch?  // made once the spin is over
        defer { watch?.finish() }
        // Looked up once the spin is over: most waits of a stream end at their first try, and
        // holding the signal would cost them a reference count.
        var waker: Signal?
        while true {
            if let value = try attempt() { return value }
            if spin.pause(unless: controlled) { continue }
            if watch == nil { BlockingCallCheck.check(call()) }
            let home = waker ?? signal()
            waker = home
            let clock = watch ?? ClockWatch(deadline, signal: home, forTask: false)
            watch = clock
            let key = Signal.register(home.word)
            let keys = Signal.registerWatchers(others, home: home.word)
            Signal.fenceAfterRegistering()
            defer { Signal.unregisterWatchers(others, keys: keys) }
            if hasNews() {
                Signal.cancelWait(home.word, key: key)
                continue
            }
            let alarm = clock.arm(waking: home, forTask: false)
            defer { alarm?.cancel() }
            if let value = try attempt() {
                Signal.cancelWait(home.word, key: key)
                return value
            }
            if deadline.hasPassed || !clock.sleep(key: key) {
                Signal.cancelWait(home.word, key: key)
                return nil
            }
            if let controller = clock.controller,
                controller.block(word: home.word, key: key, reason: blocked(), ready: { false })
            {
                Signal.cancelWait(home.word, key: key)
            } else {
                Signal.wait(home.word, key: key, timeout: clock.sleepLimit)
            }
            // Expired by the clock while asleep: timed out, whatever has arrived since.
            if !clock.wake() { return nil }
            clock.checkSafetyLimit(waiter())
        }
    }

    /// Sleeps on `signal` until `condition` holds, with no deadline: for a short wait that the
    /// thread changing the condition ends with a notify (a call stepping aside for a visitor,
    /// a parked task waiting for a visitor to let go; see `Socket+Visits`). In a controlled
    /// run the thread ending the wait is another participant: `controller` gives it the turn,
    /// and `reason` says what this one waits for.
    static func sleep(
        on signal: Signal, controller: (any ScheduleController)?, reason: @autoclosure () -> String,
        until condition: () -> Bool
    ) {
        while !condition() {
            let key = Signal.prepareWait(signal.word)
            if condition() {
                Signal.cancelWait(signal.word, key: key)
                return
            }
            if let controller, controller.block(word: signal.word, key: key, reason: reason(), ready: condition) {
                Signal.cancelWait(signal.word, key: key)
            } else {
                Signal.wait(signal.word, key: key, timeout: nil)
            }
        }
    }

    /// Sleeps until `deadline` passes, for a wait with nothing that can end it sooner (a
    /// poller whose sockets are all closed).
    static func sleep(until deadline: Deadline) {
        let idle = Signal()
        while !deadline.hasPassed {
            let key = Signal.prepareWait(idle.word)
            let alarm = deadline.arm(waking: idle)
            if deadline.hasPassed {
                Signal.cancelWait(idle.word, key: key)
            } else if let controller = deadline.scheduler as? any ScheduleController,
                controller.block(word: idle.word, key: key, reason: "the end of a poll's timeout", ready: { false })
            {
                Signal.cancelWait(idle.word, key: key)
            } else {
                Signal.wait(idle.word, key: key, timeout: deadline.sleepLimit)
            }
            alarm?.cancel()
        }
    }
}
