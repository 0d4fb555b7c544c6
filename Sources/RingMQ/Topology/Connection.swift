import Synchronization

/// A connection between a connecting socket and a binding socket: up to two one-way pipes.
///
/// A pipe exists for a direction only when the writing side writes to peers (a PUSH → PULL
/// connection has one pipe; SUB → PUB carries subscriptions). Until the bind happens (connect
/// before bind) the binder is `nil`; the connecter may already write.
///
/// `@unchecked Sendable`: `connecterClosed`, `lingerDeadline`, the routing ids and the probe
/// flags change only under the context's registry lock (the ids and flags before the
/// connection is handed to the end that reads them);
/// `binder` is behind a lock of its own (a subscriber reads it to tell its publisher about new
/// subscriptions); everything else is immutable or atomic.
final class Connection: @unchecked Sendable {
    let endpoint: EndpointName
    let connecter: SocketPort
    let connecterOptions: PeerOptions
    /// connecter → binder
    let toBinder: Pipe?
    /// binder → connecter
    let toConnecter: Pipe?
    /// The bound socket, once the connection has formed.
    var binder: SocketPort? { binderPort.withLock { $0 } }
    private let binderPort: Locked<SocketPort?>
    /// Set when the connecter closed before any bind; the pipe then only carries what it
    /// had already sent (kept while its linger lasts).
    var connecterClosed = false
    var lingerDeadline: Deadline?
    /// The id a ROUTER binder knows the connecter by.
    var connecterRoutingID: Frame?
    /// The id a ROUTER connecter knows the binder by.
    var binderRoutingID: Frame?
    /// The connecter wrote a probe (``Socket/probeRouter``) as the first message to the binder:
    /// at `connect` to a ROUTER, or to a name not bound yet, whose binder's type was unknown.
    var connecterProbed = false
    /// The binder wrote a probe as the first message to its ROUTER connecter.
    var binderProbed = false
    /// A ROUTER with ``Socket/routerHandover`` gave this connection's routing id to a new
    /// peer: the ROUTER must no longer route to it, even if it learns the id only later.
    private let handedOver = Atomic<Bool>(false)
    /// Whether the subscriber side sets ``Socket/invertMatching``; publishers re-read it when
    /// told that subscriptions changed.
    let subscriberInverts = Atomic<Bool>(false)
    /// Set by whichever end reports the connection's end first, so each end gets one
    /// ``SocketEvent/peerDetached(endpoint:)``.
    let detachReported = Atomic<Bool>(false)

    init(
        endpoint: EndpointName, connecter: SocketPort, options: PeerOptions, binder: SocketPort?,
        binderOptions: PeerOptions?
    ) {
        self.endpoint = endpoint
        self.connecter = connecter
        self.connecterOptions = options
        self.binderPort = Locked(binder)
        let shape = ConnectionShape(
            connecter: connecter.type, conflates: options.conflate,
            binder: binder?.type, binderConflates: binderOptions?.conflate ?? false)
        toBinder =
            shape.pipeToBinder
            ? Pipe(
                limit: PeerOptions.pipeLimit(
                    writerSend: options.sendHighWaterMark,
                    readerReceive: binderOptions?.receiveHighWaterMark),
                conflating: shape.conflatesToBinder)
            : nil
        toConnecter =
            shape.pipeToConnecter
            ? Pipe(
                limit: PeerOptions.pipeLimit(
                    writerSend: binderOptions?.sendHighWaterMark,
                    readerReceive: options.receiveHighWaterMark),
                conflating: shape.conflatesToConnecter)
            : nil
        toBinder?.attachWriter(connecter.signal)
        toConnecter?.attachReader(connecter.signal)
        if let binder { wireBinder(binder) }
    }

    /// Connects the binder's side of the pipes: its signal, and the final limits. (A binder that
    /// conflates makes its ends conflate as it adopts them: ``Attachment/startConflating()``.)
    func form(with binder: SocketPort, options: PeerOptions) {
        binderPort.withLock { $0 = binder }
        toBinder?.setLimit(
            PeerOptions.pipeLimit(
                writerSend: connecterOptions.sendHighWaterMark,
                readerReceive: options.receiveHighWaterMark))
        toConnecter?.setLimit(
            PeerOptions.pipeLimit(
                writerSend: options.sendHighWaterMark,
                readerReceive: connecterOptions.receiveHighWaterMark))
        wireBinder(binder)
    }

    private func wireBinder(_ binder: SocketPort) {
        toBinder?.attachReader(binder.signal)
        toConnecter?.attachWriter(binder.signal)
    }

    /// The pipe carrying subscriptions from the subscriber side to the publisher side, if this
    /// connects the two.
    var upstream: Pipe? {
        switch ConnectionShape.subscriptions(from: connecter.type) {
        case .toBinder: toBinder
        case .toConnecter: toConnecter
        case nil: nil
        }
    }

    /// Writes the subscriber's subscriptions in force into the upstream pipe, before the
    /// subscriber uses the connection, so the publisher filters with them from its first
    /// message on. The caller holds the subscriber's ``SocketPort/subscriptions`` lock and
    /// hands the connection to the subscriber only after this.
    func prime(with record: SubscriptionRecord) {
        subscriberInverts.store(record.inverted, ordering: .releasing)
        guard let writer = upstream?.writer else { return }
        // In prefix order, not the dictionary's (per process): an XPUB sees them in the same
        // order every run, which a controlled run's replay needs.
        let prefixes = record.counts.filter { $0.value > 0 }.keys.sorted {
            $0.bytes.lexicographicallyPrecedes($1.bytes)
        }
        for prefix in prefixes {
            writer.write(SubscriptionMessage.make(subscribe: true, prefix))
        }
    }

    /// Whether a ROUTER gave this connection's routing id to a new peer.
    var isHandedOver: Bool { handedOver.load(ordering: .acquiring) }

    /// Records that a ROUTER gave this connection's routing id to a new peer; under the
    /// registry lock.
    func markHandedOver() {
        handedOver.store(true, ordering: .releasing)
    }

    /// Emits ``SocketEvent/peerDetached(endpoint:)`` to both ends, unless done already.
    func reportDetached() {
        guard let binder, !detachReported.exchange(true, ordering: .relaxed) else { return }
        connecter.events.emit(.peerDetached(endpoint: endpoint.description))
        binder.events.emit(.peerDetached(endpoint: endpoint.description))
    }

    /// The connection as the connecting socket uses it.
    var connecterSide: Attachment {
        Attachment(
            connection: self, outbound: toBinder?.writer, inbound: toConnecter?.reader, side: .connecter,
            routingID: binderRoutingID)
    }

    /// The connection as the bound socket uses it.
    var binderSide: Attachment {
        Attachment(
            connection: self, outbound: toConnecter?.writer, inbound: toBinder?.reader, side: .binder,
            routingID: connecterRoutingID)
    }
}
