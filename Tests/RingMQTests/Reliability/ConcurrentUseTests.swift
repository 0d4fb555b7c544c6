import RingMQ
import Testing

/// Programming errors trap, loudly and with a message saying what to do: two threads in one
/// socket at once, and option setters given invalid values. Each test runs its body in a
/// child process (an exit test) and checks that it crashed with the expected message.
@Suite(.runsAlone) struct ConcurrentUseTests {
    // MARK: - One thread at a time

    // Each body parks a peer thread in a blocking call (for two seconds at most), waits until
    // it is asleep inside that call, then calls into the same socket from the test's thread.
    // If the library missed the overlap, the body would end normally after the peer's timeout
    // and the exit test would fail.

    @Test func aSecondThreadReceivingWhileTheFirstIsBlockedTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://misuse")
            pull.receiveTimeout = .seconds(2)
            let blocked = Peer { try pull.receive() }
            blocked.waitUntilBlocked()
            _ = try? await pull.receive()
        }
        expectMessage(result, contains: ["two threads at once", "receive()"])
    }

    @Test func sendingWhileAnotherThreadIsBlockedInSendTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let context = Context()
            let push = try context.socket(.push)
            push.sendTimeout = .seconds(2)
            let blocked = Peer { try push.send("nobody will take this") }
            blocked.waitUntilBlocked()
            _ = try? push.trySend("x")
        }
        expectMessage(result, contains: ["two threads at once", "send(_:)", "trySend(_:)"])
    }

    @Test func settingAnOptionWhileAnotherThreadIsBlockedTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            try whileReceiveIsBlocked(on: .pull) { $0.receiveHighWaterMark = 10 }
        }
        expectMessage(result, contains: ["two threads at once", "an option property's setter", "receive()"])
    }

    @Test func subscribingWhileAnotherThreadIsBlockedTrapsNamingIt() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            try whileReceiveIsBlocked(on: .sub) { try? $0.subscribe("topic") }
        }
        expectMessage(result, contains: ["two threads at once", "subscribe(_:) was called", "receive()"])
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

/// Parks a peer thread in `receive()` on a new socket of `type` (for two seconds at most),
/// waits until it is asleep inside that call, then runs `body` on the socket from this thread.
private func whileReceiveIsBlocked(on type: SocketType, _ body: (Socket) -> Void) throws {
    let context = Context()
    let socket = try context.socket(type)
    socket.receiveTimeout = .seconds(2)
    let blocked = Peer { try socket.receive() }
    blocked.waitUntilBlocked()
    body(socket)
}
