/// REQ: DEALER's routing with a strict turn (libzmq's `req_t` on `dealer_t`). A request goes
/// to the next peer in turn behind an empty delimiter; only that peer's reply, without its
/// delimiter, is received, and only then may the next request go.
///
/// Recovery, as libzmq's: with ``Socket/requestRelaxed`` a request may replace the outstanding
/// one; it goes to the next peer in turn, replies already queued are dropped, and only the new
/// request's peer is heard. With ``Socket/requestCorrelate`` each request carries an id frame
/// (a 4-byte counter in native byte order, from a random start) before the delimiter, and a
/// reply is taken only if it starts with the current id: a late reply to an abandoned request
/// is dropped even when it comes from the same peer. A REQ with neither pays one branch per
/// request for them (``SocketOptions/requestModes``).
struct RequesterRole: DuplexRole {
    var balancing = Balancing()
    var inbound = FairQueue()
    /// A request went out and its reply has not been received.
    var awaitingReply = false
    /// The inbound pipe the reply must come from (the peer the request went to).
    var replySource: PipeID?
    /// The outbound pipe the outstanding request went to: what a departed peer left unread
    /// there is the one request worth resending.
    var requestPipe: PipeID?
    /// The id of the last correlated request (libzmq starts from a random value too, so that a
    /// new socket does not take the replies meant for an old one's ids).
    var requestID = UInt32.random(in: .min ... .max)

    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<
        PipeWriter
    > {
        if awaitingReply { return try destinationReplacingRequest(&core) }
        if let pipe = balancing.pipeWithRoom() { return .ready(pipe) }
        return destinationAfterReclaiming(&core)
    }

    /// A send while a request is outstanding: refused, unless relaxed. The new request goes to
    /// the next peer with room, ahead of a reclaimed copy of the old one (which ``write`` drops).
    @inline(never)
    private mutating func destinationReplacingRequest(_ core: inout SocketCore) throws -> Destination<PipeWriter> {
        guard core.options.requestRelaxed else {
            throw RingMQError.invalidState(
                "this REQ socket has sent a request and must receive its reply before it sends again; "
                    + "call receive() first, set requestRelaxed to let a new request replace it "
                    + "(a retry after a timeout), or use a DEALER for asynchronous requests")
        }
        if let pipe = balancing.peers.pickWritable() { return .ready(pipe) }
        return .wait
    }

    mutating func write(_ message: consuming Message, to pipe: PipeWriter, _ core: inout SocketCore) {
        if core.options.requestModes.isEmpty {
            pipe.write(Message([Frame()] + message.frames))
        } else {
            writeRecovering(message, to: pipe, &core)
        }
        awaitingReply = true
        requestPipe = pipe.id
        replySource = core.inboundID(pairedWith: pipe)
    }

    /// A request of a REQ with ``Socket/requestRelaxed`` or ``Socket/requestCorrelate``.
    @inline(never)
    private mutating func writeRecovering(
        _ message: consuming Message, to pipe: PipeWriter,
        _ core: inout SocketCore
    ) {
        // Before the request goes out, so that its own reply cannot be among them (libzmq's
        // issue 1695: a reply queued now answers an older request).
        while inbound.readTagged() != nil {}
        if !inbound.released.isEmpty { releaseDrained(&core) }
        // A reclaimed copy of the request this one replaces: its reply would be dropped.
        core.counters.dropped += balancing.reclaimed.count
        balancing.reclaimed.removeAll()
        guard core.options.requestCorrelate else {
            pipe.write(Message([Frame()] + message.frames))
            return
        }
        requestID &+= 1
        let id = withUnsafeBytes(of: requestID) { Frame(copying: $0) }
        pipe.write(Message([id, Frame()] + message.frames))
    }

    mutating func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool {
        (!awaitingReply || core.options.requestRelaxed) && balancing.peers.hasWritable()
    }

    func checkTurnToReceive() throws {
        guard awaitingReply else {
            throw RingMQError.invalidState(
                "this REQ socket has no request outstanding, so there is no reply to receive; send(_:) a request first")
        }
    }

    /// The reply to the outstanding request, without its envelope. Messages from other peers,
    /// without a delimiter, or (correlating) without the current request id first are
    /// dropped, as libzmq's REQ does.
    mutating func take(_ core: inout SocketCore) -> Message? {
        while let (message, source) = inbound.readTagged() {
            guard source == replySource else { continue }
            let delimiter = core.options.requestCorrelate ? 1 : 0
            guard message.count >= delimiter + 2, message[delimiter].isEmpty else { continue }
            if delimiter == 1, !carriesRequestID(message[0]) { continue }
            awaitingReply = false
            replySource = nil
            requestPipe = nil
            return Message(Array(message.frames.dropFirst(delimiter + 1)))
        }
        if !inbound.released.isEmpty { releaseDrained(&core) }
        return nil
    }

    private func carriesRequestID(_ frame: Frame) -> Bool {
        frame.count == 4 && frame.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } == requestID
    }

    func hasIncoming(_ core: SocketCore) -> Bool {
        awaitingReply && inbound.hasMessage()
    }

    /// A reclaimed request now waits for its reply from the peer it went to.
    mutating func resendReclaimed(_ core: inout SocketCore) -> Bool {
        while let pipe = balancing.resendOne(&core) {
            requestPipe = pipe.id
            replySource = core.inboundID(pairedWith: pipe)
        }
        return balancing.reclaimed.isEmpty
    }

    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        guard let attachment = core.markPeerGone(connection) else { return }
        balancing.peerLeft(attachment, reclaimingUnread: false, &core)
        if reclaimingUnread, let outbound = attachment.outbound {
            attachment.dropUnreadProbe()
            reclaimUnread(from: outbound, &core)
        }
        inbound.peerLeft(attachment)
    }

    /// Takes back the outstanding request if `pipe`'s reader left it unread. Older requests
    /// there (a relaxed REQ gave up on them) are dropped: their replies would be. Called, like
    /// ``Balancing/reclaimUnread(from:enabled:)``, once the reader has stopped reading.
    mutating func reclaimUnread(from pipe: PipeWriter, _ core: inout SocketCore) {
        guard core.options.redeliverUnread else { return }
        let reader = PipeReader(base: pipe.base)
        var unread = 0
        var newest: Message?
        while let message = reader.read() {
            unread += 1
            newest = message
        }
        // The outstanding request was the last one written to its pipe.
        if awaitingReply, pipe.id == requestPipe, let newest {
            balancing.reclaimed.append(newest)
            unread -= 1
        }
        core.counters.dropped += unread
    }

    /// A reclaimed request is dropped: nobody could take its reply.
    mutating func close(_ core: inout SocketCore) {
        balancing.close(dropping: true, &core)
        inbound.removeAll()
        awaitingReply = false
        replySource = nil
        requestPipe = nil
    }
}
