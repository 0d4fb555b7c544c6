import CRingMQShims

/// The Swift-concurrency surface: `send` and `receive` that suspend the task instead of
/// blocking the thread, and the received messages as an `AsyncSequence`.
///
/// A suspended call parks its task on the socket's signal, the same one a blocked thread
/// sleeps on, so blocking threads and tasks can be mixed freely, even on the two ends of one
/// connection: whoever makes progress wakes whichever kind of waiter is there.
extension Socket {
    /// Sends `message`, suspending the task (never blocking its thread) while every eligible
    /// peer queue is full or there is no peer.
    ///
    /// Honours ``sendTimeout`` and ``Context/terminate()`` like ``send(_:)``.
    ///
    /// Cancellation interrupts only the waiting: a message that can go out without waiting
    /// goes out, even from a task already cancelled, so a stage that was cancelled while it
    /// held a message still hands it on when there is room. Only when it would have to wait
    /// does a cancelled send throw `CancellationError`, and then the message has not been sent.
    ///
    /// - Throws: `CancellationError`; ``RingMQError/timedOut``; and the errors of ``send(_:)``.
    public func send(_ message: consuming Message) async throws {
        enter(.send)
        defer { leave() }
        // Cancellation is checked only once the message could not go out: a cancelled stage
        // loop must not lose the message it holds when downstream has room. A failed attempt
        // drops what it was given, so each attempt gets its own copy (a retain at most), as it
        // did when this parameter was borrowed; the sync send, which tries once, hands its
        // message on without one.
        try await suspend(
            deadline: context.deadline(after: core.pointee.options.sendTimeout),
            cancellationFirst: false,
            attempt: { try deliver(copy message, timeout: .zero) ? () : nil },
            ready: { hasRoom(for: message) })
    }

    /// Receives the next message, suspending the task (never blocking its thread) until one
    /// arrives.
    ///
    /// Honours ``receiveTimeout`` and ``Context/terminate()`` like ``receive()``. If the task
    /// is cancelled while it waits, this throws `CancellationError` and no message has been
    /// taken: the next receive gets it.
    ///
    /// - Throws: `CancellationError`; ``RingMQError/timedOut``; and the errors of ``receive()``.
    public func receive() async throws -> Message {
        enter(.receive)
        defer { leave() }
        // Cancellation is checked before each attempt: a cancelled receive takes nothing.
        return try await suspend(
            deadline: context.deadline(after: core.pointee.options.receiveTimeout),
            cancellationFirst: true,
            attempt: { try collect(timeout: .zero) },
            ready: { hasIncoming() })
    }

    /// The async wait both directions share: tries `attempt` (which never waits) until it
    /// yields a value; when it cannot, throws once the task is cancelled or the deadline has
    /// passed, polls a few times (``AsyncSpin``: a streaming peer usually has the next message
    /// ready by then, and parking and resuming a task costs far more), then parks the task on
    /// the socket's signal until `ready` says an attempt may succeed.
    private func suspend<Value>(
        deadline: Deadline, cancellationFirst: Bool, attempt: () throws -> Value?,
        ready: () -> Bool
    ) async throws -> Value {
        var watch: ClockWatch?  // made at the first park
        defer { watch?.finish() }
        while true {
            if cancellationFirst { try Task.checkCancellation() }
            if let value = try attempt() { return value }
            // Only once the attempt failed (as in `waitFor`): the first try pays nothing.
            if visitorWaits { try serveVisitor() }
            if !cancellationFirst { try Task.checkCancellation() }
            if deadline.hasPassed { throw RingMQError.timedOut }
            for _ in 0..<(isControlled ? 0 : AsyncSpin.polls) {
                AsyncSpin.pause()
                if let value = try attempt() { return value }
            }
            let clock = watch ?? ClockWatch(deadline, signal: port.signal, forTask: true)
            watch = clock
            let stillWaiting = await ParkedTask.park(
                on: port.signal, watch: clock, reason: blockedCallDescription,
                suspending: markParked, resuming: unmarkParked
            ) {
                context.isTerminated || port.mailbox.hasCommands || visitorWaits || ready()
            }
            if !stillWaiting { throw RingMQError.timedOut }
            clock.checkSafetyLimit(waiterDescription)
        }
    }

    /// The messages this socket receives, as an `AsyncSequence`: the Swift form of a
    /// callback consumer.
    ///
    /// ```swift
    /// for try await message in pull.messages {
    ///     print(message[0].string)
    /// }
    /// ```
    ///
    /// The sequence ends when the socket is closed (for example by the loop's body), and throws
    /// ``RingMQError/terminated`` when the context terminates, `CancellationError` when the task
    /// is cancelled, and ``RingMQError/timedOut`` when ``receiveTimeout`` passes with nothing
    /// received.
    public var messages: Messages { Messages(socket: self) }

    /// Runs `handler` for each message received until the socket closes; for callback-minded
    /// code (`onPull(message)` in txzmq). Runs on the calling task: start it in a task you own,
    /// and cancel that task (or terminate the context) to stop.
    ///
    /// Cancelling loses nothing the handler hands on while there is room: an async `send`
    /// in the handler delivers when it can without waiting, cancelled or not, and the loop then
    /// ends at its next receive (which takes nothing). A send that would have to wait throws
    /// `CancellationError` instead; see Docs/Async.md for keeping that message.
    ///
    /// ```swift
    /// let consumer = Task { try await pull.onMessage { message in handle(message) } }
    /// ```
    ///
    /// - Throws: whatever `handler` throws, and what ``messages`` throws.
    public func onMessage(_ handler: (Message) async throws -> Void) async throws {
        for try await message in messages {
            try await handler(message)
        }
    }

    /// The messages a socket receives, until it closes; see ``Socket/messages``.
    public struct Messages: AsyncSequence, Sendable {
        /// A message received.
        public typealias Element = Message
        let socket: Socket

        /// Makes the iterator, which receives with ``Socket/receive()-1e0i1``.
        public func makeAsyncIterator() -> Iterator {
            Iterator(socket: socket)
        }

        /// Receives one message per step.
        public struct Iterator: AsyncIteratorProtocol {
            let socket: Socket

            /// The next message, or `nil` once the socket is closed.
            public mutating func next() async throws -> Message? {
                do {
                    return try await socket.receive()
                } catch RingMQError.socketClosed {
                    return nil
                }
            }
        }
    }
}

/// The short spin of an async wait: bounded well below a scheduling quantum, so a task never
/// holds a cooperative thread for long.
enum AsyncSpin {
    static let polls = 16

    @inline(__always)
    static func pause() {
        for _ in 0..<SpinPolicy.longInterval { ringmq_cpu_relax() }
    }
}
