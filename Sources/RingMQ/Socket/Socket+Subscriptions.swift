import Synchronization

/// The subscriber side of PUB/SUB (SUB and XSUB): counted subscriptions sent upstream, and
/// what a SUB lets through.
///
/// A subscription change is written into the pipe to every publisher and the publisher is
/// told through its mailbox before `subscribe` returns, and a publisher applies pending
/// changes before each send. So a message published after `subscribe(_:)` returned (in
/// happens-before order) is filtered with the subscription: there is no slow joiner.
extension Socket {
    /// Subscribes to messages whose first frame starts with `prefix` (`""`: everything).
    ///
    /// Subscriptions are counted: subscribing twice and unsubscribing once leaves the
    /// subscription in force. They reach publishers connected now and later. A message
    /// published after this call returns is filtered with the subscription.
    ///
    /// - Throws: ``RingMQError/operationNotSupported(_:)`` on types other than SUB and XSUB;
    ///   ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    public func subscribe(_ prefix: Frame) throws {
        enter(.option)
        defer { leave() }
        try checkSubscriber("subscribe(_:)")
        changeSubscription(subscribe: true, prefix)
    }

    /// Removes one subscription to `prefix` made by ``subscribe(_:)``; the prefix stops
    /// matching when its count reaches zero. Unsubscribing from a prefix never subscribed does
    /// nothing. A SUB also stops delivering messages already queued that no longer match.
    ///
    /// - Throws: ``RingMQError/operationNotSupported(_:)`` on types other than SUB and XSUB;
    ///   ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    public func unsubscribe(_ prefix: Frame) throws {
        enter(.option)
        defer { leave() }
        try checkSubscriber("unsubscribe(_:)")
        changeSubscription(subscribe: false, prefix)
    }

    private func checkSubscriber(_ call: String) throws {
        guard type.isSubscriber else {
            let hint = type.isPublisher
                ? "; subscribe on the SUB or XSUB sockets connected to this \(type)"
                : ""
            throw RingMQError.operationNotSupported("\(call) applies to SUB and XSUB sockets, not \(type)\(hint)")
        }
        try checkUsable()
    }

    /// Counts the change and passes it upstream: every subscribe (an XPUB with `xpubVerbose`
    /// sees duplicates), an unsubscribe only when the prefix's count reaches zero.
    func changeSubscription(subscribe: Bool, _ prefix: Frame) {
        port.subscriptions.withLock { record in
            // Connections posted to us so far were primed with the record as it was before
            // this change; adopt them so that the change reaches them too.
            if port.mailbox.hasCommands { processCommands() }
            let count = record.counts[prefix, default: 0]
            if subscribe {
                record.counts[prefix] = count + 1
                if count == 0 { prefix.withUnsafeBytes { _ = state.pointee.localFilter.insert($0, member: 0) } }
            } else {
                guard count > 0 else { return }
                guard count == 1 else {
                    record.counts[prefix] = count - 1
                    return
                }
                record.counts[prefix] = nil
                prefix.withUnsafeBytes { _ = state.pointee.localFilter.remove($0, member: 0) }
            }
            sendUpstream(SubscriptionMessage.make(subscribe: subscribe, prefix), isSubscription: true)
        }
    }

    /// XSUB send: a subscription message changes the subscriptions; anything else goes to
    /// every publisher with room (and is dropped for the others). Never waits.
    func sendFromXSUB(_ message: consuming Message) {
        if let (subscribe, prefix) = SubscriptionMessage.parse(message) {
            changeSubscription(subscribe: subscribe, prefix)
        } else {
            sendUpstream(message, isSubscription: false)
        }
    }

    /// Writes `message` into the pipe to every publisher and tells each to read it.
    /// Subscription changes are written whatever the high-water mark (losing one would
    /// leave a publisher filtering wrongly for good); other messages only where there is room.
    private func sendUpstream(_ message: Message, isSubscription: Bool) {
        for attachment in state.pointee.attachments where !attachment.peerGone {
            guard let writer = attachment.outbound else { continue }
            guard isSubscription || writer.hasRoom() else { continue }
            writer.write(message)
            publisher(of: attachment)?.post(.subscriptionsArrived)
        }
    }

    /// The publisher at the other end of `attachment` (`nil` while it waits for its bind; the
    /// bind reads what was written meanwhile).
    private func publisher(of attachment: Attachment) -> SocketPort? {
        attachment.asBinder ? attachment.connection.connecter : attachment.connection.binder
    }

    /// SUB: makes ``invertMatching`` known to the publishers, now and for later connections.
    func propagateInversion(_ inverted: Bool) {
        port.subscriptions.withLock { record in
            if port.mailbox.hasCommands { processCommands() }
            record.inverted = inverted
            for attachment in state.pointee.attachments where !attachment.peerGone {
                attachment.connection.subscriberInverts.store(inverted, ordering: .releasing)
                publisher(of: attachment)?.post(.subscriptionsArrived)
            }
        }
    }

    /// Writes this subscriber's subscriptions into `connection` before it is used (see
    /// ``Connection/prime(with:)``).
    func primeSubscriptions(of connection: Connection) {
        port.subscriptions.withLock { connection.prime(with: $0) }
    }

    // MARK: - Receiving

    /// SUB and XSUB receive: from conflation slots, then the fair queue. A SUB drops what its
    /// subscriptions no longer match (messages queued before an unsubscription); with
    /// ``conflate`` it returns only the newest message waiting.
    @inline(__always)
    func takeForSubscriber() -> Message? {
        let filters = type == .sub
        if state.pointee.options.conflate { return takeNewest(filtering: filters) }
        if !state.pointee.latestSlots.isEmpty, let message = takeFromSlots(filtering: filters) {
            return message
        }
        while let message = state.pointee.inbound.read() {
            if !filters || passesFilter(message) { return message }
        }
        return nil
    }

    private func takeNewest(filtering: Bool) -> Message? {
        var newest: Message?
        while let message = state.pointee.inbound.read() {
            if !filtering || passesFilter(message) { newest = message }
        }
        return takeFromSlots(filtering: filtering) ?? newest
    }

    private func takeFromSlots(filtering: Bool) -> Message? {
        var found: Message?
        var index = 0
        while index < state.pointee.latestSlots.count {
            let entry = state.pointee.latestSlots[index]
            if let message = entry.slot.take(), !filtering || passesFilter(message) {
                found = message
            }
            if entry.peerGone && !entry.slot.hasMessage {
                state.pointee.latestSlots.remove(at: index)
            } else {
                index += 1
            }
            if found != nil { break }
        }
        return found
    }

    /// Whether a SUB's subscriptions (with ``invertMatching``) let `message` through.
    @inline(__always)
    private func passesFilter(_ message: Message) -> Bool {
        let invert = state.pointee.options.invertMatching
        if !invert && state.pointee.localFilter.holdsEverything(0) { return true }
        let matches = message[0].withUnsafeBytes { state.pointee.localFilter.matchesAny($0) }
        return matches != invert
    }

    /// Whether anything is waiting in a subscriber's slots.
    var slotsHaveMessage: Bool {
        state.pointee.latestSlots.contains { $0.slot.hasMessage }
    }
}
