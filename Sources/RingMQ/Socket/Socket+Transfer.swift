import CRingMQShims

/// The data path: hand a message to a peer pipe, take one from a peer pipe, and wait when
/// neither is possible yet.
extension Socket {
    /// Queues `message`, waiting up to `timeout` (`.zero`: not at all). `false` when the time
    /// ran out.
    @inline(__always)
    func deliver(_ message: consuming Message, timeout: Duration?) throws -> Bool {
        try checkUsable()
        guard type.canSend else { throw cannot("send") }
        guard !message.isEmpty else {
            throw RingMQError.operationNotSupported(
                "a message needs at least one frame; send Message(Frame()) for an empty one")
        }
        if port.mailbox.hasCommands { processCommands() }
        let sent: Bool
        switch type {
        case .pub, .xpub: sent = try publish(message, timeout: timeout)
        case .xsub:
            sendFromXSUB(message)
            sent = true
        case .req: sent = try sendRequest(message, timeout: timeout)
        case .rep: sent = try sendReply(message, timeout: timeout)
        case .router: sent = try route(message, timeout: timeout)
        default: sent = try sendBalanced(message, timeout: timeout) != nil
        }
        if sent { state.pointee.sentCount &+= 1 }
        return sent
    }

    /// Round-robin to a peer with room (PUSH, PAIR, DEALER, REQ), waiting up to `timeout`.
    /// Returns the pipe the message went to; `nil` when the time ran out.
    @inline(__always)
    func sendBalanced(_ message: consuming Message, timeout: Duration?) throws -> PipeWriter? {
        let ready = state.pointee.returned.isEmpty ? state.pointee.outbound.pickWritable() : writableAfterReturned()
        if let pipe = ready {
            pipe.write(message)
            state.pointee.lastWasSend = true
            return pipe
        }
        if timeout == .zero { return nil }
        return try waitToDeliver(message, deadline: context.deadline(after: timeout))
    }

    /// A pipe with room for a new message, once the messages taken back from departed peers
    /// have gone out first (see ``Socket/redeliverUnread``).
    private func writableAfterReturned() -> PipeWriter? {
        guard state.pointee.returned.isEmpty || resendReturned() else { return nil }
        return state.pointee.outbound.pickWritable()
    }

    @inline(never)
    private func waitToDeliver(_ message: consuming Message, deadline: Deadline) throws -> PipeWriter? {
        // Waiting for room: the reader frees it in batches, so poll at the long interval.
        let writable = try waitFor(deadline: deadline, expectingReply: false) {
            writableAfterReturned()
        }
        guard let pipe = writable else { return nil }
        pipe.write(message)
        state.pointee.lastWasSend = true
        return pipe
    }

    /// Takes the next message, waiting up to `timeout` (`.zero`: not at all). `nil` when the
    /// time ran out.
    @inline(__always)
    func collect(timeout: Duration?) throws -> Message? {
        try checkUsable()
        guard type.canReceive else { throw cannot("receive") }
        if type == .req || type == .rep { try checkTurnToReceive() }
        if port.mailbox.hasCommands { processCommands() }
        if let message = takeNext() {
            state.pointee.lastWasSend = false
            state.pointee.receivedCount &+= 1
            return message
        }
        if !state.pointee.returned.isEmpty { _ = resendReturned() }
        releaseDrainedPipes()
        if timeout == .zero { return nil }
        let message = try waitToCollect(deadline: context.deadline(after: timeout))
        if message != nil { state.pointee.receivedCount &+= 1 }
        return message
    }

    /// The next message by the type's incoming routing.
    @inline(__always)
    private func takeNext() -> Message? {
        switch type {
        case .xpub: state.pointee.inbox.popFirst()
        case .sub, .xsub: takeForSubscriber()
        case .req: takeReply()
        case .rep: takeRequest()
        case .router: takeRouted()
        default: state.pointee.inbound.read()
        }
    }

