import Synchronization

/// A socket's command queue: how other threads hand it topology changes.
///
/// Peers attach and detach pipes from their own threads; the owning thread drains the
/// mailbox at the start of its next operation (and whenever a wait wakes), so the socket's
/// pipe lists are only ever touched by the socket's owner and the data path stays lock-free.
/// Checking for commands costs one load of a flag that only changes when a command is posted.
final class Mailbox: Sendable {
    private struct State {
        var commands: [Command] = []
        var closed = false
        /// A `.subscriptionsArrived` is queued: one is enough until it is taken.
        var subscriptionNoticeQueued = false
    }

    private let state = Locked(State())
    private let flag = Atomic<Bool>(false)

    /// Whether commands may be waiting; cheap enough for every operation.
    @inline(__always)
    var hasCommands: Bool { flag.load(ordering: .relaxed) }

    /// Queues `command`; `false` when the mailbox is closed (the socket is gone).
    @discardableResult
    func post(_ command: Command) -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            if case .subscriptionsArrived = command {
                if state.subscriptionNoticeQueued { return true }
                state.subscriptionNoticeQueued = true
            }
            state.commands.append(command)
            flag.store(true, ordering: .releasing)
            return true
        }
    }

    /// Removes and returns every queued command, oldest first.
    func take() -> [Command] {
        state.withLock { state in
            flag.store(false, ordering: .relaxed)
            state.subscriptionNoticeQueued = false
            let commands = state.commands
            state.commands = []
            return commands
        }
    }

    /// Refuses later posts and returns what was still queued.
    func close() -> [Command] {
        state.withLock { state in
            state.closed = true
            flag.store(false, ordering: .relaxed)
            let commands = state.commands
            state.commands = []
            return commands
        }
    }
}

/// A topology change posted to a socket by another thread.
enum Command: Sendable {
    /// A peer connected to an endpoint this socket had bound: start using the connection.
    case attach(Attachment)
    /// The peer of this connection closed or disconnected: stop writing to it, read what it
    /// already sent, then drop it. `stoppedReading`: the peer will never read this socket's
    /// pipe on the connection again (its last read happened before this post), so what it
    /// left unread may be reclaimed (see ``Socket/redeliverUnread``).
    case detach(Connection, stoppedReading: Bool)
    /// A subscriber wrote subscription messages (or, from an XSUB, other messages) into its
    /// pipes to this publisher: read them before the next send or receive.
    case subscriptionsArrived
    /// A ROUTER connected before the bind: the bind has given the connection's peer its
    /// routing id (``Connection/binderRoutingID``), so the ROUTER can route to it.
    case routingIDAssigned(Connection)
    /// A connection this socket made before its bind has formed: the bind happened. Posted to
    /// the types that take ``Socket/immediate``, which start sending on it only now.
    case formed(Connection)
    /// A ROUTER with ``Socket/routerHandover`` gave the routing id this socket had on the
    /// connection to a new peer: leave the connection as `disconnect` would (the ROUTER reads
    /// what this socket sent until then).
    case handedOver(Connection)
}
