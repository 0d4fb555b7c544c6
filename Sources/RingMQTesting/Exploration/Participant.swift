import RingMQ
import Synchronization

/// A thread or task of a controlled run, started with ``World/thread(_:_:)`` or
/// ``World/task(_:_:)``: the scheduler lets one participant run at a time and chooses the next
/// at every socket call.
public final class Participant: @unchecked Sendable {
    // @unchecked Sendable: `phase`, `parkedReason`, `lastSocket` and `waitPeers` are read and
    // written only under the controller's lock; `task` is set by `spawn` before the participant is shared; `error`
    // is behind its lock; the rest is immutable or atomic.

    /// The name given when it was started, used in traces and reports.
    public let name: String
    /// Its place in spawn order, which orders the runnable list of every decision.
    let id: Int
    let executor: ParticipantExecutor
    /// A cycle while the run lasts (the controller keeps its participants), broken at its end
    /// by ``Controller/forgetParticipants()``.
    let controller: Controller
    /// What the scheduler knows of it (under the controller's lock).
    var phase = Phase.starting
    /// What a task parked in RingMQ waits for, from its last park.
    var parkedReason: String?
    /// The socket of its last call (weak: the run must not keep a socket open).
    weak var lastSocket: Socket?
    /// The peers (ports) that could end its current wait, from its last block or park.
    var waitPeers: [ObjectIdentifier] = []
    /// Set once its body has returned or thrown.
    let finished = Atomic<Bool>(false)
    private let error = Locked<(any Error)?>(nil)
    var task: Task<Void, Never>?

    init(name: String, id: Int, executor: ParticipantExecutor, controller: Controller) {
        self.controller = controller
        self.name = name
        self.id = id
        self.executor = executor
    }

    /// Waits until the participant's body has returned; rethrows what it threw.
    public func join() async throws {
        controller.waiting(for: "\(name) to finish (join())")
        // Cleared at once: a join of a participant already done does not suspend, and a reason
        // left behind would make the next await outside RingMQ look like a wait for this one.
        defer { controller.waiting(for: nil) }
        await task?.value
        if let error = thrown { throw error }
    }

    /// What its body threw, if it has.
    var thrown: (any Error)? {
        error.withLock { $0 }
    }

    /// Runs `body` as the participant's root task, recording what it throws.
    func run(_ body: @escaping @Sendable () async throws -> Void) {
        task = Task(executorPreference: executor) { [self] in
            do {
                try await body()
            } catch {
                self.error.withLock { $0 = error }
            }
            finished.store(true, ordering: .releasing)
        }
    }
}

/// What a participant is doing, as the scheduler sees it.
enum Phase {
    /// Started, its first job not run yet: runnable once the job is queued.
    case starting
    /// Between jobs (a task suspended): runnable when a job is queued.
    case idle
    /// Paused at a scheduling point inside a job: runnable.
    case point
    /// Waiting inside a job (a blocked call): runnable once the wait can end.
    case blocked(BlockedCall)
    /// Holding the turn.
    case running
    /// Its body has returned.
    case done
}

/// A blocked call, as ``ScheduleController/block(word:key:reason:ready:)`` describes it.
struct BlockedCall {
    let word: UnsafeMutablePointer<Atomic<UInt32>>
    let key: UInt32
    let reason: String
    /// Valid while the participant waits in `block`, which is when the scheduler calls it.
    let ready: () -> Bool

    /// Whether the wait can end: the word's epoch moved (someone notified), or `ready`.
    var canEnd: Bool {
        let now = word.pointee.load(ordering: .sequentiallyConsistent)
        return now >> 16 != key >> 16 || ready()
    }
}
