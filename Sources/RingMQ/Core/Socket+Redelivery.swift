/// Redelivery (``Socket/redeliverUnread``): a PUSH, DEALER or REQ whose peer closed or
/// disconnected with messages still unread takes them back and sends them to its other peers,
/// before any newer message. libzmq drops them with the peer's pipe.
///
/// Only the sending socket may write its pipes (each is single-producer), so the taking back
/// happens on its thread, when it applies the peer's `.detach` command: at its next call, or at
/// once if it is waiting (the command wakes it). Messages wait in ``SocketState/returned`` while
/// every remaining peer is full; a send waits behind them, so the messages in flight never
/// exceed what the high-water marks allow.
extension Socket {
    /// Takes back what the departed reader of `pipe` left unread. Called only once that reader
    /// has said it stopped reading (its last read happened before it posted the command this
    /// thread took out of the mailbox), so this thread is now the pipe's one reader.
    func takeBackUnread(from pipe: PipeWriter) {
        guard state.pointee.options.redeliverUnread else { return }
        let reader = PipeReader(base: pipe.base)
        while let message = reader.read() { state.pointee.returned.append(message) }
    }

    /// Applies peers' commands, or else sends what was taken back if room has appeared since:
    /// the slow paths (waits, polls, statistics) call it, so that a socket that only waits or
    /// receives still passes on what it took back.
    @inline(__always)
    func catchUp() {
        if port.mailbox.hasCommands {
            processCommands()
        } else if !state.pointee.returned.isEmpty {
            _ = resendReturned()
        }
    }

    /// Sends messages taken back, oldest first, to the peers with room in turn. `true` once
    /// none is left to send.
    func resendReturned() -> Bool {
        while !state.pointee.returned.isEmpty {
            guard let pipe = state.pointee.outbound.pickWritable() else { return false }
            resend(state.pointee.returned.popFirst()!, to: pipe)
        }
        return true
    }

    /// On `close()`: gives what is still taken back to the remaining peers, past their
    /// high-water marks if they are full (the socket sends nothing more, so their queues grow
    /// by these messages at most, which were in flight already). Dropped instead with `linger`
    /// `.zero`, for a REQ (nobody could take the reply), or when no peer is left.
    func resendReturnedAtClose() {
        guard !state.pointee.returned.isEmpty else { return }
        if type != .req, state.pointee.options.linger != .zero, !resendReturned() {
            while !state.pointee.returned.isEmpty, let pipe = state.pointee.outbound.pickNext() {
                resend(state.pointee.returned.popFirst()!, to: pipe)
            }
        }
        state.pointee.returnedDropped += state.pointee.returned.count
        state.pointee.returned.removeAll()
    }

    private func resend(_ message: Message, to pipe: PipeWriter) {
        pipe.write(message)
        state.pointee.redeliveredCount &+= 1
        // A REQ's request now waits for its reply from the peer it went to.
        if type == .req { state.pointee.turn.replySource = replySource(after: pipe) }
    }

    /// REQ: the inbound pipe of the connection whose outbound pipe is `writer`.
    func replySource(after writer: PipeWriter) -> UnsafeMutableRawPointer? {
        state.pointee.attachments.first { $0.outbound?.id == writer.id }?.inbound?.id
    }
}
