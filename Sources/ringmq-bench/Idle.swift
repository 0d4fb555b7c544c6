import RingMQ
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The proxy shapes `ringmq-bench idle` measures.
enum IdleShape: String, CaseIterable {
    /// PULL frontend, PUSH backend.
    case streamer
    /// XSUB frontend, XPUB backend, PUSH capture.
    case forwarder
    /// ROUTER frontend, DEALER backend.
    case broker
}

/// One `idle` result: the CPU time the proxy thread used per second of real time, in three
/// phases with no message in flight. An idle proxy should sleep: about zero in each.
struct IdleResult {
    let shape: IdleShape
    let seconds: Double
    let beforeAttach: Double
    let afterAttach: Double
    let afterDetach: Double

    var line: String {
        "idle shape=\(shape.rawValue) seconds=\(format(seconds, digits: 2))"
            + " before_attach_cpu_per_s=\(format(beforeAttach, digits: 4))"
            + " after_attach_cpu_per_s=\(format(afterAttach, digits: 4))"
            + " after_detach_cpu_per_s=\(format(afterDetach, digits: 4))"
    }
}

/// An idle proxy's CPU use: the proxy runs on a thread of its own and no message is sent;
/// peers only connect and disconnect, which posts commands (`.attach`, `.detach`) to the
/// proxy's sockets. Before the "no idle spin" fix, a command pending on a socket the proxy
/// never receives on (a PUSH backend, a capture socket) kept its wait from sleeping: a full
/// core per idle proxy.
enum Idle {
    /// Measures `shape` for `seconds` of real time per phase: before any peer attaches; after
    /// a peer attached to each side (for the forwarder: a SUB subscribed, probes crossed until
    /// none was left in flight, then a recorder attached to the capture socket); after the
    /// peer that receives from the backend (for the forwarder: from the capture socket)
    /// disconnected. No message is in flight during any phase.
    ///
    /// - Throws: whatever RingMQ throws while the peers connect or disconnect;
    ///   ``IdleSetupError``.
    static func measure(shape: IdleShape, seconds: Double) throws -> IdleResult {
        let context = Context()
        let (frontend, backend, capture) = try proxySockets(shape, in: context)
        let cpu = ThreadCPUClock()
        let thread = PeerThread {
            cpu.captureCallingThread()
            // Ends with `.terminated` when the measurement is over.
            _ = try? proxy(frontend: frontend, backend: backend, capture: capture)
        }
        defer {
            context.terminate()
            thread.join()
        }
        while !cpu.isCaptured { Yield.now() }

        let beforeAttach = cpuPerSecond(cpu, over: seconds)
        let (peers, leave) = try attachPeers(shape, in: context)
        let afterAttach = cpuPerSecond(cpu, over: seconds)
        try leave()
        let afterDetach = cpuPerSecond(cpu, over: seconds)
        withExtendedLifetime(peers) {}
        return IdleResult(
            shape: shape, seconds: seconds, beforeAttach: beforeAttach,
            afterAttach: afterAttach, afterDetach: afterDetach)
    }

    private static func endpoint(_ shape: IdleShape, _ role: String) -> String {
        "inproc://idle-\(shape.rawValue)-\(role)"
    }

    /// The proxy's frontend, backend and capture, bound: peers connect to the proxy, as to a
    /// device, so their connects post `.attach` to its sockets' mailboxes.
    private static func proxySockets(_ shape: IdleShape, in context: Context) throws
        -> (frontend: Socket, backend: Socket, capture: Socket?)
    {
        let types: (SocketType, SocketType) =
            switch shape {
            case .streamer: (.pull, .push)
            case .forwarder: (.xsub, .xpub)
            case .broker: (.router, .dealer)
            }
        let frontend = try context.socket(types.0)
        try frontend.bind(endpoint(shape, "in"))
        let backend = try context.socket(types.1)
        try backend.bind(endpoint(shape, "out"))
        guard shape == .forwarder else { return (frontend, backend, nil) }
        let capture = try context.socket(.push)
        try capture.bind(endpoint(shape, "capture"))
        return (frontend, backend, capture)
    }

    /// Connects the peers of `shape`. Returns them (a socket closes when released, so the
    /// caller keeps them) and what makes one of them leave.
    private static func attachPeers(_ shape: IdleShape, in context: Context) throws
        -> (peers: [Socket], leave: () throws -> Void)
    {
        let front = endpoint(shape, "in")
        let back = endpoint(shape, "out")
        func connected(_ type: SocketType, to endpoint: String) throws -> Socket {
            let socket = try context.socket(type)
            try socket.connect(endpoint)
            return socket
        }
        switch shape {
        case .streamer:
            let producer = try connected(.push, to: front)
            let worker = try connected(.pull, to: back)
            return ([producer, worker], { try worker.disconnect(back) })
        case .forwarder:
            let publisher = try connected(.pub, to: front)
            let subscriber = try connected(.sub, to: back)
            try subscriber.subscribe("idle")
            try awaitSubscription(from: subscriber, to: publisher)
            // The recorder attaches last, as a monitor joins a running forwarder. Had it come
            // before the subscription crossed, the copy of that subscription sent to the capture
            // socket would have applied its attach, and this phase would not measure a wait
            // with a command pending on a socket the proxy never receives on.
            let capture = endpoint(shape, "capture")
            let recorder = try connected(.pull, to: capture)
            return ([publisher, subscriber, recorder], { try recorder.disconnect(capture) })
        case .broker:
            let client = try connected(.req, to: front)
            let worker = try connected(.rep, to: back)
            return ([client, worker], { try worker.disconnect(back) })
        }
    }

    /// Publishes numbered probes until one reaches `subscriber`, then receives up to the last
    /// one sent (every probe after the first one through matched too): the subscription has
    /// crossed the proxy, and no message is left in flight to disturb the measurement.
    private static func awaitSubscription(from subscriber: Socket, to publisher: Socket) throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        subscriber.receiveTimeout = .seconds(10)
        var sent = 0
        var latest: Message?
        while latest == nil {
            guard ContinuousClock.now < deadline else { throw IdleSetupError.subscriptionNeverCrossed }
            try publisher.send(Message(Frame("idle \(sent)")))
            sent += 1
            Yield.now()
            latest = try subscriber.tryReceive()
        }
        let last = Message(Frame("idle \(sent - 1)"))
        while latest != last { latest = try subscriber.receive() }
    }

    /// The proxy thread's CPU seconds per second of real time over `seconds`, while this
    /// thread sleeps.
    private static func cpuPerSecond(_ cpu: ThreadCPUClock, over seconds: Double) -> Double {
        let wall = ContinuousClock()
        let start = wall.now
        let before = cpu.elapsed
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        // Resumed after a signal, so the window is never cut short.
        while nanosleep(&request, &remaining) != 0 { request = remaining }
        let used = (cpu.elapsed - before).seconds
        return used / max(start.duration(to: wall.now).seconds, 1e-9)
    }
}

/// Why `idle` could not set up its forwarder.
enum IdleSetupError: Error, CustomStringConvertible {
    case subscriptionNeverCrossed

    var description: String { "idle: the subscription did not cross the forwarder within 10 s" }
}
