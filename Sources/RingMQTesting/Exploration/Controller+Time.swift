import RingMQ

/// Virtual time: the controller is the clock of every deadline of the run's context, and moves
/// it only when no participant can run, straight to the earliest deadline, so that a 30-second
/// timeout costs one decision and fires in the same order every run.
extension Controller {
    var elapsed: Duration {
        state.withLock { $0.now }
    }

    func schedule(
        at deadline: Duration, isAsleep: @escaping @Sendable () -> Bool,
        wake: @escaping @Sendable () -> Void
    ) -> Int? {
        state.withLock { state in
            guard deadline > state.now else { return nil }
            let token = state.nextToken
            state.nextToken += 1
            state.sleepers[token] = Sleeper(deadline: deadline, wake: wake)
            return token
        }
    }

    func cancel(_ token: Int) {
        state.withLock { $0.sleepers[token] = nil }
    }

    /// No real-time limit: the run's own watchdog catches a stuck participant.
    var safetyLimit: Duration? { nil }

    /// Nobody can run: moves the time to the earliest deadline and returns the wake-ups due
    /// there, in registration order (the caller calls them without the lock: they notify
    /// signals, which resumes tasks onto their executors). `nil`: no deadline is pending.
    func advance(_ state: inout State) -> [@Sendable () -> Void]? {
        guard let earliest = state.sleepers.values.map(\.deadline).min() else { return nil }
        state.now = earliest
        let due = state.sleepers.filter { $0.value.deadline <= earliest }.sorted { $0.key < $1.key }
        for (token, _) in due { state.sleepers[token] = nil }
        state.trace.append("clock → \(earliest)")
        return due.map(\.value.wake)
    }

    /// Every participant blocked, none with a deadline: each, with what it waits for.
    func deadlockReport(_ state: State) -> String {
        var lines = ["deadlock: every participant is blocked and no timeout is pending"]
        for participant in state.participants {
            switch participant.phase {
            case .blocked(let call):
                lines.append("  \(participant.name): \(call.reason)")
            case .idle, .starting:
                let reason =
                    participant.parkedReason
                    ?? "suspended outside RingMQ (an await that nothing in the world resumes)"
                lines.append("  \(participant.name): \(reason)")
            case .done:
                lines.append("  \(participant.name): finished")
            case .point, .running:
                lines.append("  \(participant.name): running")
            }
        }
        if let cycle = waitForCycle(state) {
            lines.append("  cycle: " + cycle.map(\.name).joined(separator: " → "))
        }
        return lines.joined(separator: "\n")
    }

    /// The first cycle of the wait-for graph, its first participant repeated at its end: an
    /// edge goes from a participant blocked in (or parked on) a send or receive to the last
    /// user of each peer socket that could end its wait. Searched from each participant in
    /// spawn order, following edges in spawn order, so the same deadlock prints the same.
    private func waitForCycle(_ state: State) -> [Participant]? {
        let participants = state.participants
        let edges = participants.map { participant -> [Int] in
            let waiting: Bool
            switch participant.phase {
            case .blocked: waiting = true
            case .idle: waiting = participant.parkedReason != nil
            default: waiting = false
            }
            guard waiting else { return [] }
            return Set(participant.waitPeers.compactMap { state.lastUsers[$0] }).sorted()
        }
        for start in participants.indices {
            // Depth-first from `start`, back to it; `seen` keeps the search linear per start.
            var path = [start]
            var seen: Set<Int> = [start]
            var next = [edges[start].makeIterator()]
            while let last = next.indices.last {
                guard let target = next[last].next() else {
                    next.removeLast()
                    path.removeLast()
                    continue
                }
                if target == start { return (path + [start]).map { participants[$0] } }
                if target > start, seen.insert(target).inserted {
                    path.append(target)
                    next.append(edges[target].makeIterator())
                }
            }
        }
        return nil
    }
}
