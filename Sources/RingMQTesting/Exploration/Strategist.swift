import RingMQ

/// The strategy of a whole exploration: makes each run's ``RunStrategy`` and learns from the
/// run (PCT: the longest run; exhaustive: which branches are left).
final class Strategist {
    /// The schedule explored: the test's, or `RINGMQ_SCHEDULE`'s replay.
    let schedule: Schedule
    /// How a report names the strategy, with the override if there is one.
    let description: String
    /// Why the schedule cannot run at all, and as what the exploration then fails: a replay
    /// code that cannot be read (a divergence), a PCT depth or search bound out of range.
    private(set) var invalid: (kind: ExplorationFailure.Kind, message: String)?
    /// Every schedule the strategy covers has been run.
    private(set) var complete = false
    private let options: ExplorationOptions
    private var longestRun = 0
    private var lastRun: [ScheduleCode.Step] = []
    private var code = ScheduleCode()

    init(_ requested: Schedule, options: ExplorationOptions) {
        let (schedule, overridden) = requested.overriddenByEnvironment()
        self.schedule = schedule
        self.options = options
        description =
            overridden
            ? "\(schedule) from \(Schedule.environmentVariable), instead of \(requested)" : schedule.description
        switch schedule.kind {
        case .replay(let text):
            do { code = try ScheduleCode(text) } catch { invalid = (.divergence, error.message) }
        case .pct(let depth, _) where depth < 1:
            invalid = (
                .misuse,
                "\(schedule) cannot run: the depth is how many ordering constraints the bugs sought need, "
                    + "1 or more; try .pct(depth: 2) or .pct(depth: 3)"
            )
        case .exhaustive(let maxChoices) where maxChoices < 0:
            invalid = (
                .misuse,
                "\(schedule) cannot run: maxChoices is how many choices of a run branch, 0 or more; "
                    + "try .exhaustive(maxChoices: 12)"
            )
        default:
            break
        }
        if invalid == nil, let problem = Self.problem(with: options) { invalid = (.misuse, problem) }
    }

    /// What is wrong with `options`, if anything, and what to use instead.
    private static func problem(with options: ExplorationOptions) -> String? {
        if options.runs < 0 {
            return "ExplorationOptions(runs: \(options.runs)) cannot run: runs is a count, 0 or more"
        }
        if options.maxSteps < 1 {
            return "ExplorationOptions(maxSteps: \(options.maxSteps)) cannot run: maxSteps is how many decisions a run "
                + "may take, 1 or more; the default is 20_000"
        }
        if options.stallLimit <= .zero {
            return
                "ExplorationOptions(stallLimit: \(options.stallLimit)) cannot run: it is a real-time limit and must be "
                + "positive; the default is 5 seconds"
        }
        if options.traceLines < 0 {
            return "ExplorationOptions(traceLines: \(options.traceLines)) cannot run: it is a count of lines, 0 or more"
        }
        return nil
    }

    /// The strategy of run `run`, with its seed; `nil` when every schedule has been run.
    func begin(run: Int) -> (seed: UInt64, strategy: any RunStrategy)? {
        let seed = schedule.seed(ofRun: run)
        switch schedule.kind {
        case .random:
            return (seed, RandomRun(seed: seed))
        case .pct(let depth, _):
            let strategy = PCTRun(
                seed: seed, depth: depth, longestRun: longestRun, measuring: run == 0,
                fairAfter: options.maxSteps / 2)
            return (seed, strategy)
        case .exhaustive(let maxChoices):
            guard run == 0 || !complete else { return nil }
            return (seed, ExhaustiveRun(prefix: nextBranch(), maxChoices: maxChoices))
        case .replay:
            return run == 0 ? (seed, ReplayRun(code)) : nil
        case .uncontrolled:
            // Plain runs have no strategy (`Exploration.uncontrolledRuns`).
            return nil
        }
    }

    /// The run ended (passed or not): learns its count of choices and, for the search, its
    /// branches; marks the search complete when no branch is left.
    func end(_ strategy: any RunStrategy, choices: Int) {
        longestRun = max(longestRun, choices)
        if strategy is ReplayRun { complete = true }
        if let search = strategy as? ExhaustiveRun {
            lastRun = search.made
            complete = lastRun.allSatisfy { $0.choice + 1 == $0.count }
        }
    }

    /// The previous run's choices up to its deepest one with an untried option, then that option.
    private func nextBranch() -> [ScheduleCode.Step] {
        guard let deepest = lastRun.lastIndex(where: { $0.choice + 1 < $0.count }) else { return [] }
        var prefix = Array(lastRun[..<deepest])
        prefix.append(ScheduleCode.Step(choice: lastRun[deepest].choice + 1, count: lastRun[deepest].count))
        return prefix
    }
}

extension Controller {
    /// The run is over and passed so far: fails it if it does not match its recorded schedule
    /// (a replay with choices left).
    func checkLeftover() {
        state.withLock { state in
            if state.failure == nil, let message = state.strategy.leftover() {
                state.failure = failure(state, .divergence, message)
            }
        }
    }
}
