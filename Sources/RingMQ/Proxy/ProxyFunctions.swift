/// Forwards messages between `frontend` and `backend` until the context terminates, like
/// ZeroMQ's `zmq_proxy`.
///
/// Each message received on one socket is sent on the other, whole; with `capture`, a copy of
/// each goes there too (without waiting: if the capture socket cannot take it at once, the
/// copy is dropped, so a slow capture never stalls the proxy). A direction the sockets cannot
/// carry is skipped: a SUB frontend with a PUB backend forwards one way. A message waits in
/// its socket's queue until the other side has room, so neither direction holds up the other.
///
/// Typical shapes:
/// - XSUB frontend, XPUB backend: a forwarder. Data flows down, subscriptions flow up, so a
///   SUB behind the proxy receives only what it subscribed to.
/// - ROUTER frontend, DEALER backend: a request-reply broker.
/// - PULL frontend, PUSH backend: a pipeline streamer.
///
/// The proxy runs on the calling thread and owns the three sockets meanwhile: using them from
/// another thread is the same error as any concurrent use. Run it on a thread of its own,
/// never on a task of Swift's cooperative pool, and stop it with ``Context/terminate()``. A
/// ``Proxy`` does the same and can also be paused, stopped alone, run as a task, and asked
/// for statistics.
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
///   forwarded, or `capture` cannot send; ``RingMQError/timedOut`` when a message waits for
///   room longer than the receiving side's ``Socket/sendTimeout`` (only a ROUTER with
///   ``Socket/routerMandatory`` or a PUB or XPUB with ``Socket/xpubNoDrop`` makes one wait);
///   ``RingMQError/socketClosed``.
@available(
    *, noasync,
    message:
        "proxy(frontend:backend:capture:) blocks its thread for as long as it runs: start it on a thread of your own, never in a task"
)
public func proxy(frontend: Socket, backend: Socket, capture: Socket? = nil) throws -> Never {
    let proxy = try Proxy(frontend: frontend, backend: backend, capture: capture)
    try proxy.runBlocking(call: "proxy(frontend:backend:capture:)")
    // Nothing else holds this proxy, so nothing can stop it: only an error ends its run.
    fatalError("RingMQ: a proxy that nothing can stop returned")
}

/// Forwards messages between `frontend` and `backend`, steered by commands on `control`, like
/// ZeroMQ's `zmq_proxy_steerable`: returns when `control` receives `TERMINATE`.
///
/// `control` takes libzmq's commands, `PAUSE`, `RESUME`, `TERMINATE` and `STATISTICS` (see
/// ``Proxy/init(frontend:backend:capture:control:)`` for the answers). In Swift code, a
/// ``Proxy`` is steered more simply with its methods.
///
/// - Throws: as ``proxy(frontend:backend:capture:)``; ``RingMQError/operationNotSupported(_:)``
///   when `control` cannot receive, or receives a message that is not a command.
@available(
    *, noasync,
    message:
        "proxy(frontend:backend:capture:control:) blocks its thread for as long as it runs: start it on a thread of your own, or use 'try await Proxy(…).run()' in async code"
)
public func proxy(frontend: Socket, backend: Socket, capture: Socket? = nil, control: Socket) throws {
    let proxy = try Proxy(frontend: frontend, backend: backend, capture: capture, control: control)
    try proxy.runBlocking(call: "proxy(frontend:backend:capture:control:)")
}
