/// ROUTER: fair-queued in, each message behind the routing id of the peer that sent it; out by
/// the routing id in a message's first frame (libzmq's `router_t`).
///
/// Unknown id: dropped, or ``RingMQError/hostUnreachable`` with ``Socket/routerMandatory``.
/// Full peer: dropped, or waits with ``Socket/routerMandatory``.
struct RouterRole: FairReceiving {
    var inbound = FairQueue()
    var routes = RoutingTable()

    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<
        PipeWriter
    > {
        guard message.count >= 2 else {
            throw RingMQError.operationNotSupported(
                "a message sent on a ROUTER starts with the routing id of the peer to send to, "
                    + "followed by at least one frame; this one has \(message.count) frame")
        }
        let mandatory = core.options.routerMandatory
        guard let writer = routes.writer(for: message[0]) else {
            if mandatory { throw RingMQError.hostUnreachable }
            return .drop(counted: true)
        }
        if writer.hasRoom() { return .ready(writer) }
        return mandatory ? .wait : .drop(counted: true)
    }

    mutating func write(_ message: consuming Message, to pipe: PipeWriter, _ core: inout SocketCore) {
        pipe.write(Message(Array(message.frames.dropFirst())))
    }

    mutating func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool {
        guard core.options.routerMandatory, let message, message.count >= 2 else { return true }
        // An unknown peer does not wait either: the send fails at once.
        return routes.writer(for: message[0])?.hasRoom() ?? true
    }

    /// The next message, fair-queued, behind the routing id of the peer that sent it.
    mutating func take(_ core: inout SocketCore) -> Message? {
        guard let (message, source) = inbound.readTagged() else {
            if !inbound.released.isEmpty { releaseDrained(&core) }
            return nil
        }
        if routes.id(of: source) == nil, let attachment = core.attachments.first(where: { $0.inbound?.id == source }) {
            // The message overtook the command naming its sender's id (a bind just formed).
            learnRoutingID(of: attachment.connection, &core)
        }
        return Message([routes.id(of: source) ?? Frame()] + message.frames)
    }

    /// A ROUTER that connected before the bind: starts routing to the peer by the id the bind
    /// gave it (assigned under the registry lock before the connection reached this socket's
    /// pipes or mailbox).
    mutating func learnRoutingID(of connection: Connection, _ core: inout SocketCore) {
        guard let index = core.attachments.firstIndex(where: { $0.connection === connection }),
            core.attachments[index].routingID == nil,
            let id = connection.binderRoutingID
        else { return }
        core.attachments[index].routingID = id
        let attachment = core.attachments[index]
        routes.add(id, writer: routable(attachment) ? attachment.outbound : nil, reader: attachment.inbound)
    }

    /// Whether messages may go to the peer of `attachment`: not once it has gone, nor once its
    /// id was handed over (``Socket/routerHandover``) before this socket took the connection
    /// up or learnt its id: the new peer's route may be in place already, and must stay.
    private func routable(_ attachment: Attachment) -> Bool {
        !attachment.peerGone && !attachment.connection.isHandedOver
    }

    mutating func releaseDrained(_ core: inout SocketCore) {
        let released = inbound.takeReleased()
        routes.removeSources(released)
        core.untrack(released: released)
    }

    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore) {
        guard core.track(attachment) else { return }
        if let id = attachment.routingID {
            routes.add(id, writer: routable(attachment) ? attachment.outbound : nil, reader: attachment.inbound)
        }
        inbound.attach(attachment)
    }

    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        guard let attachment = core.markPeerGone(connection) else { return }
        if let id = attachment.routingID { routes.removeRoute(id, writer: attachment.outbound) }
        inbound.peerLeft(attachment)
    }

    mutating func forget(_ attachment: Attachment, _ core: inout SocketCore) {
        if let id = attachment.routingID {
            routes.remove(id, writer: attachment.outbound, reader: attachment.inbound)
        }
        inbound.forget(attachment)
        core.untrack(attachment.connection)
    }

    mutating func close(_ core: inout SocketCore) {
        inbound.removeAll()
        routes.removeAll()
    }
}
