/// SUB and XSUB: fair-queued from the publishers, with counted subscriptions sent upstream
/// (libzmq's `xsub_t`; SUB is XSUB that filters and cannot send, as `sub_t` on `xsub_t`).
///
/// A SUB filters again on receipt, to drop what was queued before an unsubscription; with
/// ``Socket/conflate`` its pipes from the publishers hold only their newest message (see
/// ``ConnectionShape``), and its pipes to them, which carry subscriptions, do not conflate. The
/// subscription API
/// itself (``Socket/subscribe(_:)``, an XSUB's subscription messages) is in
/// `Socket+Subscriptions.swift`: it takes the socket's subscription lock.
struct SubscriberRole: FairReceiving, SendsNothing {
    var inbound = FairQueue()
    /// The subscriptions in force, to drop messages queued before an unsubscription
    /// (member 0 holds every prefix subscribed).
    var localFilter = SubscriptionTrie()
    /// SUB: filters on receipt (an XSUB passes everything on).
    let filters: Bool

    init(filters: Bool) {
        self.filters = filters
    }

    /// The next message in turn that the subscriptions let through.
    @inline(__always)
    mutating func take(_ core: inout SocketCore) -> Message? {
        let invert = core.options.invertMatching
        while let message = inbound.read() {
            if passes(message, invert: invert) { return message }
        }
        if !inbound.released.isEmpty { releaseDrained(&core) }
        return nil
    }

    /// Whether a SUB's subscriptions (with ``Socket/invertMatching``) let `message` through.
    @inline(__always)
    private func passes(_ message: Message, invert: Bool) -> Bool {
        guard filters else { return true }
        if !invert && localFilter.holdsEverything(0) { return true }
        let matches = message[0].withUnsafeBytes { localFilter.matchesAny($0) }
        return matches != invert
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
}
