import RingMQ
import RingMQTesting

/// Each step as calls on the sockets, with the demands on their outcomes.
extension FuzzWorld {
    mutating func perform(_ step: FuzzStep) {
        begin(step)
        switch step {
        case .create(let slot, let type):
            let expect: FuzzExpectation = terminated ? .fails(.terminated) : .returns
            let context = context
            if let socket = call("context.socket(\(type))", expect, { try context.socket(type) }) {
                sockets[slot] = socket
                closed[slot] = false
                records[slot] = FuzzRecord()
            }
        case .bind(let slot, let endpoint):
            guard let socket = sockets[slot] else { return }
            _ = call("bind", expectation(slot)) { try socket.bind(endpoint) }
        case .connect(let slot, let endpoint):
            guard let socket = sockets[slot] else { return }
            _ = call("connect", expectation(slot)) { try socket.connect(endpoint) }
        case .unbind(let slot, let endpoint):
            guard let socket = sockets[slot] else { return }
            _ = call("unbind", expectation(slot)) { try socket.unbind(endpoint) }
        case .disconnect(let slot, let endpoint):
            guard let socket = sockets[slot] else { return }
            _ = call("disconnect", expectation(slot)) { try socket.disconnect(endpoint) }
        case .setOption(let slot, let option):
            guard let socket = sockets[slot] else { return }
            if case .routingID(let id?) = option { known.insert(id) }
            if case .xpubWelcomeMessage(let welcome?) = option { known.insert(welcome) }
            let accepted: Void? = call("setOption", expectation(slot)) {
                try FuzzOptions.set(option, on: socket, throwingForm: true)
            }
            if accepted != nil {
                require(FuzzOptions.readsBack(option, on: socket), "\(option) was set but does not read back")
                // Accepted, so valid: the property setter (which traps on an invalid value) takes it too.
                try? FuzzOptions.set(option, on: socket, throwingForm: false)
                require(FuzzOptions.readsBack(option, on: socket), "\(option) was assigned but does not read back")
            }
        case .send(let slot, let message, let blocking):
            guard let socket = sockets[slot] else { return }
            send(message, on: socket, slot: slot, blocking: blocking)
        case .receive(let slot, let blocking):
            guard let socket = sockets[slot] else { return }
            receive(on: socket, slot: slot, blocking: blocking)
        case .fill(let slot, let count):
            guard let socket = sockets[slot] else { return }
            for index in 0..<count {
                guard send(Self.filler(for: socket.type, index), on: socket, slot: slot, blocking: false) == true else {
                    break
                }
            }
        case .drain(let slot):
            guard let socket = sockets[slot] else { return }
            // Types that drop nothing they have queued: a drain receives exactly `queuedIn`.
            let exact = [.pull, .pair, .dealer, .router].contains(socket.type) && !closed[slot] && !terminated
            let queued = exact ? socket.statistics.queuedIn : 0
            var received = 0
            // Bounded: every input sends far fewer messages than this.
            while received < 100_000, receive(on: socket, slot: slot, blocking: false) { received += 1 }
            require(
                !exact || received == queued,
                "\(socket.type) reported \(queued) messages queued in, and a drain received \(received)")
        case .subscribe(let slot, let prefix):
            guard let socket = sockets[slot] else { return }
            knowSubscription(prefix)
            let expect = expectation(
                slot, capable: socket.type.canSubscribe(manual: socket.xpubManual),
                capabilityFirst: true)
            if call("subscribe(\(prefix))", expect, { try socket.subscribe(prefix) }) != nil,
                socket.type.isSubscriberType
            {
                records[slot].change(subscribe: true, prefix)
            }
        case .unsubscribe(let slot, let prefix):
            guard let socket = sockets[slot] else { return }
            knowSubscription(prefix)
            let expect = expectation(
                slot, capable: socket.type.canSubscribe(manual: socket.xpubManual),
                capabilityFirst: true)
            if call("unsubscribe(\(prefix))", expect, { try socket.unsubscribe(prefix) }) != nil,
                socket.type.isSubscriberType
            {
                records[slot].change(subscribe: false, prefix)
            }
        case .close(let slot):
            guard let socket = sockets[slot] else { return }
            socket.close()
            closed[slot] = true
            inspect(socket, slot: slot)
        case .drop(let slot):
            sockets[slot] = nil
            closed[slot] = false
            records[slot] = FuzzRecord()
        case .inspect(let slot):
            guard let socket = sockets[slot] else { return }
            inspect(socket, slot: slot)
        case .poll(let mask, let events):
            poll(mask: mask, events: events)
        case .fault(let slot, let fault, let endpoint):
            guard let socket = sockets[slot] else { return }
            _ = call("\(fault)", expectation(slot)) {
                switch fault {
                case .makePeersLookFull: try Faults.makePeersLookFull(socket, endpoint: endpoint)
                case .restoreRoom: try Faults.restoreRoom(socket, endpoint: endpoint)
                case .detachPeers: try Faults.detachPeers(of: socket, endpoint: endpoint)
                }
            }
        case .events(let slot):
            guard let socket = sockets[slot] else { return }
            // A few at most: each buffers what it is sent.
            if streams.count < 4 { streams.append(socket.makeEventStream()) }
        case .advanceClock(let duration):
            clock?.advance(by: duration)
        case .terminate:
            context.terminate()
            terminated = true
        }
    }

