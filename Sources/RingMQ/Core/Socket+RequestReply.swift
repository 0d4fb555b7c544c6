/// Request-reply: REQ and REP keep strict turns and handle the envelope; ROUTER addresses
/// peers by routing id. DEALER needs nothing of its own (round-robin out, fair-queue in).
///
/// The envelope is every frame up to and including the first empty frame (the delimiter).
/// REQ adds an empty delimiter to each request and strips it from the reply; REP strips the
/// whole envelope from a request and puts it back in front of the reply; a ROUTER on the way
/// prepends the id of the peer a message came from, and routes a message by its first frame.
extension Socket {
    // MARK: - REQ

    /// Sends a request to the next peer in turn, with the empty delimiter in front.
    func sendRequest(_ message: consuming Message, timeout: Duration?) throws -> Bool {
        guard !state.pointee.turn.awaitingReply else {
            throw RingMQError.invalidState(
                "this REQ socket has sent a request and must receive its reply before it sends again; "
                    + "call receive() first (or use a DEALER for asynchronous requests)")
        }
        let request = Message([Frame()] + message.frames)
        guard let writer = try sendBalanced(request, timeout: timeout) else { return false }
        state.pointee.turn.awaitingReply = true
        state.pointee.turn.replySource = replySource(after: writer)
        return true
    }

    /// The reply to the outstanding request, without its delimiter. Messages from other peers
    /// (or without a delimiter) are dropped, as libzmq's REQ does.
    func takeReply() -> Message? {
        while let (message, source) = state.pointee.inbound.readTagged() {
            guard source == state.pointee.turn.replySource, message.count >= 2, message[0].isEmpty else { continue }
            state.pointee.turn = RequestReplyTurn()
            return Message(Array(message.frames.dropFirst()))
        }
        return nil
    }

    /// REQ may receive only with a request outstanding; REP only with no request unanswered.
    func checkTurnToReceive() throws {
        if type == .req, !state.pointee.turn.awaitingReply {
            throw RingMQError.invalidState(
                "this REQ socket has no request outstanding, so there is no reply to receive; send(_:) a request first")
        }
        if type == .rep, state.pointee.turn.envelope != nil {
            throw RingMQError.invalidState(
                "this REP socket must send the reply to the request it received before it receives another; "
                    + "call send(_:) first")
        }
    }

    // MARK: - REP

    /// The next request, fair-queued, with its envelope stripped and remembered. A message
    /// without a delimiter (a DEALER that did not add the empty frame) is dropped, as libzmq's
    /// REP does.
    func takeRequest() -> Message? {
        while let (message, source) = state.pointee.inbound.readTagged() {
            let frames = message.frames
            guard let delimiter = frames.firstIndex(where: \.isEmpty), delimiter + 1 < frames.count else { continue }
            state.pointee.turn.envelope = Array(frames[...delimiter])
            state.pointee.turn.requester = source
            return Message(Array(frames[(delimiter + 1)...]))
        }
        return nil
    }

    /// Sends the reply, behind the envelope of the request, to the peer that sent it. If that
    /// peer has gone the reply is dropped (there is nobody to take it). If its queue is full,
    /// waits up to `timeout` rather than dropping the reply.
    func sendReply(_ message: consuming Message, timeout: Duration?) throws -> Bool {
        guard let envelope = state.pointee.turn.envelope else {
            throw RingMQError.invalidState(
                "this REP socket has no request to answer; receive() a request before you send a reply")
        }
        let reply = Message(envelope + message.frames)
        var target = requesterPipe()
        if target == nil {
            if timeout == .zero { return false }
            target = try waitFor(deadline: context.deadline(after: timeout), expectingReply: false) { requesterPipe() }
            if target == nil { return false }
        }
        if let writer = target ?? nil { writer.write(reply) }
        state.pointee.turn = RequestReplyTurn()
        state.pointee.lastWasSend = true
        return true
    }

    /// REP: the requester's pipe if it has room; `.some(nil)` if the requester has gone
    /// (the reply will be dropped); `nil` while its queue is full.
    func requesterPipe() -> PipeWriter?? {
        let requester = state.pointee.turn.requester
        guard let attachment = state.pointee.attachments.first(where: { $0.inbound?.id == requester }),
              !attachment.peerGone, let writer = attachment.outbound
        else { return .some(nil) }
        return writer.hasRoom() ? .some(writer) : nil
    }

    /// ROUTER: the pipe to the peer `id` if it has room; `.some(nil)` if there is no such peer;
    /// `nil` while its queue is full.
    func routeTarget(_ id: Frame) -> PipeWriter?? {
        guard let writer = state.pointee.routes.writer(for: id) else { return .some(nil) }
        return writer.hasRoom() ? .some(writer) : nil
    }

    // MARK: - ROUTER

    /// The next message, fair-queued, behind the routing id of the peer that sent it.
    func takeRouted() -> Message? {
        guard let (message, source) = state.pointee.inbound.readTagged() else { return nil }
        if state.pointee.routes.id(of: source) == nil {
            // The message overtook the command naming its sender's id (a bind just formed).
            processCommands()
        }
        let id = state.pointee.routes.id(of: source) ?? Frame()
        return Message([id] + message.frames)
    }

    /// Sends the message after its first frame to the peer whose routing id that frame is.
    /// Unknown id: dropped, or ``RingMQError/hostUnreachable`` with ``routerMandatory``. Full
    /// peer: dropped, or waits up to `timeout` with ``routerMandatory``.
    func route(_ message: consuming Message, timeout: Duration?) throws -> Bool {
        guard message.count >= 2 else {
            throw RingMQError.operationNotSupported(
                "a message sent on a ROUTER starts with the routing id of the peer to send to, "
                    + "followed by at least one frame; this one has \(message.count) frame")
        }
        let id = message[0]
        let mandatory = state.pointee.options.routerMandatory
        guard let writer = state.pointee.routes.writer(for: id) else {
            if mandatory { throw RingMQError.hostUnreachable }
            state.pointee.routes.countDrop()
            return true
        }
        let body = Message(Array(message.frames.dropFirst()))
        if writer.hasRoom() {
            writer.write(body)
            state.pointee.lastWasSend = true
            return true
        }
        guard mandatory else {
            state.pointee.routes.countDrop()
            return true
        }
        if timeout == .zero { return false }
        /// `.some(nil)`: the peer has gone while we waited.
        let ready = try waitFor(deadline: context.deadline(after: timeout), expectingReply: false) { routeTarget(id) }
        guard let ready else { return false }
        guard let writer = ready else { throw RingMQError.hostUnreachable }
        writer.write(body)
        state.pointee.lastWasSend = true
        return true
    }
}
