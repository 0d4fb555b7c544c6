import RingMQ
import RingMQTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Multi-socket waits (a poll, a proxy) sleep while nothing is ready, even when a watched
/// socket has a command pending that its readiness check alone would never apply: a PUSH
/// polled for `.readable`, the PUSH backend of a streamer, a capture socket. A peer's connect
/// or disconnect posts such a command (`.attach`, `.detach`).
///
/// Before the fix such a command ended every wait at once, unapplied and not counted as
/// ready: a poll with a timeout returned `[]` at once, `poll(timeout: nil)` returned `[]`,
/// the async poll and an idle proxy spun at a full core. So these tests check that a poll
/// stays asleep until its (manual) clock is advanced or a message arrives, and that a waiter
/// uses almost no CPU time over a short window of real time (measured, not waited on: no
/// step of a test waits for a guessed time).
@Suite(.runsAlone) struct IdleWaitTests {
    // MARK: - Poller

    @Test func aBlockingPollWithATimeoutSleepsThroughPendingCommands() throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let fixture = try PushNextToIdlePull(time.socket, name: "idle-poll-block")
        let first = try fixture.connectWorker()
        let polling = Peer { [poller = fixture.poller] in try poller.poll(timeout: .seconds(1)) }
        #expect(time.clock.waitForSleepers(1), "the poll never waited on the clock")
        expectStillBlocked(polling, on: time.clock)
        // A command posted while it sleeps wakes it; it applies it and sleeps again.
        let second = try fixture.connectWorker()
        expectStillBlocked(polling, on: time.clock)
        time.clock.advance(by: .milliseconds(999))
        expectStillBlocked(polling, on: time.clock)
        time.clock.advance(by: .milliseconds(1))
        #expect(try polling.join().get().isEmpty)
        // Both workers are attached: the PUSH reaches each in turn.
        try expectReachesBoth(fixture.push, first, second)
        time.expectFast()
    }

    @Test func anAsyncPollWithATimeoutParksThroughPendingCommands() async throws {
        let time = VirtualTime()
        defer { time.terminate() }
        let fixture = try PushNextToIdlePull(time.socket, name: "idle-poll-async")
        let first = try fixture.connectWorker()
        let polling = TrackedTask { [poller = fixture.poller] in try await poller.poll(timeout: .seconds(1)) }
        #expect(await time.clock.waitForSleepers(1), "the poll never waited on the clock")
        await expectStillSuspended(polling, parkedOn: fixture.idle, on: time.clock)
        let second = try fixture.connectWorker()
        await expectStillSuspended(polling, parkedOn: fixture.idle, on: time.clock)
        // Parked, not going round: the old poll resumed at once, found nothing, and parked
        // again, a full core for as long as the timeout (forever on this clock).
        let share = try await CPUWindow.shareWhileSuspended(of: CPUWindow.process)
        #expect(share < CPUWindow.idleLimit, "the process used \(percent(share)) of a core while the poll waited")
        time.clock.advance(by: .seconds(1))
        #expect(try await polling.value().isEmpty)
        try expectReachesBoth(fixture.push, first, second)
        time.expectFast()
    }

    @Test func aPollWithoutTimeoutEndsOnlyWithSomethingReady() throws {
        let test = TestContext()
        defer { test.terminate() }
        let fixture = try PushNextToIdlePull(test.socket, name: "idle-poll-forever")
        let worker = try fixture.connectWorker()
        let polling = Peer { [poller = fixture.poller] in try poller.poll(timeout: nil) }
        polling.waitUntilBlocked()
        #expect(!polling.isFinished, "the poll without timeout ended with nothing ready")
        let producer = try test.socket(.push)
        try producer.connect("inproc://idle-poll-forever-idle")
        try producer.send("ready")
        let items = try polling.join().get()
        #expect(items.count == 1)
        #expect(items.first?.socket === fixture.idle && items.first?.events == .readable)
        #expect(try fixture.idle.tryReceive() == "ready")
        withExtendedLifetime(worker) {}
    }

    // MARK: - Proxy

    @Test func anIdleStreamerSleepsWhileWorkersComeAndGo() throws {
        let test = TestContext()
        // Ends the proxy if the test throws half way (stopProxy ends it otherwise).
        defer { test.terminate() }
        let frontend = try test.socket(.pull)
        try frontend.bind("inproc://idle-stream-in")
        let backend = try test.socket(.push)
        try backend.bind("inproc://idle-stream-out")
        let (relay, cpu) = startMeasuredProxy(frontend: frontend, backend: backend)

        // The proxy never receives on its PUSH backend, so only the wait applies its commands.
        let worker = try test.socket(.pull)
        try worker.connect("inproc://idle-stream-out")
        expectSleeps(cpu, "after a worker attached to the backend")
        let producer = try test.socket(.push)
        try producer.connect("inproc://idle-stream-in")
        try producer.send("through")
        #expect(try worker.receive() == "through")
        try worker.disconnect("inproc://idle-stream-out")
        expectSleeps(cpu, "after the worker detached from the backend")
        stopProxy(relay, test)
    }

    @Test func anIdleForwarderWithACaptureSleepsWhilePeersComeAndGo() throws {
        let test = TestContext()
        // Ends the proxy if the test throws half way (stopProxy ends it otherwise).
        defer { test.terminate() }
        let frontend = try test.socket(.xsub)
        try frontend.bind("inproc://idle-fwd-in")
        let backend = try test.socket(.xpub)
        try backend.bind("inproc://idle-fwd-out")
        let capture = try test.socket(.push)
        try capture.bind("inproc://idle-fwd-capture")
        let (relay, cpu) = startMeasuredProxy(frontend: frontend, backend: backend, capture: capture)

        // The proxy only sends on its capture socket, and only when a message passes.
        let recorder = try test.socket(.pull)
        try recorder.connect("inproc://idle-fwd-capture")
        expectSleeps(cpu, "after a recorder attached to the capture socket")
        let publisher = try test.socket(.pub)
        try publisher.connect("inproc://idle-fwd-in")
        let subscriber = try test.socket(.sub)
        try subscriber.connect("inproc://idle-fwd-out")
        try subscriber.subscribe("news")
        // The subscription went up through the proxy, and the recorder got its copy.
        #expect(try recorder.receive() == subscribeMessage("news"))
        expectSleeps(cpu, "after a subscriber subscribed")
        try recorder.disconnect("inproc://idle-fwd-capture")
        expectSleeps(cpu, "after the recorder detached from the capture socket")
        stopProxy(relay, test)
        withExtendedLifetime(publisher) {}
    }

    /// A broker's ROUTER and DEALER both receive, so their readiness checks apply their
    /// commands; its capture socket never receives, and the old wait spun on its commands.
    @Test func anIdleBrokerWithACaptureSleepsWhilePeersComeAndGo() throws {
        let test = TestContext()
        defer { test.terminate() }
        let frontend = try test.socket(.router)
        try frontend.bind("inproc://idle-broker-in")
        let backend = try test.socket(.dealer)
        try backend.bind("inproc://idle-broker-out")
        let capture = try test.socket(.push)
        try capture.bind("inproc://idle-broker-capture")
        let (relay, cpu) = startMeasuredProxy(frontend: frontend, backend: backend, capture: capture)

        let worker = try test.socket(.rep)
        try worker.connect("inproc://idle-broker-out")
        let client = try test.socket(.req)
        try client.connect("inproc://idle-broker-in")
        let recorder = try test.socket(.pull)
        try recorder.connect("inproc://idle-broker-capture")
        expectSleeps(cpu, "after a client, a worker and a recorder attached")
        try client.send("request")
        #expect(try worker.receive() == "request")
        try worker.send("reply")
        #expect(try client.receive() == "reply")
        // The recorder got a copy of each, with the routing envelope.
        #expect(try recorder.receive().frames.last == Frame("request"))
        #expect(try recorder.receive().frames.last == Frame("reply"))
        try worker.disconnect("inproc://idle-broker-out")
        try client.disconnect("inproc://idle-broker-in")
        try recorder.disconnect("inproc://idle-broker-capture")
        expectSleeps(cpu, "after the client, the worker and the recorder detached")
        stopProxy(relay, test)
    }
}

