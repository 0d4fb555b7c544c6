/// A socket is equal only to itself, so sockets can be dictionary keys and set members (for
/// example a poller's sockets mapped to their handlers). The identity is the object's, as with
/// `===`: two sockets of the same type on the same endpoint are different sockets.
extension Socket: Hashable {
    /// Whether `lhs` and `rhs` are the same socket (`lhs === rhs`).
    public static func == (lhs: Socket, rhs: Socket) -> Bool {
        lhs === rhs
    }

    /// Hashes the socket's identity (its `ObjectIdentifier`), not its state.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
