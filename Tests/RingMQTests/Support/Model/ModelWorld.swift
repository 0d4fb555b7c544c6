import RingMQ

/// A library error the model predicts.
struct ModelError: Error {
    let kind: RingMQError.Code
}

/// The reference model of one context: endpoints, connections, and the topology calls
/// (bind, connect, unbind, disconnect, close), written from Docs/Semantics.md:
///
/// - bind and connect work in either order; a connect before the bind queues up to the
///   sender's send HWM, and the bind adds the binder's receive HWM (with the binder's marks
///   as they are when it binds); a connect-before-bind connection the binder cannot accept
///   (incompatible type, PAIR taken, or the binder's own) is dropped at bind time, and its
///   sender takes back what it queued;
/// - a peer applies a change another socket made at its own next call of any kind (bind,
///   connect, unbind, disconnect, send, receive, statistics, subscriptions, subscribe, a valid
///   option), or at its close;
/// - PAIR is exclusive: `.addressInUse` for a second peer, `.invalidState` for a PAIR that has
///   its peer (or a connect waiting for its bind) and connects again;
/// - unbind removes the name only; disconnect drops this socket's connections to the name
///   (with what the peer had sent it; what it queued on a connect still waiting for its bind,
///   it takes back if it redelivers); close keeps what the socket sent receivable, and what it
///   queued before any bind waits for the bind unless `linger` is zero.
///
/// Messages taken back from a departed peer (redelivery) are in `ModelWorld+Transfer.swift`.
final class ModelWorld {
    private(set) var bound: [String: ModelSocket] = [:]
    private var pending: [String: [ModelConnection]] = [:]
    /// PAIR sockets that have their one connection, and which connection holds the slot.
    private var exclusive: [ObjectIdentifier: ObjectIdentifier] = [:]
    private var pipes = 0
    /// Every socket of the run: connections and sockets refer to each other, and the world
    /// breaks those cycles when it goes (the address sanitizer's leak check runs in CI).
    private var everySocket: [ModelSocket] = []

    deinit {
        for socket in everySocket {
            socket.attachments = []
            socket.mailbox = []
            socket.subscribers = []
            socket.outbound = ModelLoadBalancer()
            socket.inbound = ModelFairQueue()
        }
    }

    /// Registers `socket` with the world, which breaks its reference cycles at the end.
    func track(_ socket: ModelSocket) -> ModelSocket {
        everySocket.append(socket)
        return socket
    }

    func newPipe(limit: Int?) -> ModelPipe {
        pipes += 1
        return ModelPipe(id: pipes, limit: limit)
    }

    // MARK: - Checks every call makes first

    func checkOpen(_ socket: ModelSocket) throws {
        guard socket.open else { throw ModelError(kind: .socketClosed) }
    }

    /// `inproc://NAME`, NAME not empty.
    func checkEndpoint(_ endpoint: String) throws {
        guard endpoint.hasPrefix("inproc://"), endpoint.count > "inproc://".count else {
            throw ModelError(kind: .invalidEndpoint)
        }
    }

    // MARK: - Exclusive (PAIR) slots

    private func isExclusiveTaken(_ socket: ModelSocket) -> Bool {
        socket.type == .pair && exclusive[ObjectIdentifier(socket)] != nil
    }

    private func takeExclusive(_ socket: ModelSocket, for connection: ModelConnection) {
        if socket.type == .pair { exclusive[ObjectIdentifier(socket)] = ObjectIdentifier(connection) }
    }

    func releaseExclusive(_ socket: ModelSocket?, for connection: ModelConnection) {
        guard let socket, exclusive[ObjectIdentifier(socket)] == ObjectIdentifier(connection) else { return }
        exclusive[ObjectIdentifier(socket)] = nil
    }

    // MARK: - bind

    func bind(_ socket: ModelSocket, _ endpoint: String) throws {
        try checkOpen(socket)
        try checkEndpoint(endpoint)
        try processCommands(socket)
        guard bound[endpoint] == nil else { throw ModelError(kind: .addressInUse) }
        bound[endpoint] = socket
        socket.bound.insert(endpoint)
        let options = socket.options
        for connection in pending.removeValue(forKey: endpoint) ?? [] {
            try formPending(connection, binder: socket, options: options)
        }
    }

