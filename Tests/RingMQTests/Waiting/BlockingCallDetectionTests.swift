import Testing

@testable import RingMQ

/// A blocking call that has to wait inside a Swift task is reported: a debug build (this suite)
/// traps with a message naming the call and the way out; a release build warns once. Calls
/// that need not wait, calls on threads of one's own and calls inside
/// `withBlockingCallsAllowed` are left alone.
///
/// The suite's tests run with blocking calls allowed (``RunsAlone``), so each check first
/// takes that back for its own body, as in a user's program.
@Suite(.runsAlone) struct BlockingCallDetectionTests {
    // MARK: - Traps, naming the call

    @Test func aBlockingReceiveThatWaitsInATaskTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            try BlockingCallCheck.$isAllowed.withValue(false) {
                let context = Context()
                let pull = try context.socket(.pull)
                try pull.bind("inproc://blocking-in-task")
                pull.receiveTimeout = .seconds(2)
                _ = try receiveBlocking(pull)
            }
        }
        expectMessage(
            result,
            contains: [
                "blocking receive() on a PULL socket", "from a Swift task", "try await socket.receive()",
                "a thread of your own", "withBlockingCallsAllowed",
            ])
    }

    @Test func aBlockingSendThatWaitsInATaskTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            try BlockingCallCheck.$isAllowed.withValue(false) {
                let push = try Context().socket(.push)  // no peer: send has to wait
                push.sendTimeout = .seconds(2)
                try sendBlocking(push, "nobody takes this")
            }
        }
        expectMessage(result, contains: ["blocking send(_:) on a PUSH socket", "try await socket.send"])
    }

    @Test func aBlockingPollThatWaitsInATaskTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            try BlockingCallCheck.$isAllowed.withValue(false) {
                let pull = try Context().socket(.pull)
                var poller = Poller()
                poller.register(pull, for: .readable)
                _ = try pollBlocking(poller, timeout: .seconds(2))
            }
        }
        expectMessage(result, contains: ["blocking Poller.poll(timeout:)", "try await poller.poll"])
    }

    @Test func aProxyInATaskTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            try BlockingCallCheck.$isAllowed.withValue(false) {
                let context = Context()
                // Bounded if the check fails to trap: a timeout on a thread ends the proxy.
                let timer = try context.socket(.pull)
                timer.receiveTimeout = .seconds(2)
                _ = Peer { () -> Bool in
                    defer { context.terminate() }
                    return (try? timer.receive()) != nil
                }
                try runProxy(try context.socket(.pull), try context.socket(.push))
            }
        }
        expectMessage(result, contains: ["blocking proxy(frontend:backend:capture:)"])
    }

    // MARK: - Left alone

    @Test func aBlockingCallThatNeedNotWaitIsFineInATask() async throws {
        try BlockingCallCheck.$isAllowed.withValue(false) {
            let context = Context()
            defer { context.terminate() }
            let pull = try context.socket(.pull)
            try pull.bind("inproc://no-wait")
            let push = try context.socket(.push)
            try push.connect("inproc://no-wait")
            try sendBlocking(push, "ready")  // room: no wait
            #expect(try receiveBlocking(pull) == "ready")  // queued: no wait
        }
    }

    @Test func aBlockingCallOnAThreadOfItsOwnWaitsUnreported() async throws {
        try await BlockingCallCheck.$isAllowed.withValue(false) {
            let context = Context()
            defer { context.terminate() }
            let pull = try context.socket(.pull)
            try pull.bind("inproc://own-thread")
            let push = try context.socket(.push)
            try push.connect("inproc://own-thread")
            let receiver = Peer { try pull.receive() }
            receiver.waitUntilBlocked()
            try await push.send("to the thread")
            #expect(try receiver.join().get() == "to the thread")
        }
    }

    @Test func withBlockingCallsAllowedLetsATaskWait() async throws {
        try await BlockingCallCheck.$isAllowed.withValue(false) {
            let context = Context()
            defer { context.terminate() }
            let pull = try context.socket(.pull)
            pull.receiveTimeout = .milliseconds(5)
            #expect(throws: RingMQError.timedOut) {
                try withBlockingCallsAllowed { try receiveBlocking(pull) }
            }
            let inherited = Task {
                await withBlockingCallsAllowed {
                    await Task { (try? receiveBlocking(pull)) == nil }.value  // a child task inherits it
                }
            }
            #expect(await inherited.value)
        }
    }

    // MARK: - Release builds: a warning, once

    @Test func theReleaseReactionWarnsOnceAndCarriesOn() async {
        let result = await #expect(processExitsWith: .success, observing: [\.standardErrorContent]) {
            BlockingCallCheck.report("receive() on a PULL socket", reaction: .warnOnce)
            BlockingCallCheck.report("send(_:) on a PUSH socket", reaction: .warnOnce)
        }
        guard let result else { return }
        let standardError = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(standardError.ranges(of: "warning: RingMQ").count == 1, "\(standardError)")
        #expect(standardError.contains("blocking receive() on a PULL socket"))
        #expect(standardError.contains("(reported once)"))
    }
}

// Synchronous helpers: the way a blocking form is reached from a task in real programs (an async
// function cannot name the blocking overloads, which are `noasync`).
private func receiveBlocking(_ socket: Socket) throws -> Message { try socket.receive() }
private func sendBlocking(_ socket: Socket, _ message: Message) throws { try socket.send(message) }
private func pollBlocking(_ poller: Poller, timeout: Duration) throws -> Int { try poller.poll(timeout: timeout).count }
private func runProxy(_ frontend: Socket, _ backend: Socket) throws { try proxy(frontend: frontend, backend: backend) }
