import RingMQ
import RingMQTesting

/// Virtual time: a worker that gives up after 5 seconds without a job, tested in a few
/// milliseconds of real time with `ManualClock` (from `RingMQTesting`).
///
/// The context measures every timeout on the manual clock, so the worker's 5-second
/// `receiveTimeout` ends only when the scenario advances the clock past it. The scenario waits
/// until the worker is blocked on the clock (`waitForSleepers`), so it knows the worker has
/// reached its `receive` before it moves time: no sleep, no race.
let virtualTimeScenario = Scenario(
    name: "virtual-time",
    summary: "a worker that gives up after 5 s idle, tested in milliseconds with a ManualClock"
) {
    let started = ContinuousClock.now
    let clock = ManualClock()
    let context = Context(clock: clock)
    defer { context.terminate() }

    let jobs = try context.socket(.push)
    try jobs.bind("inproc://virtual-jobs")
    let worker = try context.socket(.pull)
    worker.receiveTimeout = .seconds(5)  // on the manual clock: ends only when it advances
    try worker.connect("inproc://virtual-jobs")
    let log = try context.socket(.pull)
    try log.bind("inproc://virtual-log")
    let report = try context.socket(.push)
    try report.connect("inproc://virtual-log")

    let thread = PeerThread {
        do {
            while true {
                let job = try worker.receive()
                try report.send(Message("did \(job[0].string) at \(clock.now.offset)"))
            }
        } catch RingMQError.timedOut {
            _ = try? report.send(Message("gave up at \(clock.now.offset): 5 s without a job"))
        } catch {
            _ = try? report.send(Message("stopped: \(error)"))
        }
    }

    try check(clock.waitForSleepers(1), "the worker never reached its receive")
    clock.advance(by: .seconds(4))
    print("   advanced 4 s: the worker still waits (\(clock.sleepers) waiting on the clock)")
    try check(clock.sleepers == 1, "the worker stopped waiting before its 5 s were up")
    try jobs.send("job 1")
    let first = try receiveWithinPatience(log)[0].string
    print("   \(first)")

    try check(clock.waitForSleepers(1), "the worker did not go back to waiting")
    clock.advance(by: .milliseconds(4_999))
    try check(clock.sleepers == 1, "the worker gave up early")
    clock.advance(by: .milliseconds(1))
    let last = try receiveWithinPatience(log)[0].string
    print("   advanced 4.999 s, then 1 ms: \(last)")
    thread.join()

    let real = started.duration(to: .now)
    print(
        "   virtual time passed: \(clock.now.offset); real time: \(real < .milliseconds(100) ? "under 100 ms" : "\(real)")"
    )
    try check(first == "did job 1 at 4.0 seconds", "unexpected first report: \(first)")
    try check(last.hasPrefix("gave up at 9.0 seconds"), "unexpected last report: \(last)")
    try check(real < .seconds(1), "the 5 s timeout took \(real) of real time")
}

/// Receives from `socket` within ``patience`` of *real* time. The context's timeouts run on
/// the manual clock, which only this scenario moves, so a safety net against a hang must
/// look at the real clock: it polls, and gives up after `patience`.
private func receiveWithinPatience(_ socket: Socket) throws -> Message {
    let end = ContinuousClock.now.advanced(by: patience)
    while ContinuousClock.now < end {
        if let message = try socket.tryReceive() { return message }
        yieldProcessor()
    }
    throw ScenarioFailure(description: "nothing arrived within \(patience) of real time")
}
