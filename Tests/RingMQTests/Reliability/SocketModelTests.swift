import RingMQ
import Testing

/// Model-based test: random sequences of API calls (bind, connect, unbind, disconnect,
/// close, reopen, trySend, tryReceive, subscribe, unsubscribe, setOption for high-water marks,
/// `redeliverUnread` and `linger`, statistics, subscriptions) on a few sockets of one context,
/// each made on the library and on a small reference model (`Support/Model/`), which predicts
/// every result and every error: whether `trySend` is accepted, which message `tryReceive`
/// returns (round-robin, fair-queueing, prefix subscriptions, REQ/REP turns and envelopes,
/// redelivery), which `RingMQError` a call throws, and the statistics.
///
/// Single-threaded and deterministic: a seed fixes the calls, and a failure names the seed
/// (replay with `RINGMQ_SEED=…`), the step, and the last calls with their outcomes.
/// Modelled types: PUSH, PULL, PAIR, PUB, SUB, XSUB, REQ, REP, DEALER (not XPUB or ROUTER:
/// see `ModelWorld+PubSub.swift` and `ModelRun`).
@Suite(.runsAlone) struct SocketModelTests {
    @Test func randomCallsAgreeWithTheModel() {
        let replay = TestSeed.value(default: 0)
        let seeds: [UInt64] =
            replay != 0
            ? [replay]
            : (0..<UInt64(Scale.count(normal: 120, stress: 3_000, sanitized: 30))).map { 0x0DE1_0000 + $0 }
        let steps = Scale.count(normal: 400, stress: 1_000, sanitized: 400)
        var failures = 0
        var total = 0
        for seed in seeds {
            var run: ModelRun
            do {
                run = try ModelRun(seed: seed)
            } catch {
                Issue.record("could not create the sockets of seed \(seed): \(error)")
                return
            }
            let failure = run.run(steps: steps)
            total += run.steps
            if let failure {
                Issue.record("\(failure)")
                failures += 1
                if failures == 3 { break }  // a few are enough to diagnose; the rest would repeat them
            }
        }
        #expect(total >= seeds.count * steps || failures > 0, "\(total) calls made")
    }
}
