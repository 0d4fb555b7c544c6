import RingMQ
import RingMQTesting

/// One `explore` result: the cost of controlled runs (RingMQTesting's schedule exploration) of
/// a three-participant pipeline.
struct ExploreResult {
    let runs: Int
    let seconds: Double
    let decisions: Int
    let choices: Int

    var line: String {
        "explore runs=\(runs) seconds=\(format(seconds, digits: 3))"
            + " ms_per_run=\(format(seconds * 1000 / Double(runs), digits: 3))"
            + " decisions=\(decisions) choices=\(choices)"
            + " decisions_per_s=\(format(Double(decisions) / seconds, digits: 0))"
    }
}

/// What a controlled run costs: every scheduling decision hands the turn from one thread to
/// another (a futex wake and wait), and every run starts fresh participants in a new context.
enum Explore {
    /// Explores `runs` runs of a pipeline under `.random(seed: 0)`: a producer thread pushes
    /// `messages` jobs to a worker thread, which pushes each result to the collector (the
    /// run's main task). Fails if a run fails: the pipeline has no bug.
    static func pipeline(runs: Int, messages: Int = 3) throws -> ExploreResult {
        let clock = ContinuousClock()
        let start = clock.now
        let result = Exploration.runBlocking(.random(seed: 0), options: ExplorationOptions(runs: runs)) { world in
            let results = try world.context.socket(.pull)
            try results.bind("inproc://bench-results")
            world.thread("producer") {
                let jobs = try world.context.socket(.push)
                try jobs.bind("inproc://bench-jobs")
                for index in 0..<messages { try jobs.send(Message("job \(index)")) }
            }
            world.thread("worker") {
                let jobs = try world.context.socket(.pull)
                try jobs.connect("inproc://bench-jobs")
                let out = try world.context.socket(.push)
                try out.connect("inproc://bench-results")
                for _ in 0..<messages { try out.send(try jobs.receive()) }
            }
            for _ in 0..<messages { _ = try await results.receive() }
        }
        let seconds = (clock.now - start).seconds
        if let failure = result.failure { throw ExploreFailure(description: failure.description) }
        return ExploreResult(runs: result.runs, seconds: seconds, decisions: result.decisions, choices: result.choices)
    }
}

/// The pipeline explored by `explore` failed a run, which it never should.
struct ExploreFailure: Error, CustomStringConvertible {
    let description: String
}
