import Synchronization

/// Endpoints and connections: bind, connect, unbind, disconnect, close. What peers post to
/// this socket in return is applied in `Socket+Commands.swift`.
///
/// Every change takes the context's registry lock, so topology changes happen in one order
/// across the context; each takes effect before the call returns.
extension Socket {
    /// Binds the socket to `inproc://NAME`, so that other sockets of this context can connect.
    ///
    /// Sockets that connected to the name before it was bound are connected now, and receive
    /// (or deliver) what they queued meanwhile.
    ///
    /// - Throws: ``RingMQError/invalidEndpoint(_:)`` for anything but `inproc://NAME`;
    ///   ``RingMQError/addressInUse(_:)`` when the name is bound already;
    ///   ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    public func bind(_ endpoint: String) throws {
        enter(.bind)
        defer { leave() }
        try checkUsable()
        let name = try EndpointName(parsing: endpoint)
        if port.mailbox.hasCommands { processCommands() }
        let options = state.pointee.options.peerOptions
        try context.registry.withLock { (registry: inout Registry) throws(RingMQError) in
            guard !registry.terminated else { throw .terminated }
            registry.pruneLingering()
            if let holder = registry.bound[name] {
                let who = holder === port ? "by this socket" : "by another socket of this context"
                throw .addressInUse("\(name) is already bound \(who); unbind it first, or bind another name")
            }
            registry.bound[name] = port
            state.pointee.bound.insert(name)
            port.events.emit(.bound(endpoint: name.description))
            for connection in registry.pending.removeValue(forKey: name) ?? [] {
                formPending(connection, options: options, registry: &registry)
            }
        }
    }

    /// Completes a connect-before-bind connection, or refuses it.
    private func formPending(_ connection: Connection, options: PeerOptions, registry: inout Registry) {
        let connecter = connection.connecter
        if connection.connecterClosed {
            registry.lingering.removeAll { $0 === connection }
        }
        // A socket that connected to the name before binding it is not its own peer (`connect`
        // refuses a name the socket bound itself): refused like an incompatible peer.
        guard connecter !== port, type.compatiblePeers.contains(connecter.type), !registry.isExclusiveTaken(port) else {
            // Refused: nothing has read what the connecter queued; it may take it back.
            if !connection.connecterClosed {
                connecter.post(.detach(connection, stoppedReading: true))
                registry.releaseExclusive(connecter, for: connection)
            }
            return
        }
        do {
            try registry.assignRoutingIDs(connection, binder: port, binderOptions: options,
                                          register: !connection.connecterClosed)
        } catch {
            // A routing id another peer of this ROUTER uses: refused like an incompatible peer.
            if !connection.connecterClosed {
                connecter.post(.detach(connection, stoppedReading: true))
                registry.releaseExclusive(connecter, for: connection)
            }
            return
        }
        connection.form(with: port, options: options)
        if connecter.type == .router, !connection.connecterClosed {
            connecter.post(.routingIDAssigned(connection))
        }
        if type.isSubscriber, !connection.connecterClosed {
            primeSubscriptions(of: connection)
            connecter.post(.subscriptionsArrived)
        }
        var side = connection.binderSide
        side.peerGone = connection.connecterClosed
        adopt(side)
        if !connection.connecterClosed {
            port.events.emit(.peerAttached(endpoint: connection.endpoint.description))
            connecter.events.emit(.peerAttached(endpoint: connection.endpoint.description))
        }
        // A connection whose connecter has gone only delivers what it holds: it takes no slot.
        if !connection.connecterClosed { registry.takeExclusive(port, for: connection) }
    }

    /// Connects the socket to `inproc://NAME`.
    ///
    /// If nothing is bound there yet, the connection forms when something binds it;
    /// meanwhile sends queue up to the send high-water mark.
    ///
    /// - Throws: ``RingMQError/invalidEndpoint(_:)``;
    ///   ``RingMQError/incompatibleSocketTypes(_:_:)`` when the bound socket's type cannot talk
    ///   to this one; ``RingMQError/addressInUse(_:)`` when the bound socket is a PAIR that
    ///   already has its peer; ``RingMQError/invalidState(_:)`` when this socket is a PAIR that
    ///   already has its peer, or the endpoint is bound by this very socket;
    ///   ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    public func connect(_ endpoint: String) throws {
        enter(.connect)
        defer { leave() }
        try checkUsable()
        let name = try EndpointName(parsing: endpoint)
        if port.mailbox.hasCommands { processCommands() }
        let options = state.pointee.options.peerOptions
        try context.registry.withLock { (registry: inout Registry) throws(RingMQError) in
            guard !registry.terminated else { throw .terminated }
            registry.pruneLingering()
            if registry.isExclusiveTaken(port) {
                throw .invalidState(
                    "this PAIR socket already has its peer (or a connect waiting for its bind); PAIR is exclusive, "
                        + "so use another PAIR socket for a second channel")
            }
            let connection: Connection
            if let binder = registry.bound[name] {
                guard binder !== port else {
                    throw .invalidState("\(name) is bound by this socket itself; connect another socket to it")
                }
                guard type.compatiblePeers.contains(binder.type) else {
                    throw .incompatibleSocketTypes(type, binder.type)
                }
                if registry.isExclusiveTaken(binder) {
                    throw .addressInUse(
                        "\(name) is bound by a PAIR socket that already has its peer; PAIR is exclusive")
                }
                let binderOptions = binder.currentPeerOptions
                connection = Connection(endpoint: name, connecter: port, options: options,
                                        binder: binder, binderOptions: binderOptions)
                try registry.assignRoutingIDs(connection, binder: binder, binderOptions: binderOptions)
                // The publisher must find the subscriptions in the pipe when it adopts it.
                if type.isSubscriber { primeSubscriptions(of: connection) }
                if binder.type.isSubscriber {
                    // Under the subscriber's lock, so that a subscription it makes meanwhile
                    // is either in the primed pipe or written after it adopts the connection.
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
            } else {
                connection = Connection(endpoint: name, connecter: port, options: options,
                                        binder: nil, binderOptions: nil)
                if type.isSubscriber { primeSubscriptions(of: connection) }
                registry.pending[name, default: []].append(connection)
            }
            registry.takeExclusive(port, for: connection)
            adopt(connection.connecterSide)
            state.pointee.connected.insert(name)
        }
    }

    /// Removes the endpoint name this socket bound; connections already made stay (as with
    /// libzmq's inproc transport). The name can be bound again at once.
    ///
    /// - Throws: ``RingMQError/endpointNotFound(_:)`` when this socket has not bound it;
    ///   ``RingMQError/invalidEndpoint(_:)``; ``RingMQError/socketClosed``;
    ///   ``RingMQError/terminated``.
    public func unbind(_ endpoint: String) throws {
        enter(.unbind)
        defer { leave() }
        try checkUsable()
        let name = try EndpointName(parsing: endpoint)
        if port.mailbox.hasCommands { processCommands() }
        guard state.pointee.bound.contains(name) else {
            throw RingMQError.endpointNotFound("this socket has not bound \(name)")
        }
        context.registry.withLock { registry in
            if registry.bound[name] === port { registry.bound[name] = nil }
            port.events.emit(.unbound(endpoint: name.description))
        }
        state.pointee.bound.remove(name)
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
        enter(.disconnect)
        defer { leave() }
        try checkUsable()
        let name = try EndpointName(parsing: endpoint)
        guard state.pointee.connected.contains(name) else {
            throw RingMQError.endpointNotFound("this socket is not connected to \(name)")
        }
        if port.mailbox.hasCommands { processCommands() }
        let leaving = state.pointee.attachments.filter { !$0.asBinder && $0.connection.endpoint == name }
        var neverFormed: [PipeWriter] = []
        context.registry.withLock { registry in
            for attachment in leaving {
                // Decided under the lock, as a bind forms pending connections under it.
                if attachment.connection.binder == nil, !attachment.peerGone, let outbound = attachment.outbound {
                    neverFormed.append(outbound)
                }
                release(attachment, closing: false, registry: &registry)
            }
        }
        for attachment in leaving { forget(attachment) }
        // A connect still waiting for its bind: nobody has read what this socket queued on it,
        // and now nobody will (`release` took it out of the pending list), so this socket takes
        // it back, as from a peer that left it unread, instead of dropping messages `send`
        // accepted (found by the churn stress test; the refused-at-bind case already did this).
        for pipe in neverFormed { takeBackUnread(from: pipe) }
        if !state.pointee.returned.isEmpty { _ = resendReturned() }
        state.pointee.connected.remove(name)
    }

    /// Marks a socket that `Context.socket(_:)` created but could not register.
    func markClosedAfterFailedCreation() {
        state.pointee.closed = true
    }
}
