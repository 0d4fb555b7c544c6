/// The commands peers post to this socket's mailbox (attach, detach, subscriptions arrived, a
/// routing id assigned), applied by the socket's own thread at its next call, so that its
/// pipe lists are only ever touched by their owner.
extension Socket {
    /// Applies the commands peers have posted.
    func processCommands() {
        for command in port.mailbox.take() {
            switch command {
            case .attach(let attachment):
                adopt(attachment)
            case .detach(let connection, let stoppedReading):
                peerLeft(connection, takingBackUnread: stoppedReading)
            case .subscriptionsArrived:
                if type.isPublisher { readSubscriptions() }
            case .routingIDAssigned(let connection):
                learnRoutingID(of: connection)
            }
        }
        if !state.pointee.returned.isEmpty { _ = resendReturned() }
    }

    /// Starts using a connection.
    func adopt(_ attachment: Attachment) {
        if type.isPublisher { return adoptSubscriber(attachment) }
        state.pointee.attachments.append(attachment)
        if type == .router {
            if let id = attachment.routingID {
                state.pointee.routes.add(id, writer: attachment.peerGone ? nil : attachment.outbound,
                                         reader: attachment.inbound)
            }
        } else if let outbound = attachment.outbound, !attachment.peerGone, !type.isSubscriber {
            // A subscriber's outbound pipe carries subscriptions, written to every publisher.
            state.pointee.outbound.add(outbound)
            // Messages taken back from a departed peer go to the newcomer first.
            if !state.pointee.returned.isEmpty { _ = resendReturned() }
        }
        if let slot = attachment.connection.latest {
            state.pointee.latestSlots.append(
                LatestSlotEntry(slot: slot, connection: attachment.connection, peerGone: attachment.peerGone))
        }
        if let inbound = attachment.inbound {
            state.pointee.inbound.add(inbound)
            if attachment.peerGone { state.pointee.inbound.markDetached(inbound.id) }
        }
        if attachment.peerGone, attachment.inbound == nil {
            state.pointee.attachments.removeLast()
        }
    }

    /// A ROUTER that connected before the bind: starts routing to the peer by the id the bind
    /// gave it (read here, after the mailbox handed the connection over).
    private func learnRoutingID(of connection: Connection) {
        guard let index = state.pointee.attachments.firstIndex(where: { $0.connection === connection }),
              state.pointee.attachments[index].routingID == nil,
              let id = connection.binderRoutingID
        else { return }
        state.pointee.attachments[index].routingID = id
        let attachment = state.pointee.attachments[index]
        state.pointee.routes.add(id, writer: attachment.peerGone ? nil : attachment.outbound, reader: attachment.inbound)
    }

    /// The peer of `connection` has gone: stop sending to it, keep reading what it sent.
    /// `takingBackUnread`: the peer has stopped reading, so what it left unread in this
    /// socket's pipe may be taken back for the other peers.
    func peerLeft(_ connection: Connection, takingBackUnread: Bool) {
        if type.isPublisher { return dropSubscriber(connection) }
        for index in state.pointee.latestSlots.indices where state.pointee.latestSlots[index].connection === connection {
            state.pointee.latestSlots[index].peerGone = true
        }
        guard let index = state.pointee.attachments.firstIndex(where: { $0.connection === connection }) else {
            return
        }
        let attachment = state.pointee.attachments[index]
        if let outbound = attachment.outbound {
            state.pointee.outbound.remove(outbound.id)
            if takingBackUnread { takeBackUnread(from: outbound) }
        }
        if type == .router, let id = attachment.routingID {
            state.pointee.routes.removeRoute(id, writer: attachment.outbound)
        }
        if let inbound = attachment.inbound {
            state.pointee.inbound.markDetached(inbound.id)
            state.pointee.attachments[index].peerGone = true
        } else {
            state.pointee.attachments.remove(at: index)
        }
    }

    /// Stops using a connection this socket is leaving.
    func forget(_ attachment: Attachment) {
        if type.isPublisher { return dropSubscriber(attachment.connection) }
        state.pointee.latestSlots.removeAll { $0.connection === attachment.connection }
        if type == .router, let id = attachment.routingID {
            state.pointee.routes.remove(id, writer: attachment.outbound, reader: attachment.inbound)
        }
        if let outbound = attachment.outbound { state.pointee.outbound.remove(outbound.id) }
        if let inbound = attachment.inbound { state.pointee.inbound.remove(inbound.id) }
        state.pointee.attachments.removeAll { $0.connection === attachment.connection }
    }
}
