import RingMQ
import RingMQTesting
import Testing

/// Virtual time basics: a 30-second receive timeout decided by the manual clock.
@Suite struct VirtualTimeSmokeTests {
    @Test func receiveTimesOutOnlyWhenTheClockPassesItsDeadline() throws {
        let clock = ManualClock()
        let context = Context(clock: clock)
        defer { context.terminate() }
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        let waiter = Peer { try pull.receive() }
        #expect(clock.waitForSleepers(1))
        clock.advance(by: .seconds(29))
        #expect(clock.sleepers == 1)
        clock.advance(by: .seconds(1))
        #expect(throws: RingMQError.timedOut) { try waiter.join().get() }
    }

    @Test func asyncReceiveTimesOutOnVirtualTime() async throws {
        let clock = ManualClock()
        let context = Context(clock: clock)
        defer { context.terminate() }
        let pull = try context.socket(.pull)
        pull.receiveTimeout = .seconds(30)
        let waiter = Task { try await pull.receive() }
        #expect(await clock.waitForSleepers(1))
        clock.advance(by: .seconds(29))
        #expect(clock.sleepers == 1)
        clock.advance(by: .seconds(1))
        await #expect(throws: RingMQError.timedOut) { try await waiter.value }
    }
}
