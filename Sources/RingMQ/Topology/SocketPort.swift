import Synchronization

/// The part of a socket that other threads may touch: its identity and type, the signal that
/// wakes it, its mailbox, and the options its peers need when they connect.
///
/// A port never references its socket, so peers and the context can hold it without keeping
/// the socket alive.
final class SocketPort: Sendable {
    let type: SocketType
    let signal = Signal()
    let mailbox = Mailbox()
    private let peerOptions: Locked<PeerOptions>
    /// SUB/XSUB: the subscriptions in force, readable by a publisher forming a connection
    /// (see ``Socket/primeSubscriptions(of:)``). Written only by the socket's own thread.
    let subscriptions = Locked(SubscriptionRecord())
    /// Streams of ``Socket/events``.
    let events = EventFeed()
    /// Held by a visitor for its whole visit: one visit at a time (``Socket/visit(_:_:answered:)``).
    /// Counts the visits: a lock over a value of no size made the thread sanitizer report its
    /// exclusivity check against the object's header as a race.
    let visits = Locked(0)
    /// Statistics the socket's thread computed for a visitor while it was inside a call.
    let visitAnswer = Locked<SocketStatistics?>(nil)
    /// Notified when a visit ends or the socket's thread answers one.
    let visitDone = Signal()

    init(type: SocketType, options: PeerOptions) {
        self.type = type
        self.peerOptions = Locked(options)
    }

    /// The options a peer connecting now should use.
    var currentPeerOptions: PeerOptions {
        get { peerOptions.withLock { $0 } }
        set { peerOptions.withLock { $0 = newValue } }
    }

    /// Posts `command` and wakes the socket if it is waiting.
    @discardableResult
    func post(_ command: Command) -> Bool {
        let posted = mailbox.post(command)
        if posted { signal.notify() }
        return posted
    }
}

/// The options of a socket that shape the pipes of a new connection.
struct PeerOptions: Sendable {
    var sendHighWaterMark: Int
    var receiveHighWaterMark: Int
    /// The pipes of a new connection that carry messages hold only the newest, both ways
    /// (``ConnectionShape``).
    var conflate = false
    /// The id a ROUTER peer knows this socket by (``Socket/routingID``).
    var routingID: Frame?
    /// ROUTER: a new peer with a routing id in use takes it over (``Socket/routerHandover``).
    var routerHandover = false
    /// ROUTER, DEALER, REQ: an empty message goes first to each ROUTER peer
    /// (``Socket/probeRouter``).
    var probeRouter = false
}

/// A subscriber's counted subscriptions, and whether it inverts matching.
struct SubscriptionRecord: Sendable {
    var counts: [Frame: Int] = [:]
    var inverted = false
}

extension PeerOptions {
    /// ZeroMQ's inproc rule: a pipe holds the writer's send HWM plus the reader's receive HWM;
    /// 0 on either side means no limit. `nil` for a side not known yet (connect before bind).
    static func pipeLimit(writerSend: Int?, readerReceive: Int?) -> UInt64 {
        if writerSend == 0 || readerReceive == 0 { return Pipe.unbounded }
        let (sum, overflow) = (writerSend ?? 0).addingReportingOverflow(readerReceive ?? 0)
        return overflow ? Pipe.unbounded : UInt64(sum)
    }
}
