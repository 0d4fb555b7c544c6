/// PUSH: round-robin to the PULL peers with room (libzmq's `push_t` over `lb_t`), reclaiming
/// what a departed peer left unread.
struct PushRole: BalancedSending, ReceivesNothing {
    var balancing = Balancing()

    @inline(__always)
    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<PipeWriter> {
        if let pipe = balancing.pipeWithRoom() { return .ready(pipe) }
        return destinationAfterReclaiming(&core)
    }

    @inline(__always)
    mutating func write(_ message: consuming Message, to pipe: PipeWriter, _ core: inout SocketCore) {
        pipe.write(message)
    }

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
