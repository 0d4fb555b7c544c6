import RingMQ
import RingMQTesting
import Synchronization
import Testing

// Helpers for the tests of the test kit: a context on a manual clock with a real-time
// stopwatch, a task that says whether it has finished, and the checks that a waiter is
// still waiting after an advance that must not wake it.

// MARK: - A context on virtual time

/// A ``Context`` on a fresh ``ManualClock``, and a stopwatch of real time since it was made:
/// a virtual-time test checks with ``expectFast(limit:sourceLocation:)`` that its timeouts
/// were not waited out in real time.
///
/// Terminate the context at the end of the test (`defer { time.terminate() }`): if the test
/// fails half way, that wakes whatever is still waiting instead of leaving it blocked.
struct VirtualTime {
    let clock = ManualClock()
    let context: Context
    private let start = ContinuousClock.now

    init() {
        context = Context(clock: clock)
    }

    func socket(_ type: SocketType) throws -> Socket {
        try context.socket(type)
    }

    func terminate() {
        context.terminate()
    }

    /// Real time since the fixture was made.
    var realElapsed: Duration {
        ContinuousClock.now - start
    }

    /// Expects the test so far to have taken less than `limit` of real time (by default
    /// ``RealTimeBudget/limit``, or the virtual time moved if that is longer: real waits of
    /// that length would exceed it).
    func expectFast(limit: Duration? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let limit = limit ?? max(RealTimeBudget.limit, elapsed)
        let elapsed = realElapsed
        #expect(elapsed < limit, "took \(elapsed) of real time", sourceLocation: sourceLocation)
    }

    /// The virtual time since the clock was made.
    var elapsed: Duration {
        clock.now.offset
    }
}

/// How much real time a virtual-time test may take: no more than the timeouts it tests (30 s
/// and up), so that waiting one out on the real clock fails, and no tighter.
///
/// A tighter bound would time the machine, not RingMQ: with other suites running at once, on
/// two cores, the cooperative pool is held for seconds by other suites' blocking tests and
/// each `await` queues for a thread (seen under load: 100-waiter tests taking 34 s, a
/// terminate test 29 s). How fast virtual time really is shows in the `virtual-time`
/// playground scenario, which prints it.
enum RealTimeBudget {
    static var limit: Duration { Scale.safety }
}

/// A PULL bound to `endpoint` and a PUSH connected to it, each with high-water mark 1, and the
/// pipe between them filled (2 messages, numbered 0 and 1): the PUSH's next send has to wait.
func fullPushPull(_ time: VirtualTime, endpoint: String) throws -> (push: Socket, pull: Socket) {
    let pull = try time.socket(.pull)
    pull.receiveHighWaterMark = 1
    try pull.bind(endpoint)
    let push = try time.socket(.push)
    push.sendHighWaterMark = 1
    try push.connect(endpoint)
    let accepted = try fill(push)
    precondition(accepted == 2, "expected a pipe of 2 messages, took \(accepted)")
    return (push, pull)
}

// MARK: - Still waiting?

/// Expects `peer` to be still blocked: asleep in the kernel again (or still), not finished, and
/// `sleepers` waiters registered on `clock` (its registration is still there).
func expectStillBlocked<Value>(
    _ peer: Peer<Value>, on clock: ManualClock, sleepers: Int = 1,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    peer.waitUntilBlocked()
    #expect(!peer.isFinished, "the waiter finished before its deadline", sourceLocation: sourceLocation)
    #expect(clock.sleepers == sleepers, "waiters on the clock", sourceLocation: sourceLocation)
}

/// Expects `task` to be still suspended: parked on `socket`'s signal again (or still), not
/// finished, and `sleepers` waiters registered on `clock`.
///
/// A task woken by a command re-parks in steps (its continuation first, then its sleep on the
/// clock), and the clock counts it only once it sleeps: so this waits, bounded, for both.
func expectStillSuspended<Value>(
    _ task: TrackedTask<Value>, parkedOn socket: Socket, on clock: ManualClock, sleepers: Int = 1,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    let limit = ContinuousClock.now.advanced(by: .seconds(10))
    while !(isParked(socket) && clock.sleepers == sleepers), !task.isFinished, ContinuousClock.now < limit {
        await Task.yield()
    }
    #expect(!task.isFinished, "the waiter finished before its deadline", sourceLocation: sourceLocation)
    #expect(isParked(socket), "the waiter is not parked", sourceLocation: sourceLocation)
    #expect(clock.sleepers == sleepers, "waiters on the clock", sourceLocation: sourceLocation)
}

/// Waits, yielding the task (never blocking a thread of the cooperative pool), until `peer` has
/// finished; `false` after `limit`.
func waitUntilFinished<Value>(_ peer: Peer<Value>, limit: Duration = Scale.safety) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while !peer.isFinished {
        if ContinuousClock.now >= deadline { return false }
        await Task.yield()
    }
    return true
}

// MARK: - Tasks that say whether they have finished

/// A task, and whether it has finished: for checking that an async waiter has *not* returned
/// yet, which `Task` itself cannot tell.
final class TrackedTask<Value: Sendable>: Sendable {
    private let flag: Flag
    let task: Task<Value, any Error>

    /// Starts a task running `body`.
    init(_ body: @escaping @Sendable () async throws -> Value) {
        let flag = Flag()
        self.flag = flag
        task = Task {
            defer { flag.set() }
            return try await body()
        }
    }

    /// Whether the body has returned or thrown.
    var isFinished: Bool { flag.isSet }

    /// What the body returned or threw, waiting at most `limit` (a lost wake-up fails the test
    /// with ``GuardTimeout`` instead of hanging it).
    func value(limit: Duration = Scale.safety, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Value
    {
        let task = task
        return try await withTimeout(limit, sourceLocation: sourceLocation) { try await task.value }
    }

    /// As ``value(limit:sourceLocation:)``, as a `Result` (errors other than ``RingMQError``
    /// are recorded as issues and reported as `.invalidState`).
    func result(limit: Duration = Scale.safety, sourceLocation: SourceLocation = #_sourceLocation) async
        -> Result<Value, RingMQError>
    {
        do {
            return .success(try await value(limit: limit, sourceLocation: sourceLocation))
        } catch let error as RingMQError {
            return .failure(error)
        } catch {
            Issue.record("the task threw \(error)", sourceLocation: sourceLocation)
            return .failure(.invalidState("\(error)"))
        }
    }
}

/// A flag set once, read anywhere.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() {
        value.store(true, ordering: .releasing)
    }

    var isSet: Bool { value.load(ordering: .acquiring) }
}
