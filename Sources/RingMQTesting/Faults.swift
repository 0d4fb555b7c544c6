import RingMQ

/// Faults on demand, for tests of code built on RingMQ: reach the backpressure and churn
/// paths deterministically, without a flood of messages or a race. Test support only.
public enum Faults {
    /// Makes the peers of `socket` (those connected through `endpoint`, or all) look full:
    /// `send` waits (then `.timedOut`), `trySend` returns `false`, a PUB drops, exactly as at
    /// the high-water mark. Call ``restoreRoom(_:endpoint:)`` to end it. Connections made
    /// later are not affected. Call it from the thread using `socket`.
    public static func makePeersLookFull(_ socket: Socket, endpoint: String? = nil) throws {
        try socket.setPeersLookFull(true, endpoint: endpoint)
    }

    /// Ends ``makePeersLookFull(_:endpoint:)``.
    public static func restoreRoom(_ socket: Socket, endpoint: String? = nil) throws {
        try socket.setPeersLookFull(false, endpoint: endpoint)
    }

    /// Ends every connection of `socket` (through `endpoint`, or all) mid-stream, as if the
    /// peers had gone: what they sent stays receivable, nothing more can be sent to them, and
    /// they see `socket` leave. `socket` keeps its bound endpoints, so peers can connect again.
    public static func detachPeers(of socket: Socket, endpoint: String? = nil) throws {
        try socket.detachPeers(endpoint: endpoint)
    }
}
