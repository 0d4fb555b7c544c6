import RingMQ
import Synchronization

/// Deciding who runs next: the thread giving up the turn makes the decision, under the
/// controller's lock, and hands the turn over (there is no scheduler thread).
extension Controller {
    enum Next {
        case keep
        case switchTo(Participant)
        case advance([@Sendable () -> Void])
        /// Nobody can run yet: a job queued from outside the world decides (``jobQueued()``).
        case awaitOutside
        case end
    }

    /// Chooses who runs next once `me` (`nil`: nobody yet) has stopped; returns once `me` has
    /// the turn again, unless `waits` is `false` (it is done or the run ends).
    func handOff(from me: Participant?, waits: Bool = true) {
        while true {
            switch state.withLock({ decide(&$0, from: me) }) {
            case .keep:
                return
            case .switchTo(let next):
                next.executor.baton.post()
                if waits, let me { me.executor.baton.wait() }
                return
            case .advance(let wakes):
                for wake in wakes { wake() }
            case .awaitOutside:
                awaitingOutside.post()
                if waits, let me { me.executor.baton.wait() }
                return
            case .end:
                stop()
                return
            }
        }
    }

    private func decide(_ state: inout State, from me: Participant?) -> Next {
        state.decisions += 1
        decisions.add(1, ordering: .relaxed)
        if state.failure != nil { return .end }
        if state.decisions > options.maxSteps {
            state.failure = failure(state, .stepBound, "no end after \(options.maxSteps) decisions (a livelock?)")
            return .end
        }
        let runnable = state.participants.filter(isRunnable)
        guard !runnable.isEmpty else {
            if state.participants.allSatisfy({ if case .done = $0.phase { true } else { false } }) { return .end }
            if let wakes = advance(&state) { return .advance(wakes) }
            if state.participants.contains(where: isSuspendedElsewhere) {
                state.waitingElsewhere = true
                state.trace.append("nobody can run: waiting for a resume from outside the world")
                return .awaitOutside
            }
            state.failure = failure(state, .deadlock, deadlockReport(state))
            return .end
        }
        var index = 0
        if runnable.count > 1 {
            state.choices += 1
            switch state.strategy.choose(among: runnable, current: me, decision: state.decisions) {
            case .index(let chosen):
                index = chosen
                state.code.append(ScheduleCode.Step(choice: chosen, count: runnable.count))
            case .diverged(let message):
                state.failure = failure(state, .divergence, message)
                return .end
            }
        }
        let next = runnable[index]
        next.phase = .running
        next.parkedReason = nil
        if next !== me { state.trace.append("→ \(next.name)") }
        return next === me ? .keep : .switchTo(next)
    }

    private func isRunnable(_ participant: Participant) -> Bool {
        switch participant.phase {
        case .starting, .idle: participant.executor.hasJobs
        case .point: true
        case .blocked(let call): call.canEnd
        case .running, .done: false
        }
    }
}
