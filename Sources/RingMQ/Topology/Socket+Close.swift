/// Leaving: `close()`, and telling the peer of a connection that this side is going (for
/// close and disconnect), under the registry lock like every topology change.
extension Socket {
    /// Closes the socket. Idempotent; every later call but `close()` throws
    /// ``RingMQError/socketClosed``.
    ///
    /// Messages this socket already sent stay receivable by their peers. Messages sent on a
    /// connection still waiting for its bind are kept for ``linger`` (`nil`: until the bind).
    /// When `close()` returns, its endpoints can be bound again and no peer routes to it.
    ///
    /// May be called from any thread, also while another thread is inside a call of this
    /// socket: a call blocked in the socket (a send or receive, blocking or async, a proxy's
    /// run, a poll) wakes and throws ``RingMQError/socketClosed``; a call that is not waiting
    /// finishes first. This is how to stop one thread blocked in a socket without terminating
    /// the whole context.
    public func close() {
        visit(
            .close,
            {
                closeNow()
                // Wakes a poller or a proxy watching this socket without being inside it.
                port.signal.notify()
            }, answered: { nil })
    }

    /// The work of `close()`, with the socket to itself.
    func closeNow() {
        guard !core.pointee.isClosed else { return }
        context.registry.withLock { registry in
            registry.pruneLingering()
            // Peers post topology commands only under this lock: closing the mailbox here
            // leaves none behind. Connections made after this socket's last call are
            // refused; departures are applied (a peer that left messages unread gives
            // them back, for the role's close to pass on or drop).
            let commands = port.mailbox.close()
            for case .attach(let late) in commands { registry.refuse(late.connection) }
            role.handle.apply(commands, closing: true, &core.pointee)
            let attachments = core.pointee.attachments
            role.handle.close(&core.pointee)
            // Sorted: the `.unbound` events come in the same order every run (a Set's order is
            // per process), which a controlled run's replay needs.
            for name in core.pointee.bound.sorted(by: { $0.name < $1.name }) where registry.bound[name] === port {
                registry.bound[name] = nil
                port.events.emit(.unbound(endpoint: name.description))
            }
            for attachment in attachments {
                release(attachment, as: .closing, registry: &registry)
            }
            registry.releaseAllExclusive(port)
            registry.forgetRouter(port)
            registry.live[ObjectIdentifier(port)] = nil
        }
        port.events.finish()
        core.pointee.isClosed = true
        core.pointee.attachments = []
        core.pointee.bound = []
        core.pointee.connected = []
    }

    /// Why a socket lets go of a connection.
    enum Departure {
        /// `disconnect(_:)`: this socket stops reading the connection.
        case disconnecting
        /// `close()`: as disconnecting; a connection still waiting for its bind keeps what
        /// it queued for the socket's ``linger``.
        case closing
        /// A test fault ending the connection as if the peer had left: this socket goes on
        /// reading what the peer sent, so the peer must not take back what this socket left.
        case detachingPeer
    }

    /// Tells the peer of `attachment` that this side is leaving, and frees the exclusive
    /// slots and routing ids the connection held. Under the registry lock.
    func release(_ attachment: Attachment, as departure: Departure, registry: inout Registry) {
        let connection = attachment.connection
        registry.releaseExclusive(port, for: connection)
        registry.releaseRoutingIDs(connection)
        if attachment.peerGone { return }
        connection.reportDetached()
        if let peer = attachment.peer {
            peer.post(.detach(connection, stoppedReading: departure != .detachingPeer))
            registry.releaseExclusive(peer, for: connection)
        } else if departure == .closing, type.lingersBeforeBind, core.pointee.options.linger != .zero,
            connection.connecterQueuedBeforeBind > 0
        {
            // Closing before the bind with messages queued: they wait for the bind (linger).
            connection.connecterClosed = true
            connection.lingerDeadline = core.pointee.options.linger.map { context.deadline(after: $0) }
            registry.lingering.append(connection)
        } else {
            registry.removePending(connection)
        }
    }

    /// Marks a socket that `Context.socket(_:)` created but could not register.
    func markClosedAfterFailedCreation() {
        core.pointee.isClosed = true
    }
}
