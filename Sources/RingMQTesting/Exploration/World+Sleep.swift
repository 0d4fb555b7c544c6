import RingMQ
import Synchronization

extension World {
    /// Blocks the calling thread participant for `duration` on the run's clock: work that
    /// takes time, or a pause between retries.
    ///
    /// In a controlled run the clock is virtual and moves only when every participant is
    /// blocked, straight to the earliest deadline: the sleep ends once nothing else can happen
    /// before its deadline, so a 30-second sleep costs no real time, and sleepers wake in
    /// deadline order in every run. Others run meanwhile. In a plain run
    /// (``Schedule/uncontrolled(timeLimit:)``) it is a real sleep.
    ///
    /// Call it from a participant started with ``thread(_:_:)``; a thread the world did not
    /// start fails the run as ``ExplorationFailure/Kind/misuse``.
    ///
    /// - Parameter duration: how long to sleep; zero or less returns at once (after a
    ///   scheduling point, in a controlled run).
    /// - Throws: `RingMQError.terminated` if the run ended (another participant failed)
    ///   before the sleep did.
    public func sleep(for duration: Duration) throws {
        guard context.controller != nil else {
            // A plain run: real time. A baton nobody posts is a timed wait with no imports.
            if duration > .zero { _ = Baton().wait(timeout: duration) }
            return
        }
        let call = SchedulePoint(call: "sleep(for: \(duration))", socket: nil)
        guard controller.caller() != nil else {
            controller.usedFromOutside(call)
            return
        }
        let deadline = controller.elapsed + duration
        let alarm = SleepAlarm()
        guard let token = controller.schedule(at: deadline, isAsleep: { true }, wake: { alarm.ring() }) else {
            controller.point(call)  // already due: a scheduling point, like a zero timeout
            return
        }
        defer { controller.cancel(token) }
        // The word never moves (key 0): only `ready`, the alarm, ends the wait.
        _ = controller.block(word: alarm.word, key: 0, reason: "sleeps until \(deadline)", ready: { alarm.hasRung })
        guard alarm.hasRung else { throw RingMQError.terminated }
    }
}

/// The wake-up of one ``World/sleep(for:)``: rung by the controller when its clock reaches the
/// deadline, read by the controller deciding who can run.
final class SleepAlarm: @unchecked Sendable {
    // @unchecked Sendable: `rung` is atomic; `word` is an atomic at a stable address that
    // nobody writes (`block` only reads it: the sleep ends by `ready`, not by a notify).
    private let rung = Atomic<Bool>(false)
    let word: UnsafeMutablePointer<Atomic<UInt32>>

    init() {
        word = .allocate(capacity: 1)
        word.initialize(to: Atomic(0))
    }

    deinit {
        word.deinitialize(count: 1)
        word.deallocate()
    }

    func ring() {
        rung.store(true, ordering: .sequentiallyConsistent)
    }

    var hasRung: Bool {
        rung.load(ordering: .sequentiallyConsistent)
    }
}