    private func formPending(_ connection: ModelConnection, binder: ModelSocket, options: ModelOptions) throws {
        let connecter = connection.connecter
        guard connecter !== binder, binder.type.compatiblePeers.contains(connecter.type), !isExclusiveTaken(binder)
        else {
            // Refused: the connecter may take back what it queued.
            if !connection.connecterClosed {
                connecter.post(.detach(connection, stoppedReading: true))
                releaseExclusive(connecter, for: connection)
            }
            return
        }
        connection.form(with: binder, options: options)
        if binder.type.isModelSubscriber, !connection.connecterClosed {
            prime(connection, from: binder)
            connecter.post(.subscriptionsArrived)
        }
        var side = connection.binderSide
        side.peerGone = connection.connecterClosed
        try adopt(binder, side)
        // A connection whose connecter has gone only delivers what it holds: it takes no slot.
        if !connection.connecterClosed { takeExclusive(binder, for: connection) }
    }

    // MARK: - connect

    func connect(_ socket: ModelSocket, _ endpoint: String) throws {
        try checkOpen(socket)
        try checkEndpoint(endpoint)
        try processCommands(socket)
        if isExclusiveTaken(socket) { throw ModelError(kind: .invalidState) }
        let connection: ModelConnection
        if let binder = bound[endpoint] {
            guard binder !== socket else { throw ModelError(kind: .invalidState) }
            guard socket.type.compatiblePeers.contains(binder.type) else {
                throw ModelError(kind: .incompatibleSocketTypes)
            }
            if isExclusiveTaken(binder) { throw ModelError(kind: .addressInUse) }
            connection = ModelConnection(endpoint: endpoint, connecter: socket, binder: binder, newPipe: newPipe)
            if socket.type.isModelSubscriber { prime(connection, from: socket) }
            if binder.type.isModelSubscriber { prime(connection, from: binder) }
            binder.post(.attach(connection.binderSide))
            takeExclusive(binder, for: connection)
        } else {
            connection = ModelConnection(endpoint: endpoint, connecter: socket, binder: nil, newPipe: newPipe)
            if socket.type.isModelSubscriber { prime(connection, from: socket) }
            pending[endpoint, default: []].append(connection)
        }
        takeExclusive(socket, for: connection)
        try adopt(socket, connection.connecterSide)
        socket.connected.insert(endpoint)
    }

    // MARK: - unbind, disconnect

    func unbind(_ socket: ModelSocket, _ endpoint: String) throws {
        try checkOpen(socket)
        try checkEndpoint(endpoint)
        try processCommands(socket)
        guard socket.bound.contains(endpoint) else { throw ModelError(kind: .endpointNotFound) }
        if bound[endpoint] === socket { bound[endpoint] = nil }
        socket.bound.remove(endpoint)
    }

    func disconnect(_ socket: ModelSocket, _ endpoint: String) throws {
        try checkOpen(socket)
        try checkEndpoint(endpoint)
        guard socket.connected.contains(endpoint) else { throw ModelError(kind: .endpointNotFound) }
        try processCommands(socket)
        let leaving = socket.attachments.filter { !$0.asBinder && $0.connection.endpoint == endpoint }
        let neverFormed = leaving.filter { $0.peer == nil && !$0.peerGone }.compactMap(\.outbound)
        for attachment in leaving { release(socket, attachment, closing: false) }
        for attachment in leaving { forget(socket, attachment) }
        // A connect still waiting for its bind: nobody read what the socket queued on it, so
        // the socket takes it back (if it redelivers) and sends it to its other peers.
        if socket.options.redeliverUnread {
            for pipe in neverFormed {
                while let message = pipe.take() { socket.returned.append(message) }
            }
        }
        if !socket.returned.isEmpty { _ = try resendReturned(socket) }
        socket.connected.remove(endpoint)
    }

    // MARK: - close

    func close(_ socket: ModelSocket) throws {
        guard socket.open else { return }
        let commands = socket.mailbox
        socket.mailbox = []
        for command in commands {
            switch command {
            case .attach(let late):
                // A connection a peer made after this socket's last call: refused, and the
                // peer may take back what it sent on it.
                late.connection.connecter.post(.detach(late.connection, stoppedReading: true))
                releaseExclusive(late.connection.connecter, for: late.connection)
            case .detach(let connection, let stoppedReading):
                peerLeft(socket, connection, takingBackUnread: stoppedReading)
            case .subscriptionsArrived:
                break
            }
        }
        try resendReturnedAtClose(socket)
        for name in socket.bound where bound[name] === socket { bound[name] = nil }
        for attachment in socket.attachments { release(socket, attachment, closing: true) }
        exclusive[ObjectIdentifier(socket)] = nil
        socket.open = false
        socket.attachments = []
        socket.outbound.removeAll()
        socket.inbound.removeAll()
        socket.subscribers = []
        socket.returned = []
        socket.awaitingReply = false
        socket.replySource = nil
        socket.envelope = nil
        socket.requester = nil
        socket.bound = []
        socket.connected = []
    }

