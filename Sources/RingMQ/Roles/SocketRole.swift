/// What one socket type does with messages and connections (libzmq's `xsend`, `xrecv`,
/// `xattach_pipe`, `xpipe_terminated`, …); the socket does the rest: the one-thread guard,
/// peers' commands, waiting, counters.
///
/// A role never waits. Asked where a message goes, it answers ``Destination``: ready, drop, or
/// wait; the generic send in `Socket+Transfer.swift` waits and asks again. Roles are value
/// types behind typed pointers (``Role``), so every call is static and the strategies' arrays
/// are mutated in place, with no reference counting or copy-on-write on the message path.
///
/// Each role keeps its readiness answers (``hasRoom(for:_:)``, ``hasIncoming(_:)``) next to
/// the send and receive rules they must agree with.
protocol SocketRole {
    /// Where a ready message goes (a pipe; nothing for types that fan out).
    associatedtype Target

    /// Where `message` goes now. `.wait` leaves the role as it was, so it can be asked again;
    /// before `.drop` the role has done its own bookkeeping. Throws for a message or a turn
    /// the type does not allow.
    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<Target>
    /// Queues `message` where ``destination(for:_:)`` said.
    mutating func write(_ message: consuming Message, to target: Target, _ core: inout SocketCore)
    /// Whether a send of `message` (`nil`: of some message) would not wait now. No effect on
    /// what is sent or received.
    mutating func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool

    /// Throws when the type's turn forbids receiving now (REQ, REP).
    func checkTurnToReceive() throws
    /// The next message by the type's incoming routing, or `nil` when none is waiting.
    mutating func take(_ core: inout SocketCore) -> Message?
    /// Whether ``take(_:)`` would find a message now (a SUB may report one its filter drops).
    func hasIncoming(_ core: SocketCore) -> Bool

    /// Starts using a connection (tracking it in `core` if it is of use).
    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore)
    /// The peer of `connection` has gone: stop sending to it, keep reading what it sent.
    /// `reclaimingUnread`: the peer has stopped reading, so what it left unread may be reclaimed.
    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore)
    /// Stops using a connection this socket is leaving.
    mutating func forget(_ attachment: Attachment, _ core: inout SocketCore)
    /// Subscribers wrote into their upstream pipes (publishers read them).
    mutating func readSubscriptions(_ core: inout SocketCore)
    /// A connect-before-bind connection has learnt the routing id of its peer (ROUTER).
    mutating func learnRoutingID(of connection: Connection, _ core: inout SocketCore)
    /// Sends to the connections that may take messages now (``Socket/immediate``: formed ones
    /// only), after the option changed or a connection formed.
    mutating func admitPeers(_ core: inout SocketCore)
    /// Takes back what a reader that stopped reading left unread in `pipe` (when
    /// ``Socket/redeliverUnread`` is on).
    mutating func reclaimUnread(from pipe: PipeWriter, _ core: inout SocketCore)
    /// Sends what was reclaimed to peers with room. `true` once nothing reclaimed is left.
    mutating func resendReclaimed(_ core: inout SocketCore) -> Bool
    /// The socket is closing: hand on or drop what is still reclaimed, and forget every peer.
    mutating func close(_ core: inout SocketCore)

    /// Messages waiting to be received.
    func queuedIn(_ core: SocketCore) -> Int
    /// Messages sent and not yet taken by live peers, plus those reclaimed and not yet resent.
    func queuedOut(_ core: SocketCore) -> Int
    /// The subscriptions in force (``Socket/subscriptions``); `record` reads a subscriber's own.
    func subscriptions(record: () -> [Frame: Int]) -> [Frame: Int]
}

/// A role's answer to "where does this message go?".
enum Destination<Target> {
    /// Write it to this target now.
    case ready(Target)
    /// The send succeeds and the message goes nowhere; `counted` in
    /// ``SocketStatistics/messagesDropped``.
    case drop(counted: Bool)
    /// Nowhere yet: wait, then ask again.
    case wait
}

extension SocketRole {
    func checkTurnToReceive() throws {}
    mutating func readSubscriptions(_ core: inout SocketCore) {}
    mutating func learnRoutingID(of connection: Connection, _ core: inout SocketCore) {}
    mutating func admitPeers(_ core: inout SocketCore) {}
    mutating func reclaimUnread(from pipe: PipeWriter, _ core: inout SocketCore) {}
    mutating func resendReclaimed(_ core: inout SocketCore) -> Bool { true }
    func queuedOut(_ core: SocketCore) -> Int { core.queuedOnPeers }
    func subscriptions(record: () -> [Frame: Int]) -> [Frame: Int] { [:] }
}

/// A role that never sends (PULL, SUB; XSUB's sends are upstream writes): the socket refuses
/// the send before asking the role (``SocketType/canSend``).
protocol SendsNothing: SocketRole where Target == Void {}

extension SendsNothing {
    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<Void> {
        throw RingMQError.operationNotSupported("this socket type cannot send")
    }
    mutating func write(_ message: consuming Message, to target: Void, _ core: inout SocketCore) {}
    mutating func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool { false }
}

/// A role that never receives (PUSH, PUB): the socket refuses the receive before asking the
/// role (``SocketType/canReceive``).
protocol ReceivesNothing: SocketRole {}

extension ReceivesNothing {
    mutating func take(_ core: inout SocketCore) -> Message? { nil }
    func hasIncoming(_ core: SocketCore) -> Bool { false }
    func queuedIn(_ core: SocketCore) -> Int { 0 }
}
