import RingMQ
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `close()` and `statistics` from tasks and in races: a visitor never waits for a parked task
/// to be scheduled (it may hold the thread that task needs), and racing visitors and calls end
/// with `.socketClosed` or a result, never a trap or a hang.
@Suite struct VisitRacesTests {
    // Each of the first three runs in a child process: a deadlock there would hold every
    // thread of the cooperative pool, so a watchdog thread ends the child with a message.

    @Test func statisticsFromAsManyTasksAsThePoolHasThreadsWhileTheOwnersAreParked() async {
        await #expect(processExitsWith: .success) {
            try await visitFromEveryPoolThread { socket in _ = socket.statistics }
        }
    }

    @Test func closeFromAsManyTasksAsThePoolHasThreadsWhileTheOwnersAreParked() async {
        await #expect(processExitsWith: .success) {
            try await visitFromEveryPoolThread { socket in socket.close() }
        }
    }

    @Test func closeInTheCancellationHandlerOfTheTaskParkedInTheSocket() async {
        await #expect(processExitsWith: .success) {
            let context = Context()
            let pull = try context.socket(.pull)
            try pull.bind("inproc://visit-cancel")
            let task = Task {
                await withTaskCancellationHandler {
                    do { for try await _ in pull.messages {} } catch {}
                } onCancel: {
                    pull.close()
                }
            }
            #expect(await waitUntilParked(pull))
            let watchdog = Watchdog("close() in the cancellation handler")
            task.cancel()
            await task.value
            watchdog.disarm()
            #expect(throws: RingMQError.socketClosed) { try pull.tryReceive() }
        }
    }

    @Test func anAsyncProxyRunEndsWhenAnotherThreadClosesItsFrontend() async throws {
        let context = Context()
        let frontend = try context.socket(.pull)
        try frontend.bind("inproc://visit-proxy-front")
        let backend = try context.socket(.push)
        try backend.bind("inproc://visit-proxy-back")
        let proxy = try Proxy(frontend: frontend, backend: backend)
        let run = Task { try await proxy.run() }
        #expect(await waitUntilParked(frontend))
        await Peer { frontend.close() }.finished().ignore()
        await #expect(throws: RingMQError.socketClosed) { try await withTimeout { try await run.value } }
        #expect(!proxy.isRunning)
    }

    @Test func closingTheSecondSocketOfAPollEndsIt() async throws {
        let context = Context()
        let first = try context.socket(.pull)
        try first.bind("inproc://visit-poll-1")
        let second = try context.socket(.pull)
        try second.bind("inproc://visit-poll-2")
        var poller = Poller()
        poller.register(first, for: .readable)
        poller.register(second, for: .readable)
        let polled = poller
        let blocked = Peer { try polled.poll(timeout: nil) }
        blocked.waitUntilBlocked()
        await Peer { second.close() }.finished().ignore()
        #expect(throws: RingMQError.socketClosed) { try blocked.join().get() }

        let third = try context.socket(.pull)
        try third.bind("inproc://visit-poll-3")
        var asyncPoller = Poller()
        asyncPoller.register(first, for: .readable)
        asyncPoller.register(third, for: .readable)
        let parked = asyncPoller
        let task = Task { try await parked.poll(timeout: nil) }
        #expect(await waitUntilParked(first))
        await Peer { third.close() }.finished().ignore()
        await #expect(throws: RingMQError.socketClosed) { try await withTimeout { try await task.value } }
    }

    /// Rounds of a thread calling without ever waiting (trySend, tryReceive) while two threads
    /// close its socket and a third reads its statistics: the loop ends with `.socketClosed`,
    /// every read returns, and nothing traps.
    @Test func twoClosersAndAReaderRacingANonWaitingLoop() throws {
        for _ in 0..<Scale.count(normal: 100, stress: 1_000, sanitized: 30) {
            let context = Context()
            let pair = try context.socket(.pair)
            try pair.bind("inproc://visit-race")
            let peer = try context.socket(.pair)
            try peer.connect("inproc://visit-race")
            let loop = Peer { () throws -> Int in
                var calls = 0
                do {
                    while true {
                        _ = try pair.trySend("ping")
                        _ = try pair.tryReceive()
                        calls += 2
                    }
                } catch RingMQError.socketClosed {
                    return calls
                }
            }
            let closers = (0..<2).map { _ in Peer { pair.close() } }
            let reader = Peer { pair.statistics }
            for closer in closers { try closer.join().get() }
            let seen = try reader.join().get()
            #expect(try loop.join().get() >= 0)
            #expect(seen.messagesSent >= 0 && pair.statistics.peers == 0)
        }
    }
}

/// Parks twice as many tasks as the cooperative pool has threads in `receive()`, each on a
/// socket of its own, then runs `visit` on every socket from as many tasks at once: enough
/// visitors to hold every thread of the pool, if a visitor waited for a parked task to run.
private func visitFromEveryPoolThread(_ visit: @escaping @Sendable (Socket) -> Void) async throws {
    let context = Context()
    let width = 2 * max(2, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    var pulls: [Socket] = []
    for index in 0..<width {
        let pull = try context.socket(.pull)
        try pull.bind("inproc://visit-pool-\(index)")
        pulls.append(pull)
    }
    let owners = pulls.map { pull in Task { _ = try? await pull.receive() } }
    for pull in pulls { #expect(await waitUntilParked(pull)) }
    let watchdog = Watchdog("\(width) visitors on a pool of \(width) threads")
    let visitors = pulls.map { pull in Task { visit(pull) } }
    for visitor in visitors { await visitor.value }
    watchdog.disarm()
    context.terminate()
    for owner in owners { await owner.value }
}

/// Ends the process with `what` if not disarmed within ten seconds: a real thread, since the
/// cooperative pool may be wedged.
private final class Watchdog: Sendable {
    private final class Flag: Sendable {
        let armed = Atomic(true)
    }

    private let flag = Flag()
    private let thread: Peer<Void>

    init(_ what: String) {
        let flag = flag
        thread = Peer {
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while flag.armed.load(ordering: .acquiring) {
                if ContinuousClock.now >= deadline { fatalError("blocked for 10 s: \(what)") }
                usleep(1000)
            }
        }
    }

    func disarm() {
        flag.armed.store(false, ordering: .releasing)
        _ = thread.join()
    }
}
