import RingMQ
import Synchronization

/// Plain runs (``Schedule/uncontrolled``): the same test body and participants as a controlled
/// run, with nobody scheduling them, to measure how often a bug shows without exploration.
///
/// The design reuses the controlled machinery, switched off: the run's ``Controller`` is
/// stopped before anyone starts, and a stopped controller lets every hook go on by itself
/// (a participant's executor then runs each job as soon as it is queued, and ``World/yield()``
/// and ``Participant/join()`` make no decision). The world's context is a plain `Context()` on
/// the real clock, so its sockets have no scheduling hook at all, and their timeouts are real.
extension Exploration {
    /// Up to `options.runs` plain runs, stopping at the first failure.
    static func uncontrolledRuns(
        timeLimit: Duration, _ options: ExplorationOptions, _ body: @escaping @Sendable (World) async throws -> Void
    ) -> ExplorationResult {
        guard timeLimit > .zero else {
            var failure = ExplorationFailure(
                kind: .misuse, run: 0, seed: 0,
                message: "uncontrolled(timeLimit: \(timeLimit)) cannot run: the limit is how long (real time) a plain "
                    + "run may take before it counts as hung, and must be positive; try .uncontrolled(timeLimit: .seconds(1))",
                trace: [], schedule: "")
            failure.strategy = Schedule.uncontrolled(timeLimit: timeLimit).description
            return ExplorationResult(
                runs: 0, decisions: 0, choices: 0, complete: false, failure: failure, lastTrace: [])
        }
        var trace: [String] = []
        for run in 0..<options.runs {
            let outcome = uncontrolledRun(run, timeLimit: timeLimit, options, body)
            trace = outcome.trace
            if var failure = outcome.failure {
                failure.strategy = Schedule.uncontrolled(timeLimit: timeLimit).description
                return ExplorationResult(
                    runs: run + 1, decisions: 0, choices: 0, complete: false, failure: failure, lastTrace: trace)
            }
        }
        return ExplorationResult(
            runs: options.runs, decisions: 0, choices: 0, complete: false, failure: nil, lastTrace: trace)
    }

    /// One plain run: starts `body` as the participant "main" and waits (real time) until every
    /// participant has finished, one has thrown, or `timeLimit` has passed (a hang); then
    /// terminates the context, which wakes whatever still waits in it, and joins the threads.
    static func uncontrolledRun(
        _ run: Int, timeLimit: Duration, _ options: ExplorationOptions,
        _ body: @escaping @Sendable (World) async throws -> Void
    ) -> (failure: ExplorationFailure?, trace: [String]) {
        let controller = Controller(
            run: run, seed: UInt64(run), strategy: RandomRun(seed: UInt64(run)), options: options)
        controller.stop()
        let world = World(controller: controller, context: Context())
        _ = controller.spawn("main") { try await body(world) }
        let ending = waitForEnd(controller, timeLimit: timeLimit)
        let participants = endWorld(controller, world)
        // No decisions to show: the trace is how each participant ended.
        let trace = participants.map { participant in
            guard participant.finished.load(ordering: .acquiring) else { return "\(participant.name): unfinished" }
            return participant.thrown.map { "\(participant.name): threw \($0)" } ?? "\(participant.name): finished"
        }
        let failure = ending.map { kind, message in
            ExplorationFailure(kind: kind, run: run, seed: UInt64(run), message: message, trace: trace, schedule: "")
        }
        return (failure, trace)
    }

    /// Watches the participants' ends: `nil` once all have finished, a failure as soon as one
    /// has thrown, or once `timeLimit` has passed with some still running.
    private static func waitForEnd(
        _ controller: Controller, timeLimit: Duration
    ) -> (ExplorationFailure.Kind, String)? {
        let clock = ContinuousClock()
        let start = clock.now
        // Never posted: its timed wait is the watch's tick (nothing announces a participant's end
        // to this thread, and a tick of 100 µs is short beside a run's thread starts).
        let tick = Baton()
        while true {
            // A participant starts others only while it runs, so when every one listed has
            // finished, none is still to come.
            let participants = controller.state.withLock { $0.participants }
            let finished = participants.filter { $0.finished.load(ordering: .acquiring) }
            if let failed = finished.first(where: { $0.thrown != nil }), let error = failed.thrown {
                return (.thrown, "\(failed.name) threw \(error)")
            }
            if finished.count == participants.count { return nil }
            let waited = start.duration(to: clock.now)
            if waited >= timeLimit {
                let running = participants.filter { !$0.finished.load(ordering: .acquiring) }.map(\.name)
                return (
                    .stall,
                    "did not finish in \(timeLimit): hung? (still running: \(running.joined(separator: ", ")))"
                )
            }
            _ = tick.wait(timeout: min(.microseconds(100), timeLimit - waited))
        }
    }
}
