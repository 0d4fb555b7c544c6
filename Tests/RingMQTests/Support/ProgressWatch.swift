#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Polling for a count that other threads raise, for the churn tests: wait until it reaches a
/// target, and give up early when it stops moving (a lost message shows as a count that never
/// gets there: failing after a stall rather than after ``Scale/safety`` keeps a failing run short).
///
/// Only a failure depends on the clock: a run that works ends as soon as the count is there.
enum ProgressWatch {
    /// How long a count may stand still before a run counts as stuck: far longer than any
    /// scheduling delay, as the threads that raise it poll with millisecond timeouts.
    static var stallLimit: Duration { Scale.isThreadSanitized ? .seconds(20) : .seconds(5) }

    /// Waits until `current()` reaches `target`. `false` if it stood still for `stall`, or
    /// ``Scale/safety`` passed.
    static func wait(until target: Int, stall: Duration = stallLimit, _ current: () -> Int) -> Bool {
        let clock = ContinuousClock()
        let giveUp = clock.now.advanced(by: Scale.safety)
        var last = current()
        var lastChange = clock.now
        var pacer = Pacer()
        while last < target {
            pacer.pause()
            let now = current()
            if now != last {
                last = now
                lastChange = clock.now
                pacer = Pacer()
            } else if lastChange.duration(to: clock.now) >= stall || clock.now >= giveUp {
                return false
            }
        }
        return true
    }

    /// The pause between two polls: a yield at first, then 100 µs sleeps, so that a long wait
    /// leaves the two cores to the threads doing the work. (It paces a poll of an observable
    /// fact; it never stands in for one.)
    struct Pacer {
        private var polls = 0

        mutating func pause() {
            polls += 1
            if polls < 64 { sched_yield() } else { usleep(100) }
        }
    }

    /// A thread's own stall detector: `progressed()` whenever it gets somewhere, and it stops
    /// waiting once ``isStalled`` (no progress for ``ProgressWatch/stallLimit``).
    struct Stall {
        private let clock = ContinuousClock()
        private var lastProgress: ContinuousClock.Instant

        init() {
            lastProgress = clock.now
        }

        mutating func progressed() {
            lastProgress = clock.now
        }

        var isStalled: Bool { lastProgress.duration(to: clock.now) >= ProgressWatch.stallLimit }
    }
}
