import RingMQ
import Synchronization

/// Limits of a controlled exploration.
public struct ExplorationOptions: Sendable {
    /// How many runs to make, each in a fresh world; the exploration stops at the first failure.
    public var runs: Int
    /// The most scheduling decisions a run may take before it fails as a livelock.
    public var maxSteps: Int
    /// How long (real time) a participant may run without reaching a scheduling point before
    /// the run fails as stalled: blocked outside RingMQ (a lock, a sleep, I/O). Also how long a
    /// run in which nobody can run waits for a task suspended outside RingMQ to be resumed
    /// from outside the world before it fails as a deadlock.
    public var stallLimit: Duration
    /// How many of the last trace lines a failure report shows.
    public var traceLines: Int

    /// Limits with the given values.
    public init(runs: Int = 1000, maxSteps: Int = 20_000, stallLimit: Duration = .seconds(5), traceLines: Int = 20) {
        self.runs = runs
        self.maxSteps = maxSteps
        self.stallLimit = stallLimit
        self.traceLines = traceLines
    }
}

/// A failed run of an exploration: what failed, in which run and with which seed, and the
/// last scheduling decisions before it.
public struct ExplorationFailure: Error, Sendable, CustomStringConvertible {
    /// What made the run fail.
    public enum Kind: Sendable, Equatable {
        /// A participant's body threw.
        case thrown
        /// A Swift Testing expectation (`#expect`, `#require`) failed in a participant; the
        /// message has its text and source location (see `explore` in RingMQTestingSwiftTesting).
        case expectation
        /// Every participant blocked, with no timeout pending.
        case deadlock
        /// A RingMQ check failed (two participants in one socket, an invalid option).
        case trap
        /// A participant ran too long without reaching a scheduling point.
        case stall
        /// The run took more decisions than ``ExplorationOptions/maxSteps``.
        case stepBound
        /// The run did not match the schedule it replayed (``Schedule/replay(_:)``): another
        /// count of participants could run at a choice, or the run needed more or fewer choices
        /// than recorded. Also a schedule code that cannot be read.
        case divergence
        /// The world was used in a way it cannot control: a socket of the world used by a
        /// thread or task it did not start, or an exploration inside a participant. Also a
        /// schedule given a value it cannot run with (`.pct(depth: 0)`), before any run.
        case misuse
    }

    /// What made the run fail.
    public let kind: Kind
    /// The failed run's number, from 0.
    public let run: Int
    /// The failed run's seed.
    public let seed: UInt64
    /// What happened, in words (for a deadlock, each participant and what it waits for).
    public let message: String
    /// The last scheduling decisions, oldest first ("worker: receive() on a PULL socket (…)").
    public let trace: [String]
    /// The failed run's schedule code (`"rmq1:…"`): its choices, which
    /// ``Schedule/replay(_:)`` makes again to reproduce the failure. Empty when no run was made
    /// (a replayed code that cannot be read).
    public let schedule: String
    /// The exploration's strategy, as the report names it.
    var strategy = ""

    /// The report: run, strategy and seed, message, trace, and how to replay the run.
    public var description: String {
        let hex = "0x" + String(seed, radix: 16, uppercase: true)
        let of = strategy.isEmpty ? "" : " of \(strategy)"
        var lines = ["Run \(run)\(of) (seed \(hex)) failed: \(message)"]
        if !trace.isEmpty { lines += ["Last decisions:"] + trace.map { "  " + $0 } }
        guard !schedule.isEmpty else { return lines.joined(separator: "\n") }
        lines += [
            "Schedule: \(schedule)",
            "Replay it: Exploration.run(.replay(\"\(schedule)\")) { … }",
            "  or, without editing the test: \(Schedule.environmentVariable)=\(schedule) swift test --filter <the test>",
        ]
        return lines.joined(separator: "\n")
    }
}

/// What an exploration did.
public struct ExplorationResult: Sendable {
    /// Runs made (the failed one included).
    public let runs: Int
    /// Scheduling decisions over all runs.
    public let decisions: Int
    /// Decisions with more than one participant able to run.
    public let choices: Int
    /// Whether the strategy ran every schedule it covers: `true` when an exhaustive search
    /// explored all of them ("all ``ExplorationResult/runs`` schedules explored"), or a replay
    /// made its one run; `false` when it stopped at the runs limit or at a failure, and always
    /// for random and PCT.
    public let complete: Bool
    /// The first failed run, `nil` if every run passed.
    public let failure: ExplorationFailure?
    /// The whole trace of the last run, one line per event: the same seed gives the same lines.
    public let lastTrace: [String]
}

/// Controlled runs of a concurrent test: each run in a fresh ``World``, its participants
/// interleaved at every socket call as the ``Schedule`` chooses, reproducibly.
public enum Exploration {
    /// Runs `body` (the participant "main" of each run) up to ``ExplorationOptions/runs``
    /// times, stopping at the first failure; see ``World``. Called inside a participant of
    /// another exploration, it runs nothing, and both fail as
    /// ``ExplorationFailure/Kind/misuse``.
    ///
    /// ```swift
    /// let result = await Exploration.run(.random(seed: 1), options: ExplorationOptions(runs: 50)) { world in
    ///     let pull = try world.context.socket(.pull)
    ///     try pull.bind("inproc://results")
    ///     _ = try await pull.receive()
    /// }
    /// print(result.failure?.description ?? "passed")
    /// ```
    public static func run(
        _ schedule: Schedule = .random(), options: ExplorationOptions = ExplorationOptions(),
        _ body: @escaping @Sendable (World) async throws -> Void
    ) async -> ExplorationResult {
        if let outer = Controller.current { return nested(in: outer, schedule) }
        if case .uncontrolled = schedule.kind {
            // Plain runs block their driver for real time: on a thread of their own.
            return await withCheckedContinuation { continuation in
                PeerThread { continuation.resume(returning: drive(schedule, options, body)) }.detach()
            }
        }
        let strategist = Strategist(schedule, options: options)
        if let invalid = strategist.invalid { return unreadable(invalid, strategist) }
        var tally = Tally(strategist: strategist)
        for run in 0..<options.runs {
            guard let (seed, strategy) = strategist.begin(run: run) else { break }
            // Started from the caller's task, so that the participants inherit its task-locals
            // (Swift Testing's issue handling and `Test.current`): each starts the next.
            let (controller, world) = begin(run, seed, strategy, options, body)
            // The driver blocks until the run is over: on a thread of its own, not the pool's.
            await withCheckedContinuation { continuation in
                // Detached: it resumes this task as its last act, so nobody is left to join it.
                PeerThread {
                    finish(controller, world, options)
                    continuation.resume()
                }.detach()
            }
            if let failed = tally.add(controller, strategy, run: run) { return failed }
        }
        return tally.result()
    }