    /// The last step of every input: terminate, then every socket still open must refuse a
    /// call with ``RingMQError/terminated``.
    mutating func finish() {
        context.terminate()
        terminated = true
        if trace { print("terminate(), then a tryReceive on each socket") }
        for slot in sockets.indices {
            guard let socket = sockets[slot] else { continue }
            _ = call("final tryReceive(\(slot))", expectation(slot, capable: socket.type.canReceive)) {
                try socket.tryReceive()
            }
        }
    }

    // MARK: - Calls with checks of their own

    /// Sends (or tries to); `true` when the message was queued.
    @discardableResult
    private mutating func send(_ message: Message, on socket: Socket, slot: Int, blocking: Bool) -> Bool {
        // Checked in this order: usable, can send, a message it can send at all.
        for frame in message { known.insert(frame) }
        // An XSUB's subscription messages pass on as they are, and change subscriptions.
        if socket.type == .xsub {
            // Any frame may be a subscription (with onlyFirstSubscribe, in a batch).
            for frame in message where frame.count > 0 {
                frame.withUnsafeBytes { knowSubscription(Frame($0.dropFirst())) }
            }
        }
        let sendable = socket.type.canSend && !message.isEmpty && (socket.type != .router || message.count >= 2)
        let expect = expectation(slot, capable: sendable)
        let sent: Bool
        if blocking && socket.sendTimeout == .zero {
            sent = call("send(\(FuzzDescribe.message(message)))", expect) { try socket.send(message) } != nil
        } else {
            sent = call("trySend(\(FuzzDescribe.message(message)))", expect) { try socket.trySend(message) } == true
        }
        guard sent else { return false }
        records[slot].sent += 1
        let isChange = { (frame: Frame) in frame.withUnsafeBytes { ($0.first ?? 2) <= 1 } }
        if socket.type == .xsub, let first = message.first, isChange(first),
            message.count == 1 || socket.onlyFirstSubscribe
        {
            // A subscription message (byte 1 or 0, then the prefix), or with onlyFirstSubscribe a
            // batch of them: each frame that is one counts, the others are data.
            for frame in message where isChange(frame) {
                let (kind, prefix) = frame.withUnsafeBytes { ($0[0], Frame($0.dropFirst())) }
                records[slot].change(subscribe: kind == 1, prefix)
            }
        }
        return true
    }

    /// Receives (or tries to); `true` when a message came.
    @discardableResult
    private mutating func receive(on socket: Socket, slot: Int, blocking: Bool) -> Bool {
        let expect = expectation(slot, capable: socket.type.canReceive)
        let message: Message?
        if blocking && socket.receiveTimeout == .zero {
            message = call("receive()", expect) { try socket.receive() }
        } else {
            message = call("tryReceive()", expect) { try socket.tryReceive() } ?? nil
        }
        guard let message else { return false }
        require(!message.isEmpty, "\(socket.type) received a message without frames")
        require(
            socket.type != .router || message.count >= 2,
            "ROUTER received \(FuzzDescribe.message(message)): no routing id and body")
        require(
            socket.type != .router || !message[0].isEmpty,
            "ROUTER received \(FuzzDescribe.message(message)) with an empty routing id (a pipe it has no id for)")
        require(
            message.allSatisfy(isKnown),
            "\(socket.type) received \(FuzzDescribe.message(message)), which holds a frame never sent")
        countReceived(message, slot: slot)
        return true
    }

