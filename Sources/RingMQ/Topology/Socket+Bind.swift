import Synchronization

/// Binding: taking an endpoint name, and forming the connections that waited for it.
///
/// Every topology change takes the context's registry lock, so topology changes happen in one
/// order across the context; each takes effect before the call returns.
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
        try changeTopology(.bind, endpoint) { name, options, registry throws(RingMQError) in
            if let holder = registry.bound[name] {
                let who = holder === port ? "by this socket" : "by another socket of this context"
                throw .addressInUse("\(name) is already bound \(who); unbind it first, or bind another name")
            }
            registry.bound[name] = port
            core.pointee.bound.insert(name)
            port.events.emit(.bound(endpoint: name.description))
            for connection in registry.pending.removeValue(forKey: name) ?? [] {
                if connection.connecterClosed {
                    formLingering(connection, options: options, registry: &registry)
                } else {
                    formPending(connection, options: options, registry: &registry)
                }
            }
        }
    }

    /// Removes the endpoint name this socket bound; connections already made stay (as with
    /// libzmq's inproc transport). The name can be bound again at once.
    ///
    /// - Throws: ``RingMQError/endpointNotFound(_:)`` when this socket has not bound it;
    ///   ``RingMQError/invalidEndpoint(_:)``; ``RingMQError/socketClosed``;
    ///   ``RingMQError/terminated``.
    public func unbind(_ endpoint: String) throws {
        try withExclusiveUse(.unbind) {
            let name = try prepareTopologyCall(endpoint)
            guard core.pointee.bound.contains(name) else {
                throw RingMQError.endpointNotFound("this socket has not bound \(name)")
            }
            context.registry.withLock { registry in
                if registry.bound[name] === port { registry.bound[name] = nil }
                port.events.emit(.unbound(endpoint: name.description))
            }
            core.pointee.bound.remove(name)
        }
    }

    /// The frame of `bind` and `connect`: as `operation`, once ``prepareTopologyCall(_:)`` has
    /// checked and parsed `endpoint`, runs `body` with the name, this socket's peer options and
    /// the registry, under the registry lock, once the context is known to be running and
    /// lingering connections whose time is up are gone.
    func changeTopology(
        _ operation: Operation, _ endpoint: String,
        _ body: (EndpointName, PeerOptions, inout Registry) throws(RingMQError) -> Void
    ) throws {
        try withExclusiveUse(operation) {
            let name = try prepareTopologyCall(endpoint)
            let options = core.pointee.options.peerOptions
            try context.registry.withLock { (registry: inout Registry) throws(RingMQError) in
                guard !registry.terminated else { throw .terminated }
                registry.pruneLingering()
                try body(name, options, &registry)
            }
        }
    }

    /// What every topology call does first: checks the socket is usable, parses the endpoint,
    /// and applies what peers posted.
    func prepareTopologyCall(_ endpoint: String) throws -> EndpointName {
        try checkUsable()
        let name = try EndpointName(parsing: endpoint)
        if port.mailbox.hasCommands { applyPendingCommands() }
        return name
    }

    /// Whether this socket can take `connecter` as a peer: not itself (`connect` refuses a
    /// name the socket bound itself, so a socket that connected before binding is refused
    /// like an incompatible peer), a compatible type, and a free exclusive slot.
    private func accepts(_ connecter: SocketPort, registry: Registry) -> Bool {
        connecter !== port && type.compatiblePeers.contains(connecter.type) && !registry.isExclusiveTaken(port)
    }

    /// Completes a live connect-before-bind connection, or refuses it (nothing has read what
    /// the connecter queued, so it may take it back).
    private func formPending(_ connection: Connection, options: PeerOptions, registry: inout Registry) {
        let connecter = connection.connecter
        guard accepts(connecter, registry: registry) else { return registry.refuse(connection) }
        do {
            try registry.assignRoutingIDs(connection, binder: port, binderOptions: options)
        } catch {
            // A routing id another peer of this ROUTER uses: refused like an incompatible peer.
            return registry.refuse(connection)
        }
        connection.form(with: port, options: options)
        if type != .router { connection.dropConnecterProbe() }
        if options.probeRouter, connecter.type == .router { connection.probeFromBinder() }
        if connecter.type.routesByID { connecter.post(.routingIDAssigned(connection)) }
        if connecter.type.accepts(.immediate(true)) { connecter.post(.formed(connection)) }
        if type.primesSubscriptions {
            primeSubscriptions(of: connection)
            connecter.post(.subscriptionsArrived)
        }
        role.handle.adopt(connection.binderSide, &core.pointee)
        port.events.emit(.peerAttached(endpoint: connection.endpoint.description))
        connecter.events.emit(.peerAttached(endpoint: connection.endpoint.description))
        registry.takeExclusive(port, for: connection)
    }

    /// Delivers what a connecter that closed before this bind had queued (kept while its linger
    /// lasts): the connection only drains, takes no exclusive slot or routing id, and is
    /// dropped silently if this socket cannot take it.
    private func formLingering(_ connection: Connection, options: PeerOptions, registry: inout Registry) {
        registry.lingering.removeAll { $0 === connection }
        guard accepts(connection.connecter, registry: registry),
            (try? registry.assignRoutingIDs(connection, binder: port, binderOptions: options, register: false)) != nil
        else { return }
        connection.form(with: port, options: options)
        if type != .router { connection.dropConnecterProbe() }
        var side = connection.binderSide
        side.peerGone = true
        role.handle.adopt(side, &core.pointee)
    }
}
