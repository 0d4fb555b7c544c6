import Synchronization

/// The container of sockets and of one `inproc://` endpoint namespace.
///
/// Sockets of two contexts never see each other's endpoints. A context has no background
/// thread: every operation runs on the caller's thread.
///
/// ```swift
/// let context = Context()
/// let pull = try context.socket(.pull)
/// try pull.bind("inproc://tasks")
/// ```
///
/// - Note: `Context` is thread-safe: create sockets and terminate from any thread.
public final class Context: Sendable {
    let registry = Locked(Registry())
    private let terminatedFlag = Atomic<Bool>(false)

    /// Where the timeouts of this context's sockets are measured; `nil`: the monotonic clock.
    let time: TimeSource?

    /// The scheduler of a controlled run (RingMQTesting), `nil` for every other context.
    package let controller: (any ScheduleController)?

    /// Creates a context with an empty endpoint namespace, measuring timeouts on the
    /// continuous (monotonic) clock.
    public init() {
        time = nil
        controller = nil
    }

    /// A context of a controlled run: `controller` chooses who runs at each socket call and is
    /// the clock of every timeout.
    package init(controller: any ScheduleController) {
        time = TimeSource(.scheduler(controller))
        self.controller = controller
    }

    /// Creates a context whose sockets measure every timeout (`sendTimeout`,
    /// `receiveTimeout`, `linger`, poller timeouts, async waits) on `clock`.
    ///
    /// Pass a `ManualClock` from `RingMQTesting` to make time move only when a test says so:
    /// its `advance(by:)` wakes, before it returns, exactly the waiters whose deadline has
    /// passed. Any other clock works too: an async wait sleeps on it, a blocked thread reads
    /// it at least every 10 ms. `ContinuousClock` is the default.
    public init<C: Clock>(clock: C) where C.Duration == Duration {
        controller = nil
        if clock is ContinuousClock {
            time = nil
        } else if let scheduler = clock as? any DeadlineScheduler {
            time = TimeSource(.scheduler(scheduler))
        } else {
            let start = clock.now
            time = TimeSource(
                .clock(
                    now: { start.duration(to: clock.now) },
                    sleep: { offset in try await clock.sleep(until: start.advanced(by: offset), tolerance: nil) }))
        }
    }

    /// A deadline `timeout` from now on this context's clock.
    func deadline(after timeout: Duration?) -> Deadline {
        Deadline(timeout: timeout, on: time)
    }

    /// Creates a socket of `type`.
    ///
    /// - Throws: ``RingMQError/terminated`` after ``terminate()``.
    public func socket(_ type: SocketType) throws -> Socket {
        let socket = Socket(type: type, context: self)
        let registered = registry.withLock { registry in
            guard !registry.terminated else { return false }
            registry.live[ObjectIdentifier(socket.port)] = socket.port
            return true
        }
        guard registered else {
            socket.markClosedAfterFailedCreation()
            throw RingMQError.terminated
        }
        return socket
    }

    /// Terminates the context, like `zmq_ctx_term` but without waiting.
    ///
    /// Returns promptly. Every call blocked in a socket of this context wakes and throws
    /// ``RingMQError/terminated``; every later call on those sockets (except `close()`) and
    /// every later ``socket(_:)`` throws it too. Calling it again does nothing.
    public func terminate() {
        controller?.point(SchedulePoint(call: "Context.terminate()", socket: nil))
        terminatedFlag.store(true, ordering: .sequentiallyConsistent)
        let ports = registry.withLock { registry in
            registry.terminated = true
            return Array(registry.live.values)
        }
        for port in ports {
            port.signal.notify()
            port.events.finish()
        }
    }

    /// Whether ``terminate()`` has been called. Sequentially consistent: it is the re-check of
    /// a waiter about to sleep.
    @inline(__always)
    var isTerminated: Bool { terminatedFlag.load(ordering: .sequentiallyConsistent) }
}
