import RingMQ

/// What the model predicts ``Socket/statistics`` reads: every count exactly, and
/// ``SocketStatistics/queuedOut`` as a range (exact once the readers have drained their
/// queues or not started on them; see ``ModelPipe``).
struct ModelStatistics: CustomStringConvertible {
    var exact: SocketStatistics
    var queuedOut: ClosedRange<Int>

    func admits(_ actual: SocketStatistics) -> Bool {
        var comparable = actual
        comparable.queuedOut = exact.queuedOut
        return comparable == exact && queuedOut.contains(actual.queuedOut)
    }

    var description: String {
        let s = exact
        let out = queuedOut.count == 1 ? "\(queuedOut.lowerBound)" : "\(queuedOut.lowerBound)...\(queuedOut.upperBound)"
        return "sent \(s.messagesSent) received \(s.messagesReceived) dropped \(s.messagesDropped) "
            + "redelivered \(s.messagesRedelivered) in \(s.queuedIn) out \(out) peers \(s.peers)"
    }
}

extension SocketStatistics {
    var modelDescription: String {
        "sent \(messagesSent) received \(messagesReceived) dropped \(messagesDropped) "
            + "redelivered \(messagesRedelivered) in \(queuedIn) out \(queuedOut) peers \(peers)"
    }
}

/// Options, statistics and subscriptions in the model.
extension ModelWorld {
    // MARK: - Options

    /// The options the test sets through `setOption(_:)`.
    enum Option: CustomStringConvertible {
        case sendHighWaterMark(Int)
        case receiveHighWaterMark(Int)
        case redeliverUnread(Bool)
        case lingerZero(Bool)

        var socketOption: SocketOption {
            switch self {
            case .sendHighWaterMark(let value): .sendHighWaterMark(value)
            case .receiveHighWaterMark(let value): .receiveHighWaterMark(value)
            case .redeliverUnread(let on): .redeliverUnread(on)
            case .lingerZero(let zero): .linger(zero ? .zero : nil)
            }
        }

        var description: String {
            switch self {
            case .sendHighWaterMark(let value): "sendHWM=\(value)"
            case .receiveHighWaterMark(let value): "receiveHWM=\(value)"
            case .redeliverUnread(let on): "redeliverUnread=\(on)"
            case .lingerZero(let zero): zero ? "linger=.zero" : "linger=nil"
            }
        }
    }

    /// HWMs apply to connections made later; `redeliverUnread` only to PUSH, DEALER, REQ.
    func setOption(_ socket: ModelSocket, _ option: Option) throws {
        try checkOpen(socket)
        switch option {
        case .sendHighWaterMark(let value), .receiveHighWaterMark(let value):
            guard value >= 0 else { throw ModelError(kind: .invalidOption) }
        case .redeliverUnread(let on):
            guard !on || [.push, .dealer, .req].contains(socket.type) else { throw ModelError(kind: .invalidOption) }
        case .lingerZero:
            break
        }
        try catchUp(socket)  // a valid option is a call like any other
        switch option {
        case .sendHighWaterMark(let value): socket.options.sendHighWaterMark = value
        case .receiveHighWaterMark(let value): socket.options.receiveHighWaterMark = value
        case .redeliverUnread(let on): socket.options.redeliverUnread = on
        case .lingerZero(let zero): socket.options.lingerZero = zero
        }
    }

    /// What every call does first: apply peers' changes, or else resend what was taken back
    /// if room has appeared.
    func catchUp(_ socket: ModelSocket) throws {
        if !socket.mailbox.isEmpty {
            try processCommands(socket)
        } else if !socket.returned.isEmpty {
            _ = try resendReturned(socket)
        }
    }

    // MARK: - Statistics

    /// Reading statistics applies peers' changes first (and resends what was taken back if
    /// room has appeared). A closed socket reports what it did, with empty queues and no peers.
    func statistics(_ socket: ModelSocket) throws -> ModelStatistics {
        var exact = SocketStatistics(
            messagesSent: socket.sent, messagesReceived: socket.received,
            messagesDropped: socket.publishDropped + socket.returnedDropped,
            messagesRedelivered: socket.redelivered)
        guard socket.open else { return ModelStatistics(exact: exact, queuedOut: 0...0) }
        try catchUp(socket)
        exact.messagesRedelivered = socket.redelivered
        let live = socket.attachments.filter { !$0.peerGone }
        // A connect waiting for its bind is no peer yet.
        exact.peers = live.filter { $0.asBinder || $0.connection.binder != nil }.count
        exact.queuedIn = socket.inbound.queuedCount
        var out = 0...0
        if !socket.type.isModelSubscriber {
            out = socket.returned.count...socket.returned.count
            for attachment in live {
                guard let range = attachment.outbound?.queuedOutRange else { continue }
                out = (out.lowerBound + range.lowerBound)...(out.upperBound + range.upperBound)
            }
        }
        exact.queuedOut = out.lowerBound
        return ModelStatistics(exact: exact, queuedOut: out)
    }

    // MARK: - Subscriptions

    /// SUB, XSUB: each prefix with its count; PUB: each prefix with how many subscribers hold
    /// it; others, and closed sockets: nothing.
    func subscriptions(_ socket: ModelSocket) throws -> [Frame: Int] {
        guard socket.open else { return [:] }
        try processCommands(socket)
        if socket.type.isModelSubscriber {
            return Dictionary(uniqueKeysWithValues: socket.subscriptionCounts.map { (Frame($0.key), $0.value) })
        }
        var counts: [Frame: Int] = [:]
        for subscriber in socket.subscribers {
            for prefix in subscriber.prefixes { counts[Frame(prefix), default: 0] += 1 }
        }
        return counts
    }
}
