import CRingMQShims
import Synchronization

/// The scheduler of a controlled run (RingMQTesting's schedule exploration): it lets one
/// participant thread run at a time and chooses who runs next at every socket call, so that a
/// concurrent test runs under an interleaving chosen from a seed and replayable.
///
/// A context made with ``Context/init(controller:)`` calls it at the few places where a
/// thread decides or waits: the entry of each public socket call (``point(_:)``), a thread
/// about to sleep on a signal (``block(word:key:reason:ready:)``), a task about to park
/// (``parking(reason:)``). It is the context's clock too, so every deadline is on its virtual
/// time. A context without one never reaches any of this: the hook is the visitor byte's
/// ``Socket/Visit/controlled`` bit, which `enter` already loads.
///
/// Every method may be called from a thread the controller did not start (a thread or
/// `Task {}` outside the run): it then returns without controlling anything (`block` returns
/// `false`, and the caller waits for real).
package protocol ScheduleController: DeadlineScheduler {
    /// A scheduling point: the calling participant may be paused here while others run.
    func point(_ point: SchedulePoint)
    /// The calling participant waits until the epoch of `word` moves from `key`'s, or `ready()`
    /// says the wait is over; others run meanwhile. `reason` says what it waits for. `false`:
    /// the caller is not controlled, and sleeps on `word` itself.
    func block(
        word: UnsafeMutablePointer<Atomic<UInt32>>, key: UInt32, reason: String,
        ready: () -> Bool
    ) -> Bool
    /// The calling task is about to park in RingMQ, waiting for `reason`; it runs again when
    /// something resumes it.
    func parking(reason: String)
    /// Ends the run with `message` (a RingMQ check failed in a participant); does not return.
    func fail(_ message: String) -> Never
    /// A seed for what RingMQ would otherwise draw at random (a REQ's first request id).
    func nextSeed() -> UInt64
}

/// The controller of the controlled run whose participant's task is running, if any: set by
/// the participant's executor for its task and what that task starts.
package enum ControlledTask {
    /// The run's controller, bound for a participant's task and its children.
    @TaskLocal package static var controller: (any ScheduleController)?
}

/// Where a participant reached a scheduling point: the call (`"receive()"`) and the socket.
package struct SchedulePoint {
    /// The call's name ("receive()", "Poller.poll(timeout:)", "Context.terminate()").
    package let call: String
    /// The socket called, if any.
    package let socket: Socket?

    package init(call: String, socket: Socket?) {
        self.call = call
        self.socket = socket
    }

    /// "PULL socket (bound to inproc://tasks)": the socket called, if any, for reports. Read by
    /// the caller, which is the socket's user at the point.
    package var socketDescription: String? {
        socket?.endpointDescription
    }

    /// "receive() on a PULL socket (bound to inproc://tasks)", for traces.
    package var description: String {
        guard let socket else { return call }
        return "\(call) on a \(socket.endpointDescription)"
    }
}

/// One participant's turn to run: a futex word that the thread holding the turn posts to hand
/// it over, and that the participant's thread waits on. A handoff is one wake and one wait.
package final class Baton: @unchecked Sendable {
    // @unchecked Sendable: the only state is an atomic word at a stable address.
    private let word: UnsafeMutablePointer<Atomic<UInt32>>

    package init() {
        word = .allocate(capacity: 1)
        word.initialize(to: Atomic(0))
    }

    deinit {
        word.deinitialize(count: 1)
        word.deallocate()
    }

    /// Gives the turn to the baton's owner (wakes it if it waits).
    package func post() {
        word.pointee.store(1, ordering: .sequentiallyConsistent)
        ringmq_futex_wake_all(UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self))
    }

    /// Waits until posted, then takes the post.
    package func wait() {
        let address = UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
        while word.pointee.exchange(0, ordering: .sequentiallyConsistent) == 0 {
            _ = ringmq_futex_wait(address, 0, -1)
        }
    }

    /// Waits until posted (then takes the post and returns `true`) or until `timeout` of real
    /// time has passed (`false`).
    package func wait(timeout: Duration) -> Bool {
        let address = UnsafeMutableRawPointer(word).assumingMemoryBound(to: UInt32.self)
        let end = ringmq_monotonic_ns() &+ timeout.nanosecondsClamped
        while word.pointee.exchange(0, ordering: .sequentiallyConsistent) == 0 {
            let left = end &- ringmq_monotonic_ns()
            if left <= 0 { return false }
            _ = ringmq_futex_wait(address, 0, left)
        }
        return true
    }
}

/// A failed RingMQ check (two threads in one socket, an invalid option): in a controlled run
/// the run fails with `message` and the exploration reports it with its schedule; otherwise
/// the process stops, as always.
package func controlledTrap(_ message: String, context: Context?) -> Never {
    if let controller = context?.controller { controller.fail(message) }
    fatalError(message)
}
