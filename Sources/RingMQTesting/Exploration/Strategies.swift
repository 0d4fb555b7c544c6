import RingMQ

/// What a strategy answers at a choice: the index of the participant to run, in the list of
/// those that can run sorted by id, or why the run does not match a recorded schedule.
enum StrategyAnswer {
    case index(Int)
    case diverged(String)
}

/// The per-run state of a strategy, asked by the ``Controller`` at each choice (a decision
/// with more than one participant able to run), always under the controller's lock.
protocol RunStrategy: AnyObject {
    /// Picks who runs next among `runnable` (sorted by id, at least two); `current` is the
    /// participant that held the turn, if any; `decision` counts the run's decisions so far.
    func choose(among runnable: [Participant], current: Participant?, decision: Int) -> StrategyAnswer
    /// A participant was started.
    func spawned(_ participant: Participant)
    /// A participant called ``World/yield()``.
    func yielded(_ participant: Participant)
    /// The run ended without failing: why it still does not match its schedule, if it does not.
    func leftover() -> String?
}

extension RunStrategy {
    func spawned(_ participant: Participant) {}
    func yielded(_ participant: Participant) {}
    func leftover() -> String? { nil }
}

/// Uniform: every participant that can run is as likely as any other.
final class RandomRun: RunStrategy {
    private var random: ScheduleRandom

    init(seed: UInt64) {
        random = ScheduleRandom(seed: seed)
    }

    func choose(among runnable: [Participant], current: Participant?, decision: Int) -> StrategyAnswer {
        .index(random.below(runnable.count))
    }
}

/// One run of PCT (see ``Schedule/pct(depth:seed:)``): the highest-priority participant that can
/// run always runs; priorities are random, and drop at the change points and at yields.
final class PCTRun: RunStrategy {
    private var random: ScheduleRandom
    /// Participant ids, highest priority first; the last `lowered` were dropped to the bottom.
    private var order: [Int] = []
    private var lowered = 0
    /// The choices (numbered from 1) at which the participant about to run drops.
    private let changePoints: Set<Int>
    private var choices = 0
    /// Run 0: lowest id first, to measure how many choices a run makes.
    private let measuring: Bool
    /// Past this many decisions, random: a polling loop at the top must not starve the rest.
    private let fairAfter: Int

    init(seed: UInt64, depth: Int, longestRun: Int, measuring: Bool, fairAfter: Int) {
        random = ScheduleRandom(seed: seed)
        self.measuring = measuring
        self.fairAfter = fairAfter
        // depth − 1 distinct points in 1...k, drawn without replacement (all of them if fewer).
        var candidates = Array(1...max(1, longestRun))
        var points = Set<Int>()
        while points.count < depth - 1, !candidates.isEmpty {
            points.insert(candidates.remove(at: random.below(candidates.count)))
        }
        changePoints = points
    }

    func spawned(_ participant: Participant) {
        // A random slot among those not lowered: the lowered stay below every newcomer.
        let slot = random.below(order.count - lowered + 1)
        order.insert(participant.id, at: slot)
    }

    func yielded(_ participant: Participant) {
        lower(participant.id)
    }

    private func lower(_ id: Int) {
        guard let place = order.firstIndex(of: id) else { return }
        if place < order.count - lowered { lowered += 1 }
        order.remove(at: place)
        order.append(id)
    }

    func choose(among runnable: [Participant], current: Participant?, decision: Int) -> StrategyAnswer {
        choices += 1
        if decision > fairAfter { return .index(random.below(runnable.count)) }
        if measuring { return .index(0) }
        if changePoints.contains(choices), let top = highest(in: runnable) { lower(runnable[top].id) }
        return .index(highest(in: runnable) ?? 0)
    }

    /// The index in `runnable` of the participant with the highest priority.
    private func highest(in runnable: [Participant]) -> Int? {
        for id in order {
            if let index = runnable.firstIndex(where: { $0.id == id }) { return index }
        }
        return nil
    }
}

/// One run of the depth-first search (see ``Schedule/exhaustive(maxChoices:)``): replays
/// `prefix`, then takes index 0, and records every branching choice for the next run.
final class ExhaustiveRun: RunStrategy {
    private let prefix: [ScheduleCode.Step]
    private let maxChoices: Int
    /// The branching choices this run made: what the next run backtracks over.
    private(set) var made: [ScheduleCode.Step] = []

    init(prefix: [ScheduleCode.Step], maxChoices: Int) {
        self.prefix = prefix
        self.maxChoices = maxChoices
    }

    func choose(among runnable: [Participant], current: Participant?, decision: Int) -> StrategyAnswer {
        guard made.count < maxChoices else {
            // No branching past the bound: the tree stays finite.
            return .index(runnable.firstIndex { $0 === current } ?? 0)
        }
        var choice = 0
        if made.count < prefix.count {
            let planned = prefix[made.count]
            guard planned.count == runnable.count else {
                return .diverged(
                    "the exhaustive search diverged at choice \(made.count + 1): the run before had "
                        + "\(planned.count) participants able to run there, this one has \(runnable.count) "
                        + "(\(names(runnable))); is something outside RingMQ nondeterministic?")
            }
            choice = planned.choice
        }
        made.append(ScheduleCode.Step(choice: choice, count: runnable.count))
        return .index(choice)
    }

    func leftover() -> String? {
        guard made.count < prefix.count, made.count < maxChoices else { return nil }
        return "the exhaustive search diverged: the run ended after \(choices(made.count)), but the run before "
            + "went on to choice \(prefix.count); is something outside RingMQ nondeterministic?"
    }
}

/// Replays a schedule code's choices in order; any mismatch is a divergence.
final class ReplayRun: RunStrategy {
    private let steps: [ScheduleCode.Step]
    private var next = 0

    init(_ code: ScheduleCode) {
        steps = code.steps
    }

    func choose(among runnable: [Participant], current: Participant?, decision: Int) -> StrategyAnswer {
        let number = next + 1
        guard next < steps.count else {
            return .diverged(
                "replay diverged at choice \(number): the schedule has only \(choices(steps.count)), but "
                    + "\(runnable.count) participants can run here (\(names(runnable))); "
                    + "is something outside RingMQ nondeterministic?")
        }
        let step = steps[next]
        next += 1
        guard step.count == runnable.count else {
            return .diverged(
                "replay diverged at choice \(number): the schedule says \(step.choice) of \(step.count), but "
                    + "\(runnable.count) participants can run (\(names(runnable))); "
                    + "is something outside RingMQ nondeterministic?")
        }
        return .index(step.choice)
    }

    func leftover() -> String? {
        guard next < steps.count else { return nil }
        return "replay diverged: the run ended after \(choices(next)), but the schedule has \(steps.count - next) "
            + "more; is something outside RingMQ nondeterministic?"
    }
}

private func names(_ participants: [Participant]) -> String {
    participants.map(\.name).joined(separator: ", ")
}

/// "1 choice", "3 choices".
private func choices(_ count: Int) -> String {
    count == 1 ? "1 choice" : "\(count) choices"
}
