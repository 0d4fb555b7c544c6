/// A role that receives fair-queued from its peers (libzmq's `fq_t`): PULL, DEALER, PAIR, REQ,
/// REP, ROUTER, SUB and XSUB.
protocol FairReceiving: SocketRole {
    var inbound: FairQueue { get set }
    /// Forgets the pipes the fair queue has drained after their peers left (called when
    /// ``FairQueue/released`` is not empty).
    mutating func releaseDrained(_ core: inout SocketCore)
}

/// Off the message path only: the roles take messages themselves (see ``BalancedSending``
/// for why).
extension FairReceiving {
    func hasIncoming(_ core: SocketCore) -> Bool {
        inbound.hasMessage()
    }

    func queuedIn(_ core: SocketCore) -> Int {
        inbound.queuedCount
    }

    mutating func releaseDrained(_ core: inout SocketCore) {
        core.untrack(released: inbound.takeReleased())
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

/// A role that sends round-robin and receives fair-queued (DEALER, PAIR, REQ): the two parts'
/// connection bookkeeping together.
protocol DuplexRole: BalancedSending, FairReceiving {}

extension DuplexRole {
    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore) {
        guard core.track(attachment) else { return }
        balancing.attach(attachment, immediate: core.options.immediate)
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

extension FairQueue {
    /// Reads from the inbound pipe of `attachment`, if it has one; a departed peer's pipe is
    /// drained, then dropped.
    mutating func attach(_ attachment: Attachment) {
        guard let inbound = attachment.inbound else { return }
        add(inbound)
        if attachment.peerGone { markDetached(inbound.id) }
    }

    /// The peer of `attachment` has gone: drain its pipe, then drop it.
    mutating func peerLeft(_ attachment: Attachment) {
        if let inbound = attachment.inbound { markDetached(inbound.id) }
    }

    /// Stops reading `attachment`'s pipe at once.
    mutating func forget(_ attachment: Attachment) {
        if let inbound = attachment.inbound { remove(inbound.id) }
    }
}
