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
    /// ROUTER port → routing id → the connection of the peer using it (released when either
    /// end leaves it, or when a new peer takes the id over).
    var routingIDs: [ObjectIdentifier: [Frame: Connection]] = [:]
    /// ROUTER port → the counter its next generated routing id comes from.
    var generatedIDs: [ObjectIdentifier: UInt32] = [:]

    mutating func removePending(_ connection: Connection) {
        guard var list = pending[connection.endpoint] else { return }
        list.removeAll { $0 === connection }
        pending[connection.endpoint] = list.isEmpty ? nil : list
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

    /// Refuses a connection on the binding side (an incompatible peer, a taken PAIR, a routing
    /// id in use, or a socket closing before it adopted it): the connecter is told this side
    /// stopped reading (it may reclaim what it queued) and its slots are freed.
    mutating func refuse(_ connection: Connection) {
        connection.reportDetached()
        connection.connecter.post(.detach(connection, stoppedReading: true))
        releaseExclusive(connection.connecter, for: connection)
        releaseRoutingIDs(connection)
    }
}
