/// Leaving: `close()`, and telling the peer of a connection that this side is going (for
/// close and disconnect), under the registry lock like every topology change.
extension Socket {
    /// Closes the socket. Idempotent; every later call but `close()` throws
    /// ``RingMQError/socketClosed``.
    ///
    /// Messages this socket already sent stay receivable by their peers. Messages sent on a
    /// connection still waiting for its bind are kept for ``linger`` (`nil`: until the bind).
    /// When `close()` returns, its endpoints can be bound again and no peer routes to it.
    public func close() {
        enter(.close)
        defer { leave() }
        guard !state.pointee.closed else { return }
        let bound = state.pointee.bound
        context.registry.withLock { registry in
            registry.pruneLingering()
            // Peers post topology commands only under this lock: closing the mailbox here
            // leaves none behind.
            for command in port.mailbox.close() {
                switch command {
                case .attach(let late):
                    // A connection a peer made after this socket's last call: refuse it.
                    late.connection.reportDetached()
                    late.connection.connecter.post(.detach(late.connection, stoppedReading: true))
                    registry.releaseExclusive(late.connection.connecter, for: late.connection)
                    registry.releaseRoutingIDs(late.connection)
                case .detach(let connection, let stoppedReading):
                    // A peer that left unread messages: take them back before passing them on.
                    peerLeft(connection, takingBackUnread: stoppedReading)
                case .subscriptionsArrived, .routingIDAssigned:
                    break
                }
            }
            resendReturnedAtClose()
            for name in bound where registry.bound[name] === port {
                registry.bound[name] = nil
                port.events.emit(.unbound(endpoint: name.description))
            }
            for attachment in state.pointee.attachments {
                release(attachment, closing: true, registry: &registry)
            }
            registry.releaseAllExclusive(port)
            registry.forgetRouter(port)
            registry.live[ObjectIdentifier(port)] = nil
        }
        port.events.finish()
        state.pointee.closed = true
        state.pointee.attachments = []
        state.pointee.outbound.removeAll()
        state.pointee.inbound.removeAll()
        state.pointee.distributor.removeAll()
        state.pointee.inbox.removeAll()
        state.pointee.latestSlots = []
        state.pointee.routes.removeAll()
        state.pointee.turn = RequestReplyTurn()
        state.pointee.returned.removeAll()
        state.pointee.bound = []
        state.pointee.connected = []
    }

    /// Tells the peer of `attachment` that this side is leaving, and frees the exclusive
    /// slots the connection held. Under the registry lock.
    /// `stopsReading`: this socket will not read the connection's inbound pipe again, so the
    /// peer may take back what is unread there.
    func release(_ attachment: Attachment, closing: Bool, stopsReading: Bool = true, registry: inout Registry) {
        let connection = attachment.connection
        registry.releaseExclusive(port, for: connection)
        registry.releaseRoutingIDs(connection)
        if attachment.peerGone { return }
        connection.reportDetached()
        if attachment.asBinder {
            connection.connecter.post(.detach(connection, stoppedReading: stopsReading))
            registry.releaseExclusive(connection.connecter, for: connection)
        } else if let binder = connection.binder {
            binder.post(.detach(connection, stoppedReading: stopsReading))
            registry.releaseExclusive(binder, for: connection)
        } else if closing, !type.isSubscriber, state.pointee.options.linger != .zero,
                  (attachment.outbound?.queuedEstimate ?? 0) > 0 {
            // Closing before the bind with messages queued: they wait for the bind (linger).
            connection.connecterClosed = true
            connection.lingerDeadline = state.pointee.options.linger.map { context.deadline(after: $0) }
            registry.lingering.append(connection)
        } else {
            registry.removePending(connection)
        }
    }
}
