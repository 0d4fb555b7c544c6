/// The generic data path, the same for every type: ask the role where a message goes (or
/// which message is next), wait when it says so, and ask again. Specialised per role by the
/// optimizer, so the dispatch in ``Role`` is the only switch on the message path.
extension Socket {
    /// Sends through `role`: ready → written; drop → done; wait → waits up to `timeout`
    /// (`.zero`: not at all). `false` when the time ran out.
    @inline(__always)
    func send<R: SocketRole>(
        _ message: consuming Message, through role: UnsafeMutablePointer<R>,
        timeout: Duration?
    ) throws -> Bool {
        let destination = try role.pointee.destination(for: message, &core.pointee)
        if case .wait = destination {
            if timeout == .zero { return false }
            guard try sendAfterWaiting(message, through: role, deadline: context.deadline(after: timeout)) else {
                return false
            }
        } else {
            carryOut(destination, message, through: role)
        }
        core.pointee.counters.sent &+= 1
        return true
    }

    /// Writes `message` where a `.ready` answer says, or counts a `.drop`.
    @inline(__always)
    private func carryOut<R: SocketRole>(
        _ destination: Destination<R.Target>, _ message: consuming Message,
        through role: UnsafeMutablePointer<R>
    ) {
        switch destination {
        case .ready(let target):
            role.pointee.write(message, to: target, &core.pointee)
            core.pointee.expectingReply = true
        case .drop(let counted):
            if counted { core.pointee.counters.dropped &+= 1 }
        case .wait:
            break
        }
    }

    @inline(never)
    private func sendAfterWaiting<R: SocketRole>(
        _ message: consuming Message, through role: UnsafeMutablePointer<R>,
        deadline: Deadline
    ) throws -> Bool {
        // Waiting for room: the reader frees it in batches, so poll at the long interval.
        let found = try waitFor(deadline: deadline, expectingReply: false) { () throws -> Destination<R.Target>? in
            let destination = try role.pointee.destination(for: message, &core.pointee)
            if case .wait = destination { return nil }
            return destination
        }
        guard let found else { return false }
        carryOut(found, message, through: role)
        return true
    }

    /// Receives through `role`, waiting up to `timeout` (`.zero`: not at all). `nil` when the
    /// time ran out.
    @inline(__always)
    func receive<R: SocketRole>(through role: UnsafeMutablePointer<R>, timeout: Duration?) throws -> Message? {
        try role.pointee.checkTurnToReceive()
        if port.mailbox.hasCommands { applyPendingCommands() }
        if let message = role.pointee.take(&core.pointee) {
            core.pointee.expectingReply = false
            core.pointee.counters.received &+= 1
            return message
        }
        if self.role.hasReclaimed { _ = role.pointee.resendReclaimed(&core.pointee) }
        if timeout == .zero { return nil }
        // Bound and returned, not compared with nil: the comparison destroyed its copy of the
        // message through the runtime's generic witnesses, 200 instructions per wait.
        guard let message = try receiveAfterWaiting(through: role, deadline: context.deadline(after: timeout)) else {
            return nil
        }
        core.pointee.counters.received &+= 1
        return message
    }

    @inline(never)
    private func receiveAfterWaiting<R: SocketRole>(
        through role: UnsafeMutablePointer<R>,
        deadline: Deadline
    ) throws -> Message? {
        let expectingReply = core.pointee.expectingReply
        core.pointee.expectingReply = false
        return try waitFor(deadline: deadline, expectingReply: expectingReply) {
            role.pointee.take(&core.pointee)
        }
    }

    /// Whether a send of `message` (`nil`: of some message) could go out now without waiting,
    /// for async senders and pollers. Types that drop instead of waiting are always ready.
    func hasRoom(for message: Message?) -> Bool {
        catchUp()
        return role.handle.hasRoom(for: message, &core.pointee)
    }

    /// Whether a receive would find a message now (for the proxy and pollers). A SUB may
    /// report a message its filter then drops.
    func hasIncoming() -> Bool {
        catchUp()
        return role.handle.hasIncoming(core.pointee)
    }

    /// The wait of a blocked send or receive (see ``Waiter``): retries `attempt`, after
    /// applying peers' commands, until it yields a value (returned), the deadline passes
    /// (`nil`), the context terminates or another thread closes the socket (throws). Inlined, with ``Waiter/wait(on:also:deadline:spin:controlled:call:waiter:blocked:hasNews:attempt:)``,
    /// into each role's wait: a stream's receiver that catches up with its sender enters this
    /// wait every few messages and usually leaves it at the first try, so the try must cost no
    /// more than the receive's own path (measured: a call with closures here cost 7% of
    /// PUSH → PULL throughput at 8 B).
    @inline(__always)
    func waitFor<Value>(
        deadline: Deadline, expectingReply: Bool,
        _ attempt: () throws -> Value?
    ) throws -> Value? {
        try Waiter.wait(
            on: port.signal, deadline: deadline, spin: SpinPolicy(expectingReply: expectingReply),
            controlled: { isControlled }, call: { callInProgress }, waiter: { waiterDescription },
            blocked: { blockedCallDescription },
            hasNews: { context.isTerminated || port.mailbox.hasCommands || visitorWaits }
        ) {
            if context.isTerminated { throw RingMQError.terminated }
            catchUp()
            if let value = try attempt() { return value }
            // Only once the attempt failed: a call that can complete leaves, which is all a
            // visitor waits for, and the try that usually succeeds pays nothing.
            if visitorWaits { try serveVisitor() }
            return nil
        }
    }

    /// Throws unless a message may be sent: the socket open, the type able to send, the message
    /// not empty.
    @inline(__always)
    func checkSendable(_ message: borrowing Message) throws {
        try checkUsable()
        guard type.canSend else { throw cannot("send") }
        guard !message.isEmpty else {
            throw RingMQError.operationNotSupported(
                "a message needs at least one frame; send Message(Frame()) for an empty one")
        }
    }

    /// Throws unless the socket is open and its type can receive.
    @inline(__always)
    func checkReceivable() throws {
        try checkUsable()
        guard type.canReceive else { throw cannot("receive") }
    }

    /// Throws if the socket is closed or its context terminated.
    @inline(__always)
    func checkUsable() throws {
        if core.pointee.isClosed { throw RingMQError.socketClosed }
        if context.isTerminated { throw RingMQError.terminated }
    }

    private func cannot(_ verb: String) -> RingMQError {
        .operationNotSupported("\(type) sockets cannot \(verb); \(type) talks to \(type.compatiblePeerList)")
    }
}
