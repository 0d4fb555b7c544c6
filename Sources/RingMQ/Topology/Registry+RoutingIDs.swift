/// ROUTER routing ids: which id each ROUTER knows each peer by, unique per ROUTER.
extension Registry {
    /// Gives each ROUTER end of `connection` the id it will know its peer by: the peer's
    /// `routingID`, or one generated for that ROUTER. Refuses an id another connected peer of
    /// the same ROUTER uses. `register: false` for a connection whose connecter has gone: it
    /// only delivers what it holds, and must not block the id for a new peer.
    mutating func assignRoutingIDs(_ connection: Connection, binder: SocketPort, binderOptions: PeerOptions,
                                   register: Bool = true) throws(RingMQError) {
        var connecterID: Frame?
        var binderID: Frame?
        if binder.type.routesByID {
            let id = connection.connecterOptions.routingID ?? generateID(for: binder)
            try checkFree(id, at: binder, endpoint: connection.endpoint)
            connecterID = id
        }
        if connection.connecter.type.routesByID {
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
