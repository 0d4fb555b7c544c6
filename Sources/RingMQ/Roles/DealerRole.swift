/// DEALER: round-robin out, fair-queued in, no envelope rules (libzmq's `dealer_t`).
///
/// Also PAIR: with its one peer, round-robin and fair queueing are that peer's pipes; that it
/// has only one is the registry's rule (`Registry+ExclusiveSlots.swift`), not the role's.
struct DealerRole: BalancedSending, FairReceiving {
    var balancing = Balancing()
    var inbound = FairQueue()

    @inline(__always)
    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<PipeWriter> {
        if let pipe = balancing.pipeWithRoom() { return .ready(pipe) }
        return destinationAfterReclaiming(&core)
    }

    @inline(__always)
    mutating func write(_ message: consuming Message, to pipe: PipeWriter, _ core: inout SocketCore) {
        pipe.write(message)
    }

    @inline(__always)
    mutating func take(_ core: inout SocketCore) -> Message? {
        if let message = inbound.read() { return message }
        if !inbound.released.isEmpty { releaseDrained(&core) }
        return nil
    }

    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore) {
        guard core.track(attachment) else { return }
        balancing.attach(attachment)
        inbound.attach(attachment)
    }

    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        guard let attachment = core.markPeerGone(connection) else { return }
        balancing.peerLeft(attachment, reclaimingUnread: reclaimingUnread, &core)
        inbound.peerLeft(attachment)
    }

    mutating func forget(_ attachment: Attachment, _ core: inout SocketCore) {
        if let outbound = attachment.outbound { balancing.peers.remove(outbound.id) }
        inbound.forget(attachment)
        core.untrack(attachment.connection)
    }

    mutating func close(_ core: inout SocketCore) {
        balancing.close(dropping: core.options.linger == .zero, &core)
        inbound.removeAll()
    }
}
