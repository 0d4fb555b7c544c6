import CRingMQShims

/// The data path: hand a message to a peer pipe, take one from a peer pipe, and wait when
/// neither is possible yet.
extension Socket {
    /// Polls before parking: a peer on another core usually answers within a few microseconds,
    /// far sooner than a futex sleep and wake-up round trip.
    static let spinLimit = 64

    /// Queues `message`, waiting up to `timeout` (`.zero`: not at all). `false` when the time
    /// ran out.
    @inline(__always)
    func deliver(_ message: Message, timeout: Duration?) throws -> Bool {
        try checkUsable()
        guard type.canSend else { throw cannot("send") }
        guard !message.isEmpty else {
            throw RingMQError.operationNotSupported(
                "a message needs at least one frame; send Message(Frame()) for an empty one")
        }
        if port.mailbox.hasCommands { processCommands() }
        if let pipe = state.pointee.outbound.pickWritable() {
            pipe.write(message)
            return true
        }
        if timeout == .zero { return false }
        return try waitToDeliver(message, deadline: Deadline(timeout: timeout))
    }

    @inline(never)
    private func waitToDeliver(_ message: Message, deadline: Deadline) throws -> Bool {
        var spins = 0
        while true {
            if context.isTerminated { throw RingMQError.terminated }
            if port.mailbox.hasCommands { processCommands() }
            if let pipe = state.pointee.outbound.pickWritable() {
                pipe.write(message)
                return true
            }
            if spins < Socket.spinLimit {
                spins += 1
                ringmq_cpu_relax()
                continue
            }
            let word = port.signal.word
            let key = Signal.prepareWait(word)
            // Re-check everything a waker may have changed, now that it can see us waiting.
            if context.isTerminated || port.mailbox.hasCommands {
                Signal.cancelWait(word)
                continue
            }
            if let pipe = state.pointee.outbound.pickWritable() {
                Signal.cancelWait(word)
                pipe.write(message)
                return true
            }
            let remaining = deadline.remaining
            if let remaining, remaining <= .zero {
                Signal.cancelWait(word)
                return false
            }
            Signal.wait(word, key: key, timeout: remaining)
        }
    }

    /// Takes the next message, waiting up to `timeout` (`.zero`: not at all). `nil` when the
    /// time ran out.
    @inline(__always)
    func collect(timeout: Duration?) throws -> Message? {
        try checkUsable()
        guard type.canReceive else { throw cannot("receive") }
        if port.mailbox.hasCommands { processCommands() }
        if let message = state.pointee.inbound.read() { return message }
        releaseDrainedPipes()
        if timeout == .zero { return nil }
        return try waitToCollect(deadline: Deadline(timeout: timeout))
    }

    @inline(never)
    private func waitToCollect(deadline: Deadline) throws -> Message? {
        var spins = 0
        while true {
            if context.isTerminated { throw RingMQError.terminated }
            if port.mailbox.hasCommands { processCommands() }
            if let message = state.pointee.inbound.read() { return message }
            releaseDrainedPipes()
            if spins < Socket.spinLimit {
                spins += 1
                ringmq_cpu_relax()
                continue
            }
            let word = port.signal.word
            let key = Signal.prepareWait(word)
            if context.isTerminated || port.mailbox.hasCommands {
                Signal.cancelWait(word)
                continue
            }
            if let message = state.pointee.inbound.read() {
                Signal.cancelWait(word)
                return message
            }
            let remaining = deadline.remaining
            if let remaining, remaining <= .zero {
                Signal.cancelWait(word)
                return nil
            }
            Signal.wait(word, key: key, timeout: remaining)
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
        guard !released.isEmpty else { return }
        state.pointee.attachments.removeAll { attachment in
            attachment.inbound.map { released.contains($0.id) } ?? false
        }
    }
}
