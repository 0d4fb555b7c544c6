import RingMQTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one seeded churn run found wrong, each problem worded with the seed that replays it.
///
/// The runs collect problems as data instead of recording issues as they go, so that a soak
/// loop can stop at the first failing seed, and every message names that seed.
struct ChurnFindings {
    let seed: UInt64
    private(set) var problems: [String] = []
    /// What the run did (counts of messages and churn), printed in soak mode.
    var summary = ""

    init(seed: UInt64) {
        self.seed = seed
    }

    /// "seed 0x…; replay with RINGMQ_SEED=0x…": the prefix of every problem.
    var replay: String { TestSeed.replay(seed) }

    /// Notes `problem` unless `condition` holds.
    mutating func expect(_ condition: Bool, _ problem: @autoclosure () -> String) {
        if !condition { problems.append(problem()) }
    }

    /// Records one issue per problem, each starting with ``replay``.
    func record(sourceLocation: SourceLocation) {
        for problem in problems {
            Issue.record("\(replay): \(problem)", sourceLocation: sourceLocation)
        }
    }
}

/// Runs a seeded churn run once, or, with `RINGMQ_SOAK=<seconds>`, over fresh seeds until that
/// much time has passed.
///
/// The first run uses the test's seed (`RINGMQ_SEED`, else its fixed default); the soak's
/// later seeds come from a SplitMix64 seeded with it, so a soak is reproducible too. In soak
/// mode each seed is printed before its run (a crash then names it), and the loop stops at the
/// first run that finds a problem or throws.
enum ChurnSoak {
    /// The soak duration asked for with `RINGMQ_SOAK`, or `nil` for a single run.
    static var duration: Duration? {
        guard let raw = getenv("RINGMQ_SOAK").map({ String(cString: $0) }), let seconds = Double(raw),
            seconds > 0
        else { return nil }
        return .milliseconds(Int(seconds * 1000))
    }

    static func run(
        _ name: String, defaultSeed: UInt64, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: (UInt64) throws -> ChurnFindings
    ) {
        let first = TestSeed.value(default: defaultSeed)
        guard let duration else {
            runOnce(first, body, sourceLocation: sourceLocation)
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        var seeds = SplitMix64(seed: first)
        var seed = first
        var runs = 0
        while true {
            print("\(name) soak: run \(runs + 1), \(ChurnFindings(seed: seed).replay)")
            runs += 1
            guard runOnce(seed, body, sourceLocation: sourceLocation) else { break }
            if start.duration(to: clock.now) >= duration { break }
            seed = seeds.next()
        }
        print("\(name) soak: \(runs) runs in \(start.duration(to: clock.now))")
    }

    /// `false` if the run found a problem or threw.
    @discardableResult
    private static func runOnce(
        _ seed: UInt64, _ body: (UInt64) throws -> ChurnFindings, sourceLocation: SourceLocation
    ) -> Bool {
        do {
            let findings = try body(seed)
            if duration != nil { print("  \(findings.summary)") }
            findings.record(sourceLocation: sourceLocation)
            return findings.problems.isEmpty
        } catch {
            Issue.record("\(ChurnFindings(seed: seed).replay): the run threw \(error)", sourceLocation: sourceLocation)
            return false
        }
    }
}

extension ChurnFindings {
    /// Joins every peer (bounded, see ``Peer/join(limit:sourceLocation:)``) and returns what
    /// each returned, in order; a peer that threw or is stuck is noted as a problem and has
    /// `nil` in its place.
    mutating func join<Value>(_ peers: [Peer<Value>], _ role: String) -> [Value?] {
        peers.enumerated().map { index, peer in
            switch peer.join() {
            case .success(let value):
                return value
            case .failure(let error):
                problems.append("\(role) \(index) ended with \(error)")
                return nil
            }
        }
    }
}

extension SplitMix64 {
    /// `true` with probability 1 / `n`.
    mutating func oneIn(_ n: UInt64) -> Bool {
        next() % n == 0
    }

    /// A generator of its own for one thread of a run, derived from the run's seed and the
    /// thread's role and index, so that each thread's choices replay whatever the others do.
    static func forThread(seed: UInt64, role: UInt64, index: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (role << 32 | UInt64(index)))
        return SplitMix64(seed: mixer.next())
    }
}
