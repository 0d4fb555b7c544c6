import RingMQ
import Synchronization
import Testing

// MARK: - Subscription messages (what XPUB receives and XSUB sends)

/// The one-frame message that subscribes to `prefix`: byte 1, then the prefix.
func subscribeMessage(_ prefix: String) -> Message {
    Message([1] + Array(prefix.utf8))
}

/// The one-frame message that unsubscribes from `prefix`: byte 0, then the prefix.
func unsubscribeMessage(_ prefix: String) -> Message {
    Message([0] + Array(prefix.utf8))
}

// MARK: - Bind and connect orders

/// The four orders in which a publisher and a subscriber can meet on an endpoint.
enum MeetingOrder: CaseIterable, Sendable, CustomTestStringConvertible {
    /// The subscriber binds, then the publisher connects.
    case subscriberBindsFirst
    /// The publisher binds, then the subscriber connects.
    case publisherBindsFirst
    /// The subscriber connects before the publisher binds.
    case subscriberConnectsBeforeBind
    /// The publisher connects before the subscriber binds.
    case publisherConnectsBeforeBind

    /// Whether the subscriber's step comes first.
    var subscriberFirst: Bool {
        self == .subscriberBindsFirst || self == .subscriberConnectsBeforeBind
    }

    /// The subscriber's half: bind or connect.
    func subscriberStep(_ subscriber: Socket, _ endpoint: String) throws {
        switch self {
        case .subscriberBindsFirst, .publisherConnectsBeforeBind: try subscriber.bind(endpoint)
        case .publisherBindsFirst, .subscriberConnectsBeforeBind: try subscriber.connect(endpoint)
        }
    }

    /// The publisher's half: bind or connect.
    func publisherStep(_ publisher: Socket, _ endpoint: String) throws {
        switch self {
        case .subscriberBindsFirst, .publisherConnectsBeforeBind: try publisher.connect(endpoint)
        case .publisherBindsFirst, .subscriberConnectsBeforeBind: try publisher.bind(endpoint)
        }
    }

    /// Both halves, in this order, on one thread.
    func join(publisher: Socket, subscriber: Socket, at endpoint: String) throws {
        if subscriberFirst {
            try subscriberStep(subscriber, endpoint)
            try publisherStep(publisher, endpoint)
        } else {
            try publisherStep(publisher, endpoint)
            try subscriberStep(subscriber, endpoint)
        }
    }

    var testDescription: String {
        switch self {
        case .subscriberBindsFirst: "subscriber binds, publisher connects"
        case .publisherBindsFirst: "publisher binds, subscriber connects"
        case .subscriberConnectsBeforeBind: "subscriber connects before publisher binds"
        case .publisherConnectsBeforeBind: "publisher connects before subscriber binds"
        }
    }
}

// MARK: - Topic-tagged messages for the threaded tests

/// A one-frame message: the topic's bytes, then `sequence` and `tag` as 8 bytes each
/// (little-endian). `tag` carries whatever the test needs (a phase, a sender).
func topical(_ topic: String, sequence: Int, tag: Int = 0) -> Message {
    var bytes = Array(topic.utf8)
    withUnsafeBytes(of: UInt64(sequence).littleEndian) { bytes += $0 }
    withUnsafeBytes(of: UInt64(tag).littleEndian) { bytes += $0 }
    return Message(bytes)
}

/// The (topic, sequence, tag) of a message made by ``topical(_:sequence:tag:)``, or `nil`.
func topicalParts(_ message: Message) -> (topic: String, sequence: Int, tag: Int)? {
    guard message.count == 1 else { return nil }
    let bytes = message[0].bytes
    guard bytes.count >= 16 else { return nil }
    let topic = String(decoding: bytes[..<(bytes.count - 16)], as: UTF8.self)
    func word(at offset: Int) -> Int {
        var value: UInt64 = 0
        for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return Int(truncatingIfNeeded: value)
    }
    return (topic, word(at: bytes.count - 16), word(at: bytes.count - 8))
}

// MARK: - Milestones between two threads

/// A number one thread raises and another waits for: "I have done step `n`". Stores release
/// and loads acquire, so whatever the raising thread did before is visible to the waiter.
final class Milestone: Sendable {
    private let reached = Atomic<Int>(0)

    /// Announces that step `step` is done.
    func reach(_ step: Int) {
        reached.store(step, ordering: .releasing)
    }

    var current: Int { reached.load(ordering: .acquiring) }

    /// Waits until step `step` is announced; `false` if `limit` passed first (a broken test
    /// fails instead of hanging).
    @discardableResult
    func wait(for step: Int, limit: Duration = Scale.safety) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while current < step {
            if clock.now >= deadline { return false }
            yieldThread()
        }
        return true
    }
}

/// Receives a message made by ``topical(_:sequence:tag:)`` and returns its parts. Anything
/// else throws (a ``RingMQError``, so that it may be thrown from a ``Peer``).
func receiveTopical(_ socket: Socket) throws -> (topic: String, sequence: Int, tag: Int) {
    let message = try socket.receive()
    guard let parts = topicalParts(message) else {
        throw RingMQError.invalidState("test: not a topical message: \(message)")
    }
    return parts
}

// MARK: - Proxy

/// Runs `proxy(frontend:backend:capture:)` on a thread of its own.
func startProxy(frontend: Socket, backend: Socket, capture: Socket? = nil) -> Peer<Never> {
    Peer { try proxy(frontend: frontend, backend: backend, capture: capture) }
}

/// Terminates the context and expects the proxy to end with ``RingMQError/terminated``.
func stopProxy(_ relay: Peer<Never>, _ test: TestContext, sourceLocation: SourceLocation = #_sourceLocation) {
    test.terminate()
    #expect(throws: RingMQError.terminated, sourceLocation: sourceLocation) { try relay.join().get() }
}
