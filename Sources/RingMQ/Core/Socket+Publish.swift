/// The publisher side of PUB/SUB (PUB and XPUB): fan-out with per-subscriber drop, and the
/// subscriptions subscribers send upstream.
extension Socket {
    /// Queues `message` to every matching subscriber that has room. Never waits, except on an
    /// XPUB with ``xpubNoDrop``, which waits (up to `timeout`) until every matching subscriber
    /// has room. `false` when that time ran out.
    func publish(_ message: consuming Message, timeout: Duration?) throws -> Bool {
        let invert = state.pointee.options.invertMatching
        if type == .xpub, state.pointee.options.xpubNoDrop,
           !state.pointee.distributor.matchingHaveRoom(message, invertAll: invert) {
            if timeout == .zero { return false }
            let ready = try waitFor(deadline: context.deadline(after: timeout), expectingReply: false) {
                state.pointee.distributor.matchingHaveRoom(message, invertAll: invert) ? true : nil
            }
            guard ready != nil else { return false }
        }
        state.pointee.distributor.publish(message, invertAll: invert)
        state.pointee.lastWasSend = true
        return true
    }

    /// Applies what subscribers sent upstream. An XPUB queues for `receive` each new
    /// subscription (each one with ``xpubVerbose``), each unsubscription that leaves a prefix
    /// without subscribers, and every other message an XSUB sent.
    func readSubscriptions() {
        let passesUp = type == .xpub
        let verbose = state.pointee.options.xpubVerbose
        var arrived: [Message] = []
        state.pointee.distributor.readUpstream { message, effect in
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
        for message in arrived { state.pointee.inbox.append(message) }
    }

    /// Starts publishing to the subscriber on `attachment`, and reads the subscriptions it
    /// primed the connection with.
    func adoptSubscriber(_ attachment: Attachment) {
        guard !attachment.peerGone else { return }
        state.pointee.attachments.append(attachment)
        _ = state.pointee.distributor.add(attachment.connection, writer: attachment.outbound,
                                          slot: attachment.connection.latest, reader: attachment.inbound)
        readSubscriptions()
    }

    /// Stops publishing to the subscriber on `connection`; an XPUB passes up an unsubscription
    /// for each prefix no subscriber holds any more (as libzmq does).
    func dropSubscriber(_ connection: Connection) {
        state.pointee.attachments.removeAll { $0.connection === connection }
        guard let emptied = state.pointee.distributor.remove(connection), type == .xpub else { return }
        for prefix in emptied {
            state.pointee.inbox.append(SubscriptionMessage.make(subscribe: false, prefix))
        }
    }
}

// MARK: - Inspection (internal until the statistics API lands)

extension Socket {
    /// PUB/XPUB: messages dropped for full subscriber queues over the socket's life.
    var droppedMessages: Int {
        enter(.option)
        defer { leave() }
        if port.mailbox.hasCommands { processCommands() }
        return state.pointee.distributor.droppedTotal
    }

    /// PUB/XPUB: the subscriptions in force, as (prefix, number of subscribers holding it).
    var publisherSubscriptions: [[UInt8]: Int] {
        enter(.option)
        defer { leave() }
        if port.mailbox.hasCommands { processCommands() }
        var counts: [[UInt8]: Int] = [:]
        for entry in state.pointee.distributor.subscriptions() { counts[entry.prefix, default: 0] += 1 }
        return counts
    }
}
