/// A proxy you can pause, resume, stop and read statistics from while it runs: ZeroMQ's
/// `zmq_proxy_steerable`, with methods where libzmq has a control socket (which it takes too).
///
/// It forwards like ``proxy(frontend:backend:capture:)``: each message received on one socket
/// is sent on the other, whole, in every direction the two types can carry; `capture`, if
/// given, gets a copy of each without waiting. A message waits in its socket's queue until
/// the other side has room for it, so forwarding never loses a message that a `send`
/// accepted, and neither direction holds up the other.
///
/// ``run()-2cq66`` blocks its thread and `await run()` suspends its task, until ``stop()``: then
/// it returns normally, leaving whatever is queued in the sockets. ``pause()``, ``resume()``,
/// ``stop()`` and ``statistics`` may be called from any thread or task while it runs. A paused
/// proxy forwards nothing: messages wait in the sockets' queues, where the high-water marks
/// apply, so senders wait or drop as they would with a slow reader.
///
/// ```swift
/// let proxy = try Proxy(frontend: pull, backend: push)
/// let relay = Thread { try? proxy.run() }        // or: Task { try await proxy.run() }
/// relay.start()
/// // … from any thread:
/// try proxy.pause()
/// let forwarded = proxy.statistics.backend.messagesSent
/// try proxy.resume()
/// try proxy.stop()                                // run() returns
/// ```
///
/// While it runs, the proxy owns its sockets: using them from another thread traps, as any
/// concurrent use does. ``Context/terminate()`` still ends it, with ``RingMQError/terminated``.
public final class Proxy: Sendable {
    /// The socket on the clients' side (received there, sent on `backend`).
    public let frontend: Socket
    /// The socket on the services' side.
    public let backend: Socket
    /// The socket that gets a copy of every forwarded message, if any.
    public let capture: Socket?
    /// The socket on which the proxy takes libzmq's commands, if any (see
    /// ``init(frontend:backend:capture:control:)``).
    public let control: Socket?

    /// Running, paused, stop requested: changed by the steering calls and the control
    /// commands. The run holds the lock for each burst it forwards, so a steering call returns
    /// only once the burst in progress (at most 64 messages each way, none of which waits) is
    /// over: after `pause()` or `stop()` returns, nothing more is forwarded.
    let steering = Locked(ProxySteering())
    /// Notified after each change of `steering`: the run waits on it as well as on its sockets.
    let signal = Signal()
    let frontendCounters = ProxySideCounters()
    let backendCounters = ProxySideCounters()

    /// Creates a proxy between `frontend` and `backend`; it forwards nothing until ``run()-2cq66``.
    ///
    /// With a `control` socket, the proxy also takes libzmq's commands there, each a message of
    /// one frame holding its name: `PAUSE`, `RESUME`, `TERMINATE` (as ``stop()``) and
    /// `STATISTICS`, answered with eight frames of 8 bytes, each a little-endian `UInt64` in the
    /// order of libzmq (see ``ProxyStatistics``). A REP control socket answers the other
    /// commands with an empty frame, as libzmq does; others do not answer them. Any other
    /// message, or STATISTICS on a control socket that cannot send (SUB, PULL), ends ``run()-2cq66``
    /// with ``RingMQError/operationNotSupported(_:)`` (a REP socket first answers it with an
    /// empty frame, so that its requester is not left waiting).
    ///
    /// - Throws: ``RingMQError/invalidState(_:)`` when two of the sockets are the same;
    ///   ``RingMQError/operationNotSupported(_:)`` when neither direction can be forwarded,
    ///   `capture` cannot send, or `control` cannot receive.
    public init(frontend: Socket, backend: Socket, capture: Socket? = nil, control: Socket? = nil) throws {
        guard frontend !== backend else {
            throw RingMQError.invalidState("proxy needs two different sockets as frontend and backend")
        }
        if let capture, capture === frontend || capture === backend {
            throw RingMQError.invalidState("the capture socket must not be the frontend or the backend")
        }
        if let control, control === frontend || control === backend || control === capture {
            throw RingMQError.invalidState(
                "the control socket must not be the frontend, the backend or the capture socket")
        }
        guard Proxy.canForward(from: frontend, to: backend) || Proxy.canForward(from: backend, to: frontend) else {
            throw RingMQError.operationNotSupported(
                "a proxy from \(frontend.type) to \(backend.type) can forward nothing: "
                    + "one side must receive what the other can send (XSUB/XPUB, ROUTER/DEALER, PULL/PUSH)")
        }
        if let capture, !capture.type.canSend {
            throw RingMQError.operationNotSupported("the capture socket must be able to send; \(capture.type) cannot")
        }
        if let control, !control.type.canReceive {
            throw RingMQError.operationNotSupported(
                "the control socket must be able to receive commands; \(control.type) cannot (use PAIR or REP)")
        }
        self.frontend = frontend
        self.backend = backend
        self.capture = capture
        self.control = control
    }

    static func canForward(from source: Socket, to destination: Socket) -> Bool {
        source.type.canReceive && destination.type.canSend
    }

    /// Forwards on the calling thread until ``stop()`` (or a `TERMINATE` command), then
    /// returns. Run it on a thread of your own, never on a task of Swift's cooperative pool
    /// (`await run()` is the form for tasks).
    ///
    /// - Throws: ``RingMQError/invalidState(_:)`` when the proxy is running already;
    ///   ``RingMQError/terminated`` when the context of any of its sockets terminates;
    ///   ``RingMQError/socketClosed`` when one of them is closed; ``RingMQError/timedOut`` when
    ///   a message the proxy took waits for room longer than its destination's
    ///   ``Socket/sendTimeout`` (only a ROUTER with ``Socket/routerMandatory``, an XPUB or PUB
    ///   with ``Socket/xpubNoDrop``, or a REP control socket can make it wait); what a bad
    ///   control command throws (see ``init(frontend:backend:capture:control:)``).
    @available(
        *, noasync,
        message: "Proxy.run() blocks its thread for as long as it runs: write 'try await proxy.run()' in async code"
    )
    public func run() throws {
        try runBlocking(call: "Proxy.run()")
    }

