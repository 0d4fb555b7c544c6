import RingMQ
import Testing

/// A request-reply broker: a ROUTER frontend for the clients, a DEALER backend for the workers,
/// and ``proxy(frontend:backend:capture:)`` between them on a thread of its own.
///
/// The proxy owns both sockets from ``start()`` on, and runs until the context terminates.
/// Tests terminate it in a `defer`, so that a failing test does not leave the thread behind.
struct Broker {
    let frontend: Socket
    let backend: Socket

    /// Binds a ROUTER at `frontend` and a DEALER at `backend`. With `backendID`, the DEALER
    /// has that routing id (what a ROUTER behind it, in a chain of brokers, knows it by).
    init(_ context: TestContext, frontend: String, backend: String, backendID: Frame? = nil) throws {
        self.frontend = try context.socket(.router)
        try self.frontend.bind(frontend)
        self.backend = try context.socket(.dealer)
        if let backendID { self.backend.routingID = backendID }
        try self.backend.bind(backend)
    }

    /// Starts the proxy. Its thread ends only by throwing, ``RingMQError/terminated`` when all
    /// goes well.
    func start() -> Peer<Never> {
        let (frontend, backend) = (frontend, backend)
        return Peer { try proxy(frontend: frontend, backend: backend) }
    }
}

/// Starts a REP worker on a thread of its own: it answers each request with the request's
/// frames followed by `name`, until its context terminates, and returns how many it answered
/// (also counted in `counter` as it goes, when given). Any other error ends it with that error.
func startEchoWorker(_ rep: Socket, name: Frame, counting counter: Counter? = nil) -> Peer<Int> {
    Peer {
        var answered = 0
        do {
            while true {
                let request = try rep.receive()
                try rep.send(Message(request.frames + [name]))
                answered += 1
                counter?.increment()
            }
        } catch RingMQError.terminated {
            return answered
        }
    }
}

/// `count` REP workers connected to `endpoint`, named `"worker-0"`, `"worker-1"`, …, each
/// started with ``startEchoWorker(_:name:counting:)``.
func startEchoWorkers(
    _ context: TestContext, count: Int, connectingTo endpoint: String,
    counting counter: Counter? = nil
) throws -> [Peer<Int>] {
    try (0..<count).map { w in
        let rep = try context.socket(.rep)
        try rep.connect(endpoint)
        return startEchoWorker(rep, name: workerName(w), counting: counter)
    }
}

/// The name ``startEchoWorkers(_:count:connectingTo:counting:)`` gives worker `index`.
func workerName(_ index: Int) -> Frame {
    Frame("worker-\(index)")
}

/// The index of the worker a name made by ``workerName(_:)`` names, or `nil`.
func workerIndex(_ name: Frame) -> Int? {
    let text = name.string
    guard text.hasPrefix("worker-") else { return nil }
    return Int(text.dropFirst("worker-".count))
}

/// Whether `id` has the shape of a routing id a ROUTER generated: 5 bytes, the first zero.
func isGeneratedRoutingID(_ id: Frame) -> Bool {
    id.count == 5 && id.bytes.first == 0
}

/// Expects `peer` to have ended with ``RingMQError/terminated``, as a proxy does when its
/// context terminates.
func expectTerminated<Value>(_ peer: Peer<Value>, sourceLocation: SourceLocation = #_sourceLocation) {
    switch peer.join(sourceLocation: sourceLocation) {
    case .success:
        Issue.record("the thread returned instead of ending with .terminated", sourceLocation: sourceLocation)
    case .failure(let error):
        #expect(error == .terminated, sourceLocation: sourceLocation)
    }
}
