/// What a test (or a dashboard) can ask a socket about its topology beside ``Socket/statistics``.
extension Socket {
    /// The subscriptions in force: for SUB and XSUB, each prefix with how many times it is
    /// subscribed; for PUB and XPUB, each prefix with how many subscribers hold it; empty for
    /// the other types and once the socket is closed. Exact when read by the socket's user.
    public var subscriptions: [Frame: Int] {
        withExclusiveUse(.subscriptions) {
            if core.pointee.isClosed { return [:] }
            if port.mailbox.hasCommands { applyPendingCommands() }
            return role.handle.subscriptions { port.subscriptions.withLock { $0.counts } }
        }
    }
}

extension Socket {
    /// The socket and its endpoints ("PULL socket (bound to inproc://tasks)"), for reports about
    /// a stuck wait. Read by the socket's user only.
    var endpointDescription: String {
        let bound = core.pointee.bound.map(\.description).sorted()
        let connected = core.pointee.connected.map(\.description).sorted()
        var parts: [String] = []
        if !bound.isEmpty { parts.append("bound to " + bound.joined(separator: ", ")) }
        if !connected.isEmpty { parts.append("connected to " + connected.joined(separator: ", ")) }
        return "\(type) socket (" + (parts.isEmpty ? "no endpoint" : parts.joined(separator: "; ")) + ")"
    }

    /// The call in progress and its socket, for reports about a stuck wait.
    var waiterDescription: String {
        "\(operationInProgress) on a \(endpointDescription)"
    }
}
