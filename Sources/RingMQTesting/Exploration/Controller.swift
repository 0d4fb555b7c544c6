import RingMQ
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The scheduler of one controlled run: one participant holds the turn; at each of its
/// scheduling points, blocks, and job ends, it chooses who runs next (``decide(_:from:)``),
/// posts that one's baton, and waits on its own. There is no scheduler thread: the thread
/// that gives up the turn makes the decision.
///
/// It is also the run's clock (``DeadlineScheduler``): time is virtual and moves only when
/// nobody can run, to the earliest deadline (``advance(_:)``).
final class Controller: ScheduleController, @unchecked Sendable {
    // @unchecked Sendable: `state` is behind its lock; a blocked participant's `ready` closure
    // is called only by the thread deciding, while the participant waits in `block`.

    let run: Int
    let seed: UInt64
    let options: ExplorationOptions
    let state: Locked<State>
    private let stopped = Atomic<Bool>(false)
    /// Counts decisions, for the driver's stall watchdog.
    let decisions = Atomic<Int>(0)
    /// Posted when the run is over: every participant done, or a failure.
    let over = Baton()
    /// Posted each time nobody can run and the run waits for a resume from outside the world.
    let awaitingOutside = Baton()

    struct State {
        var participants: [Participant] = []
        /// The world's context, terminated by ``stop()``; the cycle it makes (the context
        /// holds the controller) is broken by ``forgetParticipants()``.
        var context: Context?
        /// Chooses at each choice (Strategies.swift); `code` records the choices made.
        let strategy: any RunStrategy
        var code = ScheduleCode()
        /// For ``nextSeed()``: apart from the strategy's draws, so that a replay draws the same.
        var random: ScheduleRandom
        var decisions = 0
        var choices = 0
        var trace: [String] = []
        var failure: ExplorationFailure?
        var now = Duration.zero
        var nextToken = 0
        var sleepers: [Int: Sleeper] = [:]
        /// The participant (its id) that last called each socket (by port), for the deadlock
        /// report's wait-for graph.
        var lastUsers: [ObjectIdentifier: Int] = [:]
        /// Nobody can run, no deadline is pending, and someone is suspended outside RingMQ:
        /// the next job queued from outside the world makes the decision (``jobQueued()``).
        var waitingElsewhere = false
    }

    struct Sleeper {
        let deadline: Duration
        let wake: @Sendable () -> Void
    }

    init(run: Int, seed: UInt64, strategy: any RunStrategy, options: ExplorationOptions) {
        self.run = run
        self.seed = seed
        self.options = options
        state = Locked(State(strategy: strategy, random: ScheduleRandom(seed: ~seed)))
    }

    /// Whether the run has stopped controlling (over, or failed): every hook then lets its
    /// caller go on by itself.
    var isStopped: Bool { stopped.load(ordering: .sequentiallyConsistent) }

    // MARK: - Participants

    /// Starts a participant running `body` as a task on its own executor; it runs once chosen.
    func spawn(_ name: String, _ body: @escaping @Sendable () async throws -> Void) -> Participant {
        // Strong captures: a thread that outlives its run (leaked after a stall) still asks.
        // The cycle through `participants` is broken by `forgetParticipants()`.
        let executor = ParticipantExecutor(isStopped: { [self] in isStopped }, queued: { [self] in jobQueued() })
        let participant = state.withLock { state in
            let participant = Participant(
                name: name, id: state.participants.count, executor: executor, controller: self)
            state.participants.append(participant)
            state.strategy.spawned(participant)
            state.trace.append("\(name): started")
            return participant
        }
        executor.start { [self] in jobEnded(participant) }
        // Inherited by the participant's task and what it starts: nested explorations and the
        // Swift Testing glue find their run through it.
        Controller.$current.withValue(self) {
            ControlledTask.$controller.withValue(self) { participant.run(body) }
        }
        return participant
    }

    /// Gives the first turn (the driver calls this once, after spawning the main participant).
    func start() {
        handOff(from: nil)
    }

    /// The participant whose thread is calling, if the run is controlled and it holds the turn.
    func caller() -> Participant? {
        guard !isStopped else { return nil }
        let me = pthread_self()
        return state.withLock { state in
            state.participants.first { participant in
                guard case .running = participant.phase, let thread = participant.executor.thread else { return false }
                return pthread_equal(thread, me) != 0
            }
        }
    }

    /// Whether the calling thread is one of this run's participants' (whether or not it holds
    /// the turn).
    private var isParticipantThread: Bool {
        let me = pthread_self()
        return state.withLock { state in
            state.participants.contains { participant in
                participant.executor.thread.map { pthread_equal($0, me) != 0 } ?? false
            }
        }
    }

