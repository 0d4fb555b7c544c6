import Synchronization

/// What a ``Proxy`` has forwarded, read with ``Proxy/statistics``: the eight counters of
/// ZeroMQ's `zmq_proxy_steerable` STATISTICS reply.
///
/// RingMQ counts whole messages where libzmq counts frames: a message of three frames adds 1
/// to a message count here and 3 in libzmq. Bytes are the same in both: the sum of the sizes
/// of the message's frames. Copies sent to the capture socket are not counted.
public struct ProxyStatistics: Sendable, Hashable {
    /// The counters of one side of the proxy (its frontend or its backend socket).
    public struct Side: Sendable, Hashable {
        /// Messages the proxy received on this socket.
        public var messagesReceived: Int
        /// Bytes of the messages the proxy received on this socket (all frames).
        public var bytesReceived: Int
        /// Messages the proxy sent on this socket.
        public var messagesSent: Int
        /// Bytes of the messages the proxy sent on this socket (all frames).
        public var bytesSent: Int

        /// Creates the counters of one side (for comparing in tests).
        public init(messagesReceived: Int = 0, bytesReceived: Int = 0, messagesSent: Int = 0, bytesSent: Int = 0) {
            self.messagesReceived = messagesReceived
            self.bytesReceived = bytesReceived
            self.messagesSent = messagesSent
            self.bytesSent = bytesSent
        }
    }

    /// The frontend socket's counters.
    public var frontend: Side
    /// The backend socket's counters.
    public var backend: Side

    /// Creates statistics with the given counters (for comparing in tests).
    public init(frontend: Side = Side(), backend: Side = Side()) {
        self.frontend = frontend
        self.backend = backend
    }

    /// The eight values in the order of libzmq's STATISTICS reply: frontend messages and
    /// bytes received, messages and bytes sent, then the same for the backend.
    var libzmqOrder: [Int] {
        [
            frontend.messagesReceived, frontend.bytesReceived, frontend.messagesSent, frontend.bytesSent,
            backend.messagesReceived, backend.bytesReceived, backend.messagesSent, backend.bytesSent,
        ]
    }
}

/// The counters of one side, kept by the proxy's thread and readable from any thread.
///
/// One writer (the thread or task running the proxy), so a count is a load and a store, not a
/// read-modify-write. Each counter is exact; read while the proxy runs, the four are not one
/// snapshot.
final class ProxySideCounters: Sendable {
    private let messagesReceived = Atomic<Int>(0)
    private let bytesReceived = Atomic<Int>(0)
    private let messagesSent = Atomic<Int>(0)
    private let bytesSent = Atomic<Int>(0)

    /// Counts a message received on this side.
    func received(bytes: Int) {
        Self.add(1, to: messagesReceived)
        Self.add(bytes, to: bytesReceived)
    }

    /// Counts a message sent on this side.
    func sent(bytes: Int) {
        Self.add(1, to: messagesSent)
        Self.add(bytes, to: bytesSent)
    }

    var snapshot: ProxyStatistics.Side {
        ProxyStatistics.Side(
            messagesReceived: messagesReceived.load(ordering: .relaxed),
            bytesReceived: bytesReceived.load(ordering: .relaxed),
            messagesSent: messagesSent.load(ordering: .relaxed),
            bytesSent: bytesSent.load(ordering: .relaxed))
    }

    private static func add(_ amount: Int, to counter: borrowing Atomic<Int>) {
        counter.store(counter.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }
}

extension Message {
    /// The bytes of all its frames, as the proxy counts them.
    var byteCount: Int {
        reduce(0) { $0 + $1.count }
    }
}
