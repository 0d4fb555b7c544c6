import RingMQ

/// The model of publish-subscribe (Docs/Semantics.md, "PUB / SUB / XPUB / XSUB"):
///
/// - a subscription is a byte prefix of the first frame, counted at the subscriber ("" matches
///   everything); only the first subscribe and the last unsubscribe of a prefix travel up;
/// - no slow joiner: a subscription is in force at the publisher for every message published
///   after `subscribe` returned, whichever side bound first (the publisher reads what
///   subscribers sent up at its next call, before it publishes);
/// - subscription messages ignore the high-water mark; an XSUB's other messages go up only
///   where there is room;
/// - a PUB drops (and counts) a message for a matching subscriber whose queue is full; a SUB
///   drops queued messages that its subscriptions no longer match when it reads them.
///
/// Not modelled: XPUB (the order in which it passes up subscriptions from several
/// subscribers that changed since its last call is the order it keeps them in, which the
/// documentation leaves open), `invertMatching`, `conflate`.
extension ModelWorld {
    // MARK: - Publisher

    func publish(_ socket: ModelSocket, _ message: Message) throws -> Bool {
        let topic = message[0].bytes
        for index in socket.subscribers.indices where socket.subscribers[index].matches(topic) {
            guard let writer = socket.subscribers[index].writer else { continue }
            guard let room = writer.hasRoom() else { throw ModelAmbiguity(pipe: writer.id) }
            if room { writer.write(message) } else { socket.publishDropped += 1 }
        }
        return true
    }

    func adoptSubscriber(_ socket: ModelSocket, _ attachment: ModelAttachment) {
        guard !attachment.peerGone else { return }
        socket.attachments.append(attachment)
        socket.subscribers.append(
            ModelSubscriber(
                connection: attachment.connection, writer: attachment.outbound, reader: attachment.inbound))
        readSubscriptions(socket)
    }

    func dropSubscriber(_ socket: ModelSocket, _ connection: ModelConnection) {
        socket.attachments.removeAll { $0.connection === connection }
        socket.subscribers.removeAll { $0.connection === connection }
    }

    /// Applies what every subscriber sent up (a PUB ignores an XSUB's other messages).
    func readSubscriptions(_ socket: ModelSocket) {
        for index in socket.subscribers.indices {
            guard let reader = socket.subscribers[index].reader else { continue }
            while let message = reader.take() {
                guard let (subscribe, prefix) = Self.parseSubscription(message) else { continue }
                if subscribe {
                    socket.subscribers[index].prefixes.insert(prefix)
                } else {
                    socket.subscribers[index].prefixes.remove(prefix)
                }
            }
        }
    }

    // MARK: - Subscriber

    func subscribe(_ socket: ModelSocket, _ prefix: [UInt8], _ subscribe: Bool) throws {
        guard socket.type.isModelSubscriber else { throw ModelError(kind: .operationNotSupported) }
        try checkOpen(socket)
        try changeSubscription(socket, subscribe: subscribe, prefix)
    }

    private func changeSubscription(_ socket: ModelSocket, subscribe: Bool, _ prefix: [UInt8]) throws {
        try processCommands(socket)
        let count = socket.subscriptionCounts[prefix, default: 0]
        if subscribe {
            socket.subscriptionCounts[prefix] = count + 1
            guard count == 0 else { return }
        } else {
            guard count > 0 else { return }
            guard count == 1 else {
                socket.subscriptionCounts[prefix] = count - 1
                return
            }
            socket.subscriptionCounts[prefix] = nil
        }
        try sendUpstream(socket, Self.subscription(subscribe, prefix), isSubscription: true)
    }

    /// XSUB `send`: a subscription message subscribes or unsubscribes (counted, as on a SUB);
    /// anything else goes up to every publisher with room. Never waits.
    func sendFromXSUB(_ socket: ModelSocket, _ message: Message) throws -> Bool {
        if let (subscribe, prefix) = Self.parseSubscription(message) {
            try changeSubscription(socket, subscribe: subscribe, prefix)
        } else {
            try sendUpstream(socket, message, isSubscription: false)
        }
        return true
    }

    private func sendUpstream(_ socket: ModelSocket, _ message: Message, isSubscription: Bool) throws {
        for attachment in socket.attachments where !attachment.peerGone {
            guard let writer = attachment.outbound else { continue }
            if !isSubscription {
                guard let room = writer.hasRoom() else { throw ModelAmbiguity(pipe: writer.id) }
                guard room else { continue }
            }
            writer.write(message)
            attachment.peer?.post(.subscriptionsArrived)
        }
    }

    /// Writes the subscriber's subscriptions in force into a new connection, before either
    /// side uses it.
    func prime(_ connection: ModelConnection, from subscriber: ModelSocket) {
        guard let pipe = connection.upstream else { return }
        for prefix in subscriber.subscriptionCounts.keys { pipe.write(Self.subscription(true, prefix)) }
    }

    /// SUB and XSUB receive; a SUB skips what its subscriptions no longer match.
    func takeForSubscriber(_ socket: ModelSocket) -> Message? {
        while let (message, _) = socket.inbound.take() {
            if socket.type == .xsub { return message }
            let topic = message[0].bytes
            if socket.subscriptionCounts.keys.contains(where: { topic.starts(with: $0) }) { return message }
        }
        return nil
    }

    // MARK: - Wire form

    /// Byte 1 (subscribe) or 0 (unsubscribe), then the prefix: one frame.
    static func subscription(_ subscribe: Bool, _ prefix: [UInt8]) -> Message {
        Message(Frame([subscribe ? 1 : 0] + prefix))
    }

    static func parseSubscription(_ message: Message) -> (Bool, [UInt8])? {
        guard message.count == 1, let kind = message[0].bytes.first, kind <= 1 else { return nil }
        return (kind == 1, Array(message[0].bytes.dropFirst()))
    }
}
