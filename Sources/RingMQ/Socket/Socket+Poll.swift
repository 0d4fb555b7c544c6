/// Waiting on one socket, without a ``Poller`` (ZeroMQ's `zmq_poll` with one item, or
/// `ZMQ_EVENTS` with `timeout: .zero`). The same wait as a poller's, over one registration.
extension Socket {
    /// Waits up to `timeout` (`nil`: forever, `.zero`: not at all) until the socket is ready
    /// for one of `events`, blocking the thread, and returns which of them it is ready for;
    /// empty when the time ran out.
    ///
    /// ```swift
    /// if try socket.poll(.readable, timeout: .milliseconds(100)).contains(.readable) { … }
    /// ```
    ///
    /// As with a ``Poller``: `.readable` means a receive would find a message, `.writable` that
    /// a send would not wait; an event the type cannot have (`.readable` on a PUSH) never
    /// comes, so the poll waits out its timeout; being ready is a hint (a SUB may report a
    /// message its filter then drops).
    ///
    /// - Throws: ``RingMQError/socketClosed`` when the socket is closed (a poller would skip
    ///   it; a poll of this socket alone could only wait out its timeout);
    ///   ``RingMQError/terminated`` when its context terminates.
    @available(
        *, noasync,
        message:
            "the blocking poll(_:timeout:) would hold a thread of the cooperative pool; write 'try await socket.poll(_:timeout:)', which suspends the task (top-level code picks the blocking form even after await: move the call into an async function or a Task)"
    )
    public func poll(_ events: Poller.Events, timeout: Duration?) throws -> Poller.Events {
        if isClosed { throw RingMQError.socketClosed }
        return try Poller.wait([(self, events)], timeout: timeout, clockOf: self, call: "Socket.poll(_:timeout:)")
            .first?.events ?? []
    }

    /// The async form of ``poll(_:timeout:)``: suspends the task instead of blocking its
    /// thread.
    ///
    /// - Throws: `CancellationError` when the task is cancelled; as ``poll(_:timeout:)``.
    public func poll(_ events: Poller.Events, timeout: Duration?) async throws -> Poller.Events {
        if isClosed { throw RingMQError.socketClosed }
        return try await Poller.wait([(self, events)], timeout: timeout, clockOf: self, call: "Socket.poll(_:timeout:)")
            .first?.events ?? []
    }
}
