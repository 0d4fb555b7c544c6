/// PAIR exclusivity: a socket of an exclusive type has at most one connection, formed or
/// pending. The slot records which connection holds it, so only that connection's end frees
/// it: a late release for a connection the socket has already left cannot free a slot a newer
/// connection holds.
extension Registry {
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
}