    /// Tells the peer of `attachment` that `socket` leaves (it stops reading, so the peer may
    /// take back what it left unread), or settles a connection still waiting for its bind.
    private func release(_ socket: ModelSocket, _ attachment: ModelAttachment, closing: Bool) {
        let connection = attachment.connection
        releaseExclusive(socket, for: connection)
        if attachment.peerGone { return }
        if let peer = attachment.peer {
            peer.post(.detach(connection, stoppedReading: true))
            releaseExclusive(peer, for: connection)
        } else if closing, !socket.type.isModelSubscriber, !socket.options.lingerZero,
            (attachment.outbound?.count ?? 0) > 0
        {
            // Closing before the bind with messages queued: they wait for the bind (linger nil).
            connection.connecterClosed = true
        } else {
            pending[connection.endpoint]?.removeAll { $0 === connection }
            if pending[connection.endpoint]?.isEmpty == true { pending[connection.endpoint] = nil }
        }
    }

    /// Stops using a connection `socket` is leaving (disconnect): what it held is dropped.
    private func forget(_ socket: ModelSocket, _ attachment: ModelAttachment) {
        if socket.type.isModelPublisher { return dropSubscriber(socket, attachment.connection) }
        if let outbound = attachment.outbound { socket.outbound.remove(outbound) }
        if let inbound = attachment.inbound { socket.inbound.remove(inbound) }
        socket.attachments.removeAll { $0.connection === attachment.connection }
    }

    // MARK: - Commands from peers

    /// Throws only ``ModelAmbiguity`` (resending what was taken back asks pipes for room).
    func processCommands(_ socket: ModelSocket) throws {
        let commands = socket.mailbox
        socket.mailbox = []
        for command in commands {
            switch command {
            case .attach(let attachment):
                try adopt(socket, attachment)
            case .detach(let connection, let stoppedReading):
                peerLeft(socket, connection, takingBackUnread: stoppedReading)
            case .subscriptionsArrived:
                if socket.type.isModelPublisher { readSubscriptions(socket) }
            }
        }
        if !socket.returned.isEmpty { _ = try resendReturned(socket) }
    }

    /// Starts using a connection.
    private func adopt(_ socket: ModelSocket, _ attachment: ModelAttachment) throws {
        if socket.type.isModelPublisher { return adoptSubscriber(socket, attachment) }
        socket.attachments.append(attachment)
        if let outbound = attachment.outbound, !attachment.peerGone, !socket.type.isModelSubscriber {
            socket.outbound.add(outbound)
            // What was taken back from a departed peer goes to the newcomer first.
            if !socket.returned.isEmpty { _ = try resendReturned(socket) }
        }
        if let inbound = attachment.inbound {
            socket.inbound.add(inbound)
            if attachment.peerGone { socket.inbound.markDetached(inbound) }
        }
        if attachment.peerGone, attachment.inbound == nil { socket.attachments.removeLast() }
    }

    /// The peer of `connection` has gone: stop sending to it, keep reading what it sent, and
    /// take back what it left unread (if `socket` redelivers).
    func peerLeft(_ socket: ModelSocket, _ connection: ModelConnection, takingBackUnread: Bool) {
        if socket.type.isModelPublisher { return dropSubscriber(socket, connection) }
        guard let index = socket.attachments.firstIndex(where: { $0.connection === connection }) else { return }
        let attachment = socket.attachments[index]
        if let outbound = attachment.outbound {
            socket.outbound.remove(outbound)
            if takingBackUnread, socket.options.redeliverUnread {
                while let message = outbound.take() { socket.returned.append(message) }
            }
        }
        if let inbound = attachment.inbound {
            socket.inbound.markDetached(inbound)
            socket.attachments[index].peerGone = true
        } else {
            socket.attachments.remove(at: index)
        }
    }
}
