import CRingMQShims
import Synchronization

/// One thread at a time: each public call marks the socket busy for its duration, and a call
/// that finds it busy traps, naming both calls. `close()` and `statistics` are the exceptions:
/// they visit from any thread (``Socket/visit(_:_:)``), and a call that finds a visitor waits
/// for it to leave.
extension Socket {
    /// The public calls, each with its own case so that the trap names the right one.
    enum Operation: UInt8 {
        case send = 1
        case trySend, receive, tryReceive, bind, connect, unbind, disconnect, close
        case setOption, readOption, writeOption, subscribe, unsubscribe, statistics, subscriptions
        case proxy, poll, faults

        /// The bits of ``Socket/activity`` that name the operation; the others mark a call
        /// parked and a visitor working meanwhile (``Socket/markParked()``).
        static let mask: UInt8 = 0x1F

        var name: String {
            switch self {
            case .send: "send(_:)"
            case .trySend: "trySend(_:)"
            case .receive: "receive()"
            case .tryReceive: "tryReceive()"
            case .bind: "bind(_:)"
            case .connect: "connect(_:)"
            case .unbind: "unbind(_:)"
            case .disconnect: "disconnect(_:)"
            case .close: "close()"
            case .setOption: "setOption(_:)"
            case .readOption: "an option property's getter"
            case .writeOption: "an option property's setter"
            case .subscribe: "subscribe(_:)"
            case .unsubscribe: "unsubscribe(_:)"
            case .statistics: "statistics"
            case .subscriptions: "subscriptions"
            case .proxy: "a proxy's run (proxy(frontend:backend:capture:) or Proxy.run())"
            case .poll: "Poller.poll(timeout:)"
            case .faults: "a RingMQTesting fault"
            }
        }
    }

    /// The operation in progress (an ``Operation`` raw value), 0 when idle. Kept after the
    /// core, on the lines only the socket's user writes, not in the object: a write per call
    /// into a line a neighbouring object shares would slow the thread using that object.
    @inline(__always)
    var activity: UnsafeMutablePointer<Atomic<UInt8>> {
        Socket.activity(of: core)
    }

    @inline(__always)
    static func activity(of core: UnsafeMutablePointer<SocketCore>) -> UnsafeMutablePointer<Atomic<UInt8>> {
        (UnsafeMutableRawPointer(core) + LineAligned.trailingOffset(of: SocketCore.self))
            .assumingMemoryBound(to: Atomic<UInt8>.self)
    }

    /// The bytes kept after the core: ``activity`` and ``visitor``.
    static let trailingBytes = 2 * MemoryLayout<Atomic<UInt8>>.stride

    /// The visit in progress (a ``Visit`` raw value), 0 when none. Beside ``activity``, so
    /// that the check every call makes loads a line the call has just written anyway; only a
    /// visitor writes it, once per visit.
    @inline(__always)
    var visitor: UnsafeMutablePointer<Atomic<UInt8>> {
        Socket.activity(of: core).advanced(by: 1)
    }

    @inline(__always)
    func enter(_ operation: Operation) {
        mark(operation)
        let visit = visitor.pointee.load(ordering: .sequentiallyConsistent)
        if visit != 0 {
            // Without membarrier (and not controlled): this call's fence, inline (a call here
            // cost 40 instructions).
            if visit == Visit.fenceNeeded {
                atomicMemoryFence(ordering: .sequentiallyConsistent)
                if visitor.pointee.load(ordering: .sequentiallyConsistent) == Visit.fenceNeeded { return }
            }
            lookAside(operation)
        }
    }

    /// Names `operation` in ``activity``, trapping if another call is in.
    @inline(__always)
    private func mark(_ operation: Operation) {
        #if DEBUG
            let (exchanged, current) = activity.pointee.compareExchange(
                expected: 0, desired: operation.rawValue, ordering: .sequentiallyConsistent)
            if !exchanged { concurrentUse(operation, current) }
        #else
            // Release builds: two plain accesses instead of a locked instruction; catches most
            // overlaps, and the debug build catches every one.
            let current = activity.pointee.load(ordering: .relaxed)
            if current != 0 { concurrentUse(operation, current) }
            activity.pointee.store(operation.rawValue, ordering: .relaxed)
            // The call's half of the handshake with a visitor (see `visit`): mark the call,
            // then look for a visitor. With membarrier the visitor pays for the fence; without
            // it, the byte is never 0 and sends every call to the fence.
            ringmq_compiler_barrier()
        #endif
    }

    /// The visitor byte is not 0: a controlled run's scheduling point (a poll points once, in
    /// `Poller`, not per socket), then a visitor's check.
    @inline(never)
    private func lookAside(_ operation: Operation) {
        if operation != .poll, visitor.pointee.load(ordering: .relaxed) & Visit.controlled != 0 {
            context.controller?.point(SchedulePoint(call: operation.name, socket: self))
        }
        waitForVisitor(operation)
    }

    /// A visitor may be in: without membarrier, fence and look again; if one is, step aside
    /// until it leaves, then enter again. A call waits here only for the length of a visit (a
    /// close or a look at the counters), never for another call.
    private func waitForVisitor(_ operation: Operation) {
        while Visit.purpose(visitor.pointee.load(ordering: .sequentiallyConsistent)) != 0
            || !fencedAndNoVisitor()
        {
            activity.pointee.store(0, ordering: .sequentiallyConsistent)
            Waiter.sleep(
                on: port.visitDone, controller: context.controller,
                reason: "\(operation.name) waiting for a visitor to leave"
            ) { Visit.purpose(visitor.pointee.load(ordering: .sequentiallyConsistent)) == 0 }
            mark(operation)
        }
    }

    /// No visitor seen after a fence (needed only without membarrier, where the visitor's
    /// store may not be visible yet to the call's look).
    private func fencedAndNoVisitor() -> Bool {
        guard visitor.pointee.load(ordering: .relaxed) & Visit.fenceNeeded != 0 else { return true }
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        return Visit.purpose(visitor.pointee.load(ordering: .sequentiallyConsistent)) == 0
    }

    @inline(__always)
    func leave() {
        activity.pointee.store(0, ordering: .releasing)
    }

    /// Runs `body` as `operation`, for the calls off the message path.
    func withExclusiveUse<Result>(_ operation: Operation, _ body: () throws -> Result) rethrows -> Result {
        enter(operation)
        defer { leave() }
        return try body()
    }

    /// The name of the call in progress ("receive()"), for diagnostics.
    var operationInProgress: String {
        Operation(rawValue: activity.pointee.load(ordering: .relaxed) & Operation.mask)?.name ?? "call"
    }

    /// The call in progress, for diagnostics ("receive() on a PULL socket").
    var callInProgress: String {
        "\(operationInProgress) on a \(type) socket"
    }

    private func concurrentUse(_ operation: Operation, _ current: UInt8) -> Never {
        let other = Operation(rawValue: current & Operation.mask)?.name ?? "another call"
        controlledTrap(
            "RingMQ: \(type) socket used from two threads at once: \(operation.name) was called while "
                + "\(other) was running. A socket may move between threads but must be used by one thread "
                + "at a time; to stop a thread blocked in a socket, call close() on it from another thread (or "
                + "Context.terminate() to stop every socket of the context).", context: context)
    }
}
