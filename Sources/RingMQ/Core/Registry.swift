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
}
