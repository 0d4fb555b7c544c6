import RingMQ
import RingMQTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The corpus measured (issue 16, item 8), printed as a Markdown table: per bug, the median
/// (and worst) number of runs each strategy needs to find it over seeds 0..<20, and how many of
/// 1,000 plain runs (``Schedule/uncontrolled``) find it.
///
/// Runs only when the environment variable `RINGMQ_CORPUS_TABLE=1` is set, since it takes
/// minutes (every plain run of the deadlocking cycle waits out its time limit); otherwise it
/// returns at once. Measure in release:
/// `RINGMQ_CORPUS_TABLE=1 swift test -c release --filter BugCorpusTable`.
@Suite(.runsAlone) struct BugCorpusTable {
    /// A strategy of the table: its column title and its schedule for a seed.
    typealias Strategy = (title: String, schedule: @Sendable (UInt64) -> Schedule)

    /// One line per strategy (the search has no seed: its column is one number).
    static let strategies: [Strategy] = [
        ("random", { .random(seed: $0) }),
        ("pct(depth: 2)", { .pct(depth: 2, seed: $0) }),
        ("pct(depth: 3)", { .pct(depth: 3, seed: $0) }),
        ("exhaustive(maxChoices: 12)", { _ in .exhaustive(maxChoices: 12) }),
    ]
    static let seeds: Range<UInt64> = 0..<20
    /// Runs an exploration may make before the bug counts as not found.
    static let runsLimit = 10_000
    static let plainRuns = 1000
    /// A plain run not finished in this time counts as hung (each hung run costs it).
    static let plainTimeLimit = Duration.milliseconds(100)

    @Test func printTheTable() async {
        guard let flag = getenv("RINGMQ_CORPUS_TABLE"), String(cString: flag) == "1" else { return }
        var lines = [
            "| Bug | " + Self.strategies.map { "\($0.title): median (max) runs" }.joined(separator: " | ")
                + " | Plain runs that find it |",
            "|---|" + String(repeating: "---|", count: Self.strategies.count + 1),
        ]
        for bug in CorpusCase.all {
            var cells: [String] = []
            for strategy in Self.strategies {
                var counts: [Int] = []
                for seed in Self.seeds {
                    let result = await Exploration.run(
                        strategy.schedule(seed), options: ExplorationOptions(runs: Self.runsLimit), bug.program(false))
                    #expect(result.failure != nil, "\(bug.name), \(strategy.title), seed \(seed): not found")
                    counts.append(result.failure == nil ? Int.max : result.runs)
                }
                counts.sort()
                let middle = counts[(counts.count - 1) / 2...counts.count / 2]
                let median =
                    middle.contains(.max) ? "not found" : "\(Double(middle.reduce(0, +)) / Double(middle.count))"
                cells.append("\(median) (\(counts.last == .max ? "not found" : "\(counts.last ?? 0)"))")
            }
            let found = await Self.plainFailures(bug)
            cells.append("\(found) of \(Self.plainRuns)")
            lines.append("| \(bug.name) | " + cells.joined(separator: " | ") + " |")
        }
        print(lines.joined(separator: "\n"))
    }

    /// How many of `plainRuns` uncontrolled runs of the buggy program fail: an exploration
    /// stops at its first failure, so each failure starts a new one for the runs left.
    static func plainFailures(_ bug: CorpusCase) async -> Int {
        var left = plainRuns
        var failures = 0
        while left > 0 {
            let result = await Exploration.run(
                .uncontrolled(timeLimit: plainTimeLimit), options: ExplorationOptions(runs: left), bug.plain(false))
            left -= result.runs
            if result.failure != nil { failures += 1 }
        }
        #expect(failures <= plainRuns)
        return failures
    }
}
