/// A role's pointer seen through what the socket asks of a role off the message path (see
/// ``Role/handle``).
protocol RoleHandle {
    func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool
    func hasIncoming(_ core: SocketCore) -> Bool
    /// Applies peers' commands in order, then resends what was reclaimed (see
    /// `Socket+Commands.swift`); `closing`: attach commands are skipped (a closing socket
    /// refuses them) and nothing is resent.
    func apply(_ commands: [Command], closing: Bool, _ core: inout SocketCore)
    /// Starts using a connection this socket made or bound.
    func adopt(_ attachment: Attachment, _ core: inout SocketCore)
    func forget(_ attachment: Attachment, _ core: inout SocketCore)
    func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore)
    /// Takes back what nobody read on `pipes` and sends what it can.
    func reclaimUnread(from pipes: [PipeWriter], _ core: inout SocketCore)
    func resendReclaimed(_ core: inout SocketCore)
    /// After ``Socket/immediate`` changed: sends to exactly the connections it allows.
    func admitPeers(_ core: inout SocketCore)
    func close(_ core: inout SocketCore)
    func queuedIn(_ core: SocketCore) -> Int
    func queuedOut(_ core: SocketCore) -> Int
    func subscriptions(record: () -> [Frame: Int]) -> [Frame: Int]
    /// Frees the role (the socket is going away).
    func free()
}

extension UnsafeMutablePointer: RoleHandle where Pointee: SocketRole {
    func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool {
        pointee.hasRoom(for: message, &core)
    }

    func hasIncoming(_ core: SocketCore) -> Bool {
        pointee.hasIncoming(core)
    }

    func apply(_ commands: [Command], closing: Bool, _ core: inout SocketCore) {
        for command in commands {
            pointee.apply(command, closing: closing, &core)
        }
        if !closing { _ = pointee.resendReclaimed(&core) }
    }

    func adopt(_ attachment: Attachment, _ core: inout SocketCore) {
        // A connection formed at this bind was made conflating for the pipes' sake; this
        // socket's own ends switch now rather than when they next look.
        if core.options.conflate { attachment.startConflating() }
        pointee.attach(attachment, &core)
        // Messages reclaimed from a departed peer go to the newcomer first.
        _ = pointee.resendReclaimed(&core)
    }

    func forget(_ attachment: Attachment, _ core: inout SocketCore) {
        pointee.forget(attachment, &core)
    }

    func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        pointee.peerLeft(connection, reclaimingUnread: reclaimingUnread, &core)
    }

    func reclaimUnread(from pipes: [PipeWriter], _ core: inout SocketCore) {
        for pipe in pipes { pointee.reclaimUnread(from: pipe, &core) }
        _ = pointee.resendReclaimed(&core)
    }

    func resendReclaimed(_ core: inout SocketCore) {
        _ = pointee.resendReclaimed(&core)
    }

    func admitPeers(_ core: inout SocketCore) {
        pointee.admitPeers(&core)
        _ = pointee.resendReclaimed(&core)
    }

    func close(_ core: inout SocketCore) {
        pointee.close(&core)
    }

    func queuedIn(_ core: SocketCore) -> Int {
        pointee.queuedIn(core)
    }

    func queuedOut(_ core: SocketCore) -> Int {
        pointee.queuedOut(core)
    }

    func subscriptions(record: () -> [Frame: Int]) -> [Frame: Int] {
        pointee.subscriptions(record: record)
    }

    func free() {
        LineAligned.free(self)
    }
}
