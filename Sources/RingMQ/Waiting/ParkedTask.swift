import Synchronization

/// A task suspended on a signal: the async counterpart of a thread asleep on the futex.
///
/// The waiter stores its continuation in the signal's cell *before* it registers as a waiter
/// and re-checks its condition. A notifier that sees the registration therefore finds the
/// continuation. Whoever takes it out of the cell (exchange to 0) resumes it: the notifier, the
/// waiter itself when its re-check succeeds, the cancellation handler, or the deadline's timer.
/// So it is resumed exactly once, and a resumption that was not needed is only a spurious
/// wake-up, after which the waiter re-checks and parks again.
final class ParkedTask: Sendable {
    private let continuation: CheckedContinuation<Void, Never>

    private init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = continuation
    }

    /// Resumes the task parked on `word`, if any.
    static func resume(_ word: UnsafeMutablePointer<Atomic<UInt32>>) {
        let slot = SignalCells.parked(of: word)
        guard slot.pointee.load(ordering: .acquiring) != 0 else { return }
        let bits = slot.pointee.exchange(0, ordering: .acquiringAndReleasing)
        guard let pointer = UnsafeRawPointer(bitPattern: bits) else { return }
        Unmanaged<ParkedTask>.fromOpaque(pointer).takeRetainedValue().continuation.resume()
    }

    /// Suspends the current task until `word` is notified, the deadline of `watch` passes, or
    /// the task is cancelled, unless `ready()` (checked after registering) says there is no
    /// need. Returns `false` when the clock expired the wait (on a manual clock, see
    /// ``ClockWatch``): the caller times out. Otherwise the caller re-checks its condition, its
    /// deadline and cancellation. The waiter owns `watch` and finishes it when its wait ends.
    /// `others`: signals that also end the wait (a poller's other sockets); the task
    /// registers on them naming `signal` as their watcher. `suspending` runs once the task has
    /// made its last look and is about to suspend, `resuming` first thing once it runs again:
    /// between the two the task touches no socket (see ``Socket/markParked()``).
    /// `reason`: what the task waits for, for a controlled run's reports.
    static func park(
        on signal: Signal, others: [Signal] = [], watch: ClockWatch,
        reason: @autoclosure () -> String = "a RingMQ wait",
        suspending: () -> Void = {}, resuming: () -> Void = {},
        ready: () -> Bool
    ) async -> Bool {
        let word = signal.word
        var alarm: Alarm?
        defer { alarm?.cancel() }
        var safetyAlarm: Alarm?
        defer { safetyAlarm?.cancel() }
        var key: UInt32 = 0
        var keys: [UInt32] = []
        var slept = false
        defer { Signal.unregisterWatchers(others, keys: keys) }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let parked = Unmanaged.passRetained(ParkedTask(continuation)).toOpaque()
                SignalCells.parked(of: word).pointee.store(UInt(bitPattern: parked), ordering: .releasing)
                key = Signal.register(word)
                keys = Signal.registerWatchers(others, home: word)
                Signal.fenceAfterRegistering()
                // Armed after registering and before the last look at the clock, so that the
                // deadline's wake-up (a notify of the signal) finds this task registered.
                alarm = watch.arm(waking: signal, forTask: true)
                safetyAlarm = watch.armSafetyLimit(waking: signal)
                // Cancelled before the handler could find us, or nothing to wait for: resume now.
                if Task.isCancelled || watch.deadline.hasPassed || ready() {
                    ParkedTask.resume(word)
                } else if watch.decides {
                    // Last, so that a look above still counts; the clock expired us meanwhile
                    // when this fails.
                    slept = watch.sleep(key: key)
                    if !slept { ParkedTask.resume(word) }
                }
                suspending()
                // Still parked: tell a controlled run's scheduler, which runs someone else once
                // this task's job ends (it runs again when the continuation is resumed).
                if let controller = watch.controller,
                    SignalCells.parked(of: word).pointee.load(ordering: .acquiring) != 0
                {
                    controller.parking(reason: reason())
                }
            }
        } onCancel: {
            ParkedTask.resume(signal.word)
        }
        resuming()
        Signal.cancelWait(word, key: key)
        // Not asleep (resumed at once): the caller's own look at the queues and the clock decides.
        guard slept else { return true }
        return watch.wake()
    }
}
