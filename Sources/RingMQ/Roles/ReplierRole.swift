/// REP: fair-queued requests, each answered before the next is received (libzmq's `rep_t`).
/// Connections: ``FairReceiving``.
/// The envelope (every frame up to and including the first empty one) is stripped from the
/// request and put back in front of the reply, which goes to the peer the request came from.
struct ReplierRole: FairReceiving {
    var inbound = FairQueue()
    /// The envelope of the request being answered; `nil` when no request is being answered.
    var envelope: [Frame]?
    /// The inbound pipe of the requester, whose connection carries the reply back.
    var requester: PipeID?

    /// The requester's pipe; dropped (not counted) if the requester has gone, as there is
    /// nobody to take the reply; wait while its queue is full rather than drop the reply.
    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<
        PipeWriter
    > {
        guard envelope != nil else {
            throw RingMQError.invalidState(
                "this REP socket has no request to answer; receive() a request before you send a reply")
        }
        guard let writer = requesterWriter(core) else {
            endTurn()
            return .drop(counted: false)
        }
        return writer.hasRoom() ? .ready(writer) : .wait
    }

    mutating func write(_ message: consuming Message, to pipe: PipeWriter, _ core: inout SocketCore) {
        pipe.write(Message((envelope ?? []) + message.frames))
        endTurn()
    }

    mutating func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool {
        guard envelope != nil else { return false }
        // A requester gone: the reply would be dropped, without waiting.
        return requesterWriter(core)?.hasRoom() ?? true
    }

    /// The pipe back to the requester, or `nil` if it has gone.
    private func requesterWriter(_ core: SocketCore) -> PipeWriter? {
        guard let attachment = core.attachments.first(where: { $0.inbound?.id == requester }),
            !attachment.peerGone
        else { return nil }
        return attachment.outbound
    }

    private mutating func endTurn() {
        envelope = nil
        requester = nil
    }

    func checkTurnToReceive() throws {
        guard envelope == nil else {
            throw RingMQError.invalidState(
                "this REP socket must send the reply to the request it received before it receives another; "
                    + "call send(_:) first")
        }
    }

    /// The next request with its envelope stripped and remembered. A message without a
    /// delimiter (a DEALER that did not add the empty frame) is dropped, as libzmq's REP does.
    mutating func take(_ core: inout SocketCore) -> Message? {
        while let (message, source) = inbound.readTagged() {
            let frames = message.frames
            guard let delimiter = frames.firstIndex(where: \.isEmpty), delimiter + 1 < frames.count else { continue }
            envelope = Array(frames[...delimiter])
            requester = source
            return Message(Array(frames[(delimiter + 1)...]))
        }
        if !inbound.released.isEmpty { releaseDrained(&core) }
        return nil
    }

    func hasIncoming(_ core: SocketCore) -> Bool {
        envelope == nil && inbound.hasMessage()
    }

    mutating func close(_ core: inout SocketCore) {
        inbound.removeAll()
        endTurn()
    }
}
