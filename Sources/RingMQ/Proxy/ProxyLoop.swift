/// One run of a proxy: the forwarding loop that `proxy(frontend:backend:capture:)` and both
/// forms of ``Proxy/run()`` share. It never waits itself: ``step()`` forwards what it can and
/// says what to wait for, and the caller waits (a thread on its futex, a task parked) until
/// ``isReady(_:)``, then steps again.
///
/// A message is taken from its socket only when the other side has room for some message,
/// and sent without waiting, so the loop waits in one place, for either direction or a
/// steering change. Only a destination whose room depends on the message itself (a ROUTER
/// with `routerMandatory`, a PUB or XPUB with `xpubNoDrop`, a REP control socket's reply)
/// can refuse a message the loop took: the loop then holds it, and delivers it before
/// anything else, up to the destination's `sendTimeout`.
struct ProxyLoop {
    /// A message the loop took and could not pass on at once.
    struct Held {
        let message: Message
        let destination: Socket
        /// The side it is counted on once sent; `nil` for a control reply.
        let counters: ProxySideCounters?
        let deadline: Deadline
    }

    /// What the run waits for, and the steering state it saw before waiting (a change of it
    /// ends the wait).
    struct Wait {
        enum Reason {
            /// A direction able to move a message.
            case traffic
            /// Paused: only a steering change or a control command.
            case paused
            /// Room for the held message.
            case room
            /// Nothing: the async run lets other tasks have its thread, then steps again.
            case yield
        }

        let reason: Reason
        let seen: ProxySteering
        let deadline: Deadline
    }

    /// What ``step()`` decided under the steering lock.
    private enum Next {
        case proceed, finish
        /// With the steering state the decision was made on: one read later could already
        /// hold the change that should end the wait, and the wait would never see it.
        case wait(Wait.Reason, seen: ProxySteering)
    }

    let proxy: Proxy
    let sockets: [Socket]
    /// Whether each direction can carry anything at all.
    let forward: Bool
    let backward: Bool
    var held: Held?

    init(_ proxy: Proxy) {
        self.proxy = proxy
        sockets = [proxy.frontend, proxy.backend] + [proxy.capture, proxy.control].compactMap { $0 }
        forward = Proxy.canForward(from: proxy.frontend, to: proxy.backend)
        backward = Proxy.canForward(from: proxy.backend, to: proxy.frontend)
    }

    /// Forwards until there is nothing to do, or for `rounds` rounds (then returns a `.yield`);
    /// returns what to wait for, or `nil` once stopped.
    mutating func step(rounds: Int = .max) throws -> Wait? {
        for _ in 0..<rounds {
            try checkContexts()
            // A REP control socket must answer before it can take the next command.
            if let held, held.counters == nil {
                if try !deliverHeld() { return wait(.room) }
                continue
            }
            if try takeCommand() { continue }
            let next = try proxy.steering.withLock { (state: inout ProxySteering) throws -> Next in
                if held != nil {
                    if state.paused && !state.stopRequested { return .wait(.paused, seen: state) }
                    return try deliverHeld() ? .proceed : .wait(.room, seen: state)
                }
                if state.stopRequested { return .finish }
                if state.paused { return .wait(.paused, seen: state) }
                var moved = false
                if forward { moved = try relay(from: proxy.frontend, to: proxy.backend) || moved }
                if backward { moved = try relay(from: proxy.backend, to: proxy.frontend) || moved }
                return moved ? .proceed : .wait(.traffic, seen: state)
            }
            switch next {
            case .proceed: continue
            case .finish: return nil
            case .wait(let reason, let seen): return wait(reason, seen: seen)
            }
        }
        return wait(.yield)
    }

    /// `seen`: the steering state a decision to wait was made on; when the decision did not
    /// depend on it, the state now.
    private func wait(_ reason: Wait.Reason, seen: ProxySteering? = nil) -> Wait {
        let deadline = reason == .room ? held!.deadline : Deadline(timeout: nil)
        return Wait(reason: reason, seen: seen ?? proxy.steering.withLock { $0 }, deadline: deadline)
    }

    /// Whether the run should step again: something it waits for has happened, or a steering
    /// call or control command came. Applies every socket's pending commands (a wait must not
    /// wake for them again) and throws ``RingMQError/terminated`` once a context terminated.
    func isReady(_ wait: Wait) throws -> Bool {
        try checkContexts()
        for socket in sockets { socket.catchUp() }
        if proxy.steering.withLock({ $0 }) != wait.seen { return true }
        if let held, held.counters == nil {
            return held.destination.hasRoom(for: held.message)
        }
        if let control = proxy.control, control.hasIncoming() { return true }
        switch wait.reason {
        case .traffic:
            return (forward && proxy.frontend.hasIncoming() && Self.hasRoom(proxy.backend))
                || (backward && proxy.backend.hasIncoming() && Self.hasRoom(proxy.frontend))
        case .paused:
            return false
        case .yield:
            return true
        case .room:
            guard let held else { return true }
            return held.destination.hasRoom(for: held.message)
        }
    }

    /// Whether `destination` can take some message now. An XSUB sends upstream without ever
    /// waiting, but its role is SUB's, which answers that it cannot send.
    private static func hasRoom(_ destination: Socket) -> Bool {
        destination.type == .xsub || destination.hasRoom(for: nil)
    }

    /// Throws once a context has terminated or another thread closes one of the sockets (it
    /// asks, or closed it while an async run was parked); answers another thread's look at a
    /// socket's statistics.
    private func checkContexts() throws {
        for socket in sockets {
            if socket.context.isTerminated { throw RingMQError.terminated }
            if socket.visitorWaits { try socket.serveVisitor() }
            if socket.core.pointee.isClosed { throw RingMQError.socketClosed }
        }
    }

    /// Moves up to a burst of messages from `source` to `destination`, each only once the
    /// destination has room, so that neither direction starves the other. Returns whether
    /// anything moved.
    private mutating func relay(from source: Socket, to destination: Socket) throws -> Bool {
        let (received, sent) =
            source === proxy.frontend
            ? (proxy.frontendCounters, proxy.backendCounters)
            : (proxy.backendCounters, proxy.frontendCounters)
        var moved = false
        for _ in 0..<64 {
            guard Self.hasRoom(destination), let message = try source.collect(timeout: .zero) else { break }
            moved = true
            let bytes = message.byteCount
            received.received(bytes: bytes)
            if let capture = proxy.capture { _ = try capture.deliver(message, timeout: .zero) }
            guard try destination.deliver(message, timeout: .zero) else {
                let timeout = destination.core.pointee.options.sendTimeout
                held = Held(
                    message: message, destination: destination, counters: sent,
                    deadline: destination.context.deadline(after: timeout))
                break
            }
            sent.sent(bytes: bytes)
        }
        return moved
    }

    /// Sends the held message if its destination has room now; `true` when it went.
    private mutating func deliverHeld() throws -> Bool {
        guard let held else { return true }
        guard try held.destination.deliver(held.message, timeout: .zero) else { return false }
        held.counters?.sent(bytes: held.message.byteCount)
        self.held = nil
        return true
    }

    /// Sends `reply` on the control socket, holding it if the socket cannot take it now.
    mutating func reply(_ reply: Message, on control: Socket) throws {
        guard try !control.deliver(reply, timeout: .zero) else { return }
        held = Held(
            message: reply, destination: control, counters: nil,
            deadline: control.context.deadline(after: control.core.pointee.options.sendTimeout))
    }
}