    /// Whether a send of `message` (`nil`: of some message) could go out now without waiting,
    /// for async senders and pollers. Types that drop instead of waiting are always ready.
    func hasRoom(for message: Message?) -> Bool {
        catchUp()
        switch type {
        case .pull, .sub: return false
        case .pub, .xpub:
            guard type == .xpub, state.pointee.options.xpubNoDrop, let message else { return true }
            return state.pointee.distributor.matchingHaveRoom(message, invertAll: state.pointee.options.invertMatching)
        case .xsub: return true
        case .req: return !state.pointee.turn.awaitingReply && state.pointee.outbound.hasWritable()
        case .rep: return state.pointee.turn.envelope != nil && requesterPipe() != nil
        case .router:
            guard state.pointee.options.routerMandatory, let message, message.count >= 2 else { return true }
            return routeTarget(message[0]) != nil
        case .pair, .push, .dealer:
            // Messages taken back go first (``catchUp()`` sent what it could).
            return state.pointee.returned.isEmpty && state.pointee.outbound.hasWritable()
        }
    }

    /// Whether a receive would find a message now (for the proxy and pollers). A SUB may
    /// report a message its filter then drops.
    func hasIncoming() -> Bool {
        catchUp()
        switch type {
        case .xpub: return !state.pointee.inbox.isEmpty
        case .sub, .xsub: return state.pointee.inbound.hasMessage() || slotsHaveMessage
        case .req: return state.pointee.turn.awaitingReply && state.pointee.inbound.hasMessage()
        case .rep: return state.pointee.turn.envelope == nil && state.pointee.inbound.hasMessage()
        case .pub, .push: return false
        default: return state.pointee.inbound.hasMessage()
        }
    }

    @inline(never)
    private func waitToCollect(deadline: Deadline) throws -> Message? {
        let expectingReply = state.pointee.lastWasSend
        state.pointee.lastWasSend = false
        return try waitFor(deadline: deadline, expectingReply: expectingReply) {
            if let message = takeNext() { return message }
            releaseDrainedPipes()
            return nil
        }
    }

    /// The one waiting loop: retries `attempt` until it yields a value (returned), the
    /// deadline passes (`nil`), or the context terminates (throws). Applies peers' commands
    /// between tries, spins per ``SpinPolicy``, then sleeps on the socket's signal.
    func waitFor<Value>(deadline: Deadline, expectingReply: Bool,
                                _ attempt: () -> Value?) throws -> Value? {
        var watch: ClockWatch?                 // made once the spin is over
        defer { watch?.finish() }
        var spin = SpinPolicy(expectingReply: expectingReply)
        while true {
            if context.isTerminated { throw RingMQError.terminated }
            catchUp()
            if let value = attempt() { return value }
            if spin.pause() { continue }
            if watch == nil { BlockingCallCheck.check(callInProgress) }
            let clock = watch ?? ClockWatch(deadline, signal: port.signal, forTask: false)
            watch = clock
            let word = port.signal.word
            let key = Signal.prepareWait(word)
            // Re-check everything a waker may have changed, now that it can see us waiting.
            if context.isTerminated || port.mailbox.hasCommands {
                Signal.cancelWait(word, key: key)
                continue
            }
            if let value = attempt() {
                Signal.cancelWait(word, key: key)
                return value
            }
            // Armed before the last look at the clock: a clock moved after that look wakes us.
            let alarm = clock.arm(waking: port.signal, forTask: false)
            defer { alarm?.cancel() }
            if deadline.hasPassed || !clock.sleep(key: key) {
                Signal.cancelWait(word, key: key)
                return nil
            }
            Signal.wait(word, key: key, timeout: clock.sleepLimit)
            // Expired by the clock while asleep: timed out, whatever has arrived since.
            if !clock.wake() { return nil }
            clock.checkSafetyLimit(waiterDescription)
        }
    }

    /// Throws if the socket is closed or its context terminated.
    @inline(__always)
    func checkUsable() throws {
        if state.pointee.closed { throw RingMQError.socketClosed }
        if context.isTerminated { throw RingMQError.terminated }
    }

    private func cannot(_ verb: String) -> RingMQError {
        .operationNotSupported("\(type) sockets cannot \(verb); \(type) talks to \(type.compatiblePeerList)")
    }

    /// Drops the attachments whose inbound pipe the fair queue has drained after the peer left.
    @inline(__always)
    func releaseDrainedPipes() {
        guard !state.pointee.inbound.released.isEmpty else { return }
        let released = state.pointee.inbound.takeReleased()
        if type == .router { state.pointee.routes.removeSources(released) }
        state.pointee.attachments.removeAll { attachment in
            attachment.inbound.map { released.contains($0.id) } ?? false
        }
    }
}
