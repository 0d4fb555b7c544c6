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
    /// On an XPUB with ``xpubManual``: subscribes the subscriber whose subscription message
    /// this XPUB received last (a set, not counted, as libzmq's); nothing if there is none or
    /// it has gone.
    ///
    /// - Throws: ``RingMQError/operationNotSupported(_:)`` on types other than SUB, XSUB and
    ///   a manual XPUB; ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    public func subscribe(_ prefix: Frame) throws {
        try withExclusiveUse(.subscribe) {
            if let publisher = try manualPublisherRole("subscribe(_:)") {
                return publisher.pointee.changeSubscription(subscribe: true, prefix)
            }
            changeSubscription(subscribe: true, prefix, of: try subscriberRole("subscribe(_:)"))
        }
    }

    /// Removes one subscription to `prefix` made by ``subscribe(_:)-(Frame)``; the prefix stops
    /// matching when its count reaches zero. Unsubscribing from a prefix never subscribed does
    /// nothing. A SUB also stops delivering messages already queued that no longer match.
    ///
    /// On an XPUB with ``xpubManual``: unsubscribes the subscriber whose subscription message
    /// this XPUB received last from `prefix`; nothing if there is none or it has gone.
    ///
    /// - Throws: ``RingMQError/operationNotSupported(_:)`` on types other than SUB, XSUB and
    ///   a manual XPUB; ``RingMQError/socketClosed``; ``RingMQError/terminated``.
    public func unsubscribe(_ prefix: Frame) throws {
        try withExclusiveUse(.unsubscribe) {
            if let publisher = try manualPublisherRole("unsubscribe(_:)") {
                return publisher.pointee.changeSubscription(subscribe: false, prefix)
            }
            changeSubscription(subscribe: false, prefix, of: try subscriberRole("unsubscribe(_:)"))
        }
    }

    /// ``subscribe(_:)-(Frame)`` with the UTF-8 bytes of `topic`, for a `String` or
    /// `Substring` held in a variable: `try sub.subscribe(topic)`. A literal means the same
    /// either way (`try sub.subscribe("EUR")`).
    ///
    /// - Throws: as ``subscribe(_:)-(Frame)``.
    public func subscribe(_ topic: some StringProtocol) throws {
        try subscribe(Frame(topic))
    }

    /// ``unsubscribe(_:)-(Frame)`` with the UTF-8 bytes of `topic`, for a `String` or
    /// `Substring` held in a variable.
    ///
    /// - Throws: as ``unsubscribe(_:)-(Frame)``.
    public func unsubscribe(_ topic: some StringProtocol) throws {
        try unsubscribe(Frame(topic))
    }

    private func subscriberRole(_ call: String) throws -> UnsafeMutablePointer<SubscriberRole> {
        guard let subscriber = role.subscriber else { throw subscribeNotSupported(call) }
        try checkUsable()
        return subscriber
    }

    /// An XPUB with ``xpubManual``, caught up with its peers' commands (so a subscriber that
    /// has left is known to be gone); `nil` for SUB and XSUB. Throws for the other types, and
    /// for a PUB or an XPUB without it.
    private func manualPublisherRole(_ call: String) throws -> UnsafeMutablePointer<PublisherRole>? {
        guard case .publisher(let publisher) = role else { return nil }
        guard core.pointee.options.xpubManual else { throw subscribeNotSupported(call) }
        try checkUsable()
        if port.mailbox.hasCommands { applyPendingCommands() }
        return publisher
    }

    private func subscribeNotSupported(_ call: String) -> RingMQError {
        let manual = type == .xpub ? " (or to an XPUB with xpubManual)" : ""
        return .operationNotSupported(
            "\(call) applies to SUB and XSUB sockets\(manual), not \(type)\(type.subscribeHint)")
    }

    /// Counts the change and passes it upstream: every subscribe (an XPUB with `xpubVerbose`
    /// sees duplicates), an unsubscribe only when the prefix's count reaches zero.
    private func changeSubscription(
        subscribe: Bool, _ prefix: Frame, of subscriber: UnsafeMutablePointer<SubscriberRole>
    ) {
        port.subscriptions.withLock { record in
            // Connections posted to us so far were primed with the record as it was before
            // this change; adopt them so that the change reaches them too.
            if port.mailbox.hasCommands { applyPendingCommands() }
            let count = record.counts[prefix, default: 0]
            if subscribe {
                record.counts[prefix] = count + 1
                if count == 0 { subscriber.pointee.filter(prefix, subscribed: true) }
            } else {
                guard count > 0 else { return }
                guard count == 1 else {
                    record.counts[prefix] = count - 1
                    return
                }
                record.counts[prefix] = nil
                subscriber.pointee.filter(prefix, subscribed: false)
            }
            subscriber.pointee.sendUpstream(
                SubscriptionMessage.make(subscribe: subscribe, prefix),
                isSubscription: true, core.pointee)
        }
    }

    /// XSUB send: a subscription message changes the subscriptions (with
    /// ``onlyFirstSubscribe``, so does each subscription frame of a multipart message that
    /// starts with one); anything else goes to every publisher with room (and is dropped for
    /// the others). Never waits.
    func sendUpstream(_ message: consuming Message, through subscriber: UnsafeMutablePointer<SubscriberRole>) -> Bool {
        if let (subscribe, prefix) = SubscriptionMessage.parse(message) {
            changeSubscription(subscribe: subscribe, prefix, of: subscriber)
        } else if core.pointee.options.onlyFirstSubscribe, let (changes, data) = SubscriptionMessage.batch(message) {
            for (subscribe, prefix) in changes {
                changeSubscription(subscribe: subscribe, prefix, of: subscriber)
            }
            if let data { subscriber.pointee.sendUpstream(data, isSubscription: false, core.pointee) }
        } else {
            subscriber.pointee.sendUpstream(message, isSubscription: false, core.pointee)
        }
        core.pointee.counters.sent &+= 1
        return true
    }

    /// SUB: makes ``invertMatching`` known to the publishers, now and for later connections.
    func propagateInversion(_ inverted: Bool) {
        port.subscriptions.withLock { record in
            if port.mailbox.hasCommands { applyPendingCommands() }
            record.inverted = inverted
            for attachment in core.pointee.attachments where !attachment.peerGone {
                attachment.connection.subscriberInverts.store(inverted, ordering: .releasing)
                attachment.peer?.post(.subscriptionsArrived)
            }
        }
    }

    /// Writes this subscriber's subscriptions into `connection` before it is used (see
    /// ``Connection/prime(with:)``).
    func primeSubscriptions(of connection: Connection) {
        port.subscriptions.withLock { connection.prime(with: $0) }
    }
}
