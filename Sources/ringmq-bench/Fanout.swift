import RingMQ
import Synchronization

/// One fan-out result: messages delivered to all subscribers together, per second.
struct FanoutResult {
    let subscribers: Int
    let size: Int
    let published: Int
    let delivered: Int
    let seconds: Double
    /// Whether every subscriber received exactly the messages of its topic.
    let exact: Bool

    var deliveredPerSecond: Double { seconds > 0 ? Double(delivered) / seconds : 0 }

    var line: String {
        "fanout subs=\(subscribers) size=\(size) published=\(published) delivered=\(delivered)"
            + " delivered_per_s=\(Int(deliveredPerSecond.rounded())) exact=\(exact ? "yes" : "no")"
    }
}

/// What one subscriber thread saw: written by that thread once, when it stops, and read
/// after it is joined.
final class SubscriberTally: Sendable {
    private let state = Mutex<(received: Int, end: ContinuousClock.Instant?, error: (any Error)?)>((0, nil, nil))

    func finish(received: Int) {
        state.withLock {
            $0.received = received
            $0.end = .now
        }
    }
    func fail(_ error: any Error) { state.withLock { $0.error = error } }

    var received: Int { state.withLock { $0.received } }
    var end: ContinuousClock.Instant? { state.withLock { $0.end } }
    var error: (any Error)? { state.withLock { $0.error } }
}

/// PUB -> SUB fan-out, shaped like `cmd_fanout` of the libzmq reference program
/// (`bench/zmqbench.c`) so the two result lines compare.
///
/// Message layout: bytes 0..<4 are the topic `t000` … `t003`, byte 4 the kind: `D` data,
/// `E` end. Subscriber `i` subscribes to topic `i % 4`; data message `k` carries topic `k % 4`.
enum Fanout {
    static let topics: [Frame] = ["t000", "t001", "t002", "t003"]
    static let endpoint = "inproc://fanout"

    /// The number of data messages subscriber `index` must receive out of `count` published.
    static func share(of index: Int, count: Int) -> Int {
        count / 4 + (index % 4 < count % 4 ? 1 : 0)
    }

    /// One PUB, `subscribers` SUB sockets each received on a thread of its own, `count` data
    /// messages of `size` bytes (at least 5) and one end marker per topic. Both high-water
    /// marks are 0 (no limit), so nothing is dropped. Timed from the moment every subscriber
    /// thread is about to receive to the moment the last one has seen its end marker.
    ///
    /// - Throws: whatever RingMQ throws while setting up, publishing or receiving.
    static func pubSub(subscribers: Int, size: Int, count: Int) throws -> FanoutResult {
        precondition(size >= 5 && subscribers >= 1 && count >= 0, "fanout: SIZE >= 5, SUBS >= 1, COUNT >= 0")
        let context = Context()
        defer { context.terminate() }
        let pub = try context.socket(.pub)
        pub.sendHighWaterMark = 0
        try pub.bind(endpoint)
        var sockets: [Socket] = []
        for index in 0..<subscribers {
            let sub = try context.socket(.sub)
            sub.receiveHighWaterMark = 0
            // Subscribed before connecting: the subscription is in force when connect
            // returns, so unlike libzmq no sync probes are needed before timing starts.
            try sub.subscribe(topics[index % 4])
            try sub.connect(endpoint)
            sockets.append(sub)
        }

        let ready = ReadyCount()
        let tallies = sockets.map { _ in SubscriberTally() }
        let threads = zip(sockets, tallies).map { sub, tally in
            PeerThread {
                ready.arrive()
                do {
                    var received = 0
                    while true {
                        let kind = try sub.receive()[0].withUnsafeBytes { $0.count > 4 ? $0[4] : 0 }
                        if kind == UInt8(ascii: "D") {
                            received += 1
                        } else if kind == UInt8(ascii: "E") {
                            break
                        }
                    }
                    tally.finish(received: received)
                } catch {
                    tally.fail(error)
                }
            }
        }

        ready.wait(for: subscribers)
        let start = ContinuousClock.now
        do {
            try publish(on: pub, size: size, count: count)
        } catch {
            // Subscribers still waiting for their end marker wake with `.terminated`.
            context.terminate()
            for thread in threads { thread.join() }
            throw error
        }
        for thread in threads { thread.join() }

        var delivered = 0
        var exact = true
        var end = start
        for (index, tally) in tallies.enumerated() {
            if let error = tally.error { throw error }
            delivered += tally.received
            if tally.received != share(of: index, count: count) { exact = false }
            if let finished = tally.end, finished > end { end = finished }
        }
        return FanoutResult(
            subscribers: subscribers, size: size, published: count, delivered: delivered,
            seconds: (end - start).seconds, exact: exact)
    }

    /// Publishes `count` data messages, then one end marker per topic. Each message is built
    /// anew from one byte buffer, as `zmq_send` copies its buffer into a new message.
    private static func publish(on pub: Socket, size: Int, count: Int) throws {
        let topicWords = topics.map { topic in topic.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } }
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        payload.initializeMemory(as: UInt8.self, repeating: 0)
        defer { payload.deallocate() }
        let bytes = UnsafeRawBufferPointer(payload)

        payload[4] = UInt8(ascii: "D")
        for index in 0..<count {
            payload.storeBytes(of: topicWords[index & 3], toByteOffset: 0, as: UInt32.self)
            try pub.send(Message(Frame(copying: bytes)))
        }
        payload[4] = UInt8(ascii: "E")
        for word in topicWords {
            payload.storeBytes(of: word, toByteOffset: 0, as: UInt32.self)
            try pub.send(Message(Frame(copying: bytes)))
        }
    }
}
