import RingMQ
import RingMQTesting
import Testing

/// `ManualClock(safetyLimit:)`: a wait on the clock that lasts longer than the limit in real
/// time stops the process with a report naming the call, its socket and endpoints, the clock's
/// time and the wait's deadline, instead of hanging the test; waits that end in time, by a
/// message or by an advance, are not affected.
@Suite(.runsAlone) struct SafetyLimitTests {
    @Test func aBlockedReceiveWhoseVirtualTimeoutNeverComesIsReported() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let context = Context(clock: ManualClock(safetyLimit: .milliseconds(200)))
            let pull = try context.socket(.pull)
            try pull.bind("inproc://stuck")
            pull.receiveTimeout = .seconds(10)  // a safety net that is virtual here
            let stuck = Peer { try pull.receive() }  // nobody sends, nobody advances
            _ = stuck.join()
        }
        expectMessage(
            result,
            contains: [
                "receive() on a PULL socket (bound to inproc://stuck)", "safetyLimit",
                "the clock reads 0.0 seconds", "its deadline is 10.0 seconds", "The test is stuck",
            ])
    }

    @Test func aSuspendedReceiveWithoutTimeoutIsReported() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let clock = ManualClock(safetyLimit: .milliseconds(200))
            let context = Context(clock: clock)
            let requester = try context.socket(.req)
            try requester.connect("inproc://nobody-answers")
            clock.advance(by: .seconds(5))
            _ = try await requester.send("anyone?")  // queued for a bind that never comes
            _ = try await requester.receive()
        }
        expectMessage(
            result,
            contains: [
                "receive() on a REQ socket (connected to inproc://nobody-answers)", "the clock reads 5.0 seconds",
                "it has no timeout",
            ])
    }

    @Test func aPollIsReportedWithEverySocket() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let context = Context(clock: ManualClock(safetyLimit: .milliseconds(200)))
            let tasks = try context.socket(.pull)
            try tasks.bind("inproc://tasks")
            let control = try context.socket(.sub)
            try control.connect("inproc://control")
            var poller = Poller()
            poller.register(tasks, for: .readable)
            poller.register(control, for: .readable)
            _ = try await poller.poll(timeout: nil)
        }
        expectMessage(
            result,
            contains: [
                "Poller.poll(timeout:) on a PULL socket (bound to inproc://tasks), a SUB socket (connected to inproc://control)"
            ])
    }

    @Test func waitsThatEndInTimeAreUnaffected() async throws {
        let clock = ManualClock(safetyLimit: .seconds(60))
        #expect(clock.safetyLimit == .seconds(60))
        #expect(ManualClock().safetyLimit == nil)
        let context = Context(clock: clock)
        defer { context.terminate() }
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        try pull.bind("inproc://in-time")
        let push = try context.socket(.push)
        try push.connect("inproc://in-time")

        let receiving = Peer { try pull.receive() }
        #expect(clock.waitForSleepers(1))
        try await push.send("in time")
        #expect(try receiving.join().get() == "in time")

        let timingOut = TrackedTask { try await pull.receive() }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(30))
        #expect(await timingOut.result() == .failure(.timedOut))
    }

    @Test func aLimitThatIsNotPositiveTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ManualClock(safetyLimit: .zero)
        }
        expectMessage(result, contains: ["ManualClock(safetyLimit:) needs a positive duration"])
    }
}
