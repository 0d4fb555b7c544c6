/// The sending side PUSH, DEALER, REQ and PAIR share: round-robin to the peers with room
/// (libzmq's `lb_t`), and the messages reclaimed from peers that left them unread, which go
/// out before any newer message (``Socket/redeliverUnread``; libzmq drops them).
///
/// Only the sending socket may write its pipes (each is single-producer), so reclaiming happens
/// on its thread, when it applies the peer's `.detach` command: at its next call, or at once if
/// it is waiting (the command wakes it). Reclaimed messages wait here while every remaining
/// peer is full; a send waits behind them, so the messages in flight never exceed what the
/// high-water marks allow.
struct Balancing {
    var peers = LoadBalancer()
    var reclaimed = MessageQueue()

    /// The next peer in turn with room, unless reclaimed messages must go first.
    @inline(__always)
    mutating func pipeWithRoom() -> PipeWriter? {
        reclaimed.isEmpty ? peers.pickWritable() : nil
    }

    mutating func attach(_ attachment: Attachment, immediate: Bool) {
        guard let outbound = attachment.outbound, !attachment.peerGone,
            !immediate || attachment.hasFormed
        else { return }
        peers.add(outbound)
    }

    /// Makes the rotation exactly the live connections `immediate` allows: formed ones only
    /// when it is on, so a connect whose bind has not happened holds no message.
    mutating func admit(from attachments: [Attachment], immediate: Bool) {
        for attachment in attachments {
            guard let outbound = attachment.outbound, !attachment.peerGone else { continue }
            if !immediate || attachment.hasFormed {
                if !peers.contains(outbound.id) { peers.add(outbound) }
            } else {
                peers.remove(outbound.id)
            }
        }
    }

    /// Stops sending to the departed peer of `attachment`, reclaiming what it left unread.
    mutating func peerLeft(_ attachment: Attachment, reclaimingUnread: Bool, _ core: inout SocketCore) {
        guard let outbound = attachment.outbound else { return }
        peers.remove(outbound.id)
        guard reclaimingUnread else { return }
        attachment.dropUnreadProbe()
        reclaimUnread(from: outbound, enabled: core.options.redeliverUnread)
    }

    /// Takes back what the departed reader of `pipe` left unread. Called only once that reader
    /// has said it stopped reading (its last read happened before it posted the command this
    /// thread took out of the mailbox), so this thread is now the pipe's one reader.
    ///
    /// Not from a conflating pipe: it holds the newest of a stream whose older messages were
    /// replaced, and resent to another conflating peer it would replace a message as new or newer.
    mutating func reclaimUnread(from pipe: PipeWriter, enabled: Bool) {
        guard enabled, !pipe.conflates else { return }
        let reader = PipeReader(base: pipe.base)
        while let message = reader.read() { reclaimed.append(message) }
    }

    /// Sends the oldest reclaimed message to the next peer with room; returns that peer's pipe,
    /// or `nil` when nothing is reclaimed or every peer is full.
    mutating func resendOne(_ core: inout SocketCore) -> PipeWriter? {
        guard !reclaimed.isEmpty, let pipe = peers.pickWritable() else { return nil }
        pipe.write(reclaimed.popFirst()!)
        core.counters.redelivered &+= 1
        return pipe
    }

    /// At `close()`: gives what is still reclaimed to the remaining peers, past their
    /// high-water marks if they are full (the socket sends nothing more, so their queues grow
    /// by these messages at most, which were in flight already), unless `dropping` (`linger`
    /// `.zero`, or a REQ, whose reply nobody could take) or no peer is left. Counts the rest
    /// as dropped.
    mutating func close(dropping: Bool, _ core: inout SocketCore) {
        if !dropping {
            while resendOne(&core) != nil {}
            while !reclaimed.isEmpty, let pipe = peers.pickNext() {
                pipe.write(reclaimed.popFirst()!)
                core.counters.redelivered &+= 1
            }
        }
        core.counters.dropped += reclaimed.count
        reclaimed.removeAll()
        peers.removeAll()
    }
}

/// A role that sends through a ``Balancing`` (PUSH, DEALER, REQ, PAIR).
protocol BalancedSending: SocketRole where Target == PipeWriter {
    var balancing: Balancing { get set }
}

/// The roles implement `destination` themselves, in two lines over
/// ``Balancing/pipeWithRoom()``: a default implementation here would reach `balancing` through
/// the protocol's `modify` accessor, a call per message the optimizer does not inline. (`write`
/// touches no stored property, so its default costs nothing.)
extension BalancedSending {
    /// The slow half of `destination`: reclaimed messages go out first, then a pipe with room,
    /// or wait.
    @inline(never)
    mutating func destinationAfterReclaiming(_ core: inout SocketCore) -> Destination<PipeWriter> {
        guard resendReclaimed(&core), let pipe = balancing.peers.pickWritable() else { return .wait }
        return .ready(pipe)
    }

    @inline(__always)
    func write(_ message: consuming Message, to pipe: PipeWriter, _ core: inout SocketCore) {
        pipe.write(message)
    }

    mutating func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool {
        // Reclaimed messages go first (the socket resent what it could before asking).
        balancing.reclaimed.isEmpty && balancing.peers.hasWritable()
    }

    mutating func reclaimUnread(from pipe: PipeWriter, _ core: inout SocketCore) {
        balancing.reclaimUnread(from: pipe, enabled: core.options.redeliverUnread)
    }

    mutating func resendReclaimed(_ core: inout SocketCore) -> Bool {
        while balancing.resendOne(&core) != nil {}
        return balancing.reclaimed.isEmpty
    }

    func queuedOut(_ core: SocketCore) -> Int {
        core.queuedOnPeers + balancing.reclaimed.count
    }

    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore) {
        guard core.track(attachment) else { return }
        balancing.attach(attachment, immediate: core.options.immediate)
    }

    mutating func admitPeers(_ core: inout SocketCore) {
        balancing.admit(from: core.attachments, immediate: core.options.immediate)
    }

    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        guard let attachment = core.markPeerGone(connection) else { return }
        balancing.peerLeft(attachment, reclaimingUnread: reclaimingUnread, &core)
    }

    mutating func forget(_ attachment: Attachment, _ core: inout SocketCore) {
        if let outbound = attachment.outbound { balancing.peers.remove(outbound.id) }
        core.untrack(attachment.connection)
    }

    mutating func close(_ core: inout SocketCore) {
        balancing.close(dropping: core.options.linger == .zero, &core)
    }
}
