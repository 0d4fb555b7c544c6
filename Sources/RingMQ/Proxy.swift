/// Forwards messages between `frontend` and `backend` until the context terminates, like
/// ZeroMQ's `zmq_proxy`.
///
/// Each message received on one socket is sent on the other, whole; with `capture`, a copy of
/// each goes there too (without waiting: if the capture socket cannot take it at once, the
/// copy is dropped, so a slow capture never stalls the proxy). A direction the sockets cannot
/// carry is skipped: a SUB frontend with a PUB backend forwards one way.
///
/// Typical shapes:
/// - XSUB frontend, XPUB backend: a forwarder. Data flows down, subscriptions flow up, so a
///   SUB behind the proxy receives only what it subscribed to.
/// - ROUTER frontend, DEALER backend: a request-reply broker.
/// - PULL frontend, PUSH backend: a pipeline streamer.
///
/// The proxy runs on the calling thread and owns the three sockets meanwhile: using them from
/// another thread is the same error as any concurrent use. Run it on a thread of its own,
/// never on a task of Swift's cooperative pool, and stop it with ``Context/terminate()``.
///
/// ```swift
/// let thread = Thread {
///     do { try proxy(frontend: xsub, backend: xpub) } catch { /* .terminated */ }
/// }
/// ```
///
/// - Throws: ``RingMQError/terminated`` when the context of any of the sockets terminates
///   (the normal way a proxy ends); ``RingMQError/invalidState(_:)`` when two of the sockets
///   are the same; ``RingMQError/operationNotSupported(_:)`` when neither direction can be
///   forwarded, or `capture` cannot send; ``RingMQError/timedOut`` when a send waits longer
///   than the receiving side's ``Socket/sendTimeout``; ``RingMQError/socketClosed``.
@available(*, noasync, message: "proxy(frontend:backend:capture:) blocks its thread for as long as it runs: start it on a thread of your own, never in a task")
public func proxy(frontend: Socket, backend: Socket, capture: Socket? = nil) throws -> Never {
    guard frontend !== backend else {
        throw RingMQError.invalidState("proxy needs two different sockets as frontend and backend")
    }
    if let capture, capture === frontend || capture === backend {
        throw RingMQError.invalidState("the capture socket must not be the frontend or the backend")
    }
    let forward = frontend.type.canReceive && backend.type.canSend
    let backward = backend.type.canReceive && frontend.type.canSend
    guard forward || backward else {
        throw RingMQError.operationNotSupported(
            "a proxy from \(frontend.type) to \(backend.type) can forward nothing: "
                + "one side must receive what the other can send (XSUB/XPUB, ROUTER/DEALER, PULL/PUSH)")
    }
    if let capture, !capture.type.canSend {
        throw RingMQError.operationNotSupported("the capture socket must be able to send; \(capture.type) cannot")
    }
    BlockingCallCheck.check("proxy(frontend:backend:capture:)")
    let sockets = [frontend, backend] + (capture.map { [$0] } ?? [])
    for socket in sockets { socket.enter(.proxy) }
    defer { for socket in sockets { socket.leave() } }
    for socket in sockets { try socket.checkUsable() }

    let watched = (forward ? [frontend] : []) + (backward ? [backend] : [])
    // The others only need waking when their context terminates.
    let others = sockets.filter { socket in !watched.contains { $0 === socket } }
    while true {
        var moved = false
        if forward { moved = try relay(from: frontend, to: backend, capture: capture) || moved }
        if backward { moved = try relay(from: backend, to: frontend, capture: capture) || moved }
        if !moved {
            _ = try Socket.waitUntil(watched + others, deadline: Deadline(timeout: nil),
                                     call: "proxy(frontend:backend:capture:)") {
                try Socket.anyReadable(watched, others: others)
            }
        }
    }
}

/// Moves up to a batch of messages from `source` to `destination`, so that neither
/// direction starves the other. Returns whether anything moved.
private func relay(from source: Socket, to destination: Socket, capture: Socket?) throws -> Bool {
    var moved = false
    for _ in 0..<64 {
        guard let message = try source.collect(timeout: .zero) else { break }
        if let capture { _ = try capture.deliver(message, timeout: .zero) }
        guard try destination.deliver(message, timeout: destination.core.pointee.options.sendTimeout) else {
            throw RingMQError.timedOut
        }
        moved = true
    }
    return moved
}
