/// A context's endpoint namespace and topology bookkeeping, guarded by the context's lock.
///
/// Every topology change (bind, connect, unbind, disconnect, close, terminate) takes that one
/// lock, so the whole graph changes in a single order; the data path never takes it.
struct Registry {
    var terminated = false
    /// Endpoint name → the socket bound there.
    var bound: [EndpointName: SocketPort] = [:]
    /// Endpoint name → connections waiting for a bind, oldest first.
    var pending: [EndpointName: [Connection]] = [:]
    /// Exclusive (PAIR) sockets that have their one connection (formed or pending), and which
    /// connection holds the slot: only that connection's end frees it, so a late release for a
    /// connection the socket has already left cannot free a slot a newer connection holds.
    var exclusiveTaken: [ObjectIdentifier: ObjectIdentifier] = [:]
    /// Connections whose connecter closed before any bind, kept for their linger time.
    var lingering: [Connection] = []
    /// Every open socket, to wake on terminate.
    var live: [ObjectIdentifier: SocketPort] = [:]
    /// ROUTER port → routing id → the connection of the peer using it.
    var routingIDs: [ObjectIdentifier: [Frame: ObjectIdentifier]] = [:]
    /// ROUTER port → the counter its next generated routing id comes from.
    var generatedIDs: [ObjectIdentifier: UInt32] = [:]

    mutating func removePending(_ connection: Connection) {
        guard var list = pending[connection.endpoint] else { return }
        list.removeAll { $0 === connection }
        pending[connection.endpoint] = list.isEmpty ? nil : list
    }

    /// Frees `port`'s exclusive slot if `connection` is what holds it.
    mutating func releaseExclusive(_ port: SocketPort?, for connection: Connection) {
        guard let port, port.type.isExclusive else { return }
        if exclusiveTaken[ObjectIdentifier(port)] == ObjectIdentifier(connection) {
            exclusiveTaken[ObjectIdentifier(port)] = nil
        }
    }

    /// Frees `port`'s exclusive slot whatever holds it (the socket is closing).
    mutating func releaseAllExclusive(_ port: SocketPort) {
        exclusiveTaken[ObjectIdentifier(port)] = nil
    }

    func isExclusiveTaken(_ port: SocketPort) -> Bool {
        port.type.isExclusive && exclusiveTaken[ObjectIdentifier(port)] != nil
    }

    mutating func takeExclusive(_ port: SocketPort, for connection: Connection) {
        if port.type.isExclusive { exclusiveTaken[ObjectIdentifier(port)] = ObjectIdentifier(connection) }
    }

    /// Drops connections whose connecter closed before any bind and whose linger has passed,
    /// with what they had queued (otherwise they would wait for a bind that may never come).
    mutating func pruneLingering() {
        guard !lingering.isEmpty else { return }
        let expired = lingering.filter { $0.lingerDeadline?.hasPassed ?? false }
        guard !expired.isEmpty else { return }
        for connection in expired { removePending(connection) }
        lingering.removeAll { connection in expired.contains { $0 === connection } }
    }

    // MARK: - Routing ids

    /// Gives each ROUTER end of `connection` the id it will know its peer by: the peer's
    /// `routingID`, or one generated for that ROUTER. Refuses an id another connected peer of
    /// the same ROUTER uses. `register: false` for a connection whose connecter has gone: it
    /// only delivers what it holds, and must not block the id for a new peer.
    mutating func assignRoutingIDs(_ connection: Connection, binder: SocketPort, binderOptions: PeerOptions,
                                   register: Bool = true) throws(RingMQError) {
        var connecterID: Frame?
        var binderID: Frame?
        if binder.type == .router {
            let id = connection.connecterOptions.routingID ?? generateID(for: binder)
            try checkFree(id, at: binder, endpoint: connection.endpoint)
            connecterID = id
        }
        if connection.connecter.type == .router {
            let id = binderOptions.routingID ?? generateID(for: connection.connecter)
            try checkFree(id, at: connection.connecter, endpoint: connection.endpoint)
            binderID = id
        }
        connection.connecterRoutingID = connecterID
        connection.binderRoutingID = binderID
        guard register else { return }
        if let connecterID { routingIDs[ObjectIdentifier(binder), default: [:]][connecterID] = ObjectIdentifier(connection) }
        if let binderID {
            routingIDs[ObjectIdentifier(connection.connecter), default: [:]][binderID] = ObjectIdentifier(connection)
        }
    }

    /// Frees the routing ids `connection` holds at its ROUTER ends.
    mutating func releaseRoutingIDs(_ connection: Connection) {
        let owner = ObjectIdentifier(connection)
        if let id = connection.connecterRoutingID, let binder = connection.binder,
           routingIDs[ObjectIdentifier(binder)]?[id] == owner {
            routingIDs[ObjectIdentifier(binder)]?[id] = nil
        }
        if let id = connection.binderRoutingID, routingIDs[ObjectIdentifier(connection.connecter)]?[id] == owner {
            routingIDs[ObjectIdentifier(connection.connecter)]?[id] = nil
        }
    }

    /// Forgets a closing ROUTER's ids and counter.
    mutating func forgetRouter(_ port: SocketPort) {
        routingIDs[ObjectIdentifier(port)] = nil
        generatedIDs[ObjectIdentifier(port)] = nil
    }

    private func checkFree(_ id: Frame, at router: SocketPort, endpoint: EndpointName) throws(RingMQError) {
        guard routingIDs[ObjectIdentifier(router)]?[id] == nil else {
            throw .addressInUse(
                "routing id \(id) is already used by another peer of the ROUTER at \(endpoint); "
                    + "give each peer a distinct routingID (or leave it nil to have one generated)")
        }
    }

    /// libzmq's shape: a zero byte, then a 32-bit counter, big-endian; unique per ROUTER (ids
    /// users set cannot start with a zero byte).
    private mutating func generateID(for router: SocketPort) -> Frame {
        let key = ObjectIdentifier(router)
        while true {
            let counter = generatedIDs[key, default: 0] &+ 1
            generatedIDs[key] = counter
            let id = Frame([0, UInt8(counter >> 24), UInt8(counter >> 16 & 0xFF), UInt8(counter >> 8 & 0xFF),
                            UInt8(counter & 0xFF)])
            if routingIDs[key]?[id] == nil { return id }
        }
    }
}