    /// Statistics, subscriptions and every option property: never trap, and say nothing
    /// impossible.
    private mutating func inspect(_ socket: Socket, slot: Int) {
        report.calls += 1
        let statistics = socket.statistics
        let counts = [
            statistics.messagesSent, statistics.messagesReceived, statistics.messagesDropped,
            statistics.messagesRedelivered, statistics.queuedIn, statistics.queuedOut, statistics.peers,
        ]
        require(counts.allSatisfy { $0 >= 0 }, "negative statistics: \(statistics)")
        if closed[slot] {
            require(
                statistics.queuedIn == 0 && statistics.queuedOut == 0 && statistics.peers == 0,
                "a closed socket reports queues or peers: \(statistics)")
        }
        let record = records[slot]
        require(
            statistics.messagesSent == record.sent && statistics.messagesReceived == record.received,
            "\(socket.type) reports \(statistics); the driver had \(record.sent) sends accepted and "
                + "\(record.received) messages received")
        let subscriptions = socket.subscriptions
        require(subscriptions.values.allSatisfy { $0 > 0 }, "a subscription counted \(subscriptions)")
        if closed[slot] || !(socket.type.isSubscriberType || socket.type.isPublisherType) {
            require(subscriptions.isEmpty, "\(socket.type) (closed: \(closed[slot])) reports subscriptions")
        } else if socket.type.isSubscriberType {
            require(
                subscriptions == record.subscriptions,
                "\(socket.type) reports subscriptions \(subscriptions); the driver made \(record.subscriptions)")
        }
        _ = (
            socket.sendHighWaterMark, socket.receiveHighWaterMark, socket.sendTimeout, socket.receiveTimeout,
            socket.linger, socket.routingID, socket.routerMandatory, socket.conflate, socket.xpubVerbose,
            socket.xpubNoDrop, socket.invertMatching, socket.redeliverUnread
        )
    }

    /// `Poller.poll(timeout: .zero)`: returns at once with a subset of what was asked, or
    /// throws ``RingMQError/terminated`` once the context has terminated.
    private mutating func poll(mask: UInt8, events: Poller.Events) {
        var poller = Poller()
        var anyOpen = false
        for slot in sockets.indices where mask & (1 << slot) != 0 {
            guard let socket = sockets[slot] else { continue }
            poller.register(socket, for: events)
            anyOpen = anyOpen || !closed[slot]
        }
        let expect: FuzzExpectation = terminated && anyOpen ? .fails(.terminated) : .returns
        guard let items = call("poll(timeout: .zero)", expect, { try poller.poll(timeout: .zero) }) else { return }
        for item in items {
            require(poller.sockets.contains { $0 === item.socket }, "poll returned a socket not registered")
            require(
                !item.events.isEmpty && events.isSuperset(of: item.events),
                "poll returned events \(item.events.rawValue) for a request of \(events.rawValue)")
        }
    }

    /// The subscription messages subscribing to or unsubscribing from `prefix`, as a SUB
    /// sends them upstream, an XSUB may send them, and an XPUB receives them.
    private mutating func knowSubscription(_ prefix: Frame) {
        let bytes = prefix.bytes
        known.insert(Frame([1] + bytes))
        known.insert(Frame([0] + bytes))
    }

    /// What ``FuzzStep/fill(slot:count:)`` sends: a ROUTER addresses the pool's ids in turn.
    private static func filler(for type: SocketType, _ index: Int) -> Message {
        guard type == .router else { return Message(fillFrames[index % fillFrames.count]) }
        let ids: [Frame] = ["A", "B", Frame([0, 0, 0, 0, 1]), Frame([0, 0, 0, 0, 2])]
        return [ids[index % ids.count], fillFrames[index % fillFrames.count]]
    }

    /// The bodies ``filler(for:_:)`` cycles through.
    static let fillFrames: [Frame] = (0..<8).map { Frame("fill \($0)") }
}

extension SocketType {
    /// SUB and XSUB, which accept `subscribe(_:)`.
    var isSubscriberType: Bool { self == .sub || self == .xsub }
    /// SUB and XSUB, and an XPUB with `xpubManual`, which accept `subscribe(_:)`.
    func canSubscribe(manual: Bool) -> Bool { isSubscriberType || (self == .xpub && manual) }
    /// PUB and XPUB, which report their subscribers' subscriptions.
    var isPublisherType: Bool { self == .pub || self == .xpub }
}
