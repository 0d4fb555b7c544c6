import RingMQ
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// When redelivery happens (Docs/Pipeline.md, "When it happens"): at the PUSH's next call of
/// any kind, or while it waits in a `Poller`; never by itself while the PUSH makes no call.
@Suite(.runsAlone) struct RedeliveryTimingTests {
    @Test func aPushThatMakesNoCallStrandsTheBacklogUntilItsNextCall() throws {
        let context = TestContext()
        let (push, steady, leaving) = try ventilator(context, "inproc://timing-idle")
        for n in 0..<6 { try push.send(numbered(n)) }  // 0 2 4 to steady, 1 3 5 to leaving
        leaving.close()
        #expect(try drainNumbers(steady) == [0, 2, 4], "nothing comes back before the PUSH's next call")
        _ = push.routingID  // any call: here an option read
        #expect(try drainNumbers(steady) == [1, 3, 5])
    }

    @Test func aPollThatWatchesThePushRedeliversWhileTheVentilatorWaits() throws {
        let context = TestContext()
        let (push, steady, leaving) = try ventilator(
            context, "inproc://timing-poll", pushMark: 1,
            steadyMark: 2, leavingMark: 1)
        for n in 0..<5 { try push.send(numbered(n)) }  // 0 2 4 fill steady, 1 3 fill leaving
        let results = try context.socket(.pull)  // where a ventilator waits for results
        try results.bind("inproc://timing-results")
        let polling = Peer { () throws -> Int in
            var poller = Poller()
            poller.register(results, for: .readable)
            poller.register(push, for: .writable)
            // Never sends: the departure and then steady's reads wake the poll, which resends.
            while push.statistics.messagesRedelivered < 2 {
                _ = try poller.poll(timeout: .seconds(10))
            }
            return push.statistics.messagesRedelivered
        }
        polling.waitUntilBlocked()
        leaving.close()  // 1 and 3 unread; steady is full
        var received: [Int] = []
        let limit = ContinuousClock.now.advanced(by: .seconds(10))
        while received.count < 5, ContinuousClock.now < limit {
            received += try drainNumbers(steady)  // each read makes room for the resend
            if received.count < 5 { sched_yield() }
        }
        #expect(received == [0, 2, 4, 1, 3])
        #expect(try polling.join().get() == 2)
    }

    /// A PUSH bound to `endpoint` with two PULLs in rotation: `steady` first, then `leaving`.
    private func ventilator(
        _ context: TestContext, _ endpoint: String, pushMark: Int = 1000,
        steadyMark: Int = 1000, leavingMark: Int = 1000
    )
        throws -> (push: Socket, steady: Socket, leaving: Socket)
    {
        let push = try context.socket(.push)
        push.sendHighWaterMark = pushMark
        try push.bind(endpoint)
        let steady = try context.socket(.pull)
        steady.receiveHighWaterMark = steadyMark
        try steady.connect(endpoint)
        let leaving = try context.socket(.pull)
        leaving.receiveHighWaterMark = leavingMark
        try leaving.connect(endpoint)
        return (push, steady, leaving)
    }
}
