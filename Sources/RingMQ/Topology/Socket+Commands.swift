/// The commands peers post to this socket's mailbox (attach, detach, subscriptions arrived, a
/// routing id assigned), applied by the socket's own thread at its next call, so that its
/// pipe lists are only ever touched by their owner.
extension Socket {
    /// Applies what peers posted since the last call.
    func applyPendingCommands() {
        role.handle.apply(port.mailbox.take(), closing: false, &core.pointee)
    }

    /// Applies peers' commands, or else sends what was reclaimed if room has appeared since:
    /// the slow paths (waits, polls, statistics) call it, so that a socket that only waits or
    /// receives still passes on what it reclaimed.
    @inline(__always)
    func catchUp() {
        if port.mailbox.hasCommands {
            applyPendingCommands()
        } else if role.hasReclaimed {
            role.handle.resendReclaimed(&core.pointee)
        }
    }
}

extension SocketRole {
    /// What `command` means to this role. `closing`: an attach is skipped, as the closing socket
    /// refuses it, and nothing reclaimed is resent yet (``close(_:)`` decides).
    mutating func apply(_ command: Command, closing: Bool, _ core: inout SocketCore) {
        switch command {
        case .attach(let attachment):
            guard !closing else { return }
            // The peer may have shaped the connection with this socket's options from before
            // `conflate` was set.
            if core.options.conflate { attachment.startConflating() }
            attach(attachment, &core)
            // Messages reclaimed from a departed peer go to the newcomer first.
            _ = resendReclaimed(&core)
        case .detach(let connection, let stoppedReading):
            peerLeft(connection, reclaimingUnread: stoppedReading, &core)
        case .subscriptionsArrived:
            readSubscriptions(&core)
        case .routingIDAssigned(let connection):
            learnRoutingID(of: connection, &core)
        case .formed:
            // Without `immediate` the connection is in the rotation already.
            guard core.options.immediate else { return }
            admitPeers(&core)
            _ = resendReclaimed(&core)
        case .handedOver(let connection):
            leaveHandedOver(connection, &core)
        }
    }

    /// Leaves a connection whose routing id a ROUTER gave to a new peer, as `disconnect` does:
    /// stops writing and reading it (what the ROUTER had queued here is dropped), then tells the
    /// ROUTER, which reads what this socket wrote before, then drops the connection. Only this
    /// socket writes its pipe, so nothing it sends later reaches the ROUTER.
    ///
    /// Posted outside the registry lock, unlike other topology commands, as the old peer has no
    /// registry here. That is safe: the ROUTER had the connection before (it was handed over, so
    /// it had formed), and a ROUTER that closed or let go of it meanwhile refuses the command or
    /// finds nothing to do, as for any late `.detach`.
    mutating func leaveHandedOver(_ connection: Connection, _ core: inout SocketCore) {
        guard let attachment = core.attachments.first(where: { $0.connection === connection }) else { return }
        forget(attachment, &core)
        if !attachment.peerGone { attachment.peer?.post(.detach(connection, stoppedReading: true)) }
    }
}
