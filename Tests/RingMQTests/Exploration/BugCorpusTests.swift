import RingMQ
import RingMQTesting
import Testing

/// One bug of the corpus, with what its tests expect of it.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// The program, buggy (`false`) or fixed (`true`), for controlled runs.
    let program: @Sendable (Bool) -> BugCorpus.Program
    /// The program for plain runs, where time is real (bug 3 then needs short work).
    let plain: @Sendable (Bool) -> BugCorpus.Program
    /// The seed the test explores with, and the runs it allows to find the bug (see
    /// ``BugCorpusTests``).
    let seed: UInt64
    let bound: Int
    let kind: ExplorationFailure.Kind
    /// Texts the failure's message must contain.
    let texts: [String]

    var testDescription: String { name }

    static let all: [CorpusCase] = [
        CorpusCase(
            name: "order across two PULL peers", program: BugCorpus.orderAcrossPeers,
            plain: BugCorpus.orderAcrossPeers, seed: 1, bound: 100, kind: .thrown,
            texts: ["main threw the collector stopped at producer A's end with 2 of 3 items", "b1 came after it"]),
        CorpusCase(
            name: "shared counter", program: BugCorpus.sharedCounter, plain: BugCorpus.sharedCounter,
            seed: 2, bound: 40, kind: .thrown,
            texts: ["main threw two jobs done but the counter says 1: an update was lost"]),
        CorpusCase(
            name: "timeout racing a late reply", program: { BugCorpus.lateReply(fixed: $0) },
            plain: { BugCorpus.lateReply(fixed: $0, work: .milliseconds(2)) }, seed: 3, bound: 25,
            kind: .thrown,
            texts: ["main threw asked for the square of 4, got 9: the late reply to request 1"]),
        CorpusCase(
            name: "PUSH/PULL cycle with HWM 1", program: BugCorpus.pushPullCycle, plain: BugCorpus.pushPullCycle,
            seed: 4, bound: 1, kind: .deadlock,
            texts: [
                "  left: send(_:) on a PUSH socket (connected to inproc://right) waits for room on the pipe to "
                    + "inproc://right (full:",
                "  right: send(_:) on a PUSH socket (connected to inproc://left) waits for room on the pipe to "
                    + "inproc://left (full:",
            ]),
        CorpusCase(
            name: "shutdown drops the last result", program: BugCorpus.shutdownDropsLastResult,
            plain: BugCorpus.shutdownDropsLastResult, seed: 5, bound: 20, kind: .thrown,
            texts: ["main threw shut down after both workers said done with", "the last was still queued"]),
    ]
}

/// The bug corpus as tests of `RingMQTesting` (issue 16, item 8): random exploration finds each
/// bug within a bound of runs, re-running the failed run's seed gives the same failure and
/// trace every time, and the fixed program passes many runs.
///
/// The bounds come from measurement (`BugCorpusTable`, runs-to-find over seeds 0..<20, median
/// and worst): order 6 and 44, counter 2 and 7, late reply 3 and 10, cycle 1 and 1, shutdown 1
/// and 2. Each bound is more than twice the worst, so that a change in the scheduler that does
/// not weaken it keeps the test green (for the order bug, finding it in about one run in six,
/// 100 runs miss with odds near 10⁻⁸). The cycle deadlocks in every schedule: run 0 must find
/// it. The seed is fixed, so each test makes the same runs every time.
@Suite(.runsAlone, .serialized) struct BugCorpusTests {
    /// Random exploration finds the bug with the failure kind and message expected, and its
    /// schedule code, replayed 100 times, fails the same way with the same trace every time.
    @Test(arguments: CorpusCase.all)
    func randomExplorationFindsTheBugAndItsCodeReplaysIt(_ bug: CorpusCase) async throws {
        let found = await Exploration.run(
            .random(seed: bug.seed), options: ExplorationOptions(runs: bug.bound), bug.program(false))
        let failure = try #require(found.failure, "\(bug.name): not found in \(bug.bound) runs")
        #expect(failure.kind == bug.kind, "\(failure)")
        for text in bug.texts {
            #expect(failure.message.contains(text), "\(bug.name): no \"\(text)\" in:\n\(failure)")
        }
        var same = 0
        for _ in 0..<100 {
            let again = await Exploration.run(.replay(failure.schedule), bug.program(false))
            if let repeated = again.failure, repeated.kind == failure.kind, repeated.message == failure.message,
                repeated.trace == failure.trace, again.lastTrace == found.lastTrace
            {
                same += 1
            }
        }
        #expect(same == 100, "\(bug.name): the code replayed the failure \(same) times of 100")
    }

    /// The fixed program passes 300 random runs.
    @Test(arguments: CorpusCase.all)
    func theFixedProgramPasses(_ bug: CorpusCase) async {
        let result = await Exploration.run(
            .random(seed: bug.seed), options: ExplorationOptions(runs: 300), bug.program(true))
        #expect(result.failure == nil, "\(bug.name): \(result.failure?.description ?? "")")
        #expect(result.runs == 300)
    }
}