    /// After a job of `participant`: done, or idle until a job is queued. Returns once it has
    /// the turn again; `true` when it is done.
    private func jobEnded(_ participant: Participant) -> Bool {
        let done = participant.finished.load(ordering: .acquiring)
        guard !isStopped else { return done }
        state.withLock { state in
            participant.phase = done ? .done : .idle
            // A weak reference's storage is freed once nobody holds it: drop it at the end.
            if done { participant.lastSocket = nil }
            if done {
                let outcome = participant.thrown.map { "threw \($0)" } ?? "finished"
                state.trace.append("\(participant.name): \(outcome)")
                if let error = participant.thrown, state.failure == nil {
                    state.failure = failure(state, .thrown, "\(participant.name) threw \(error)")
                }
            }
        }
        handOff(from: participant, waits: !done)
        return done
    }

    // MARK: - ScheduleController

    func point(_ point: SchedulePoint) {
        guard let me = caller() else {
            usedFromOutside(point)
            return
        }
        state.withLock { state in
            me.phase = .point
            if let socket = point.socket {
                me.lastSocket = socket
                state.lastUsers[socket.portIdentity] = me.id
            }
            state.trace.append("\(me.name): \(point.description)")
        }
        handOff(from: me)
    }

    func block(
        word: UnsafeMutablePointer<Atomic<UInt32>>, key: UInt32, reason: String, ready: () -> Bool
    ) -> Bool {
        guard let me = caller() else { return false }
        withoutActuallyEscaping(ready) { ready in
            state.withLock { state in
                me.phase = .blocked(BlockedCall(word: word, key: key, reason: reason, ready: ready))
                me.waitPeers = me.lastSocket?.waitPeers ?? []
                state.trace.append("\(me.name): blocked: \(reason)")
            }
            handOff(from: me)
            // Released here, not left in the phase: `ready` must not outlive this call (a
            // stopped run returns without anyone having chosen this participant).
            state.withLock { _ in
                if case .blocked = me.phase { me.phase = .running }
            }
        }
        return true
    }

    /// The calling participant is about to await something outside RingMQ that the world
    /// knows of (another participant's end): `what`, for the deadlock report.
    func waiting(for what: String?) {
        guard let me = caller() else { return }
        state.withLock { _ in me.parkedReason = what.map { "waits for \($0)" } }
    }

    /// The calling participant is about to yield (``World/yield()``): PCT drops its priority.
    func yielding() {
        guard let me = caller() else { return }
        state.withLock { $0.strategy.yielded(me) }
    }

    func parking(reason: String) {
        guard let me = caller() else { return }
        state.withLock { state in
            me.parkedReason = reason
            me.waitPeers = me.lastSocket?.waitPeers ?? []
            state.trace.append("\(me.name): parked: \(reason)")
        }
    }

    func fail(_ message: String) -> Never {
        if let me = caller() {
            state.withLock { state in
                state.trace.append("\(me.name): trap: \(message)")
                if state.failure == nil { state.failure = failure(state, .trap, "\(me.name): \(message)") }
            }
            stop()
            // The run is over and this thread cannot unwind: it stays parked (one leaked thread).
            while true { Baton().wait() }
        }
        if isStopped, isParticipantThread {
            // A check failing while a failed run's participants wind down together (two of them
            // in one socket): the run has its failure already; this thread stays parked.
            while true { Baton().wait() }
        }
        fatalError(message)
    }

    func nextSeed() -> UInt64 {
        state.withLock { state in
            // A replay needs the seed back: the code carries it once the run has drawn from it.
            state.code.seed = seed
            return state.random.next()
        }
    }

    /// Ends control: every participant goes on by itself (the driver then terminates the
    /// context, which wakes what still waits), and the driver learns the run is over.
    func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        // Terminated before anyone is let go: released together, the participants run truly
        // at once, so their next socket call should end them rather than race their state.
        state.withLock { $0.context }?.terminate()
        for participant in state.withLock({ $0.participants }) { participant.executor.baton.post() }
        over.post()
    }

    /// The run is over and its threads joined (or leaked): drops the participants, which refer
    /// back to the controller.
    func forgetParticipants() {
        state.withLock { state in
            for participant in state.participants { participant.lastSocket = nil }
            state.participants = []
            state.context = nil
        }
    }

    /// The run's outcome, once over: its failure if any, its decisions and choices, its trace.
    var outcome: (failure: ExplorationFailure?, decisions: Int, choices: Int, trace: [String]) {
        state.withLock { ($0.failure, $0.decisions, $0.choices, $0.trace) }
    }

    func failure(_ state: State, _ kind: ExplorationFailure.Kind, _ message: String) -> ExplorationFailure {
        ExplorationFailure(
            kind: kind, run: run, seed: seed, message: message,
            trace: Array(state.trace.suffix(options.traceLines)), schedule: state.code.text)
    }
}