    /// The async form of ``run()``: suspends the task while there is nothing to forward,
    /// instead of blocking its thread.
    ///
    /// - Throws: `CancellationError` when the task is cancelled (the run ends as after
    ///   ``stop()``); as ``run()``.
    public func run() async throws {
        let sockets = try begin()
        defer { end(sockets) }
        var loop = ProxyLoop(self)
        // Under steady traffic the loop would never wait: let other tasks have the thread (and
        // see a cancellation) every few bursts.
        while let wait = try loop.step(rounds: 16) {
            try Task.checkCancellation()
            if wait.reason == .yield {
                for socket in sockets { socket.markParked() }
                await Task.yield()
                for socket in sockets { socket.unmarkParked() }
                continue
            }
            let home = sockets[0].port.signal
            let clock = ClockWatch(wait.deadline, signal: home, forTask: true)
            defer { clock.finish() }
            let stillWaiting = await ParkedTask.park(
                on: home, others: sockets.dropFirst().map(\.port.signal) + [signal], watch: clock,
                suspending: { for socket in sockets { socket.markParked() } },
                resuming: { for socket in sockets { socket.unmarkParked() } }
            ) {
                // isReady throws once a context has terminated: resume, and the step throws it.
                (try? loop.isReady(wait)) ?? true
            }
            if !stillWaiting { throw RingMQError.timedOut }
            clock.checkSafetyLimit(Socket.describe("Proxy.run()", sockets))
        }
    }

    /// The shared blocking run: `call` names it in diagnostics.
    func runBlocking(call: String) throws {
        BlockingCallCheck.check(call)
        let sockets = try begin()
        defer { end(sockets) }
        var loop = ProxyLoop(self)
        while let wait = try loop.step() {
            guard
                try Socket.waitUntil(
                    sockets, also: [signal], deadline: wait.deadline, call: call,
                    ready: { try loop.isReady(wait) })
            else { throw RingMQError.timedOut }
        }
    }

    /// Stops forwarding until ``resume()``; messages wait in the sockets' queues meanwhile.
    /// Once it returns, the proxy forwards nothing more (a burst in progress ends first), so
    /// ``statistics`` stay as they are. Pausing a proxy that is not running makes its next
    /// run start paused.
    public func pause() {
        steer { $0.paused = true }
    }

    /// Forwards again after ``pause()``.
    public func resume() {
        steer { $0.paused = false }
    }

    /// Ends the run in progress: ``run()-2cq66`` returns normally, once the burst in progress (if
    /// any) is over, leaving what is queued in the sockets. Whatever a paused proxy holds
    /// stays queued too.
    ///
    /// One message may be in the proxy's own hands: one it took and its destination refused
    /// (a ROUTER with `routerMandatory` or a PUB/XPUB with `xpubNoDrop`, whose peer is full).
    /// So that it is not lost, the run delivers it before returning, waiting for room up to
    /// the destination's `sendTimeout`, and throws ``RingMQError/timedOut`` if none comes.
    ///
    /// - Throws: ``RingMQError/invalidState(_:)`` when the proxy is not running: never run, or
    ///   its run has returned. A ``run()-2cq66`` that another thread or task is about to start is not
    ///   running yet, and `stop()` does not wait for it: stop a proxy once it has started, for
    ///   example once it has forwarded a message, or once ``isRunning`` is true.
    public func stop() throws {
        try steering.withLock { (state: inout ProxySteering) throws(RingMQError) in
            guard state.running else {
                throw RingMQError.invalidState(
                    "stop() on a proxy that is not running: call it while run() runs, on another thread or task")
            }
            state.stopRequested = true
        }
        signal.notify()
    }

    /// Whether a ``run()-2cq66`` is in progress (begun, and not yet returned).
    public var isRunning: Bool {
        steering.withLock { $0.running }
    }

    /// What the proxy has forwarded so far, over all its runs. Readable from any thread at any
    /// time; exact once ``pause()`` or ``stop()`` has returned, or the run has ended. Counts
    /// whole messages, where libzmq counts frames (see ``ProxyStatistics``).
    public var statistics: ProxyStatistics {
        ProxyStatistics(frontend: frontendCounters.snapshot, backend: backendCounters.snapshot)
    }

    /// Changes the steering state and wakes the run.
    func steer(_ change: (inout ProxySteering) -> Void) {
        steering.withLock(change)
        signal.notify()
    }

    /// Marks the proxy running and takes its sockets; returns them, frontend first.
    private func begin() throws -> [Socket] {
        try steering.withLock { (state: inout ProxySteering) throws(RingMQError) in
            guard !state.running else {
                throw RingMQError.invalidState(
                    "this proxy is running already: run a proxy on one thread or task at a time")
            }
            state.running = true
            state.stopRequested = false
        }
        let sockets = [frontend, backend] + [capture, control].compactMap { $0 }
        for socket in sockets { socket.enter(.proxy) }
        do {
            for socket in sockets { try socket.checkUsable() }
        } catch {
            end(sockets)
            throw error
        }
        return sockets
    }

    private func end(_ sockets: [Socket]) {
        for socket in sockets { socket.leave() }
        steering.withLock { state in
            state.running = false
            state.stopRequested = false
        }
    }
}

/// The state a steerable proxy's run reads between bursts.
struct ProxySteering: Equatable {
    var running = false
    var paused = false
    var stopRequested = false
}
