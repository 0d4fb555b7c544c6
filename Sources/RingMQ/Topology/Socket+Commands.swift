/// The commands peers post to this socket's mailbox (attach, detach, subscriptions arrived, a
/// routing id assigned), applied by the socket's own thread at its next call, so that its
/// pipe lists are only ever touched by their owner.
extension Socket {
    /// Applies what peers posted since the last call.
    func applyPendingCommands() {
        role.handle.apply(port.mailbox.take(), adoptingNew: true, &core.pointee)
    }

    /// Applies peers' commands, or else sends what was reclaimed if room has appeared since:
    /// the slow paths (waits, polls, statistics) call it, so that a socket that only waits or
    /// receives still passes on what it reclaimed.
    @inline(__always)
    func catchUp() {
        if port.mailbox.hasCommands {
            applyPendingCommands()
        } else {
            role.handle.resendReclaimed(&core.pointee)
        }
    }
}

extension SocketRole {
    /// What `command` means to this role. `adoptingNew: false` (a closing socket): an attach is
    /// skipped, as the closing socket refuses it.
    mutating func apply(_ command: Command, adoptingNew: Bool, _ core: inout SocketCore) {
        switch command {
        case .attach(let attachment):
            if adoptingNew { attach(attachment, &core) }
        case .detach(let connection, let stoppedReading):
            peerLeft(connection, reclaimingUnread: stoppedReading, &core)
        case .subscriptionsArrived:
            readSubscriptions(&core)
        case .routingIDAssigned(let connection):
            learnRoutingID(of: connection, &core)
        }
    }
}
