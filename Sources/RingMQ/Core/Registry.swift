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
    /// Exclusive (PAIR) sockets that have their one connection, formed or pending.
    var exclusiveTaken: Set<ObjectIdentifier> = []
    /// Every open socket, to wake on terminate.
    var live: [ObjectIdentifier: SocketPort] = [:]

    mutating func removePending(_ connection: Connection) {
        guard var list = pending[connection.endpoint] else { return }
        list.removeAll { $0 === connection }
        pending[connection.endpoint] = list.isEmpty ? nil : list
    }

    mutating func releaseExclusive(_ port: SocketPort?) {
        guard let port, port.type.isExclusive else { return }
        exclusiveTaken.remove(ObjectIdentifier(port))
    }

    func isExclusiveTaken(_ port: SocketPort) -> Bool {
        port.type.isExclusive && exclusiveTaken.contains(ObjectIdentifier(port))
    }

    mutating func takeExclusive(_ port: SocketPort) {
        if port.type.isExclusive { exclusiveTaken.insert(ObjectIdentifier(port)) }
    }
}
