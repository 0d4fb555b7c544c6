import RingMQ

/// What a controlled run cannot control, caught and reported instead of trapping or hanging
/// (issue 16, item 6): a socket of the world used from outside it, an exploration started
/// inside a participant, a participant stuck outside RingMQ, and a participant suspended on
/// something only the outside world resumes.
extension Controller {
    /// The run the calling task belongs to: set around each participant's start, so that its
    /// task and everything it starts inherit it (a `Task {}` too, though it runs uncontrolled).
    @TaskLocal static var current: Controller?

    /// A thread or task the world did not start reached a scheduling point of this run (a
    /// `Task {}` inside a participant, a thread of the test's own): the run fails with
    /// ``ExplorationFailure/Kind/misuse``. The call itself goes on, uncontrolled.
    func usedFromOutside(_ point: SchedulePoint) {
        guard !isStopped else { return }
        let what =
            point.socketDescription.map { "the \($0) was used (\(point.call))" } ?? "\(point.call) was called"
        fail(
            .misuse,
            "\(what) by a thread or task the world did not start; start it with world.thread or "
                + "world.task (a Task {} inside a participant is not controlled)")
    }

    /// Fails the run from a thread that may not hold the turn (the driver's watchdog, a
    /// thread outside the world, an issue handler), unless it has already failed.
    func fail(_ kind: ExplorationFailure.Kind, _ message: String) {
        state.withLock { state in
            if state.failure == nil { state.failure = failure(state, kind, message) }
        }
        stop()
    }

    /// A job was queued on a participant's executor while controlled. If nobody could run and
    /// the controller was waiting for a resume from outside the world (a continuation a foreign
    /// thread resumes, a real sleep's end), this thread makes the decision that was put off.
    func jobQueued() {
        let resumes = state.withLock { state in
            guard state.waitingElsewhere else { return false }
            state.waitingElsewhere = false
            return true
        }
        if resumes { handOff(from: nil) }
    }

    /// Between jobs with none queued, not parked in RingMQ and not waiting for another
    /// participant: suspended on an await only the outside world can end.
    func isSuspendedElsewhere(_ participant: Participant) -> Bool {
        guard case .idle = participant.phase else { return false }
        return participant.parkedReason == nil && !participant.executor.hasJobs
    }

    /// No decision for `limit` of real time (the driver's watchdog): fails the run as stalled,
    /// naming the participant that holds the turn and its last step, or, if nobody can run and
    /// the run waited for a resume from outside the world that never came, as a deadlock.
    func failStalled(after limit: Duration) {
        state.withLock { state in
            guard state.failure == nil else { return }
            if state.waitingElsewhere {
                state.failure = failure(
                    state, .deadlock,
                    deadlockReport(state)
                        + "\n  (waited \(seconds(limit)) for a resume from outside the world; none came)")
                return
            }
            let running = state.participants.first { if case .running = $0.phase { true } else { false } }
            let name = running?.name ?? "?"
            let last = state.trace.last { $0.hasPrefix("\(name): ") }
            state.failure = failure(
                state, .stall,
                "participant \(name) has not reached a scheduling point for \(seconds(limit)); controlled runs "
                    + "need every wait to go through RingMQ or `yield`"
                    + (last.map { " (its last step: \"\($0)\")" } ?? ""))
        }
        stop()
    }

    /// "5 s", "0.3 s".
    private func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        if fraction == 0 { return "\(whole) s" }
        return "\(Double(whole) + Double(fraction) / 1e18) s"
    }
}

extension Exploration {
    /// Fails the run the calling task belongs to (a participant's, or a task one started) with
    /// `kind` and `message`, prefixed by the participant's name when a participant calls: for
    /// the Swift Testing glue, from its issue handler. `false`: the caller is in no run.
    package static func failCurrentRun(_ kind: ExplorationFailure.Kind, _ message: String) -> Bool {
        guard let controller = Controller.current else { return false }
        let name = controller.caller()?.name
        controller.fail(kind, name.map { "\($0): \(message)" } ?? message)
        return true
    }

    /// An exploration started inside a participant of another: both fail with
    /// ``ExplorationFailure/Kind/misuse`` (the outer run stops, the inner one never starts).
    static func nested(in outer: Controller, _ schedule: Schedule) -> ExplorationResult {
        let message =
            "exploration nested in exploration: Exploration.run was called inside a participant of run "
            + "\(outer.run); start explorations one after another, from the test itself"
        outer.fail(.misuse, message)
        let failure = ExplorationFailure(
            kind: .misuse, run: 0, seed: schedule.seed(ofRun: 0), message: message, trace: [], schedule: "")
        return ExplorationResult(runs: 0, decisions: 0, choices: 0, complete: false, failure: failure, lastTrace: [])
    }
}
