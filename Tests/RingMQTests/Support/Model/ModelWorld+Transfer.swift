import RingMQ

/// The model's data path: `trySend` and `tryReceive` by socket type, and redelivery (Docs/
/// Semantics.md, "Nothing queued to a consumer that leaves is lost"): a PUSH, DEALER or REQ
/// takes back what a departed peer left unread, sends it to its remaining peers with room
/// before any newer message, holds it while they are full (a new send waits behind it), gives
/// it to the next peer that connects, and at close pushes it past the high-water marks, or
/// drops it (counted) with zero linger, for a REQ, or with no peer left.
extension ModelWorld {
    // MARK: - Sending

    /// `trySend`: `false` where `send` would wait.
    func trySend(_ socket: ModelSocket, _ message: Message) throws -> Bool {
        try checkOpen(socket)
        guard socket.type.canSend else { throw ModelError(kind: .operationNotSupported) }
        try processCommands(socket)
        let sent: Bool
        switch socket.type {
        case .pub: sent = try publish(socket, message)
        case .xsub: sent = try sendFromXSUB(socket, message)
        case .req: sent = try sendRequest(socket, message)
        case .rep: sent = try sendReply(socket, message)
        default: sent = try sendBalanced(socket, message) != nil
        }
        if sent { socket.sent += 1 }
        return sent
    }

    /// Round-robin to a peer with room, after what was taken back has gone out.
    private func sendBalanced(_ socket: ModelSocket, _ message: Message) throws -> ModelPipe? {
        guard try resendReturned(socket), let pipe = try socket.outbound.pickWritable() else { return nil }
        pipe.write(message)
        return pipe
    }

    /// Sends what was taken back, oldest first, to the peers with room in turn; `true` once
    /// none is left.
    func resendReturned(_ socket: ModelSocket) throws -> Bool {
        while !socket.returned.isEmpty {
            guard let pipe = try socket.outbound.pickWritable() else { return false }
            resend(socket, socket.returned.removeFirst(), to: pipe)
        }
        return true
    }

    func resendReturnedAtClose(_ socket: ModelSocket) throws {
        guard !socket.returned.isEmpty else { return }
        if socket.type != .req, !socket.options.lingerZero, try !resendReturned(socket) {
            while !socket.returned.isEmpty, let pipe = socket.outbound.pickNext() {
                resend(socket, socket.returned.removeFirst(), to: pipe)
            }
        }
        socket.returnedDropped += socket.returned.count
        socket.returned = []
    }

    private func resend(_ socket: ModelSocket, _ message: Message, to pipe: ModelPipe) {
        pipe.write(message)
        socket.redelivered += 1
        // A REQ's request now waits for its reply from the peer it went to.
        if socket.type == .req { socket.replySource = inbound(of: socket, pairedWith: pipe) }
    }

    private func inbound(of socket: ModelSocket, pairedWith outbound: ModelPipe) -> ModelPipe? {
        socket.attachments.first { $0.outbound === outbound }?.inbound
    }

    // MARK: - REQ, REP

    private func sendRequest(_ socket: ModelSocket, _ message: Message) throws -> Bool {
        guard !socket.awaitingReply else { throw ModelError(kind: .invalidState) }
        guard let pipe = try sendBalanced(socket, Message([Frame()] + message.frames)) else { return false }
        socket.awaitingReply = true
        socket.replySource = inbound(of: socket, pairedWith: pipe)
        return true
    }

    /// A REP's reply goes to the peer of the request, behind its envelope; it waits while that
    /// peer is full, and is dropped if the peer has gone.
    private func sendReply(_ socket: ModelSocket, _ message: Message) throws -> Bool {
        guard let envelope = socket.envelope else { throw ModelError(kind: .invalidState) }
        let attachment = socket.attachments.first { $0.inbound === socket.requester }
        if let attachment, !attachment.peerGone, let writer = attachment.outbound {
            guard let room = writer.hasRoom() else { throw ModelAmbiguity(pipe: writer.id) }
            guard room else { return false }
            writer.write(Message(envelope + message.frames))
        }
        socket.envelope = nil
        socket.requester = nil
        return true
    }

    // MARK: - Receiving

    /// `tryReceive`: `nil` where `receive` would wait.
    func tryReceive(_ socket: ModelSocket) throws -> Message? {
        try checkOpen(socket)
        guard socket.type.canReceive else { throw ModelError(kind: .operationNotSupported) }
        if socket.type == .req, !socket.awaitingReply { throw ModelError(kind: .invalidState) }
        if socket.type == .rep, socket.envelope != nil { throw ModelError(kind: .invalidState) }
        try processCommands(socket)
        if let message = takeNext(socket) {
            socket.received += 1
            return message
        }
        if !socket.returned.isEmpty { _ = try resendReturned(socket) }
        return nil
    }

    private func takeNext(_ socket: ModelSocket) -> Message? {
        switch socket.type {
        case .sub, .xsub: return takeForSubscriber(socket)
        case .req: return takeReply(socket)
        case .rep: return takeRequest(socket)
        default: return socket.inbound.take()?.message
        }
    }

    /// The reply from the peer the request went to, without its delimiter; anything else is
    /// dropped.
    private func takeReply(_ socket: ModelSocket) -> Message? {
        while let (message, source) = socket.inbound.take() {
            guard source === socket.replySource, message.count >= 2, message[0].isEmpty else { continue }
            socket.awaitingReply = false
            socket.replySource = nil
            return Message(Array(message.frames.dropFirst()))
        }
        return nil
    }

    /// The next request with its envelope (up to the first empty frame) kept for the reply;
    /// a message without one is dropped.
    private func takeRequest(_ socket: ModelSocket) -> Message? {
        while let (message, source) = socket.inbound.take() {
            let frames = message.frames
            guard let delimiter = frames.firstIndex(where: \.isEmpty), delimiter + 1 < frames.count else { continue }
            socket.envelope = Array(frames[...delimiter])
            socket.requester = source
            return Message(Array(frames[(delimiter + 1)...]))
        }
        return nil
    }
}
