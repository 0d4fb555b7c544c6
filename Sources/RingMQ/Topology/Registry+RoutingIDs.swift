/// ROUTER routing ids: which id each ROUTER knows each peer by, unique per ROUTER.
extension Registry {
    /// Gives each ROUTER end of `connection` the id it will know its peer by: the peer's
    /// `routingID`, or one generated for that ROUTER. An id another connected peer of the same
    /// ROUTER uses is refused, unless that ROUTER has ``Socket/routerHandover``: then the new
    /// connection takes the id over and the old one ends (``handOver(_:)``). `register: false`
    /// for a connection whose connecter has gone: it only delivers what it holds, and must
    /// neither block the id for a new peer nor take it from a live one.
    mutating func assignRoutingIDs(
        _ connection: Connection, binder: SocketPort, binderOptions: PeerOptions,
        register: Bool = true
    ) throws(RingMQError) {
        var connecterID: Frame?
        var binderID: Frame?
        // Every id is checked before anything changes: a refusal at one end hands nothing over.
        var takenOver: [(old: Connection, router: SocketPort)] = []
        if binder.type.routesByID {
            let id = connection.connecterOptions.routingID ?? generateID(for: binder)
            if let holder = try holder(
                of: id, at: binder, handover: register && binderOptions.routerHandover,
                endpoint: connection.endpoint)
            {
                takenOver.append((holder, binder))
            }
            connecterID = id
        }
        if connection.connecter.type.routesByID {
            let id = binderOptions.routingID ?? generateID(for: connection.connecter)
            if let holder = try holder(
                of: id, at: connection.connecter,
                handover: register && connection.connecterOptions.routerHandover,
                endpoint: connection.endpoint)
            {
                takenOver.append((holder, connection.connecter))
            }
            binderID = id
        }
        connection.connecterRoutingID = connecterID
        connection.binderRoutingID = binderID
        guard register else { return }
        if let connecterID { routingIDs[ObjectIdentifier(binder), default: [:]][connecterID] = connection }
        if let binderID { routingIDs[ObjectIdentifier(connection.connecter), default: [:]][binderID] = connection }
        for (index, (old, router)) in takenOver.enumerated()
        where !takenOver[..<index].contains(where: { $0.old === old }) {
            handOver(old, at: router)
        }
    }

    /// Frees the routing ids `connection` holds at its ROUTER ends.
    mutating func releaseRoutingIDs(_ connection: Connection) {
        if let id = connection.connecterRoutingID, let binder = connection.binder,
            routingIDs[ObjectIdentifier(binder)]?[id] === connection
        {
            routingIDs[ObjectIdentifier(binder)]?[id] = nil
        }
        if let id = connection.binderRoutingID, routingIDs[ObjectIdentifier(connection.connecter)]?[id] === connection {
            routingIDs[ObjectIdentifier(connection.connecter)]?[id] = nil
        }
    }

    /// Forgets a closing ROUTER's ids and counter.
    mutating func forgetRouter(_ port: SocketPort) {
        routingIDs[ObjectIdentifier(port)] = nil
        generatedIDs[ObjectIdentifier(port)] = nil
    }

    /// The connection holding `id` at `router`, when `handover` lets a new one take it; `nil`
    /// when the id is free.
    private func holder(
        of id: Frame, at router: SocketPort, handover: Bool,
        endpoint: EndpointName
    ) throws(RingMQError) -> Connection? {
        guard let holder = routingIDs[ObjectIdentifier(router)]?[id] else { return nil }
        guard handover else {
            throw .addressInUse(
                "routing id \(id) is already used by another peer of the ROUTER at \(endpoint); "
                    + "give each peer a distinct routingID (or leave it nil to have one generated), "
                    + "or set routerHandover on the ROUTER to let the new peer take the id over")
        }
        return holder
    }

    /// Ends `old`, whose routing id at `router` a new connection has just taken
    /// (ZMQ_ROUTER_HANDOVER), as if the old peer (its other end) had disconnected. The ROUTER
    /// routes the id to the new connection from when it applies that connection's attach
    /// (posted after `old`'s, or adopted by the ROUTER itself). The old peer stops using `old`
    /// at its next call, then tells the ROUTER, which reads what the old peer had sent until
    /// then, under the id, and drops the connection (`Socket+Commands.swift`).
    private mutating func handOver(_ old: Connection, at router: SocketPort) {
        old.markHandedOver()
        // Frees the ids the old peer held itself, if it is a ROUTER too; the taken id is the
        // new connection's now and stays.
        releaseRoutingIDs(old)
        old.reportDetached()
        let oldPeer = old.connecter === router ? old.binder : old.connecter
        oldPeer?.post(.handedOver(old))
    }

    /// libzmq's shape: a zero byte, then a 32-bit counter, big-endian; unique per ROUTER (ids
    /// users set cannot start with a zero byte).
    private mutating func generateID(for router: SocketPort) -> Frame {
        let key = ObjectIdentifier(router)
        while true {
            let counter = generatedIDs[key, default: 0] &+ 1
            generatedIDs[key] = counter
            let id = Frame([
                0, UInt8(counter >> 24), UInt8(counter >> 16 & 0xFF), UInt8(counter >> 8 & 0xFF),
                UInt8(counter & 0xFF),
            ])
            if routingIDs[key]?[id] == nil { return id }
        }
    }
}
