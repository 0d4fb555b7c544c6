import RingMQ
import RingMQTesting
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a controlled run cannot control is a clear failure of kind `.misuse` or `.stall`,
/// never a trap or a hang (issue 16, item 6); and an await that only the outside world ends is
/// waited for, not taken for a deadlock.
@Suite(.runsAlone) struct MisuseTests {
    /// A `Task {}` inside a participant runs on the global pool, outside the world: its first
    /// call on a socket of the world fails the run, naming the socket and what to do instead.
    @Test func aSocketUsedFromAPlainTaskFailsTheRun() async throws {
        let result = await Exploration.run(.random(seed: 1), options: ExplorationOptions(runs: 3)) { world in
            let pull = try world.context.socket(.pull)
            try pull.bind("inproc://misuse")
            let push = try world.context.socket(.push)
            try push.connect("inproc://misuse")
            try await Task { try await push.send(Message("escaped")) }.value
            withExtendedLifetime(pull) {}
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .misuse)
        #expect(failure.run == 0)
        #expect(
            failure.message
                == "the PUSH socket (connected to inproc://misuse) was used (send(_:)) by a thread or task the "
                + "world did not start; start it with world.thread or world.task (a Task {} inside a "
                + "participant is not controlled)")
    }

    /// A thread of the test's own (not started with world.thread) that calls a socket of the
    /// world fails the run the same way; main, awaiting it, is resumed from outside the world.
    @Test func aSocketUsedFromAForeignThreadFailsTheRun() async throws {
        let result = await Exploration.run(.random(seed: 2), options: ExplorationOptions(runs: 3)) { world in
            let pull = try world.context.socket(.pull)
            try pull.bind("inproc://foreign")
            await withCheckedContinuation { continuation in
                PeerThread {
                    _ = try? pull.tryReceive()
                    continuation.resume()
                }.detach()
            }
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .misuse)
        #expect(
            failure.message.hasPrefix(
                "the PULL socket (bound to inproc://foreign) was used (tryReceive()) by a thread or task the "
                    + "world did not start"),
            "\(failure.message)")
    }

    /// An exploration started inside a participant: the inner one never runs its body, and
    /// both fail as misuse.
    @Test func anExplorationNestedInAnExplorationFailsBoth() async throws {
        let innerRuns = Atomic<Int>(0)
        let inner = Locked<ExplorationResult?>(nil)
        let result = await Exploration.run(.random(seed: 1), options: ExplorationOptions(runs: 3)) { world in
            let nested = await Exploration.run(.random(seed: 9), options: ExplorationOptions(runs: 2)) { _ in
                innerRuns.add(1, ordering: .relaxed)
            }
            inner.withLock { $0 = nested }
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .misuse)
        #expect(failure.run == 0)
        #expect(failure.message.hasPrefix("exploration nested in exploration: "), "\(failure.message)")
        let innerFailure = try #require(inner.withLock { $0 }?.failure)
        #expect(innerFailure.kind == .misuse)
        #expect(innerFailure.message == failure.message)
        #expect(innerRuns.load(ordering: .relaxed) == 0)
    }

    /// The blocking form called from a thread participant is caught the same way.
    @Test func aBlockingExplorationNestedInAThreadParticipantFailsBoth() async throws {
        let inner = Locked<ExplorationResult?>(nil)
        let result = await Exploration.run(.random(seed: 1), options: ExplorationOptions(runs: 3)) { world in
            try await world.thread("nester") {
                let nested = Exploration.runBlocking(.random(seed: 9), options: ExplorationOptions(runs: 2)) { _ in }
                inner.withLock { $0 = nested }
            }.join()
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .misuse)
        #expect(failure.message.hasPrefix("exploration nested in exploration: "), "\(failure.message)")
        #expect(inner.withLock { $0 }?.failure?.kind == .misuse)
        #expect(inner.withLock { $0 }?.runs == 0)
    }

    /// A participant that blocks on a pthread mutex another holds (a wait the scheduler cannot
    /// see) stalls the run: after the stall limit it fails, naming the participant, the limit,
    /// and its last step. Once control stops, the holder unlocks and both threads end.
    @Test func aParticipantBlockedOnAMutexStallsTheRun() async throws {
        let mutex = SharedMutex()
        let ended = Atomic<Int>(0)
        let result = await Exploration.run(
            .random(seed: 4), options: ExplorationOptions(runs: 30, stallLimit: .milliseconds(200))
        ) { world in
            world.thread("holder") {
                mutex.lock()
                world.yield()
                mutex.unlock()
                ended.add(1, ordering: .relaxed)
            }
            world.thread("waiter") {
                world.yield()
                mutex.lock()
                mutex.unlock()
                ended.add(1, ordering: .relaxed)
            }
        }
        let failure = try #require(result.failure)
        #expect(failure.kind == .stall)
        #expect(
            failure.message
                == "participant waiter has not reached a scheduling point for 0.2 s; controlled runs need every "
                + "wait to go through RingMQ or `yield` (its last step: \"waiter: yield()\")")
        // The run's threads were joined before the exploration returned: both got the mutex.
        #expect(ended.load(ordering: .relaxed) == 2 * result.runs)
    }

    /// main awaits a continuation that a thread outside the world resumes only once nobody in
    /// the world can run: the run waits for it (no instant deadlock) and passes.
    @Test func anAwaitEndedFromOutsideIsWaitedFor() async throws {
        let result = await Exploration.run(
            .random(seed: 1), options: ExplorationOptions(runs: 5, stallLimit: .seconds(5))
        ) { world in
            await withCheckedContinuation { continuation in
                PeerThread {
                    _ = world.waitUntilAwaitingOutside(within: .seconds(2))
                    continuation.resume()
                }.detach()
            }
            world.yield()
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #expect(result.runs == 5)
        #expect(result.lastTrace.contains("nobody can run: waiting for a resume from outside the world"))
    }

    /// An await nothing resumes within the stall limit is a deadlock after that limit, and the
    /// report names main as suspended outside RingMQ. The continuation is resumed afterwards,
    /// so that main's thread ends.
    @Test func anAwaitNobodyEndsIsADeadlockAfterTheStallLimit() async throws {
        let parked = Locked<CheckedContinuation<Void, Never>?>(nil)
        let result = await Exploration.run(
            .random(seed: 1), options: ExplorationOptions(runs: 3, stallLimit: .milliseconds(200))
        ) { _ in
            await withCheckedContinuation { continuation in parked.withLock { $0 = continuation } }
        }
        parked.withLock { $0?.resume() }
        let failure = try #require(result.failure)
        #expect(failure.kind == .deadlock)
        #expect(failure.message.contains("  main: suspended outside RingMQ"), "\(failure.message)")
        #expect(
            failure.message.contains("(waited 0.2 s for a resume from outside the world; none came)"),
            "\(failure.message)")
    }
}

