import Synchronization

/// Connecting and disconnecting. A connect to a name nobody has bound yet waits in the
/// registry for the bind (`Socket+Bind.swift`); meanwhile the connecter may already send.
extension Socket {
    /// Connects the socket to `inproc://NAME`.
    ///
    /// If nothing is bound there yet, the connection forms when something binds it;
    /// meanwhile sends queue up to the send high-water mark.
    ///
    /// - Throws: ``RingMQError/invalidEndpoint(_:)``;
    ///   ``RingMQError/incompatibleSocketTypes(_:_:)`` when the bound socket's type cannot talk
    ///   to this one; ``RingMQError/addressInUse(_:)`` when the bound socket is a PAIR that
    ///   already has its peer, or a ROUTER (without ``routerHandover``) with another peer using
    ///   this socket's ``routingID``; ``RingMQError/invalidState(_:)`` when this socket is a PAIR that
    ///   already has its peer, or the endpoint is bound by this very socket;
    ///   ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    public func connect(_ endpoint: String) throws {
        try changeTopology(.connect, endpoint) { name, options, registry throws(RingMQError) in
            if registry.isExclusiveTaken(port) {
                throw .invalidState(
                    "this PAIR socket already has its peer (or a connect waiting for its bind); PAIR is "
                        + "exclusive, so use another PAIR socket for a second channel")
            }
            let connection: Connection
            if let binder = registry.bound[name] {
                connection = try connect(to: binder, at: name, options: options, registry: &registry)
            } else {
                connection = Connection(
                    endpoint: name, connecter: port, options: options,
                    binder: nil, binderOptions: nil)
                // The binder's type is not known yet: a bind by anything but a ROUTER drops it.
                if options.probeRouter { connection.probeFromConnecter() }
                if type.primesSubscriptions { primeSubscriptions(of: connection) }
                registry.pending[name, default: []].append(connection)
            }
            registry.takeExclusive(port, for: connection)
            role.handle.adopt(connection.connecterSide, &core.pointee)
            core.pointee.connected.insert(name)
        }
    }

    /// Forms a connection to the socket bound at `name`, under the registry lock.
    private func connect(
        to binder: SocketPort, at name: EndpointName, options: PeerOptions,
        registry: inout Registry
    ) throws(RingMQError) -> Connection {
        guard binder !== port else {
            throw .invalidState("\(name) is bound by this socket itself; connect another socket to it")
        }
        guard type.compatiblePeers.contains(binder.type) else {
            throw .incompatibleSocketTypes(type, binder.type)
        }
        if registry.isExclusiveTaken(binder) {
            throw .addressInUse("\(name) is bound by a PAIR socket that already has its peer; PAIR is exclusive")
        }
        let binderOptions = binder.currentPeerOptions
        let connection = Connection(
            endpoint: name, connecter: port, options: options,
            binder: binder, binderOptions: binderOptions)
        try registry.assignRoutingIDs(connection, binder: binder, binderOptions: binderOptions)
        if options.probeRouter, binder.type == .router { connection.probeFromConnecter() }
        if binderOptions.probeRouter, type == .router { connection.probeFromBinder() }
        // The publisher must find the subscriptions in the pipe when it adopts it.
        if type.primesSubscriptions { primeSubscriptions(of: connection) }
        if binder.type.primesSubscriptions {
            // Under the subscriber's lock, so that a subscription it makes meanwhile is either
            // in the primed pipe or written after it adopts the connection.
            binder.subscriptions.withLock { record in
                connection.prime(with: record)
                binder.post(.attach(connection.binderSide))
            }
        } else {
            binder.post(.attach(connection.binderSide))
        }
        registry.takeExclusive(binder, for: connection)
        port.events.emit(.peerAttached(endpoint: name.description))
        binder.events.emit(.peerAttached(endpoint: name.description))
        return connection
    }

    /// Drops this socket's connections to `inproc://NAME`. Messages already sent on them stay
    /// receivable by the peer; messages the peer had queued for this socket are dropped.
    /// Messages queued on a connection still waiting for its bind have no peer to stay with: a
    /// PUSH, DEALER or REQ takes them back and sends them to its other peers
    /// (``redeliverUnread``); other types, or with that option off, drop them.
    ///
    /// - Throws: ``RingMQError/endpointNotFound(_:)`` when this socket has not connected to it;
    ///   ``RingMQError/invalidEndpoint(_:)``; ``RingMQError/socketClosed``;
    ///   ``RingMQError/terminated``.
    public func disconnect(_ endpoint: String) throws {
        try withExclusiveUse(.disconnect) {
            try checkUsable()
            let name = try EndpointName(parsing: endpoint)
            guard core.pointee.connected.contains(name) else {
                throw RingMQError.endpointNotFound("this socket is not connected to \(name)")
            }
            if port.mailbox.hasCommands { applyPendingCommands() }
            let leaving = core.pointee.attachments.filter { $0.side == .connecter && $0.connection.endpoint == name }
            var neverFormed: [PipeWriter] = []
            context.registry.withLock { registry in
                for attachment in leaving {
                    // Decided under the lock, as a bind forms pending connections under it.
                    if !attachment.hasFormed, !attachment.peerGone, let outbound = attachment.outbound {
                        attachment.dropUnreadProbe()
                        neverFormed.append(outbound)
                    }
                    release(attachment, as: .disconnecting, registry: &registry)
                }
            }
            for attachment in leaving { role.handle.forget(attachment, &core.pointee) }
            // A connect still waiting for its bind: nobody has read what this socket queued on
            // it, and now nobody will (`release` took it out of the pending list), so this
            // socket takes it back, as from a peer that left it unread, instead of dropping
            // messages `send` accepted.
            role.handle.reclaimUnread(from: neverFormed, &core.pointee)
            core.pointee.connected.remove(name)
        }
    }
}