    /// The runs of the blocking form (``runBlocking(_:options:_:)``), on the calling thread.
    static func drive(
        _ schedule: Schedule, _ options: ExplorationOptions,
        _ body: @escaping @Sendable (World) async throws -> Void
    ) -> ExplorationResult {
        if let outer = Controller.current { return nested(in: outer, schedule) }
        if case .uncontrolled(let timeLimit) = schedule.kind {
            return uncontrolledRuns(timeLimit: timeLimit, options, body)
        }
        let strategist = Strategist(schedule, options: options)
        if let invalid = strategist.invalid { return unreadable(invalid, strategist) }
        var tally = Tally(strategist: strategist)
        for run in 0..<options.runs {
            guard let (seed, strategy) = strategist.begin(run: run) else { break }
            let (controller, world) = begin(run, seed, strategy, options, body)
            finish(controller, world, options)
            if let failed = tally.add(controller, strategy, run: run) { return failed }
        }
        return tally.result()
    }

    /// A schedule that cannot run (a replay code that cannot be read, a depth or bound out of
    /// range): the exploration fails before any run.
    private static func unreadable(
        _ invalid: (kind: ExplorationFailure.Kind, message: String), _ strategist: Strategist
    ) -> ExplorationResult {
        var failure = ExplorationFailure(
            kind: invalid.kind, run: 0, seed: 0, message: invalid.message, trace: [], schedule: "")
        failure.strategy = strategist.description
        return ExplorationResult(runs: 0, decisions: 0, choices: 0, complete: false, failure: failure, lastTrace: [])
    }

    /// A fresh world for run `run`, its participant "main" started (it runs once given the turn).
    private static func begin(
        _ run: Int, _ seed: UInt64, _ strategy: any RunStrategy, _ options: ExplorationOptions,
        _ body: @escaping @Sendable (World) async throws -> Void
    ) -> (Controller, World) {
        let controller = Controller(run: run, seed: seed, strategy: strategy, options: options)
        let world = World(controller: controller)
        _ = controller.spawn("main") { try await body(world) }
        return (controller, world)
    }

    /// Gives the run its first turn, waits for its end, then ends what is left of it.
    private static func finish(_ controller: Controller, _ world: World, _ options: ExplorationOptions) {
        controller.start()
        watch(controller, stallLimit: options.stallLimit)
        endWorld(controller, world)
        controller.checkLeftover()
    }

    /// Terminates the run's context, which wakes whatever still waits in RingMQ (after a
    /// failure, or a hang of a plain run) so that the threads can end; joins them, giving up
    /// on those still running after a second of real time; returns the participants.
    @discardableResult
    static func endWorld(_ controller: Controller, _ world: World) -> [Participant] {
        world.context.terminate()
        let participants = controller.state.withLock { $0.participants }
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: .seconds(1))
        for participant in participants {
            _ = participant.executor.join(within: max(.zero, clock.now.duration(to: end)))
        }
        controller.forgetParticipants()
        return participants
    }

    /// Waits for the run to end; fails it as stalled when no decision is made for `stallLimit`.
    private static func watch(_ controller: Controller, stallLimit: Duration) {
        let clock = ContinuousClock()
        var last = -1
        var since = clock.now
        while !controller.over.wait(timeout: .milliseconds(50)) {
            let count = controller.decisions.load(ordering: .relaxed)
            if count != last {
                last = count
                since = clock.now
            } else if since.duration(to: clock.now) >= stallLimit {
                controller.failStalled(after: stallLimit)
                return
            }
        }
    }
}

/// The runs' outcomes summed into the exploration's result.
private struct Tally {
    let strategist: Strategist
    var runs = 0
    var decisions = 0
    var choices = 0
    var trace: [String] = []

    /// Adds run `run`'s outcome (and tells the strategist how it went); the exploration's
    /// result if that run failed (it stops there).
    mutating func add(_ controller: Controller, _ strategy: any RunStrategy, run: Int) -> ExplorationResult? {
        let outcome = controller.outcome
        strategist.end(strategy, choices: outcome.choices)
        runs = run + 1
        decisions += outcome.decisions
        choices += outcome.choices
        trace = outcome.trace
        guard var failure = outcome.failure else { return nil }
        failure.strategy = strategist.description
        return ExplorationResult(
            runs: runs, decisions: decisions, choices: choices, complete: false, failure: failure, lastTrace: trace)
    }

    /// The result once every run has passed.
    func result() -> ExplorationResult {
        ExplorationResult(
            runs: runs, decisions: decisions, choices: choices, complete: strategist.complete, failure: nil,
            lastTrace: trace)
    }
}
