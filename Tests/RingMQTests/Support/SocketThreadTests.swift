import RingMQ
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `SocketThread`: a named pthread whose `join()` waits for the body and rethrows its error.
@Suite(.runsAlone) struct SocketThreadTests {
    struct Boom: Error, Equatable {}

    @Test func joinWaitsForABlockingBody() throws {
        let context = Context()
        defer { context.terminate() }
        let pull = try context.socket(.pull)
        try pull.bind("inproc://thread")
        let push = try context.socket(.push)
        try push.connect("inproc://thread")
        let received = Locked<[Message]>([])
        let worker = SocketThread(name: "worker") {
            for _ in 1...3 {
                let message = try pull.receive()  // blocks: the point of the thread
                received.withLock { $0.append(message) }
            }
        }
        for n in 1...3 { try push.send("job \(n)") }
        try worker.join()
        #expect(received.withLock { $0 } == ["job 1", "job 2", "job 3"])
    }

    @Test func joinRethrowsWhatTheBodyThrew() {
        let thread = SocketThread(name: "thrower") { throw Boom() }
        #expect(throws: Boom.self) { try thread.join() }
        #expect(throws: Boom.self) { try thread.join() }  // every join reports it
    }

    @Test func joinRethrowsTheTerminationThatEndedABlockedReceive() throws {
        let context = Context()
        let socket = try context.socket(.pull)
        try socket.bind("inproc://ending")
        let thread = SocketThread(name: "receiver") { _ = try socket.receive() }
        context.terminate()
        #expect(throws: RingMQError.terminated) { try thread.join() }
    }

    @Test func joinsFromSeveralThreadsAllWaitAndAgree() throws {
        let gate = Locked(false)
        let thread = SocketThread(name: "slow") {
            // Bounded spin: the body ends once a joiner has started (or after 5 s).
            let start = ContinuousClock.now
            while !gate.withLock({ $0 }), ContinuousClock.now - start < .seconds(5) { sched_yield() }
            throw Boom()
        }
        let outcomes = Locked<[Bool]>([])
        let joiners = (0..<3).map { _ in
            SocketThread(name: "joiner") {
                do {
                    try thread.join()
                    outcomes.withLock { $0.append(false) }
                } catch { outcomes.withLock { $0.append(error is Boom) } }
            }
        }
        gate.withLock { $0 = true }
        for joiner in joiners { try joiner.join() }
        #expect(outcomes.withLock { $0 } == [true, true, true])
    }

    #if canImport(Glibc)
        @Test func theThreadCarriesItsName() throws {
            let seen = Locked("")
            let thread = SocketThread(name: "ringmq-broker-thread") {
                let name = readSmallFile("/proc/thread-self/comm") ?? "(unreadable)"
                seen.withLock { $0 = name.split(separator: "\n").first.map(String.init) ?? "" }
            }
            try thread.join()
            #expect(thread.name == "ringmq-broker-thread")
            #expect(seen.withLock { $0 } == "ringmq-broker-t")  // Linux keeps 15 bytes
        }
    #endif
}
