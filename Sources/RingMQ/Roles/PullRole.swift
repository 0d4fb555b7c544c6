/// PULL: fair-queued from the PUSH peers (libzmq's `pull_t` over `fq_t`); what a departed
/// peer sent is still received.
struct PullRole: FairReceiving, SendsNothing {
    var inbound = FairQueue()

    @inline(__always)
    mutating func take(_ core: inout SocketCore) -> Message? {
        if let message = inbound.read() { return message }
        if !inbound.released.isEmpty { releaseDrained(&core) }
        return nil
    }

    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore) {
        guard core.track(attachment) else { return }
        inbound.attach(attachment)
    }

    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        guard let attachment = core.markPeerGone(connection) else { return }
        inbound.peerLeft(attachment)
    }

    mutating func forget(_ attachment: Attachment, _ core: inout SocketCore) {
        inbound.forget(attachment)
        core.untrack(attachment.connection)
    }

    mutating func close(_ core: inout SocketCore) {
        inbound.removeAll()
    }
}
