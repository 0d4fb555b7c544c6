import RingMQ
import Synchronization

/// How a controlled exploration chooses who runs at each scheduling point.
public struct Schedule: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case random(seed: UInt64)
        /// Plain runs: no scheduling, the real clock; see Exploration+Uncontrolled.swift.
        case uncontrolled(timeLimit: Duration)
    }

    let kind: Kind

    /// At every choice, a participant picked uniformly at random among those that can run.
    /// Run `n` draws from `seed` and `n`, so the same seed gives the same runs, step for step.
    public static func random(seed: UInt64 = 0) -> Schedule {
        Schedule(kind: .random(seed: seed))
    }

    /// Plain runs, to compare with controlled ones: the participants run freely on their own
    /// threads, the context measures timeouts on the real (continuous) clock, and nothing is
    /// scheduled, as in a test run without exploration. A run that has not finished after one
    /// second of real time fails as ``ExplorationFailure/Kind/stall`` ("did not finish in 1.0
    /// seconds: hung?"). A failure found this way cannot be replayed.
    public static var uncontrolled: Schedule {
        uncontrolled(timeLimit: .seconds(1))
    }

    /// Plain runs (see ``uncontrolled``) in which a run that has not finished after `timeLimit`
    /// of real time fails as hung. `timeLimit` must be positive (a trap says so otherwise).
    public static func uncontrolled(timeLimit: Duration) -> Schedule {
        precondition(
            timeLimit > .zero,
            "Schedule.uncontrolled(timeLimit:) needs a positive time limit, got \(timeLimit): "
                + "a plain run is given that long (real time) to finish")
        return Schedule(kind: .uncontrolled(timeLimit: timeLimit))
    }

    /// The seed of run `run`.
    func seed(ofRun run: Int) -> UInt64 {
        switch kind {
        case .uncontrolled:
            return UInt64(run)
        case .random(let seed):
            var mixer = ScheduleRandom(seed: seed ^ (UInt64(run) &* 0x9E37_79B9_7F4A_7C15))
            return mixer.next()
        }
    }

    /// "random(seed: 7)".
    public var description: String {
        switch kind {
        case .random(let seed): "random(seed: \(seed))"
        case .uncontrolled(let timeLimit): "uncontrolled(timeLimit: \(timeLimit))"
        }
    }
}

/// Limits of a controlled exploration.
public struct ExplorationOptions: Sendable {
    /// How many runs to make, each in a fresh world; the exploration stops at the first failure.
    public var runs: Int
    /// The most scheduling decisions a run may take before it fails as a livelock.
    public var maxSteps: Int
    /// How long (real time) a participant may run without reaching a scheduling point before
    /// the run fails as stalled: blocked outside RingMQ (a lock, a sleep, I/O).
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
        /// Every participant blocked, with no timeout pending.
        case deadlock
        /// A RingMQ check failed (two participants in one socket, an invalid option).
        case trap
        /// A participant ran too long without reaching a scheduling point.
        case stall
        /// The run took more decisions than ``ExplorationOptions/maxSteps``.
        case stepBound
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

    /// The report: run, seed, message and trace.
    public var description: String {
        let hex = "0x" + String(seed, radix: 16, uppercase: true)
        return (["Run \(run) (seed \(hex)) failed: \(message)", "Last decisions:"] + trace.map { "  " + $0 })
            .joined(separator: "\n")
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
    /// The first failed run, `nil` if every run passed.
    public let failure: ExplorationFailure?
    /// The whole trace of the last run, one line per event: the same seed gives the same lines.
    public let lastTrace: [String]
}

/// Controlled runs of a concurrent test: each run in a fresh ``World``, its participants
/// interleaved at every socket call as the ``Schedule`` chooses, reproducibly.
public enum Exploration {
    /// Runs `body` (the participant "main" of each run) up to ``ExplorationOptions/runs``
    /// times, stopping at the first failure; see ``World``.
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
        // The driver blocks between runs: on a thread of its own, not one of the pool's.
        await withCheckedContinuation { continuation in
            // Detached: it resumes this task itself as its last act, so nobody is left to join it.
            PeerThread {
                continuation.resume(returning: drive(schedule, options, body))
            }.detach()
        }
    }

    private static func drive(
        _ schedule: Schedule, _ options: ExplorationOptions,
        _ body: @escaping @Sendable (World) async throws -> Void
    ) -> ExplorationResult {
        var decisions = 0
        var choices = 0
        var trace: [String] = []
        for run in 0..<options.runs {
            if case .uncontrolled(let timeLimit) = schedule.kind {
                let outcome = uncontrolledRun(run, timeLimit: timeLimit, options, body)
                trace = outcome.trace
                if let failure = outcome.failure {
                    return ExplorationResult(
                        runs: run + 1, decisions: 0, choices: 0, failure: failure, lastTrace: trace)
                }
                continue
            }
            let controller = Controller(run: run, seed: schedule.seed(ofRun: run), options: options)
            let world = World(controller: controller)
            _ = controller.spawn("main") { try await body(world) }
            controller.start()
            watch(controller, stallLimit: options.stallLimit)
            // Wakes whatever still waits in RingMQ after a failure, so the threads can end.
            world.context.terminate()
            let participants = controller.state.withLock { $0.participants }
            let clock = ContinuousClock()
            let end = clock.now.advanced(by: .seconds(1))
            for participant in participants {
                _ = participant.executor.join(within: max(.zero, clock.now.duration(to: end)))
            }
            controller.forgetParticipants()
            let outcome = controller.outcome
            decisions += outcome.decisions
            choices += outcome.choices
            trace = outcome.trace
            if let failure = outcome.failure {
                return ExplorationResult(
                    runs: run + 1, decisions: decisions, choices: choices, failure: failure, lastTrace: trace)
            }
        }
        return ExplorationResult(
            runs: options.runs, decisions: decisions, choices: choices, failure: nil, lastTrace: trace)
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
                let running = controller.state.withLock { state in
                    state.participants.first { if case .running = $0.phase { true } else { false } }?.name
                }
                controller.fail(
                    .stall,
                    "participant \(running ?? "?") has not reached a scheduling point for \(stallLimit); "
                        + "controlled runs need every wait to go through RingMQ or world.yield()")
                return
            }
        }
    }
}

/// A deterministic generator (SplitMix64): the run's choices, from its seed.
struct ScheduleRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
