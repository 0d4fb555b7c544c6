import RingMQ
import Testing

/// Programming errors trap, loudly and with a message saying what to do: two threads in one
/// socket at once, and option setters given invalid values. Each test runs its body in a
/// child process (an exit test) and checks that it crashed with the expected message.
@Suite struct ConcurrentUseTests {
    // MARK: - One thread at a time

    @Test func aSecondThreadReceivingWhileTheFirstIsBlockedTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://misuse")
            // The peer blocks in receive() for good: nothing is ever sent.
            _ = PeerThread { _ = try? pull.receive() }
            // Once it is inside, any call from this thread overlaps it. Whichever thread comes
            // second traps, so this loop ends in a trap either way.
            while true { _ = try? pull.receive() }
        }
        expectMessage(result, contains: ["two threads at once", "receive()"])
    }

    @Test func sendingWhileAnotherThreadIsBlockedInSendTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let context = Context()
            let push = try context.socket(.push)
            _ = PeerThread { _ = try? push.send("nobody will take this") }
            while true { _ = try? push.trySend("x") }
        }
        expectMessage(result, contains: ["two threads at once", "send(_:)"])
    }

    @Test func closingASocketBlockedInAnotherThreadTrapsAndPointsToTerminate() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let context = Context()
            let pull = try context.socket(.pull)
            let receiver = Peer { try pull.receive() }
            receiver.waitUntilBlocked()
            pull.close()
        }
        expectMessage(result, contains: ["two threads at once", "terminate"])
    }

    @Test func settingAnOptionWhileAnotherThreadIsBlockedTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let context = Context()
            let pull = try context.socket(.pull)
            _ = PeerThread { _ = try? pull.receive() }
            while true { pull.receiveTimeout = nil }
        }
        expectMessage(result, contains: ["two threads at once"])
    }

    // MARK: - Option setters with invalid values

    @Test func negativeSendHighWaterMarkTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let socket = try Context().socket(.push)
            socket.sendHighWaterMark = -1
        }
        expectMessage(result, contains: ["sendHighWaterMark", "setOption"])
    }

    @Test func negativeReceiveHighWaterMarkTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let socket = try Context().socket(.pull)
            socket.receiveHighWaterMark = -1
        }
        expectMessage(result, contains: ["receiveHighWaterMark"])
    }

    @Test func negativeTimeoutTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let socket = try Context().socket(.pull)
            socket.receiveTimeout = .milliseconds(-1)
        }
        expectMessage(result, contains: ["receiveTimeout"])
    }

    @Test func negativeSendTimeoutTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let socket = try Context().socket(.push)
            socket.sendTimeout = .seconds(-1)
        }
        expectMessage(result, contains: ["sendTimeout"])
    }
}

/// Checks that the crashed child's standard error contains each of `fragments`.
private func expectMessage(
    _ result: ExitTest.Result?, contains fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let result else { return }  // #expect already recorded the failure
    let standardError = String(decoding: result.standardErrorContent, as: UTF8.self)
    for fragment in fragments {
        #expect(standardError.contains(fragment), "the trap message should mention \"\(fragment)\": \(standardError)",
                sourceLocation: sourceLocation)
    }
}