// MARK: - Fixtures

/// An idle PULL (registered first: the socket a wait sleeps on) and a bound PUSH registered
/// for `.readable`, which a PUSH never is: a poll that checks the PUSH for that alone never
/// receives on it, so only the poll itself applies the commands its peers post.
private struct PushNextToIdlePull {
    let idle: Socket
    let push: Socket
    let poller: Poller
    private let name: String
    private let socket: (SocketType) throws -> Socket

    init(_ socket: @escaping (SocketType) throws -> Socket, name: String) throws {
        self.name = name
        self.socket = socket
        idle = try socket(.pull)
        try idle.bind("inproc://\(name)-idle")
        push = try socket(.push)
        try push.bind("inproc://\(name)-push")
        var poller = Poller()
        poller.register(idle, for: .readable)
        poller.register(push, for: .readable)
        self.poller = poller
    }

    /// A new PULL connected to the PUSH: its `.attach` waits in the PUSH's mailbox.
    func connectWorker() throws -> Socket {
        let worker = try socket(.pull)
        try worker.connect("inproc://\(name)-push")
        return worker
    }
}

/// Expects `push` to send to `first` and `second` in turn: both attaches were applied.
private func expectReachesBoth(
    _ push: Socket, _ first: Socket, _ second: Socket,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    for index in 0..<4 { #expect(try push.trySend(numbered(index)), sourceLocation: sourceLocation) }
    #expect(try drainNumbers(first).count == 2, sourceLocation: sourceLocation)
    #expect(try drainNumbers(second).count == 2, sourceLocation: sourceLocation)
}

/// Runs the proxy on a thread of its own (as ``startProxy(frontend:backend:capture:)``) and
/// returns, with it, that thread's CPU clock; returns once the proxy is asleep.
private func startMeasuredProxy(frontend: Socket, backend: Socket, capture: Socket? = nil)
    -> (relay: Peer<Never>, cpu: ThreadCPUClock)
{
    let cpu = ThreadCPUClock()
    let relay = Peer<Never> {
        cpu.captureCallingThread()
        try proxy(frontend: frontend, backend: backend, capture: capture)
    }
    relay.waitUntilBlocked()
    return (relay, cpu)
}

/// Expects the proxy thread behind `cpu` to use less than ``CPUWindow/idleLimit`` of a core
/// over one window.
private func expectSleeps(_ cpu: ThreadCPUClock, _ when: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let share = CPUWindow.share { cpu.elapsed }
    #expect(
        share < CPUWindow.idleLimit, "\(when): the proxy thread used \(percent(share)) of a core",
        sourceLocation: sourceLocation)
}

