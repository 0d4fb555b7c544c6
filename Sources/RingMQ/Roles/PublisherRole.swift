/// PUB and XPUB: fan-out to the matching subscribers, dropping for a full one (libzmq's
/// `xpub_t` over `dist_t`; PUB is XPUB that receives nothing, as `pub_t` on `xpub_t`).
///
/// Subscribers send their subscriptions upstream; an XPUB passes them up to its user:
/// each new subscription (each one with ``Socket/xpubVerbose``), each unsubscription that
/// leaves a prefix without subscribers, and every other message an XSUB sent.
struct PublisherRole: SocketRole {
    var distributor = Distributor()
    /// XPUB: what was passed up, waiting for `receive`.
    var inbox = MessageQueue()
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
           !distributor.matchingHaveRoom(message, invertAll: core.options.invertMatching) {
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
        inbox.popFirst()
    }

    func hasIncoming(_ core: SocketCore) -> Bool {
        !inbox.isEmpty
    }

    mutating func readSubscriptions(_ core: inout SocketCore) {
        let passesUp = passesUp
        let verbose = core.options.xpubVerbose
        var arrived: [Message] = []
        distributor.readUpstream { message, effect in
            guard passesUp else { return }
            switch effect {
            case .subscribed(_, let isNew):
                if isNew || verbose { arrived.append(message) }
            case .unsubscribed(_, let wasLast):
                if wasLast { arrived.append(message) }
            case .ignored:
                break
            case .other:
                arrived.append(message)
            }
        }
        for message in arrived { inbox.append(message) }
    }

    /// Starts publishing to the subscriber on `attachment`, and reads the subscriptions it
    /// primed the connection with.
    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore) {
        guard !attachment.peerGone else { return }
        core.attachments.append(attachment)
        distributor.add(attachment.connection, writer: attachment.outbound, reader: attachment.inbound)
        readSubscriptions(&core)
    }

    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        dropSubscriber(connection, &core)
    }

    mutating func forget(_ attachment: Attachment, _ core: inout SocketCore) {
        dropSubscriber(attachment.connection, &core)
    }

    /// Stops publishing to the subscriber on `connection`; an XPUB passes up an unsubscription
    /// for each prefix no subscriber holds any more (as libzmq does).
    private mutating func dropSubscriber(_ connection: Connection, _ core: inout SocketCore) {
        core.untrack(connection)
        guard let emptied = distributor.remove(connection), passesUp else { return }
        for prefix in emptied {
            inbox.append(SubscriptionMessage.make(subscribe: false, prefix))
        }
    }

    mutating func close(_ core: inout SocketCore) {
        distributor.removeAll()
        inbox.removeAll()
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
