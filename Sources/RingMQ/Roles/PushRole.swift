/// PUSH: round-robin to the PULL peers with room (libzmq's `push_t` over `lb_t`), reclaiming
/// what a departed peer left unread.
struct PushRole: BalancedSending, ReceivesNothing {
    var balancing = Balancing()

    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore) {
        guard core.track(attachment) else { return }
        balancing.attach(attachment)
    }

    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        guard let attachment = core.markPeerGone(connection) else { return }
        balancing.peerLeft(attachment, reclaimingUnread: reclaimingUnread, &core)
    }

    mutating func forget(_ attachment: Attachment, _ core: inout SocketCore) {
        if let outbound = attachment.outbound { balancing.peers.remove(outbound.id) }
        core.untrack(attachment.connection)
    }

    mutating func close(_ core: inout SocketCore) {
        balancing.close(dropping: core.options.linger == .zero, &core)
    }
}
