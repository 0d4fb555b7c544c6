import RingMQ

/// One call of each kind that blocks, set up on a context so that nothing will ever end it but
/// ``Context/terminate()``: receives with nothing to receive, sends with no room or no peer,
/// both REQ/REP turns, a mandatory ROUTER on a full peer, a poller, a proxy.
///
/// Each call gets sockets of its own (a socket is used by one thread or task at a time), all of
/// them made here, on the test's thread, before the calls start.
struct BlockedCall: Sendable {
    enum Operation: Sendable {
        case receive(Socket)
        case send(Socket, Message)
        case poll(Poller, timeout: Duration?)
        case proxy(frontend: Socket, backend: Socket)
    }

    let name: String
    let operation: Operation

    /// Makes the call on the calling thread.
    func run() throws {
        switch operation {
        case .receive(let socket): _ = try socket.receive()
        case .send(let socket, let message): try socket.send(message)
        case .poll(let poller, let timeout): _ = try poller.poll(timeout: timeout)
        case .proxy(let frontend, let backend): try proxy(frontend: frontend, backend: backend)
        }
    }

    /// Makes the call's async form on the calling task; `false` for the proxy, which has none.
    func runAsync() async throws -> Bool {
        switch operation {
        case .receive(let socket): _ = try await socket.receive()
        case .send(let socket, let message): try await socket.send(message)
        case .poll(let poller, let timeout): _ = try await poller.poll(timeout: timeout)
        case .proxy: return false
        }
        return true
    }

    /// Whether the call waits on a deadline when its sockets have a timeout (the proxy has
    /// none), which makes it a sleeper on a ``ManualClock``.
    var hasDeadline: Bool {
        if case .proxy = operation { return false }
        return true
    }

    /// The socket the call is blocked in that closing stops it: the socket of a send or a
    /// receive, the first socket of a poll, a proxy's frontend.
    var blockingSocket: Socket {
        switch operation {
        case .receive(let socket), .send(let socket, _): socket
        case .poll(let poller, _): poller.sockets[0]
        case .proxy(let frontend, _): frontend
        }
    }

    /// The socket whose signal an async form of the call parks on.
    var parkingSocket: Socket? {
        switch operation {
        case .receive(let socket), .send(let socket, _): socket
        case .poll(let poller, _): poller.sockets.first
        case .proxy: nil
        }
    }

    /// The sixteen calls, and every socket made for them (the caller keeps them alive until the
    /// calls have ended: a peer socket that is released closes, which would change the call).
    /// `timeout`: the send/receive timeout of every socket and of the poll (`nil`: none).
    static func sixteen(on context: Context, timeout: Duration?) throws -> (calls: [BlockedCall], sockets: [Socket]) {
        var calls: [BlockedCall] = []
        var sockets: [Socket] = []
        var sequence = 0
        func socket(_ type: SocketType) throws -> Socket {
            let socket = try context.socket(type)
            sockets.append(socket)
            socket.sendTimeout = timeout
            socket.receiveTimeout = timeout
            return socket
        }
        func endpoint() -> String {
            sequence += 1
            return "inproc://blocked-\(sequence)"
        }
        func add(_ name: String, _ operation: Operation) {
            calls.append(BlockedCall(name: name, operation: operation))
        }
        /// Two connected sockets, the receiving one bound.
        func connected(_ sending: SocketType, to receiving: SocketType, highWaterMark: Int = 1000)
            throws -> (sender: Socket, receiver: Socket)
        {
            let name = endpoint()
            let receiver = try socket(receiving)
            receiver.receiveHighWaterMark = highWaterMark
            try receiver.bind(name)
            let sender = try socket(sending)
            sender.sendHighWaterMark = highWaterMark
            try sender.connect(name)
            return (sender, receiver)
        }

        let pullWithPeer = try connected(.push, to: .pull).receiver
        add("PULL receive, peer silent", .receive(pullWithPeer))

        let lonePull = try socket(.pull)
        try lonePull.bind(endpoint())
        add("PULL receive, no peer", .receive(lonePull))

        let sub = try connected(.pub, to: .sub).receiver
        try sub.subscribe("")
        add("SUB receive, publisher silent", .receive(sub))

        let fullPush = try connected(.push, to: .pull, highWaterMark: 1).sender
        _ = try fill(fullPush)
        add("PUSH send, peer full", .send(fullPush, "blocked"))

        let lonePush = try socket(.push)
        add("PUSH send, no peer", .send(lonePush, "blocked"))

        let silentPair = try connected(.pair, to: .pair).receiver
        add("PAIR receive, peer silent", .receive(silentPair))
        let fullPair = try connected(.pair, to: .pair, highWaterMark: 1).sender
        _ = try fill(fullPair)
        add("PAIR send, peer full", .send(fullPair, "blocked"))

        let request = try connected(.req, to: .rep)
        try request.sender.send("unanswered")
        add("REQ receive, awaiting its reply", .receive(request.sender))

        let loneREQ = try socket(.req)
        add("REQ send, no peer", .send(loneREQ, "blocked"))

        let loneREP = try socket(.rep)
        try loneREP.bind(endpoint())
        add("REP receive, awaiting a request", .receive(loneREP))

        let dealers = try connected(.dealer, to: .router)
        add("DEALER receive", .receive(dealers.sender))
        add("ROUTER receive", .receive(dealers.receiver))

        let fullDealer = try connected(.dealer, to: .router, highWaterMark: 1).sender
        _ = try fill(fullDealer)
        add("DEALER send, peer full", .send(fullDealer, "blocked"))

        let mandatory = try socket(.router)
        mandatory.routerMandatory = true
        mandatory.sendHighWaterMark = 1
        let mandatoryName = endpoint()
        try mandatory.bind(mandatoryName)
        let routed = try socket(.dealer)
        routed.receiveHighWaterMark = 1
        routed.routingID = "routed"
        try routed.connect(mandatoryName)
        while try mandatory.trySend(["routed", "filler"]) {}
        add("ROUTER send, mandatory, peer full", .send(mandatory, ["routed", "blocked"]))

        let polledPull = try socket(.pull)
        try polledPull.bind(endpoint())
        let polledSub = try socket(.sub)
        try polledSub.subscribe("")
        var poller = Poller()
        poller.register(polledPull, for: .readable)
        poller.register(polledSub, for: .readable)
        add("Poller poll", .poll(poller, timeout: timeout))

        let frontend = try socket(.pull)
        try frontend.bind(endpoint())
        let backend = try socket(.push)
        try backend.bind(endpoint())
        add("proxy", .proxy(frontend: frontend, backend: backend))
        return (calls, sockets)
    }
}
