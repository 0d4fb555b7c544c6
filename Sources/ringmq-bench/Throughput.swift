import RingMQ

/// One throughput result: messages per second from the first to the last message received.
struct ThroughputResult {
    let size: Int
    let count: Int
    let seconds: Double
    let wrongSize: Int

    var messagesPerSecond: Double { Double(count - 1) / seconds }

    func line(name: String) -> String {
        "\(name) size=\(size) msgs=\(count) msgs_per_s=\(Int(messagesPerSecond.rounded()))"
            + (wrongSize > 0 ? " wrong_size=\(wrongSize)" : "")
    }
}

enum Throughput {
    /// PUSH bound to `inproc://thr`, PULL connected, receiver on its own thread timing from the
    /// first to the last of `count` messages. Each message is built anew from a byte buffer,
    /// as `zmq_send` copies its buffer into a new message.
    static func pushPull(size: Int, count: Int) -> ThroughputResult {
        let context = Context()
        defer { context.terminate() }
        do {
            let push = try context.socket(.push)
            try push.bind("inproc://thr")
            let pull = try context.socket(.pull)
            try pull.connect("inproc://thr")
            let clock = Clock()
            let receiver = PeerThread {
                do {
                    var wrong = 0
                    for index in 0..<count {
                        let message = try pull.receive()
                        if index == 0 { clock.start() }
                        if message[0].count != size { wrong += 1 }
                    }
                    clock.stop(wrongSize: wrong)
                } catch {
                    fatalError("ringmq-bench thr: receive failed: \(error)")
                }
            }
            let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 8)
            payload.initializeMemory(as: UInt8.self, repeating: 0)
            defer { payload.deallocate() }
            let bytes = UnsafeRawBufferPointer(rebasing: payload[..<size])
            for _ in 0..<count {
                try push.send(Message(Frame(copying: bytes)))
            }
            receiver.join()
            return ThroughputResult(size: size, count: count, seconds: clock.seconds, wrongSize: clock.wrongSize)
        } catch {
            fatalError("ringmq-bench thr: \(error)")
        }
    }

    /// The same handoff through `AsyncStream` with `.bufferingOldest(1000)`: the producer
    /// thread retries when the buffer is full (AsyncStream has no way to wait for room), the
    /// consumer is a task.
    static func asyncStream(size: Int, count: Int) -> ThroughputResult {
        let (stream, continuation) = AsyncStream.makeStream(of: Frame.self, bufferingPolicy: .bufferingOldest(1000))
        let clock = Clock()
        let done = Latch()
        Task.detached {
            var received = 0
            var wrong = 0
            for await frame in stream {
                if received == 0 { clock.start() }
                if frame.count != size { wrong += 1 }
                received += 1
                if received == count { break }
            }
            clock.stop(wrongSize: wrong)
            done.open()
        }
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 8)
        payload.initializeMemory(as: UInt8.self, repeating: 0)
        defer { payload.deallocate() }
        let bytes = UnsafeRawBufferPointer(rebasing: payload[..<size])
        for _ in 0..<count {
            var frame = Frame(copying: bytes)
            while true {
                switch continuation.yield(frame) {
                case .enqueued: break
                case .dropped(let back):
                    frame = back
                    Yield.now()
                    continue
                case .terminated: fatalError("ringmq-bench thr-asyncstream: stream terminated early")
                @unknown default: fatalError("ringmq-bench thr-asyncstream: unknown yield result")
                }
                break
            }
        }
        done.wait()
        continuation.finish()
        return ThroughputResult(size: size, count: count, seconds: clock.seconds, wrongSize: clock.wrongSize)
    }

    /// ``pushPull(size:count:)`` with both ends as tasks using the async `send` and
    /// `receive`, which suspend instead of blocking: the cost of async next to the blocking
    /// figure. The calling thread only waits for the two tasks.
    static func pushPullAsync(size: Int, count: Int) -> ThroughputResult {
        let context = Context()
        defer { context.terminate() }
        do {
            let push = try context.socket(.push)
            try push.bind("inproc://thr-async")
            let pull = try context.socket(.pull)
            try pull.connect("inproc://thr-async")
            let clock = Clock()
            // The calling thread sleeps in a blocking receive rather than spinning for the
            // tasks: on two cores a spinning waiter would take a core from them.
            let doneReceiver = try context.socket(.pair)
            try doneReceiver.bind("inproc://thr-async-done")
            let doneSender = try context.socket(.pair)
            try doneSender.connect("inproc://thr-async-done")
            Task.detached {
                do {
                    var wrong = 0
                    for index in 0..<count {
                        let message = try await pull.receive()
                        if index == 0 { clock.start() }
                        if message[0].count != size { wrong += 1 }
                    }
                    clock.stop(wrongSize: wrong)
                } catch {
                    fatalError("ringmq-bench thr-async: receive failed: \(error)")
                }
                _ = try? doneSender.trySend("done")
            }
            Task.detached {
                let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 8)
                payload.initializeMemory(as: UInt8.self, repeating: 0)
                defer { payload.deallocate() }
                let bytes = UnsafeRawBufferPointer(rebasing: payload[..<size])
                do {
                    for _ in 0..<count {
                        try await push.send(Message(Frame(copying: bytes)))
                    }
                } catch {
                    fatalError("ringmq-bench thr-async: send failed: \(error)")
                }
            }
            _ = try doneReceiver.receive()
            return ThroughputResult(size: size, count: count, seconds: clock.seconds, wrongSize: clock.wrongSize)
        } catch {
            fatalError("ringmq-bench thr-async: \(error)")
        }
    }
}
