/// SUB and XSUB: fair-queued from the publishers, with counted subscriptions sent upstream
/// (libzmq's `xsub_t`; SUB is XSUB that filters and cannot send, as `sub_t` on `xsub_t`).
///
/// A SUB filters again on receipt, to drop what was queued before an unsubscription; with
/// ``Socket/conflate`` it receives only the newest message waiting. The subscription API
/// itself (``Socket/subscribe(_:)``, an XSUB's subscription messages) is in
/// `Socket+Subscriptions.swift`: it takes the socket's subscription lock.
struct SubscriberRole: FairReceiving, SendsNothing {
    var inbound = FairQueue()
    /// The subscriptions in force, to drop messages queued before an unsubscription
    /// (member 0 holds every prefix subscribed).
    var localFilter = SubscriptionTrie()
    /// With conflate: the slots the publishers put their newest message in.
    var latestSlots: [LatestSlotEntry] = []
    /// SUB: filters on receipt (an XSUB passes everything on).
    let filters: Bool

    init(filters: Bool) {
        self.filters = filters
    }

    /// From conflation slots, then the fair queue.
    @inline(__always)
    mutating func take(_ core: inout SocketCore) -> Message? {
        let invert = core.options.invertMatching
        if let message = core.options.conflate ? takeNewest(invert: invert) : takeNext(invert: invert) {
            return message
        }
        if !inbound.released.isEmpty { releaseDrained(&core) }
        return nil
    }

    @inline(__always)
    private mutating func takeNext(invert: Bool) -> Message? {
        if !latestSlots.isEmpty, let message = takeFromSlots(invert: invert) { return message }
        while let message = inbound.read() {
            if passes(message, invert: invert) { return message }
        }
        return nil
    }

    private mutating func takeNewest(invert: Bool) -> Message? {
        var newest: Message?
        while let message = inbound.read() {
            if passes(message, invert: invert) { newest = message }
        }
        return takeFromSlots(invert: invert) ?? newest
    }

    private mutating func takeFromSlots(invert: Bool) -> Message? {
        var found: Message?
        var index = 0
        while index < latestSlots.count {
            let entry = latestSlots[index]
            if let message = entry.slot.take(), passes(message, invert: invert) {
                found = message
            }
            if entry.peerGone && !entry.slot.hasMessage {
                latestSlots.remove(at: index)
            } else {
                index += 1
            }
            if found != nil { break }
        }
        return found
    }

    /// Whether a SUB's subscriptions (with ``Socket/invertMatching``) let `message` through.
    @inline(__always)
    private func passes(_ message: Message, invert: Bool) -> Bool {
        guard filters else { return true }
        if !invert && localFilter.holdsEverything(0) { return true }
        let matches = message[0].withUnsafeBytes { localFilter.matchesAny($0) }
        return matches != invert
    }

    func hasIncoming(_ core: SocketCore) -> Bool {
        inbound.hasMessage() || latestSlots.contains { $0.slot.hasMessage }
    }

    func queuedIn(_ core: SocketCore) -> Int {
        inbound.queuedCount + latestSlots.filter { $0.slot.hasMessage }.count
    }

    /// A subscriber's outbound pipes carry subscriptions, not messages it sent.
    func queuedOut(_ core: SocketCore) -> Int { 0 }

    func subscriptions(record: () -> [Frame: Int]) -> [Frame: Int] { record() }

    // MARK: - Subscriptions

    /// Records a prefix subscribed (`true`) or no longer subscribed in the filter.
    mutating func filter(_ prefix: Frame, subscribed: Bool) {
        prefix.withUnsafeBytes { bytes in
            if subscribed {
                _ = localFilter.insert(bytes, member: 0)
            } else {
                _ = localFilter.remove(bytes, member: 0)
            }
        }
    }

    /// Writes `message` into the pipe to every publisher and tells each to read it.
    /// Subscription changes are written whatever the high-water mark (losing one would leave a
    /// publisher filtering wrongly for good); other messages only where there is room.
    func sendUpstream(_ message: Message, isSubscription: Bool, _ core: SocketCore) {
        for attachment in core.attachments where !attachment.peerGone {
            guard let writer = attachment.outbound else { continue }
            guard isSubscription || writer.hasRoom() else { continue }
            writer.write(message)
            attachment.peer?.post(.subscriptionsArrived)
        }
    }

    // MARK: - Connections

    mutating func attach(_ attachment: Attachment, _ core: inout SocketCore) {
        if let slot = attachment.connection.latest {
            latestSlots.append(LatestSlotEntry(slot: slot, connection: attachment.connection, peerGone: attachment.peerGone))
        }
        guard core.track(attachment) else { return }
        inbound.attach(attachment)
    }

    mutating func peerLeft(_ connection: Connection, reclaimingUnread: Bool, _ core: inout SocketCore) {
        for index in latestSlots.indices where latestSlots[index].connection === connection {
            latestSlots[index].peerGone = true
        }
        guard let attachment = core.markPeerGone(connection) else { return }
        inbound.peerLeft(attachment)
    }

    mutating func forget(_ attachment: Attachment, _ core: inout SocketCore) {
        latestSlots.removeAll { $0.connection === attachment.connection }
        inbound.forget(attachment)
        core.untrack(attachment.connection)
    }

    mutating func close(_ core: inout SocketCore) {
        inbound.removeAll()
        latestSlots = []
    }
}

/// A conflating SUB's slot from one publisher; dropped once the publisher has gone and the
/// slot is empty.
struct LatestSlotEntry {
    let slot: LatestSlot
    let connection: Connection
    var peerGone = false
}
