/// REQ: DEALER's routing with a strict turn (libzmq's `req_t` on `dealer_t`). A request goes
/// to the next peer in turn behind an empty delimiter; only that peer's reply, without its
/// delimiter, is received, and only then may the next request go.
struct RequesterRole: DuplexRole {
    var balancing = Balancing()
    var inbound = FairQueue()
    /// A request went out and its reply has not been received.
    var awaitingReply = false
    /// The inbound pipe the reply must come from (the peer the request went to).
    var replySource: PipeID?

    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<PipeWriter> {
        guard !awaitingReply else {
            throw RingMQError.invalidState(
                "this REQ socket has sent a request and must receive its reply before it sends again; "
                    + "call receive() first (or use a DEALER for asynchronous requests)")
        }
        if let pipe = balancing.pipeWithRoom() { return .ready(pipe) }
        return destinationAfterReclaiming(&core)
    }

    mutating func write(_ message: consuming Message, to pipe: PipeWriter, _ core: inout SocketCore) {
        pipe.write(Message([Frame()] + message.frames))
        awaitingReply = true
        replySource = core.inboundID(pairedWith: pipe)
    }

    mutating func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool {
        !awaitingReply && balancing.peers.hasWritable()
    }

    func checkTurnToReceive() throws {
        guard awaitingReply else {
            throw RingMQError.invalidState(
                "this REQ socket has no request outstanding, so there is no reply to receive; send(_:) a request first")
        }
    }

    /// The reply to the outstanding request, without its delimiter. Messages from other peers
    /// (or without a delimiter) are dropped, as libzmq's REQ does.
    mutating func take(_ core: inout SocketCore) -> Message? {
        while let (message, source) = inbound.readTagged() {
            guard source == replySource, message.count >= 2, message[0].isEmpty else { continue }
            awaitingReply = false
            replySource = nil
            return Message(Array(message.frames.dropFirst()))
        }
        if !inbound.released.isEmpty { releaseDrained(&core) }
        return nil
    }

    func hasIncoming(_ core: SocketCore) -> Bool {
        awaitingReply && inbound.hasMessage()
    }

    /// A reclaimed request now waits for its reply from the peer it went to.
    mutating func resendReclaimed(_ core: inout SocketCore) -> Bool {
        while let pipe = balancing.resendOne(&core) { replySource = core.inboundID(pairedWith: pipe) }
        return balancing.reclaimed.isEmpty
    }

    /// A reclaimed request is dropped: nobody could take its reply.
    mutating func close(_ core: inout SocketCore) {
        balancing.close(dropping: true, &core)
        inbound.removeAll()
        awaitingReply = false
        replySource = nil
    }
}
