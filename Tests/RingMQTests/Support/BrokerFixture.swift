import RingMQ
import Testing

/// A running request-reply broker with echo workers behind it and clients in front: a
/// ``Broker`` bound at `inproc://front` and `inproc://back` with its proxy started, then
/// `workers` REP workers connected to the back
/// (``startEchoWorkers(_:count:connectingTo:counting:)``), then `clients` sockets of
/// `clientType` connected to the front.
///
/// The tests still terminate `context` in a `defer`, so that a failing test leaves no thread
/// behind; ``stop(sourceLocation:)`` is the orderly end.
struct BrokerFixture {
    let context: TestContext
    let proxyThread: Peer<Never>
    let workers: [Peer<Int>]
    let clients: [Socket]

    /// `counter`, when given, counts every answer as the workers make it.
    init(
        _ context: TestContext, workers workerCount: Int, clients clientCount: Int = 0,
        of clientType: SocketType = .req, counting counter: Counter? = nil
    ) throws {
        self.context = context
        proxyThread = try Broker(context, frontend: "inproc://front", backend: "inproc://back").start()
        workers = try startEchoWorkers(context, count: workerCount, connectingTo: "inproc://back", counting: counter)
        clients = try (0..<clientCount).map { _ in
            let client = try context.socket(clientType)
            try client.connect("inproc://front")
            return client
        }
    }

    /// Terminates the context, expects the proxy to end with ``RingMQError/terminated``, and
    /// returns how many requests each worker answered.
    func stop(sourceLocation: SourceLocation = #_sourceLocation) throws -> [Int] {
        context.terminate()
        expectTerminated(proxyThread, sourceLocation: sourceLocation)
        return try workers.map { try $0.join(sourceLocation: sourceLocation).get() }
    }
}
