import RingMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a controlled exploration chooses who runs at each scheduling point.
///
/// A *choice* is a scheduling decision with more than one participant able to run; the
/// strategy picks one of them. Every run is reproducible from the strategy and its seed:
/// ``description`` names both ("pct(depth: 2, seed: 7)"), and the same description gives the
/// same runs, step for step. A failed run also prints its *schedule code*
/// (``ExplorationFailure/schedule``), which ``replay(_:)`` runs again without the seed.
///
/// Setting the environment variable `RINGMQ_SCHEDULE` to a schedule code (`rmq1:…`) makes
/// every exploration of the process replay that code instead of its own strategy, to rerun a
/// failure without editing the test (`RINGMQ_SCHEDULE=rmq1:… swift test --filter <test>`); a
/// failure report then says that the variable overrode the strategy.
public struct Schedule: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case random(seed: UInt64)
        case pct(depth: Int, seed: UInt64)
        case exhaustive(maxChoices: Int)
        case replay(code: String)
        /// Plain runs: no scheduling, the real clock; see Exploration+Uncontrolled.swift.
        case uncontrolled(timeLimit: Duration)
    }

    let kind: Kind

    /// At every choice, a participant picked uniformly at random among those that can run.
    /// Run `n` draws from `seed` and `n`, so the same seed gives the same runs, step for step.
    public static func random(seed: UInt64 = 0) -> Schedule {
        Schedule(kind: .random(seed: seed))
    }

    /// Probabilistic concurrency testing (PCT, Burckhardt et al., ASPLOS 2010): each run gives
    /// the participants random distinct priorities and always runs the highest-priority one
    /// that can run; at `depth − 1` random choices of the run, the participant about to run
    /// drops below all others.
    ///
    /// The *depth* of a bug is how many ordering constraints between participants it needs:
    /// "B reads before A writes" is depth 1; "B reads after A's first write and before its
    /// second" is depth 2 (one preemption at one exact place). Each run finds a bug of depth
    /// `depth` with probability at least 1 / (n · k^(depth − 1)), for n participants and k
    /// choices per run: unlike a random walk, this does not shrink as runs get longer in ways
    /// that do not matter to the bug. Use the smallest depth that finds your bugs (2 or 3).
    ///
    /// - Run 0 runs the lowest participant id first at every choice, to measure k; later runs
    ///   draw their change points from the largest count of choices seen so far.
    /// - ``World/yield()`` also drops the yielding participant below all others, so a loop that
    ///   polls and yields lets the others run.
    /// - Past half of ``ExplorationOptions/maxSteps`` decisions, a run picks at random, so that
    ///   a polling loop at the top priority does not starve the others for ever.
    ///
    /// - Parameters:
    ///   - depth: the bug depth to aim at, 1 or more (1: no change points). Less than 1 fails
    ///     the exploration before any run, as ``ExplorationFailure/Kind/misuse``.
    ///   - seed: the seed every run draws its priorities and change points from.
    public static func pct(depth: Int = 3, seed: UInt64 = 0) -> Schedule {
        Schedule(kind: .pct(depth: depth, seed: seed))
    }

    /// Every schedule, depth first: each run follows the previous one up to its last choice
    /// that has an option not yet tried, takes that option, then the lowest participant id at
    /// every later choice, until every schedule has been run
    /// (``ExplorationResult/complete`` is then `true`) or ``ExplorationOptions/runs`` is
    /// reached. For small tests: the count of schedules grows exponentially with their length.
    ///
    /// - Parameter maxChoices: how many choices of a run branch. Past them the participant that
    ///   was running goes on if it can (else the lowest id): that adds no schedules, so the
    ///   search ends, and bugs that need a late switch are not searched for. Less than 0 fails
    ///   the exploration before any run, as ``ExplorationFailure/Kind/misuse``.
    public static func exhaustive(maxChoices: Int = 12) -> Schedule {
        Schedule(kind: .exhaustive(maxChoices: maxChoices))
    }

    /// Runs once, making the choices that `code` records: the schedule code a failed run's
    /// report prints (``ExplorationFailure/schedule``), such as `"rmq1:AAEA:b9"`.
    ///
    /// If the run does not match the code (another count of participants can run at a choice,
    /// the code has no choice left, or choices are left when the run ends), it fails as
    /// ``ExplorationFailure/Kind/divergence``: something outside RingMQ changed between the
    /// runs (the test's code, or randomness, real time, hash order). A code that cannot be read
    /// fails the exploration the same way, before any run, saying what is wrong with it.
    ///
    /// - Parameter code: a schedule code, `rmq1:` + the choices + `:` + a checksum.
    public static func replay(_ code: String) -> Schedule {
        Schedule(kind: .replay(code: code))
    }

    /// Plain runs, to compare with controlled ones: the participants run freely on their own
    /// threads, the context measures timeouts on the real (continuous) clock, and nothing is
    /// scheduled, as in a test run without exploration. A run that has not finished after one
    /// second of real time fails as ``ExplorationFailure/Kind/stall`` ("did not finish in 1.0
    /// seconds: hung?"). A failure found this way has no schedule code: it cannot be replayed.
    public static var uncontrolled: Schedule {
        uncontrolled(timeLimit: .seconds(1))
    }

    /// Plain runs (see ``uncontrolled``) in which a run that has not finished after `timeLimit`
    /// of real time fails as hung. A limit that is not positive fails the exploration before
    /// any run, as ``ExplorationFailure/Kind/misuse``.
    public static func uncontrolled(timeLimit: Duration) -> Schedule {
        Schedule(kind: .uncontrolled(timeLimit: timeLimit))
    }

    /// The seed of run `run`: what its strategy draws from, and what RingMQ's own draws (a
    /// REQ's request id) come from.
    func seed(ofRun run: Int) -> UInt64 {
        switch kind {
        case .random(let seed), .pct(_, let seed):
            var mixer = ScheduleRandom(seed: seed ^ (UInt64(run) &* 0x9E37_79B9_7F4A_7C15))
            return mixer.next()
        case .exhaustive:
            var mixer = ScheduleRandom(seed: UInt64(run) &* 0x9E37_79B9_7F4A_7C15)
            return mixer.next()
        case .replay(let code):
            return (try? ScheduleCode(code).seed) ?? 0
        case .uncontrolled:
            return UInt64(run)
        }
    }

    /// The strategy and its seed, which reproduce every run: "random(seed: 7)",
    /// "pct(depth: 2, seed: 7)", "exhaustive(maxChoices: 12)", "replay(\"rmq1:…\")".
    public var description: String {
        switch kind {
        case .random(let seed): "random(seed: \(seed))"
        case .pct(let depth, let seed): "pct(depth: \(depth), seed: \(seed))"
        case .exhaustive(let maxChoices): "exhaustive(maxChoices: \(maxChoices))"
        case .replay(let code): "replay(\"\(code)\")"
        case .uncontrolled(let timeLimit): "uncontrolled(timeLimit: \(timeLimit))"
        }
    }

    /// The environment variable whose schedule code overrides every exploration's strategy.
    static let environmentVariable = "RINGMQ_SCHEDULE"

    /// The schedule the exploration runs: a replay of `RINGMQ_SCHEDULE` when it is set (and
    /// then a line on the standard error saying so), else this one.
    func overriddenByEnvironment() -> (schedule: Schedule, overridden: Bool) {
        guard let value = getenv(Self.environmentVariable), value.pointee != 0 else { return (self, false) }
        let code = String(cString: value)
        let line = "RingMQTesting: \(Self.environmentVariable)=\(code) replaces the strategy \(self)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        return (.replay(code), true)
    }
}

/// A deterministic generator (SplitMix64): the run's choices, from its seed. Package-visible:
/// the package's randomised tests draw from it too.
package struct ScheduleRandom: RandomNumberGenerator {
    var state: UInt64

    package init(seed: UInt64) {
        state = seed
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (`bound` > 0), by modulo: the same draw as before strategies
    /// existed, so the traces of `.random` runs stay the same.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