/// Mistakes of a task participant that RingMQ itself catches, and waits that are not mistakes.
@Suite(.runsAlone) struct TaskParticipantTests {
    /// A synchronous receive that must wait, called from main (a task): in a debug build RingMQ
    /// stops such a call with its blocking-call message; in a controlled run that fails the run
    /// (kind `.trap`), not the process. A release build warns once and the run passes.
    @Test(.asInAUsersSuite) func aBlockingCallThatWaitsInATaskFailsTheRun() async throws {
        let result = await Exploration.run(.random(seed: 1), options: ExplorationOptions(runs: 3)) { world in
            let pull = try world.context.socket(.pull)
            try pull.bind("inproc://blocking")
            world.thread("sender") {
                let push = try world.context.socket(.push)
                try push.connect("inproc://blocking")
                try push.send(Message("x"))
            }
            _ = try Self.receiveBlocking(pull)
        }
        #if DEBUG
            let failure = try #require(result.failure)
            #expect(failure.kind == .trap)
            #expect(failure.message.hasPrefix("main: RingMQ: the blocking receive()"), "\(failure.message)")
        #else
            #expect(result.failure == nil, "\(result.failure?.description ?? "")")
        #endif
    }

    /// A sync helper, as a user's code would call from async code by mistake.
    static func receiveBlocking(_ pull: Socket) throws -> Message {
        try pull.receive()
    }

    /// Joining a participant that has finished, twice, then an await that something outside
    /// the world ends (a real sleep): the run waits for it, as for any await resumed from
    /// outside, and passes; the finished join left no "waits for worker" behind.
    @Test func aSecondJoinOfAFinishedParticipantLeavesNoWaitBehind() async throws {
        let result = await Exploration.run(.random(seed: 1), options: ExplorationOptions(runs: 3)) { world in
            let worker = world.thread("worker") {}
            try await worker.join()
            try await worker.join()
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(result.failure == nil, "\(result.failure?.description ?? "")")
    }
}

/// A pthread mutex shared by two participants (a lock the scheduler cannot see).
private final class SharedMutex: @unchecked Sendable {
    // @unchecked Sendable: a pthread mutex is made to be shared between threads; its storage
    // has a stable address for the object's life.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}
