/// PUB and XPUB: fan-out to the matching subscribers, dropping for a full one (libzmq's
/// `xpub_t` over `dist_t`; PUB is XPUB that receives nothing, as `pub_t` on `xpub_t`).
///
/// Subscribers send their subscriptions upstream; an XPUB passes them up to its user:
/// each new subscription (each one with ``Socket/xpubVerbose``), each unsubscription that
/// leaves a prefix without subscribers (each one with ``Socket/xpubVerboser``), and every
/// other message an XSUB sent. With ``Socket/xpubManual`` it passes every subscription
/// message up and applies none: its user does, through ``Socket/subscribe(_:)``, for the
/// subscriber whose subscription message it received last.
struct PublisherRole: SocketRole {
    var distributor = Distributor()
    /// XPUB: what was passed up, waiting for `receive`.
    var inbox = PassedUpQueue()
    /// XPUB: the subscriber whose subscription message was received last (manual mode
    /// applies the user's subscriptions to it); `nil` once its departure was received.
    var lastSender: Connection?
    /// XPUB: passes subscriptions up.
    let passesUp: Bool

    init(passesUp: Bool) {
        self.passesUp = passesUp
    }

    /// Every matching subscriber with room, now; with ``Socket/xpubNoDrop`` (PUB or XPUB, as
    /// in libzmq) the send waits until all of them have room.
    @inline(__always)
    mutating func destination(for message: borrowing Message, _ core: inout SocketCore) throws -> Destination<Void> {
        if core.options.xpubNoDrop,
            !distributor.matchingHaveRoom(message, invertAll: core.options.invertMatching)
        {
            return .wait
        }
        return .ready(())
    }

    @inline(__always)
    mutating func write(_ message: consuming Message, to target: Void, _ core: inout SocketCore) {
        core.counters.dropped &+= distributor.publish(message, invertAll: core.options.invertMatching)
    }

    mutating func hasRoom(for message: Message?, _ core: inout SocketCore) -> Bool {
        guard core.options.xpubNoDrop, let message else { return true }
        return distributor.matchingHaveRoom(message, invertAll: core.options.invertMatching)
    }

    mutating func take(_ core: inout SocketCore) -> Message? {
        guard let item = inbox.popFirst() else { return nil }
        switch item.origin {
        case .subscription(let sender): lastSender = sender
        case .departure: lastSender = nil
        case .data: break
        }
        return item.message
    }

    func hasIncoming(_ core: SocketCore) -> Bool {
        !inbox.isEmpty
    }

    mutating func readSubscriptions(_ core: inout SocketCore) {
        guard passesUp else {
            // PUB: applies the subscriptions and drops anything else.
            return distributor.readUpstream(Distributor.Reading()) { _, _, _ in }
        }
        // As libzmq: xpubVerboser passes duplicate subscriptions and every unsubscription;
        // manual mode passes every subscription message, applied or not.
        let manual = core.options.xpubManual
        let verboseSubscribe = core.options.xpubVerbose || core.options.xpubVerboser
        let verboseUnsubscribe = core.options.xpubVerboser
        var arrived: [PassedUp] = []
        let reading = Distributor.Reading(manual: manual, batches: core.options.onlyFirstSubscribe)
        distributor.readUpstream(reading) { message, effect, sender in
            let origin: PassedUp.Origin? =
                switch effect {
                case .subscribed(_, let isNew): manual || isNew || verboseSubscribe ? .subscription(from: sender) : nil
                case .unsubscribed(_, let wasLast):
                    manual || wasLast || verboseUnsubscribe ? .subscription(from: sender) : nil
                case .ignored: manual ? .subscription(from: sender) : nil
                case .other: .data
                }
            if let origin { arrived.append(PassedUp(message: message, origin: origin)) }
        }
        for item in arrived { inbox.append(item) }
    }

    /// Manual mode: applies the user's `subscribe(_:)`/`unsubscribe(_:)` to the subscriber
    /// whose subscription message was received last; nothing if there is none or it has gone.
    mutating func changeSubscription(subscribe: Bool, _ prefix: Frame) {
        guard let lastSender else { return }
        distributor.change(subscribe: subscribe, prefix, for: lastSender)
    }

    /// Starts publishing to the subscriber on `attachment`, and reads the subscriptions it
    /// primed the connection with.
    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore) {
        guard !attachment.peerGone else { return }
        core.attachments.append(attachment)
        distributor.add(attachment.connection, writer: attachment.outbound, reader: attachment.inbound)
        if let welcome = core.options.xpubWelcomeMessage, let writer = attachment.outbound {
            // Whatever the high-water mark, as libzmq: the pipe is new. (A conflating pipe
            // keeps it until something newer replaces it.)
            writer.write(Message(welcome))
        }
        readSubscriptions(&core)
    }

    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        dropSubscriber(connection, &core)
    }

    mutating func forget(_ attachment: Attachment, _ core: inout SocketCore) {
        dropSubscriber(attachment.connection, &core)
    }

    /// Stops publishing to the subscriber on `connection`; an XPUB passes up an unsubscription
    /// for each prefix no subscriber holds any more, or, as libzmq does, for each prefix it
    /// held (``Socket/xpubVerboser``) or asked for (``Socket/xpubManual``).
    private mutating func dropSubscriber(_ connection: Connection, _ core: inout SocketCore) {
        core.untrack(connection)
        let report: Distributor.DepartureReport =
            core.options.xpubManual
            ? .requested
            : core.options.xpubVerboser ? .held : .emptied
        guard let unsubscribed = distributor.remove(connection, report: report), passesUp else { return }
        if lastSender === connection { lastSender = nil }
        for prefix in unsubscribed {
            inbox.append(PassedUp(message: SubscriptionMessage.make(subscribe: false, prefix), origin: .departure))
        }
    }

    mutating func close(_ core: inout SocketCore) {
        distributor.removeAll()
        inbox.removeAll()
        lastSender = nil
    }

    func queuedIn(_ core: SocketCore) -> Int {
        inbox.count
    }

    func subscriptions(record: () -> [Frame: Int]) -> [Frame: Int] {
        var counts: [Frame: Int] = [:]
        for entry in distributor.subscriptions() { counts[Frame(entry.prefix), default: 0] += 1 }
        return counts
    }
}
