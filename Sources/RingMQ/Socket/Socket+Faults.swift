/// Faults on demand, for `RingMQTesting`: make peers look full, or make them go away, so that
/// a test reaches the backpressure and churn paths of the code under test without a flood of
/// messages or a race. `package` API: not for production use.
extension Socket {
    /// Makes this socket's outbound pipes (those through `endpoint`, or all) look full, so a
    /// send takes the high-water-mark path (waits, `trySend` false, PUB drops); `false`
    /// restores their limits. Pipes connected later are not affected.
    package func setPeersLookFull(_ full: Bool, endpoint: String? = nil) throws {
        enter(.faults)
        defer { leave() }
        try checkUsable()
        let name = try endpoint.map { try EndpointName(parsing: $0) }
        if port.mailbox.hasCommands { applyPendingCommands() }
        for attachment in core.pointee.attachments where !attachment.peerGone {
            guard let writer = attachment.outbound, name == nil || attachment.connection.endpoint == name else {
                continue
            }
            if full {
                guard core.pointee.limitsBeforeFault[writer.id] == nil else { continue }
                core.pointee.limitsBeforeFault[writer.id] = writer.replaceLimit(with: 0)
            } else if let limit = core.pointee.limitsBeforeFault.removeValue(forKey: writer.id) {
                _ = writer.replaceLimit(with: limit)
            }
        }
    }

    /// Ends every connection of this socket (through `endpoint`, or all) as if the peers had
    /// disconnected: what they sent stays receivable here, nothing more can be sent to them,
    /// and the peers see this socket leave. The socket stays bound.
    package func detachPeers(endpoint: String? = nil) throws {
        enter(.faults)
        defer { leave() }
        try checkUsable()
        let name = try endpoint.map { try EndpointName(parsing: $0) }
        if port.mailbox.hasCommands { applyPendingCommands() }
        let leaving = core.pointee.attachments.filter { name == nil || $0.connection.endpoint == name }
        context.registry.withLock { registry in
            // This socket goes on reading what the peers sent: they must not take it back.
            for attachment in leaving {
                release(attachment, as: .detachingPeer, registry: &registry)
            }
        }
        // As if each peer had left: stop sending to it, keep reading what it sent. The peers
        // still read what this socket sent, so it is theirs, not to be reclaimed.
        for attachment in leaving {
            role.handle.peerLeft(attachment.connection, reclaimingUnread: false, &core.pointee)
        }
        for attachment in leaving where attachment.side == .connecter {
            core.pointee.connected.remove(attachment.connection.endpoint)
        }
    }
}
