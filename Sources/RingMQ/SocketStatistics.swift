/// What a socket has done and holds, read with ``Socket/statistics``.
///
/// The counters are plain integers kept by the socket's own thread (no atomic
/// read-modify-write on the send and receive paths), so they cost nothing to leave on, and
/// are exact when read by the socket's user.
public struct SocketStatistics: Sendable, Hashable {
    /// Messages accepted by `send`/`trySend` (for PUB and XPUB: published, whether or not a
    /// subscriber matched).
    public var messagesSent: Int
    /// Messages returned by `receive`/`tryReceive` (and the async forms).
    public var messagesReceived: Int
    /// Messages dropped by this socket: for a full subscriber (PUB, XPUB), an unknown or full
    /// peer (ROUTER without `routerMandatory`), or, at `close()`, messages reclaimed from a
    /// departed peer that no remaining peer could take (see ``Socket/redeliverUnread``).
    public var messagesDropped: Int
    /// Messages this socket took back from a peer that closed or disconnected leaving them
    /// unread, and sent again to another peer (PUSH, DEALER, REQ; see
    /// ``Socket/redeliverUnread``). Not counted again in ``messagesSent``.
    public var messagesRedelivered: Int
    /// Messages waiting in this socket's incoming queues.
    public var queuedIn: Int
    /// Messages this socket sent that its peers have not yet taken, as the peers last
    /// published their progress (at least every half queue or 64 messages, and whenever they
    /// find a queue empty): exact once a peer has drained its queue or not started it.
    /// Includes messages reclaimed from a departed peer and not yet sent again.
    public var queuedOut: Int
    /// Peers connected now.
    public var peers: Int

    /// Creates statistics with the given counts (for comparing in tests).
    public init(
        messagesSent: Int = 0, messagesReceived: Int = 0, messagesDropped: Int = 0,
        messagesRedelivered: Int = 0, queuedIn: Int = 0, queuedOut: Int = 0, peers: Int = 0
    ) {
        self.messagesSent = messagesSent
        self.messagesReceived = messagesReceived
        self.messagesDropped = messagesDropped
        self.messagesRedelivered = messagesRedelivered
        self.queuedIn = queuedIn
        self.queuedOut = queuedOut
        self.peers = peers
    }
}

extension Socket {
    /// The socket's counters and queue depths now, readable from any thread.
    ///
    /// Read by the thread using the socket, or while no call is in progress, it is exact. Read
    /// from another thread while a call is in progress (a proxy running, a receive blocked), it
    /// is what that call's thread reports at its next look: at once from a wait, at the end of
    /// a call that is not waiting. Each read makes a memory barrier across the process's
    /// threads (a few microseconds): cheap for a dashboard, not for a per-message loop.
    ///
    /// - Note: A closed socket reports what it had done, with empty queues and no peers.
    public var statistics: SocketStatistics {
        visit(.statistics, currentStatistics, answered: { port.visitAnswer.withLock { $0.take() } })
    }

    /// The statistics as the socket's thread (or a visitor with the socket to itself) sees them.
    func currentStatistics() -> SocketStatistics {
        catchUpIfOpen()
        let core = core.pointee
        let role = role.handle
        // A connect waiting for its bind has no peer yet (what it queued counts as queued out).
        return SocketStatistics(
            messagesSent: core.counters.sent,
            messagesReceived: core.counters.received,
            messagesDropped: core.counters.dropped,
            messagesRedelivered: core.counters.redelivered,
            queuedIn: role.queuedIn(core),
            queuedOut: role.queuedOut(core),
            peers: core.attachments.filter { !$0.peerGone && $0.hasFormed }.count)
    }
}
