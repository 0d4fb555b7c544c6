import Synchronization

/// What a blocked call waits for, in words, for a controlled run's deadlock report
/// (``ScheduleController``): "receive() on a PULL socket (bound to inproc://tasks) waits for a
/// message, no peer has one queued". Worked out by the socket's own thread as it blocks, from
/// what it can read: its attachments and their pipes.
extension Socket {
    /// The call in progress, its socket, and what it waits for.
    var blockedCallDescription: String {
        "\(waiterDescription) waits for \(waitReason)"
    }

    /// What the call in progress waits for.
    var waitReason: String {
        switch Operation(rawValue: activity.pointee.load(ordering: .relaxed) & Operation.mask) {
        case .send, .trySend: sendWaitReason
        case .receive, .tryReceive: receiveWaitReason
        case .poll: "one of its polled events"
        default: "its call to end"
        }
    }

    /// "room on the pipe to inproc://results (full: 2 queued, limit 2)", one clause per peer.
    private var sendWaitReason: String {
        let live = core.pointee.attachments.filter { !$0.peerGone }
        let pipes = live.compactMap { attachment -> String? in
            guard let outbound = attachment.outbound else { return nil }
            let limit = outbound.shared.pointee.limit.load(ordering: .relaxed)
            let queued = outbound.queuedEstimate
            let state = queued >= limit ? "full" : "not full"
            return "room on the pipe to \(attachment.connection.endpoint) (\(state): \(queued) queued, limit \(limit))"
        }
        guard pipes.isEmpty else { return pipes.joined(separator: ", or ") }
        return "a peer to send to (\(peerlessState))"
    }

    /// "a message, no peer has one queued" or "a message, no peer connected".
    private var receiveWaitReason: String {
        let inbound = core.pointee.attachments.compactMap(\.inbound)
        if inbound.isEmpty { return "a message (\(peerlessState))" }
        let queued = inbound.reduce(UInt64(0)) { $0 + $1.queued }
        return queued == 0
            ? "a message, no peer has one queued"
            : "its turn to receive (\(queued) queued, but not for this call)"
    }

    /// The peers whose calls could end the call in progress, by their ports' identities: those
    /// it may send to (a send), or receive from (a receive); none for other calls. A controlled
    /// run draws its deadlock report's wait-for graph from them, with ``portIdentity``.
    package var waitPeers: [ObjectIdentifier] {
        let attachments = core.pointee.attachments
        let peers: [SocketPort]
        switch Operation(rawValue: activity.pointee.load(ordering: .relaxed) & Operation.mask) {
        case .send, .trySend:
            peers = attachments.filter { !$0.peerGone && $0.outbound != nil }.compactMap(\.peer)
        case .receive, .tryReceive:
            peers = attachments.filter { $0.inbound != nil }.compactMap(\.peer)
        default:
            peers = []
        }
        return peers.map(ObjectIdentifier.init)
    }

    /// The socket's identity as its peers' ``waitPeers`` name it: its port's, the part of a
    /// socket that its peers hold.
    package var portIdentity: ObjectIdentifier { ObjectIdentifier(port) }

    private var peerlessState: String {
        let endpoints = (core.pointee.bound.map(\.description) + core.pointee.connected.map(\.description)).sorted()
        return endpoints.isEmpty ? "no endpoint" : "no peer connected on \(endpoints.joined(separator: ", "))"
    }
}
