import RingMQ
import RingMQTesting

/// Schedules: a concurrency bug found by exploring interleavings, replayed exactly, and gone
/// once fixed.
///
/// Two producers push a result and then "end" to one collector. The buggy collector takes the
/// first "end" for "everyone is done": most interleavings deliver both results first, so a
/// plain test passes almost always. A controlled exploration (`RingMQTesting`) runs the test
/// many times, choosing who runs at every socket call, and finds an interleaving where
/// producer A's "end" overtakes producer B's result; its schedule code replays that run step
/// for step.
let schedulesScenario = Scenario(
    name: "schedules",
    summary: "an order bug found by exploring interleavings (PCT), replayed from its schedule code, then fixed"
) {
    let found = Exploration.runBlocking(.pct(depth: 2, seed: 1), options: ExplorationOptions(runs: 200)) {
        world in try await collectResults(world, fixed: false)
    }
    guard let failure = found.failure else {
        throw ScenarioFailure(description: "200 runs under PCT did not find the order bug")
    }
    print("   found in run \(failure.run + 1) of \(found.runs) (\(found.decisions) scheduling decisions):")
    for line in failure.description.split(separator: "\n").prefix(3) { print("     \(line)") }

    for attempt in 1...3 {
        let replayed = Exploration.runBlocking(.replay(failure.schedule), options: ExplorationOptions(runs: 1)) {
            world in try await collectResults(world, fixed: false)
        }
        try check(
            replayed.failure?.message == failure.message,
            "replay \(attempt) did not fail the same way: \(replayed.failure?.description ?? "it passed")")
    }
    print("   replayed \(failure.schedule) 3 times: the same failure each time")

    let fixed = Exploration.runBlocking(.random(seed: 1), options: ExplorationOptions(runs: 1000)) {
        world in try await collectResults(world, fixed: true)
    }
    try check(fixed.failure == nil, "the fixed collector failed: \(fixed.failure?.description ?? "")")
    print("   fixed (wait for both ends): \(fixed.runs) random runs pass")
}

/// The program under test: producers A and B each push a result, then "end"; the collector
/// counts results until it has seen enough ends (the bug: one end, not two).
@Sendable private func collectResults(_ world: World, fixed: Bool) async throws {
    let collector = try world.context.socket(.pull)
    try collector.bind("inproc://schedules-results")
    for name in ["A", "B"] {
        world.thread("producer-\(name)") {
            let push = try world.context.socket(.push)
            try push.connect("inproc://schedules-results")
            try push.send(Message("result from \(name)"))
            try push.send(Message("end"))
        }
    }
    var results = 0
    var ends = 0
    while ends < (fixed ? 2 : 1) {
        let message = try await collector.receive()
        if message[0].string == "end" { ends += 1 } else { results += 1 }
    }
    if results != 2 { throw ScenarioFailure(description: "collected \(results) of 2 results") }
}