private func percent(_ share: Double) -> String { "\(Int((share * 100).rounded())) %" }

// MARK: - CPU time

/// One short window of real time over which a CPU clock is read twice. This measures, it
/// does not synchronise: the test has already established the state it measures in.
private enum CPUWindow {
    static let length = Duration.milliseconds(200)
    /// An asleep waiter uses microseconds (a wake-up to apply a command); a spinning one, a
    /// whole core (the bug measured 100 %). A quarter leaves room for a noisy machine and TSan.
    static let idleLimit = 0.25

    /// The CPU time of the whole process so far.
    static func process() -> Duration { ThreadCPUClock.process }

    static func share(of cpu: () -> Duration) -> Double {
        let wall = ContinuousClock()
        let start = wall.now
        let before = cpu()
        usleep(UInt32(length / .microseconds(1)))
        return (cpu() - before) / start.duration(to: wall.now)
    }

    /// The async form: the task sleeps, holding no thread. The whole process is measured (a
    /// parked task has no thread of its own), so the least of three windows is taken: a
    /// spinning waiter fills every window, while another thread's burst (the test runner, a
    /// sanitizer's bookkeeping: 27 % once under ASan) fills one at most.
    static func shareWhileSuspended(of cpu: () -> Duration) async throws -> Double {
        var least = Double.infinity
        for _ in 0..<3 {
            let wall = ContinuousClock()
            let start = wall.now
            let before = cpu()
            try await Task.sleep(for: length)
            least = min(least, (cpu() - before) / start.duration(to: wall.now))
        }
        return least
    }
}
