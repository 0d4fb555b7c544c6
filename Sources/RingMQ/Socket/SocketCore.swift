/// What every socket has, whatever its type, touched only by the thread using the socket.
/// What a type adds lives in its role (`Roles/`).
///
/// Kept behind an `UnsafeMutablePointer` owned by the socket rather than in stored `var`s of
/// the class: class properties pay a dynamic exclusivity check on every access, which the
/// send/receive path cannot afford. The socket's one-thread-at-a-time guard is what makes the
/// unsynchronised access sound.
///
/// What every send or receive touches comes first (the closed flag, the counters, then the
/// options' hot half), on two cache lines. With the counters after the options, the options
/// libzmq parity added pushed them onto a fourth line; the commit that added only those
/// options measured `fanout 4 64` at 0.96 of the one before it (8 alternating pairs).
struct SocketCore {
    var isClosed = false
    /// Whether the last message moved was sent, so a reply may be imminent; see ``SpinPolicy``.
    var expectingReply = false
    var counters = SocketCounters()
    var options: SocketOptions
    /// Every connection in use, as this socket sees it; a departed peer's stays while its
    /// inbound pipe still holds messages.
    var attachments: [Attachment] = []
    var bound: Set<EndpointName> = []
    var connected: Set<EndpointName> = []
    /// Test support: the limits of the pipes made to look full, to restore.
    var limitsBeforeFault: [PipeID: UInt64] = [:]

    init(type: SocketType) {
        options = SocketOptions(type: type)
    }
}

/// The counts ``Socket/statistics`` reports, kept by the socket's own thread.
struct SocketCounters {
    var sent = 0
    var received = 0
    /// Every drop the type makes: a full subscriber (PUB, XPUB), an unknown or full peer
    /// (ROUTER), messages reclaimed that nobody was left to take at close.
    var dropped = 0
    /// Messages reclaimed from a departed peer and sent again.
    var redelivered = 0
}

/// The bookkeeping every role does on ``SocketCore/attachments``.
extension SocketCore {
    /// Starts tracking `attachment`, unless it is of no use: its peer has gone and it has no
    /// inbound pipe to drain. Returns whether it is tracked.
    @discardableResult
    mutating func track(_ attachment: Attachment) -> Bool {
        guard !attachment.peerGone || attachment.inbound != nil else { return false }
        attachments.append(attachment)
        return true
    }

    /// The peer of `connection` has gone: keeps its attachment while there is an inbound pipe
    /// to drain (marked gone), drops it otherwise. Returns the attachment as it was, or `nil`
    /// if `connection` is not in use here.
    mutating func markPeerGone(_ connection: Connection) -> Attachment? {
        guard let index = attachments.firstIndex(where: { $0.connection === connection }) else { return nil }
        let attachment = attachments[index]
        if attachment.inbound != nil {
            attachments[index].peerGone = true
        } else {
            attachments.remove(at: index)
        }
        return attachment
    }

    /// Stops tracking `connection`.
    mutating func untrack(_ connection: Connection) {
        attachments.removeAll { $0.connection === connection }
    }

    /// Drops the attachments whose inbound pipe is among `released` (drained after the peer left).
    mutating func untrack(released: [PipeID]) {
        attachments.removeAll { attachment in
            attachment.inbound.map { released.contains($0.id) } ?? false
        }
    }

    /// The inbound pipe of the connection whose outbound pipe is `writer` (where a REQ's reply
    /// comes from).
    func inboundID(pairedWith writer: PipeWriter) -> PipeID? {
        attachments.first { $0.outbound?.id == writer.id }?.inbound?.id
    }

    /// Messages this socket sent that its live peers have not taken yet, as last published.
    var queuedOnPeers: Int {
        attachments.reduce(0) { total, attachment in
            attachment.peerGone ? total : total + Int(attachment.outbound?.queuedEstimate ?? 0)
        }
    }
}
