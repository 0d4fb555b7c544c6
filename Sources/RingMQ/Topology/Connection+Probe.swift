/// ZMQ_PROBE_ROUTER: a socket with ``Socket/probeRouter`` writes one empty message to a ROUTER
/// peer as their connection forms, before anything else it sends there, so the ROUTER learns
/// the peer's routing id at once (libzmq writes it in `xattach_pipe`).
///
/// Only ROUTER peers get one: to any other type it would be a stray empty message (libzmq's
/// result is undefined there). A connect to a name not bound yet writes it at `connect`, ahead
/// of what the connecter sends before the bind, and the binder takes it off unread if it is
/// not a ROUTER. A probe is no message of the user's: a sender taking back what a peer left
/// unread (``Socket/redeliverUnread``) drops it, and it keeps no connection lingering.
extension Connection {
    /// The connecter's probe, written into its pipe to the binder by the thread forming or
    /// making the connection, under the registry lock, before the connecter sends on it.
    func probeFromConnecter() {
        guard let toBinder else { return }
        toBinder.writer.write(Message(Frame()))
        connecterProbed = true
    }

    /// The binder's probe to its ROUTER connecter, written before the binder has the
    /// connection (so before anything it sends there), under the registry lock.
    func probeFromBinder() {
        guard let toConnecter else { return }
        toConnecter.writer.write(Message(Frame()))
        binderProbed = true
    }

    /// At a bind that forms this connection for a binder that is not a ROUTER: takes the
    /// connecter's probe off, unread (the binder is the pipe's one reader and has not read it).
    ///
    /// Not on a conflating pipe: there the user's newest message may have replaced the probe,
    /// and a read would take that message instead. A probe still there when nothing replaced it
    /// reaches the binder as an empty message; no message of the user's is lost.
    func dropConnecterProbe() {
        guard connecterProbed, let toBinder, !toBinder.writer.conflates else { return }
        _ = toBinder.reader.read()
    }

    /// Messages the connecter queued before the bind that are its user's (not its probe; on a
    /// conflating pipe, where a message may have replaced the probe, all of them).
    var connecterQueuedBeforeBind: UInt64 {
        guard let writer = toBinder?.writer else { return 0 }
        let queued = writer.queuedEstimate
        return connecterProbed && queued > 0 && !writer.conflates ? queued - 1 : queued
    }
}

extension Attachment {
    /// Drops this side's probe if the peer never read it, so that what is taken back from the
    /// pipe is only what the user sent. Call only when this socket is the pipe's one reader:
    /// the peer stopped reading (its `.detach` was applied) or never formed.
    func dropUnreadProbe() {
        let probed = side == .connecter ? connection.connecterProbed : connection.binderProbed
        guard probed, let outbound else { return }
        let reader = PipeReader(base: outbound.base)
        if reader.readCount == 0 { _ = reader.read() }
    }
}
