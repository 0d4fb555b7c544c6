/// DEALER: round-robin out, fair-queued in, no envelope rules (libzmq's `dealer_t`).
///
/// Also PAIR: with its one peer, round-robin and fair queueing are that peer's pipes; that it
/// has only one is the registry's rule (`Registry+ExclusiveSlots.swift`), not the role's.
struct DealerRole: BalancedSending, FairReceiving {
    var balancing = Balancing()
    var inbound = FairQueue()

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
